//! End-to-end tests of the three seed operations of the generated `kelviq`
//! client (`discardCatalogPlanDraft`, `publishCatalogPlan`,
//! `updateCatalogPlan`) against an in-process mock server: the exact request
//! that goes out, and how every documented and undocumented response comes
//! back.

use integration_tests::mock_server::answering_once;
use kelviq::models::{
    CatalogPlan, LicenseConfig, LicenseConfigDurationUnit, PlanLink, PlanPublishRequest,
    PlanUpdateRequest,
};
use kelviq::operations::{
    DiscardCatalogPlanDraftError, PublishCatalogPlanError, UpdateCatalogPlanError,
};
use kelviq::{ApiError, Client, DecodeError, Error, RawResponse};
use serde_json::{json, Value};
use wiremock::{MockServer, Request, ResponseTemplate};

const TOKEN: &str = "sk_test_seed_token";
const REQUEST_ID: &str = "req-7f3a9c";

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// A client pointed at the mock server, authenticated with [`TOKEN`].
fn client_for(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .bearer_auth(TOKEN)
        .build()
        .expect("client builds")
}

/// A JSON response carrying `x-request-id`.
fn json_response(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("x-request-id", REQUEST_ID)
        .set_body_raw(body.as_bytes().to_vec(), "application/json")
}

/// The one request the server received.
async fn only_request(server: &MockServer) -> Request {
    let mut requests = server
        .received_requests()
        .await
        .expect("request recording is on");
    assert_eq!(requests.len(), 1, "exactly one request: {requests:#?}");
    requests.remove(0)
}

/// Checks method, path, the whole query string and the bearer token.
fn assert_request_line(request: &Request, method: &str, path: &str, query: Option<&str>) {
    assert_eq!(request.method.as_str(), method, "method");
    assert_eq!(request.url.path(), path, "path");
    assert_eq!(request.url.query(), query, "query string");
    let authorization = request
        .headers
        .get("authorization")
        .expect("Authorization header sent")
        .to_str()
        .expect("Authorization is ASCII");
    assert_eq!(authorization, format!("Bearer {TOKEN}"));
}

/// Checks that the request carries exactly `expected` as a JSON body.
fn assert_json_body(request: &Request, expected: &Value) {
    let content_type = request
        .headers
        .get("content-type")
        .expect("Content-Type sent with a body")
        .to_str()
        .expect("Content-Type is ASCII");
    assert_eq!(content_type, "application/json");
    let body: Value = serde_json::from_slice(&request.body).expect("request body is JSON");
    assert_eq!(&body, expected, "request body");
}

/// Checks that the request has no body and says nothing about one.
fn assert_no_body(request: &Request) {
    assert!(
        request.body.is_empty(),
        "no body expected, got {:?}",
        String::from_utf8_lossy(&request.body)
    );
    assert!(
        request.headers.get("content-type").is_none(),
        "no Content-Type expected, got {:?}",
        request.headers.get("content-type")
    );
}

/// The documented error a call ended in.
fn expect_api_error<T: std::fmt::Debug, E: std::fmt::Debug>(
    result: Result<T, Error<E>>,
) -> ApiError<E> {
    match result {
        Err(Error::Api(error)) => *error,
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

/// The undocumented-status response a call ended in.
fn expect_unexpected_status<T: std::fmt::Debug, E: std::fmt::Debug>(
    result: Result<T, Error<E>>,
) -> RawResponse {
    match result {
        Err(Error::UnexpectedStatus(response)) => *response,
        other => panic!("expected Error::UnexpectedStatus, got {other:?}"),
    }
}

/// The decoding failure a call ended in.
fn expect_decode_error<T: std::fmt::Debug, E: std::fmt::Debug>(
    result: Result<T, Error<E>>,
) -> DecodeError {
    match result {
        Err(Error::Decode(error)) => *error,
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

/// Checks that an error response kept its status, the mock's `x-request-id`
/// header and the body byte for byte.
fn assert_raw_kept(response: &RawResponse, status: u16, body: &str) {
    assert_eq!(response.status().as_u16(), status, "status");
    assert_eq!(
        response
            .headers()
            .get("x-request-id")
            .map(|v| v.to_str().expect("ASCII header")),
        Some(REQUEST_ID),
        "x-request-id header kept"
    );
    assert_eq!(response.text(), body, "body text kept verbatim");
    assert_eq!(response.body().as_ref(), body.as_bytes(), "body bytes kept");
}

/// The plan the API documents as the answer to `PATCH /catalog/plans/{identifier}/`
/// (seed 002).
fn example_plan() -> Value {
    json!({
        "identifier": "pro-monthly",
        "name": "Pro Monthly",
        "description": "Pro tier billed monthly.",
        "product": "0d65f7c0-7e91-4f56-9b32-13a9a6a7c1de",
        "metadata": {},
        "version": 3,
        "isLatest": true,
        "modifiedOn": "2025-04-12T08:21:14.910Z",
        "createdOn": "2025-03-01T08:21:14.910Z",
        "details": {
            "stripeProductId": "prod_ABC123"
        },
        "isVisible": true,
        "isImported": false,
        "countries": ["US", "IN"],
        "license": {
            "enabled": true,
            "activationLimit": 3,
            "activationLimitEnabled": true,
            "durationUnit": "YEAR",
            "durationValue": 1,
            "hasExpiry": true
        },
        "links": [
            {"name": "Product page", "url": "https://example.com/product"}
        ],
        "files": [
            {
                "id": "7a3e3411-cef0-4f4e-bdb6-1f74a4f4d2c0",
                "name": "Plan Terms.pdf",
                "file": "media/.../plans/<id>/<uuid>/terms.pdf",
                "ordering": 0,
                "enabled": true,
                "downloadUrl": "https://api.kelviq.com/api/v1/catalog/plans/pro-monthly/file/7a3e3411-cef0-4f4e-bdb6-1f74a4f4d2c0/download/"
            }
        ],
        "ordering": 1
    })
}

/// The update request of seed 002, as the typed model.
fn seed_update_request() -> PlanUpdateRequest {
    PlanUpdateRequest::new()
        .with_name("Pro Monthly (v2)")
        .with_description("Updated description.")
        .with_metadata(serde_json::Map::new())
        .with_is_visible(true)
        .with_license(
            LicenseConfig::new()
                .with_enabled(true)
                .with_activation_limit(3)
                .with_activation_limit_enabled(true)
                .with_duration_unit(LicenseConfigDurationUnit::Year)
                .with_duration_value(1)
                .with_has_expiry(true),
        )
        .with_links(vec![PlanLink::new()
            .with_name("Product page")
            .with_url("https://example.com/product")])
        .with_file_keys(vec![
            "tmp/9b1c8af2-3d4e-4f9a-8b2c-1f3e5a7b9d12/plan-terms.pdf".to_owned(),
        ])
}

/// The update request of seed 002, as the curl example sends it.
fn seed_update_json() -> Value {
    json!({
        "name": "Pro Monthly (v2)",
        "description": "Updated description.",
        "metadata": {},
        "isVisible": true,
        "license": {
            "enabled": true,
            "activationLimit": 3,
            "activationLimitEnabled": true,
            "durationUnit": "YEAR",
            "durationValue": 1,
            "hasExpiry": true
        },
        "links": [
            {"name": "Product page", "url": "https://example.com/product"}
        ],
        "fileKeys": [
            "tmp/9b1c8af2-3d4e-4f9a-8b2c-1f3e5a7b9d12/plan-terms.pdf"
        ]
    })
}

/// Checks every field of a decoded [`example_plan`].
fn assert_is_example_plan(plan: &CatalogPlan) {
    assert_eq!(plan.identifier.as_deref(), Some("pro-monthly"));
    assert_eq!(plan.name.as_deref(), Some("Pro Monthly"));
    assert_eq!(
        plan.description.as_deref(),
        Some("Pro tier billed monthly.")
    );
    assert_eq!(
        plan.product.map(|id| id.to_string()).as_deref(),
        Some("0d65f7c0-7e91-4f56-9b32-13a9a6a7c1de")
    );
    assert_eq!(plan.metadata, Some(serde_json::Map::new()));
    assert_eq!(plan.version, Some(3));
    assert_eq!(plan.is_latest, Some(true));
    assert_eq!(
        plan.modified_on.map(|t| t.to_rfc3339()).as_deref(),
        Some("2025-04-12T08:21:14.910+00:00")
    );
    assert_eq!(
        plan.created_on.map(|t| t.to_rfc3339()).as_deref(),
        Some("2025-03-01T08:21:14.910+00:00")
    );
    let details = plan.details.as_ref().expect("details");
    assert_eq!(details.len(), 1);
    assert_eq!(details.get("stripeProductId"), Some(&json!("prod_ABC123")));
    assert_eq!(plan.is_visible, Some(true));
    assert_eq!(plan.is_imported, Some(false));
    assert_eq!(plan.countries, Some(vec!["US".to_owned(), "IN".to_owned()]));

    let license = plan.license.as_ref().expect("license");
    assert_eq!(license.enabled, Some(true));
    assert_eq!(license.activation_limit, Some(3));
    assert_eq!(license.activation_limit_enabled, Some(true));
    assert_eq!(license.duration_unit, Some(LicenseConfigDurationUnit::Year));
    assert_eq!(license.duration_value, Some(1));
    assert_eq!(license.has_expiry, Some(true));

    let links = plan.links.as_ref().expect("links");
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].name.as_deref(), Some("Product page"));
    assert_eq!(links[0].url.as_deref(), Some("https://example.com/product"));

    let files = plan.files.as_ref().expect("files");
    assert_eq!(files.len(), 1);
    let file = &files[0];
    assert_eq!(
        file.id.map(|id| id.to_string()).as_deref(),
        Some("7a3e3411-cef0-4f4e-bdb6-1f74a4f4d2c0")
    );
    assert_eq!(file.name.as_deref(), Some("Plan Terms.pdf"));
    assert_eq!(
        file.file.as_deref(),
        Some("media/.../plans/<id>/<uuid>/terms.pdf")
    );
    assert_eq!(file.ordering, Some(0));
    assert_eq!(file.enabled, Some(true));
    assert_eq!(
        file.download_url.as_deref(),
        Some("https://api.kelviq.com/api/v1/catalog/plans/pro-monthly/file/7a3e3411-cef0-4f4e-bdb6-1f74a4f4d2c0/download/")
    );
    assert_eq!(plan.ordering, Some(1));
}

/// An identifier with characters that must not leak into the path structure,
/// and how it must look as one percent-encoded segment.
const AWKWARD_IDENTIFIER: &str = "pro monthly/v2?x#y%";
const AWKWARD_SEGMENT: &str = "pro%20monthly%2Fv2%3Fx%23y%25";

// ---------------------------------------------------------------------------
// discardCatalogPlanDraft: DELETE /catalog/plans/{identifier}/discard/
// ---------------------------------------------------------------------------

#[tokio::test]
async fn discard_204_returns_unit_and_sends_a_bare_delete() {
    let server =
        answering_once(ResponseTemplate::new(204).insert_header("x-request-id", REQUEST_ID)).await;

    let response = client_for(&server)
        .discard_catalog_plan_draft("pro-monthly")
        .send()
        .await
        .expect("204 is a success");

    assert_eq!(response.status().as_u16(), 204);
    assert_eq!(
        response.headers().get("x-request-id").map(|v| v.as_bytes()),
        Some(REQUEST_ID.as_bytes())
    );
    let (): () = response.into_data();

    let request = only_request(&server).await;
    assert_request_line(
        &request,
        "DELETE",
        "/catalog/plans/pro-monthly/discard/",
        None,
    );
    assert_no_body(&request);
}

#[tokio::test]
async fn discard_documented_errors_are_typed_and_keep_the_response() {
    let cases = [
        (
            400,
            DiscardCatalogPlanDraftError::BadRequest,
            r#"{"detail": "Plan is already published; cannot be discarded."}"#,
        ),
        (
            401,
            DiscardCatalogPlanDraftError::Unauthorized,
            r#"{"detail":"Invalid API key."}"#,
        ),
    ];
    for (status, kind, body) in cases {
        let server = answering_once(json_response(status, body)).await;

        let error = expect_api_error(
            client_for(&server)
                .discard_catalog_plan_draft("pro-monthly")
                .await,
        );

        assert_eq!(error.kind, kind, "status {status}");
        assert_raw_kept(&error.response, status, body);
        let request = only_request(&server).await;
        assert_request_line(
            &request,
            "DELETE",
            "/catalog/plans/pro-monthly/discard/",
            None,
        );
    }
}

#[tokio::test]
async fn discard_undocumented_status_is_unexpected_and_keeps_the_response() {
    let body = "<html><body>503 Service Unavailable</body></html>";
    let server = answering_once(
        ResponseTemplate::new(503)
            .insert_header("x-request-id", REQUEST_ID)
            .set_body_raw(body.as_bytes().to_vec(), "text/html"),
    )
    .await;

    // 503 is retryable; this test is about the error, not the retries.
    let result = client_for(&server)
        .discard_catalog_plan_draft("pro-monthly")
        .max_retries(0)
        .await;
    let response = expect_unexpected_status(result);

    assert_raw_kept(&response, 503, body);
}

#[tokio::test]
async fn discard_percent_encodes_the_identifier_into_one_segment() {
    let server = answering_once(ResponseTemplate::new(204)).await;

    client_for(&server)
        .discard_catalog_plan_draft(AWKWARD_IDENTIFIER)
        .await
        .expect("204 is a success");

    let request = only_request(&server).await;
    assert_request_line(
        &request,
        "DELETE",
        &format!("/catalog/plans/{AWKWARD_SEGMENT}/discard/"),
        None,
    );
    assert_eq!(
        request.url.fragment(),
        None,
        "`#` must not start a fragment"
    );
}

// ---------------------------------------------------------------------------
// publishCatalogPlan: POST /catalog/plans/{identifier}/publish/
// ---------------------------------------------------------------------------

#[tokio::test]
async fn publish_without_body_sends_no_body_and_decodes_the_status() {
    let server = answering_once(json_response(200, r#"{"status": "published"}"#)).await;

    let published = client_for(&server)
        .publish_catalog_plan("pro-monthly")
        .await
        .expect("200 is a success");

    assert_eq!(published.status.as_deref(), Some("published"));
    let request = only_request(&server).await;
    assert_request_line(
        &request,
        "POST",
        "/catalog/plans/pro-monthly/publish/",
        None,
    );
    assert_no_body(&request);
}

#[tokio::test]
async fn publish_with_body_leaves_unset_fields_out() {
    let server = answering_once(json_response(200, r#"{"status":"published"}"#)).await;

    let options = PlanPublishRequest::new().with_update_features(true);
    let response = client_for(&server)
        .publish_catalog_plan("pro-monthly")
        .body(&options)
        .send()
        .await
        .expect("200 is a success");

    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.data().status.as_deref(), Some("published"));
    let request = only_request(&server).await;
    assert_request_line(
        &request,
        "POST",
        "/catalog/plans/pro-monthly/publish/",
        None,
    );
    assert_json_body(&request, &json!({"updateFeatures": true}));
    let sent: Value = serde_json::from_slice(&request.body).expect("JSON body");
    assert!(
        sent.get("updatePricing").is_none(),
        "updatePricing must be absent, not null: {sent}"
    );
}

#[tokio::test]
async fn publish_with_both_flags_sends_both() {
    let server = answering_once(json_response(200, r#"{"status":"published"}"#)).await;

    client_for(&server)
        .publish_catalog_plan("pro-monthly")
        .body(
            &PlanPublishRequest::new()
                .with_update_features(false)
                .with_update_pricing(true),
        )
        .await
        .expect("200 is a success");

    let request = only_request(&server).await;
    assert_json_body(
        &request,
        &json!({"updateFeatures": false, "updatePricing": true}),
    );
}

#[tokio::test]
async fn publish_documented_errors_are_typed_and_keep_the_response() {
    let cases = [
        (
            400,
            PublishCatalogPlanError::BadRequest,
            r#"{"detail": "Plan has no price."}"#,
        ),
        (
            401,
            PublishCatalogPlanError::Unauthorized,
            r#"{"detail":"Authentication credentials were not provided."}"#,
        ),
        (
            428,
            PublishCatalogPlanError::PreconditionRequired,
            r#"{"detail":"Billing provider not authenticated."}"#,
        ),
    ];
    for (status, kind, body) in cases {
        let server = answering_once(json_response(status, body)).await;

        let error = expect_api_error(
            client_for(&server)
                .publish_catalog_plan("pro-monthly")
                .await,
        );

        assert_eq!(error.kind, kind, "status {status}");
        assert_raw_kept(&error.response, status, body);
        let request = only_request(&server).await;
        assert_request_line(
            &request,
            "POST",
            "/catalog/plans/pro-monthly/publish/",
            None,
        );
    }
}

#[tokio::test]
async fn publish_undocumented_status_is_unexpected_and_keeps_the_response() {
    let body = r#"{"detail":"upstream timeout"}"#;
    let server = answering_once(json_response(503, body)).await;

    let result = client_for(&server)
        .publish_catalog_plan("pro-monthly")
        .await;
    let response = expect_unexpected_status(result);

    assert_raw_kept(&response, 503, body);
}

#[tokio::test]
async fn publish_malformed_success_body_is_a_decode_error() {
    let body = r#"{"status": 42}"#;
    let server = answering_once(json_response(200, body)).await;

    let error = expect_decode_error(
        client_for(&server)
            .publish_catalog_plan("pro-monthly")
            .await,
    );

    assert_eq!(error.path, "status");
    assert!(!error.message.is_empty(), "a reason is given");
    assert_raw_kept(&error.response, 200, body);
}

// ---------------------------------------------------------------------------
// updateCatalogPlan: PATCH /catalog/plans/{identifier}/
// ---------------------------------------------------------------------------

#[tokio::test]
async fn update_sends_the_seed_request_and_decodes_the_plan() {
    let plan_body = example_plan().to_string();
    let server = answering_once(json_response(200, &plan_body)).await;

    let response = client_for(&server)
        .update_catalog_plan("pro-monthly", &seed_update_request())
        .version(3)
        .send()
        .await
        .expect("200 is a success");

    assert_eq!(response.status().as_u16(), 200);
    assert_is_example_plan(response.data());
    let request = only_request(&server).await;
    assert_request_line(
        &request,
        "PATCH",
        "/catalog/plans/pro-monthly/",
        Some("version=3"),
    );
    assert_json_body(&request, &seed_update_json());
}

#[tokio::test]
async fn update_with_only_a_name_sends_only_the_name_and_no_version() {
    let server = answering_once(json_response(200, &example_plan().to_string())).await;

    let plan = client_for(&server)
        .update_catalog_plan(
            "pro-monthly",
            &PlanUpdateRequest::new().with_name("Pro Monthly (v2)"),
        )
        .await
        .expect("200 is a success");

    assert_eq!(plan.identifier.as_deref(), Some("pro-monthly"));
    let request = only_request(&server).await;
    assert_request_line(&request, "PATCH", "/catalog/plans/pro-monthly/", None);
    assert_json_body(&request, &json!({"name": "Pro Monthly (v2)"}));
}

#[tokio::test]
async fn update_documented_401_is_typed_and_keeps_the_response() {
    let body = r#"{"detail":"Invalid API key."}"#;
    let server = answering_once(json_response(401, body)).await;

    let error = expect_api_error(
        client_for(&server)
            .update_catalog_plan("pro-monthly", &seed_update_request())
            .version(2)
            .await,
    );

    assert_eq!(error.kind, UpdateCatalogPlanError::Unauthorized);
    assert_raw_kept(&error.response, 401, body);
    let request = only_request(&server).await;
    assert_request_line(
        &request,
        "PATCH",
        "/catalog/plans/pro-monthly/",
        Some("version=2"),
    );
    assert_json_body(&request, &seed_update_json());
}

#[tokio::test]
async fn update_undocumented_status_is_unexpected_and_keeps_the_response() {
    let body = r#"{"detail":"No CatalogPlan matches the given query."}"#;
    let server = answering_once(json_response(404, body)).await;

    let result = client_for(&server)
        .update_catalog_plan("missing-plan", &seed_update_request())
        .await;
    let response = expect_unexpected_status(result);

    assert_raw_kept(&response, 404, body);
}

#[tokio::test]
async fn update_malformed_plan_is_a_decode_error_with_its_path() {
    let cases = [
        (
            json!({"identifier": "pro-monthly", "version": "three"}),
            "version",
        ),
        (
            json!({"license": {"durationValue": "one"}}),
            "license.durationValue",
        ),
        (json!({"files": [{"id": "not-a-uuid"}]}), "files[0].id"),
    ];
    for (plan, expected_path) in cases {
        let body = plan.to_string();
        let server = answering_once(json_response(200, &body)).await;

        let error = expect_decode_error(
            client_for(&server)
                .update_catalog_plan("pro-monthly", &seed_update_request())
                .await,
        );

        assert_eq!(error.path, expected_path, "for body {body}");
        assert!(!error.message.is_empty(), "a reason is given");
        assert_raw_kept(&error.response, 200, &body);
    }
}

#[tokio::test]
async fn update_unknown_duration_unit_is_kept_as_unknown() {
    let mut plan = example_plan();
    plan["license"]["durationUnit"] = json!("DECADE");
    let server = answering_once(json_response(200, &plan.to_string())).await;

    let decoded = client_for(&server)
        .update_catalog_plan("pro-monthly", &seed_update_request())
        .await
        .expect("an unknown enum value still decodes");

    let unit = decoded
        .license
        .as_ref()
        .and_then(|license| license.duration_unit.clone())
        .expect("durationUnit present");
    assert_eq!(
        unit,
        LicenseConfigDurationUnit::Unknown("DECADE".to_owned())
    );
    assert_eq!(unit.as_str(), "DECADE");
    assert_eq!(
        serde_json::to_value(&unit).expect("serializes"),
        json!("DECADE"),
        "the unknown value round-trips"
    );
}

#[tokio::test]
async fn update_percent_encodes_the_identifier_into_one_segment() {
    let server = answering_once(json_response(200, &example_plan().to_string())).await;

    client_for(&server)
        .update_catalog_plan(AWKWARD_IDENTIFIER, &PlanUpdateRequest::new().with_name("x"))
        .version(1)
        .await
        .expect("200 is a success");

    let request = only_request(&server).await;
    assert_request_line(
        &request,
        "PATCH",
        &format!("/catalog/plans/{AWKWARD_SEGMENT}/"),
        Some("version=1"),
    );
    assert_json_body(&request, &json!({"name": "x"}));
}
