//! The planner and the classifier on small documents lowered by the real
//! generator: evidence decides every class.

use std::path::Path;

use openapi_rust_gen::ir::Api;
use serde_json::json;

use crate::classify::{classify, Class};
use crate::outcome::Outcome;
use crate::plan::plan;
use crate::schema::Validators;
use crate::spec::SpecDocument;

const SPEC: &str = r##"
openapi: 3.0.3
info: { title: t, version: "1" }
paths:
  /accounts/{sid}:
    get:
      operationId: getAccount
      parameters:
        - name: sid
          in: path
          required: true
          example: "not-an-account"
          schema: { type: string, pattern: "^AC[0-9a-fA-F]{32}$" }
        - name: limit
          in: query
          example: "5"
          schema: { type: integer }
      responses:
        "200":
          description: The account.
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Account" }
  /messages:
    post:
      operationId: createMessage
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              properties:
                MediaUrl: { type: array, items: { type: string } }
      responses:
        "204": { description: Sent. }
components:
  schemas:
    Account:
      type: object
      required: [id]
      properties:
        id: { type: string }
        balance: { type: integer, format: int64 }
"##;

fn lowered() -> (Api, SpecDocument) {
    let loaded = openapi_rust_gen::load::load_text(Path::new("spec.yaml"), SPEC).expect("loads");
    let api = openapi_rust_gen::lower::lower(&loaded).expect("lowers");
    let document = serde_json::to_value(&loaded.openapi).expect("serialises");
    (api, SpecDocument::new(document))
}

fn operation<'a>(api: &'a Api, id: &str) -> &'a openapi_rust_gen::ir::Operation {
    api.operations
        .iter()
        .find(|o| o.id == id)
        .expect("the operation")
}

fn decode_failure(body: &str) -> Outcome {
    Outcome {
        operation: "getAccount".to_owned(),
        outcome: "decode_error".to_owned(),
        status: Some(200),
        detail: "at `balance`: invalid type".to_owned(),
        violations: None,
        content_type: Some("application/json".to_owned()),
        body: Some(body.to_owned()),
    }
}

#[test]
fn invalid_examples_are_spec_faults_and_made_up_values_fit_patterns() {
    let (api, document) = lowered();
    let plan = plan(&api, &document, 1);
    let op = plan
        .operations
        .iter()
        .find(|o| o.id == "getAccount")
        .expect("planned");
    assert_eq!(op.unbuildable, None);
    assert_eq!(op.spec_faults.len(), 2, "{:?}", op.spec_faults);
    assert!(
        op.spec_faults[0].contains("\"not-an-account\""),
        "{:?}",
        op.spec_faults
    );
    let sid = op.arguments[0].candidates[0]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(sid.len() == 34 && sid.starts_with("AC"), "{sid}");
    // The optional parameter's only example is invalid, so it is left out.
    assert!(op.setters.is_empty(), "{:?}", op.setters);
}

#[test]
fn a_body_that_breaks_its_schema_is_the_mocks_fault() {
    let (api, document) = lowered();
    let mut validators = Validators::new(&document);
    let op = operation(&api, "getAccount");
    let too_big = decode_failure(r#"{"id": "a", "balance": 1e30}"#);
    let verdict = classify(&too_big, op, &mut validators, true);
    assert_eq!(verdict.class, Class::MockFault, "{}", verdict.reason);
    let keywords = decode_failure(r#"{"id": "a", "balance": {"nullable": true}}"#);
    assert_eq!(
        classify(&keywords, op, &mut validators, true).class,
        Class::MockFault
    );
}

#[test]
fn a_valid_body_that_does_not_decode_is_the_clients_fault() {
    let (api, document) = lowered();
    let mut validators = Validators::new(&document);
    let valid = decode_failure(r#"{"id": "a", "balance": 3}"#);
    let verdict = classify(&valid, operation(&api, "getAccount"), &mut validators, true);
    assert_eq!(verdict.class, Class::ClientFault, "{}", verdict.reason);
}

#[test]
fn prism_problems_say_whose_fault_it_is() {
    let (api, document) = lowered();
    let mut validators = Validators::new(&document);
    let problem = |kind: &str| Outcome {
        outcome: "unexpected_status".to_owned(),
        status: Some(500),
        body: Some(
            json!({ "type": format!("https://stoplight.io/prism/errors#{kind}") }).to_string(),
        ),
        ..decode_failure("")
    };
    let op = operation(&api, "getAccount");
    let limit = classify(&problem("NO_RESPONSE_DEFINED"), op, &mut validators, true);
    assert_eq!(limit.class, Class::NotExercisable);
    let wrong = classify(&problem("NO_PATH_MATCHED_ERROR"), op, &mut validators, true);
    assert_eq!(wrong.class, Class::ClientFault);
    let deep = classify(&problem("SCHEMA_TOO_COMPLEX"), op, &mut validators, true);
    assert_eq!(deep.class, Class::NotExercisable);
    let rejected = Outcome {
        outcome: "api_error".to_owned(),
        violations: Some(
            json!([{ "location": ["request", "query", "limit"], "message": "must be integer" }])
                .to_string(),
        ),
        ..decode_failure("")
    };
    assert_eq!(
        classify(&rejected, op, &mut validators, true).class,
        Class::ClientFault
    );
    let died = Outcome {
        outcome: "transport".to_owned(),
        ..decode_failure("")
    };
    assert_eq!(
        classify(&died, op, &mut validators, false).class,
        Class::NotExercisable
    );
    assert_eq!(
        classify(&died, op, &mut validators, true).class,
        Class::ClientFault
    );
}

/// Prism looks for `filter[id]` as `filter%5bid%5d` and never finds it;
/// a name without brackets reported missing is still the client's fault.
#[test]
fn query_names_with_brackets_that_prism_never_finds_are_its_limit() {
    let (api, document) = lowered();
    let mut validators = Validators::new(&document);
    let missing = |name: &str| Outcome {
        outcome: "unexpected_status".to_owned(),
        status: Some(422),
        violations: Some(
            json!([{
                "location": ["request", "query"],
                "message": format!("Request query must have required property '{name}'")
            }])
            .to_string(),
        ),
        ..decode_failure("")
    };
    let op = operation(&api, "getAccount");
    assert_eq!(
        classify(
            &missing("filter%5borganization%5d"),
            op,
            &mut validators,
            true
        )
        .class,
        Class::NotExercisable
    );
    assert_eq!(
        classify(&missing("limit"), op, &mut validators, true).class,
        Class::ClientFault
    );
}

#[test]
fn repeated_form_keys_read_as_one_value_are_prisms_limit() {
    let (api, document) = lowered();
    let mut validators = Validators::new(&document);
    let misread = Outcome {
        operation: "createMessage".to_owned(),
        outcome: "unexpected_status".to_owned(),
        status: Some(422),
        violations: Some(
            json!([{ "location": ["body", "MediaUrl"], "message": "Request body property MediaUrl must be array" }])
                .to_string(),
        ),
        ..decode_failure("")
    };
    let form = operation(&api, "createMessage");
    assert_eq!(
        classify(&misread, form, &mut validators, true).class,
        Class::NotExercisable
    );
    // The same words about a JSON body are the client's fault.
    assert_eq!(
        classify(
            &misread,
            operation(&api, "getAccount"),
            &mut validators,
            true
        )
        .class,
        Class::ClientFault
    );
}
