//! Every call gets a class, decided by evidence:
//!
//! - **ok**: a success, or a documented error status, decoded;
//! - **client fault**: Prism rejects the request (the driver only sends
//!   values the spec allows), a response that satisfies its schema does not
//!   decode, a valid value does not fit the generated type, a hang, a
//!   transport error while the mock is up;
//! - **mock fault**: the response breaks the spec — checked here by
//!   validating the body against the documented schema (formats included),
//!   since Prism does not always flag its own invalid responses;
//! - **not exercisable**: what Prism cannot answer (no schema to mock from,
//!   or it died).
//!
//! Spec faults (examples that break their own schemas) are found while
//! planning, see [`crate::plan`].

use openapi_rust_gen::ir::{BodyEncoding, Operation, StatusMatch};
use serde_json::Value;

use crate::outcome::{Outcome, Violation};
use crate::schema::{shorten, Direction, Validators};
use crate::spec::{essence, is_json};

/// Prism's problem types (`https://stoplight.io/prism/errors#…`) that mean
/// it could not make up an answer, rather than that the request was wrong:
/// no response to mock from, an internal error, a structured example it
/// cannot write as the non-JSON media type (`*/*`) it picked although the
/// client asked for JSON first, or a schema too deep for its generator.
const MOCK_LIMITS: [&str; 4] = [
    "NO_RESPONSE_",
    "UNKNOWN",
    "NO_COMPLEX_OBJECT_TEXT",
    "SCHEMA_TOO_COMPLEX",
];

/// The class of one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Succeeded, or a documented error status, and decoded.
    Ok,
    /// The client is wrong.
    ClientFault,
    /// The mock's response breaks the spec.
    MockFault,
    /// The mock could not answer.
    NotExercisable,
}

impl Class {
    /// Its name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Class::Ok => "ok",
            Class::ClientFault => "client fault",
            Class::MockFault => "mock fault",
            Class::NotExercisable => "not exercisable",
        }
    }
}

/// A class and the evidence for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The class.
    pub class: Class,
    /// Why, with the evidence (empty for plain successes).
    pub reason: String,
}

impl Verdict {
    fn new(class: Class, reason: impl Into<String>) -> Verdict {
        Verdict {
            class,
            reason: reason.into(),
        }
    }
}

/// The verdict on one outcome of `op`; `mock_alive` says whether the mock
/// was still running after the call.
pub fn classify(
    outcome: &Outcome,
    op: &Operation,
    validators: &mut Validators<'_>,
    mock_alive: bool,
) -> Verdict {
    let (request, _) = outcome.split_violations();
    if !request.is_empty() && request.iter().all(is_bracket_name_missed) {
        return Verdict::new(
            Class::NotExercisable,
            "Prism looks for a query parameter whose name has brackets (`filter[id]`) under a percent-encoded name it never finds, however the name is sent",
        );
    }
    if !request.is_empty() && request.iter().all(|v| is_form_array_misread(op, v)) {
        return Verdict::new(
            Class::NotExercisable,
            "Prism reads an array sent as repeated form keys (OpenAPI's default for form bodies) as one value; it expects `key[]=`",
        );
    }
    if !request.is_empty() {
        let list: Vec<String> = request.iter().map(ToString::to_string).collect();
        return Verdict::new(
            Class::ClientFault,
            format!("Prism rejects the request: {}", list.join("; ")),
        );
    }
    match outcome.outcome.as_str() {
        "ok" => Verdict::new(Class::Ok, ""),
        "api_error" => Verdict::new(
            Class::Ok,
            format!("documented error {}", status_text(outcome.status)),
        ),
        "decode_error" => decode_failure(outcome, op, validators),
        "unexpected_status" => unexpected_status(outcome, op),
        "timeout" | "transport" if !mock_alive => Verdict::new(
            Class::NotExercisable,
            format!("the mock died ({}: {})", outcome.outcome, outcome.detail),
        ),
        "value_rejected" => Verdict::new(
            Class::ClientFault,
            format!(
                "a value the schema allows does not fit the generated type: {}",
                outcome.detail
            ),
        ),
        other => Verdict::new(Class::ClientFault, format!("{other}: {}", outcome.detail)),
    }
}

/// A response that did not decode: the mock's fault if the body breaks the
/// documented schema, else the client's.
fn decode_failure(outcome: &Outcome, op: &Operation, validators: &mut Validators<'_>) -> Verdict {
    let status = outcome.status.unwrap_or_default();
    let content_type = outcome.content_type.clone().unwrap_or_default();
    let body = outcome.body.clone().unwrap_or_default();
    let failure = format!("{} (status {status}, {content_type})", outcome.detail);
    let document = validators.document();
    let Some(media) = document.response_media(op, status, &content_type) else {
        return match document.response_has_content(op, status) {
            true => Verdict::new(
                Class::MockFault,
                format!("the mock answered {status} with `{}`, a media type the spec does not document there", essence(&content_type)),
            ),
            false => Verdict::new(Class::ClientFault, failure),
        };
    };
    let Some(schema) = media.object.get("schema") else {
        return Verdict::new(Class::ClientFault, failure);
    };
    if body.is_empty() {
        return Verdict::new(
            Class::MockFault,
            format!(
                "empty {status} body where the spec declares a `{}` schema",
                media.media_type
            ),
        );
    }
    let instance = if is_json(&content_type) {
        match serde_json::from_str::<Value>(&body) {
            Ok(value) => value,
            Err(e) => {
                return Verdict::new(
                    Class::MockFault,
                    format!("the {status} body is not JSON ({e})"),
                )
            }
        }
    } else {
        Value::String(body.clone())
    };
    match validators.check(schema, &instance, Direction::Response) {
        Err(problem) => Verdict::new(
            Class::MockFault,
            format!(
                "the {status} body breaks its schema: {problem}; body: {}",
                shorten(&body, 200)
            ),
        ),
        Ok(()) => Verdict::new(
            Class::ClientFault,
            format!(
                "a response valid against its schema does not decode: {failure}; body: {}",
                shorten(&body, 200)
            ),
        ),
    }
}

/// A status the client did not expect: Prism's own problem documents say
/// whether the request was wrong or the mock could not answer.
fn unexpected_status(outcome: &Outcome, op: &Operation) -> Verdict {
    let body = outcome.body.as_deref().unwrap_or_default();
    if let Some(problem) = prism_problem(body) {
        let detail = format!("Prism: {problem} ({})", shorten(body, 300));
        return match MOCK_LIMITS.iter().any(|limit| problem.starts_with(limit)) {
            true => Verdict::new(Class::NotExercisable, detail),
            false => Verdict::new(Class::ClientFault, detail),
        };
    }
    let status = outcome.status.unwrap_or_default();
    let documented = op
        .success_statuses
        .iter()
        .any(|s| status_matches(s, status))
        || op.errors.iter().any(|e| status_matches(&e.status, status));
    match documented {
        true => Verdict::new(
            Class::ClientFault,
            format!("the documented status {status} was not recognised"),
        ),
        false => Verdict::new(
            Class::MockFault,
            format!("the mock answered {status}, which the spec does not document"),
        ),
    }
}

/// The problem type of a Prism problem document (`…#NO_PATH_MATCHED_ERROR`).
fn prism_problem(body: &str) -> Option<String> {
    let value: Value = serde_json::from_str(body).ok()?;
    let kind = value.get("type")?.as_str()?;
    kind.strip_prefix("https://stoplight.io/prism/errors#")
        .map(str::to_owned)
}

fn status_text(status: Option<u16>) -> String {
    status.map_or_else(|| "(no status)".to_owned(), |s| s.to_string())
}

fn status_matches(documented: &StatusMatch, status: u16) -> bool {
    match documented {
        StatusMatch::Code(code) => *code == status,
        StatusMatch::Class(class) => status / 100 == *class,
        StatusMatch::Default => true,
    }
}

/// A violation Prism reports on a form body's array member: it parses
/// `key=a&key=b` as a single value, so the member "must be array".
/// Whether Prism reports a required query parameter missing under a name
/// it percent-encoded itself (`filter%5bid%5d`, in lower case): it does so
/// for every name with brackets, sent raw or encoded.
fn is_bracket_name_missed(violation: &Violation) -> bool {
    let Some(name) = violation
        .message
        .strip_prefix("Request query must have required property '")
        .and_then(|rest| rest.strip_suffix('\''))
    else {
        return false;
    };
    name.contains("%5b") || name.contains("%5d")
}

fn is_form_array_misread(op: &Operation, violation: &Violation) -> bool {
    let form = op
        .body
        .as_ref()
        .is_some_and(|b| matches!(b.encoding, BodyEncoding::Form));
    form && violation.message.starts_with("Request body property")
        && violation.message.ends_with("must be array")
}
