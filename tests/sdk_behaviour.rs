//! Behaviour of the generated `kelviq` client against in-process mock
//! servers: authentication, servers, errors, timeouts, retries, pagination,
//! redirects, optional versus nullable fields, open enums and tracing.
//!
//! Retry delays go through a recording sleeper that returns at once, so no
//! test sleeps for a retry; only the timeout tests wait (a few hundred
//! milliseconds of server delay).

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use futures_util::{StreamExt, TryStreamExt};
use integration_tests::mock_server::{answering, answering_in_turn, requests, InTurn};
use kelviq::models::{
    CatalogFeatureFeatureType, CatalogPlan, PaginatedPlans, PlanChargeCatalogPrice,
    PlanChargeCatalogPricePaymentType, PlanChargeCatalogPricePriceModel,
    PlanChargeCatalogPriceReset, PlanPrice, PlanPriceBulkRequest, PlanPriceCreateRequest,
    PlanPriceCreateRequestPriceType, PlanPricePriceType, PlanPriceTaxBehavior,
};
use kelviq::operations::{
    DownloadCatalogPlanFileError, PublishCatalogPlanError, RetrieveCatalogPlanError,
};
use kelviq::{
    Client, ClientBuilder, Environment, Error, Redirect, RetryPolicy, Sleeper, StatusCode,
};
use serde_json::{json, Value};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Instrument, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "sk_test_behaviour_5ecr3t_t0ken";
const SANDBOX: &str = "https://sandboxapi.kelviq.com/api/v1";
const PRODUCTION: &str = "https://api.kelviq.com/api/v1";

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// Delays the client asked its sleeper for, in order.
#[derive(Clone, Default)]
struct Delays(Arc<Mutex<Vec<Duration>>>);

impl Delays {
    fn get(&self) -> Vec<Duration> {
        self.0.lock().unwrap().clone()
    }
}

/// A sleeper that records each delay and returns at once.
fn recording_sleeper() -> (Sleeper, Delays) {
    let delays = Delays::default();
    let recorder = delays.clone();
    let sleeper: Sleeper = Arc::new(move |delay| {
        recorder.0.lock().unwrap().push(delay);
        Box::pin(async {})
    });
    (sleeper, delays)
}

/// A client builder for `base_url` with the token and a recording sleeper.
fn builder_at(base_url: &str) -> (ClientBuilder, Delays) {
    let (sleeper, delays) = recording_sleeper();
    let builder = Client::builder()
        .base_url(base_url)
        .bearer_auth(TOKEN)
        .sleeper(sleeper);
    (builder, delays)
}

/// A client for `base_url` with the token and a recording sleeper.
fn client_at(base_url: &str) -> (Client, Delays) {
    let (builder, delays) = builder_at(base_url);
    (builder.build().expect("client builds"), delays)
}

fn client_for(server: &MockServer) -> (Client, Delays) {
    client_at(&server.uri())
}

/// A client for `server` with no credentials at all.
fn client_without_credentials(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client builds")
}

/// A mock server answering every request with `response`, and a client
/// for it.
async fn serve(response: ResponseTemplate) -> (MockServer, Client, Delays) {
    let server = answering(response).await;
    let (client, delays) = client_for(&server);
    (server, client, delays)
}

/// A mock server answering its requests with `responses` in turn, and a
/// client for it.
async fn serve_in_turn(responses: Vec<ResponseTemplate>) -> (MockServer, Client, Delays) {
    let server = answering_in_turn(responses).await;
    let (client, delays) = client_for(&server);
    (server, client, delays)
}

/// A mock server answering with a plan after 300 ms, and a client for it
/// that gives up after `timeout`.
async fn slow_server_and_client(timeout: Duration) -> (MockServer, Client) {
    let server = answering(ok_plan("pro").set_delay(Duration::from_millis(300))).await;
    let (builder, _) = builder_at(&server.uri());
    let client = builder.timeout(timeout).build().expect("client builds");
    (server, client)
}

/// Every `Authorization` header value of a request.
fn authorization(request: &Request) -> Vec<String> {
    request
        .headers
        .get_all("authorization")
        .iter()
        .map(|v| v.to_str().expect("ASCII header").to_owned())
        .collect()
}

fn plan(identifier: &str) -> Value {
    json!({ "identifier": identifier, "name": identifier.to_uppercase() })
}

fn ok_plan(identifier: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(plan(identifier))
}

/// The base URL of a port nothing listens on.
fn refused_base_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("local addr").port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

fn assert_no_token(what: &str, text: &str) {
    assert!(!text.contains(TOKEN), "{what} leaks the token: {text}");
}

/// Asserts `delay` lies in `[low_ms, high_ms]` milliseconds.
fn assert_between(delay: Duration, low_ms: u64, high_ms: u64) {
    assert!(
        delay >= Duration::from_millis(low_ms) && delay <= Duration::from_millis(high_ms),
        "delay {delay:?} outside [{low_ms} ms, {high_ms} ms]"
    );
}

// ---------------------------------------------------------------------------
// 1. Authentication
// ---------------------------------------------------------------------------

#[tokio::test]
async fn bearer_token_is_sent_exactly_once_as_authorization_header() {
    let (server, client, _) = serve(ok_plan("pro")).await;

    client.retrieve_catalog_plan("pro").await.expect("plan");

    let received = requests(&server).await;
    assert_eq!(received.len(), 1);
    assert_eq!(authorization(&received[0]), vec![format!("Bearer {TOKEN}")]);
}

#[tokio::test]
async fn download_without_security_sends_no_authorization_even_with_a_token() {
    let (server, client, _) =
        serve(ResponseTemplate::new(302).insert_header("location", "https://storage.example/f"))
            .await;

    client
        .download_catalog_plan_file("pro", kelviq::uuid::Uuid::nil())
        .await
        .expect("redirect");

    let received = requests(&server).await;
    assert_eq!(received.len(), 1);
    assert_eq!(authorization(&received[0]), Vec::<String>::new());
}

#[tokio::test]
async fn download_works_on_a_client_without_credentials() {
    let server = answering(
        ResponseTemplate::new(302).insert_header("location", "https://storage.example/f"),
    )
    .await;
    let client = client_without_credentials(&server);

    let redirect = client
        .download_catalog_plan_file("pro", kelviq::uuid::Uuid::nil())
        .await
        .expect("no credentials needed");
    assert_eq!(redirect.location, "https://storage.example/f");
}

#[tokio::test]
async fn token_that_cannot_be_a_header_fails_each_call_before_any_request() {
    // The client makes a credential's header once, when it is built; a
    // token that cannot be one still builds a client, and each call that
    // needs it fails saying why, without the token.
    let server = answering(ok_plan("pro")).await;
    let token = "line one\nline two";
    let client = Client::builder()
        .base_url(server.uri())
        .bearer_auth(token)
        .build()
        .expect("client builds");

    for _ in 0..2 {
        let error = client.retrieve_catalog_plan("pro").await.unwrap_err();
        match &error {
            Error::InvalidRequest(reason) => {
                assert!(reason.contains("invalid characters"), "{reason}");
            }
            other => panic!("expected InvalidRequest, got {other:?}"),
        }
        assert!(!error.to_string().contains(token), "{error}");
    }
    assert_eq!(requests(&server).await.len(), 0, "no request may go out");
}

#[tokio::test]
async fn call_needing_bearer_auth_without_credentials_fails_before_any_request() {
    let server = answering(ok_plan("pro")).await;
    let client = client_without_credentials(&server);

    let error = client.retrieve_catalog_plan("pro").await.unwrap_err();
    match &error {
        Error::MissingCredentials { operation, schemes } => {
            assert_eq!(*operation, "retrieveCatalogPlan");
            assert_eq!(schemes, &vec!["bearerAuth"]);
        }
        other => panic!("expected MissingCredentials, got {other:?}"),
    }
    assert!(error.to_string().contains("bearerAuth"), "{error}");
    assert_eq!(requests(&server).await.len(), 0, "no request may go out");
}

#[tokio::test]
async fn token_never_appears_in_client_or_builder_debug() {
    let builder = Client::builder()
        .base_url("http://127.0.0.1:9")
        .bearer_auth(TOKEN);
    assert_no_token("builder Debug", &format!("{builder:?}"));
    assert_no_token("builder Debug (alternate)", &format!("{builder:#?}"));
    let client = builder.build().expect("client builds");
    assert_no_token("client Debug", &format!("{client:?}"));
    assert_no_token("client Debug (alternate)", &format!("{client:#?}"));
    assert_no_token(
        "call Debug",
        &format!("{:?}", client.retrieve_catalog_plan("pro")),
    );
    assert_no_token("Secret Debug", &format!("{:?}", kelviq::Secret::new(TOKEN)));
}

#[tokio::test]
async fn token_never_appears_in_transport_error() {
    let (client, _) = client_at(&refused_base_url());

    let error = client.retrieve_catalog_plan("pro").await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert_no_token("transport error Display", &error.to_string());
    assert_no_token("transport error Debug", &format!("{error:?}"));
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        assert_no_token("transport error source", &format!("{cause} / {cause:?}"));
        source = cause.source();
    }
}

#[tokio::test]
async fn token_never_appears_in_401_error() {
    let (_server, client, _) =
        serve(ResponseTemplate::new(401).set_body_json(json!({"detail": "Invalid token."}))).await;

    let error = client.retrieve_catalog_plan("pro").await.unwrap_err();
    match &error {
        Error::Api(api) => assert_eq!(api.kind, RetrieveCatalogPlanError::Unauthorized),
        other => panic!("expected Api(Unauthorized), got {other:?}"),
    }
    assert_no_token("401 error Display", &error.to_string());
    assert_no_token("401 error Debug", &format!("{error:?}"));
}

// ---------------------------------------------------------------------------
// 2. Servers
// ---------------------------------------------------------------------------

#[test]
fn environments_match_the_spec_servers() {
    let spec_path = integration_tests::workspace_root().join("spec/plans/retrieve-plan.yaml");
    let spec: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(&spec_path).expect("spec readable"))
            .expect("spec is YAML");
    let servers: Vec<&str> = spec["servers"]
        .as_sequence()
        .expect("servers listed")
        .iter()
        .map(|s| s["url"].as_str().expect("server url"))
        .collect();
    assert_eq!(servers, vec![SANDBOX, PRODUCTION]);

    assert_eq!(Environment::Sandbox.base_url(), SANDBOX);
    assert_eq!(Environment::Production.base_url(), PRODUCTION);
    assert_eq!(Environment::default(), Environment::Sandbox);
    assert_eq!(
        Environment::Custom("http://localhost:1".to_owned()).base_url(),
        "http://localhost:1"
    );
}

#[tokio::test]
async fn custom_environment_routes_to_the_mock() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/catalog/plans/pro/"))
        .respond_with(ok_plan("pro"))
        .expect(1)
        .mount(&server)
        .await;
    // A trailing slash must not double the path's leading one.
    let client = Client::builder()
        .environment(Environment::Custom(format!("{}/", server.uri())))
        .bearer_auth(TOKEN)
        .build()
        .expect("client builds");

    let plan = client.retrieve_catalog_plan("pro").await.expect("plan");
    assert_eq!(plan.identifier.as_deref(), Some("pro"));
}

#[tokio::test]
async fn base_url_with_a_path_prefix_routes_to_the_mock() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/catalog/plans/pro/"))
        .respond_with(ok_plan("pro"))
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = client_at(&format!("{}/api/v1", server.uri()));

    client.retrieve_catalog_plan("pro").await.expect("plan");
}

#[tokio::test]
async fn per_call_base_url_overrides_for_that_call_only() {
    let main = answering(ok_plan("main")).await;
    let other = answering(ok_plan("other")).await;
    let (client, _) = client_for(&main);

    let first = client
        .retrieve_catalog_plan("pro")
        .base_url(other.uri())
        .await
        .expect("plan");
    let second = client.retrieve_catalog_plan("pro").await.expect("plan");

    assert_eq!(first.identifier.as_deref(), Some("other"));
    assert_eq!(second.identifier.as_deref(), Some("main"));
    assert_eq!(requests(&other).await.len(), 1);
    assert_eq!(requests(&main).await.len(), 1);
    assert_eq!(
        authorization(&requests(&other).await[0]),
        vec![format!("Bearer {TOKEN}")],
        "an explicitly chosen base URL still gets the credentials"
    );
}

#[tokio::test]
async fn override_server_redirects_the_sandbox_environment_to_the_mock() {
    let server = MockServer::start().await;
    Mock::given(path("/catalog/plans/pro/"))
        .respond_with(ok_plan("pro"))
        .expect(2)
        .mount(&server)
        .await;
    let client = Client::builder()
        .environment(Environment::Sandbox)
        .override_server(SANDBOX, server.uri())
        .bearer_auth(TOKEN)
        .build()
        .expect("client builds");
    client.retrieve_catalog_plan("pro").await.expect("plan");

    // The spec's server may be written with a trailing slash too.
    let client = Client::builder()
        .environment(Environment::Sandbox)
        .override_server(&format!("{SANDBOX}/"), format!("{}/", server.uri()))
        .bearer_auth(TOKEN)
        .build()
        .expect("client builds");
    client.retrieve_catalog_plan("pro").await.expect("plan");
}

#[tokio::test]
async fn override_server_applies_to_the_chosen_environment_only() {
    let server = answering(ok_plan("pro")).await;
    let client = Client::builder()
        .environment(Environment::Production)
        .override_server(PRODUCTION, server.uri())
        .override_server(SANDBOX, "http://127.0.0.1:9")
        .bearer_auth(TOKEN)
        .build()
        .expect("client builds");

    client.retrieve_catalog_plan("pro").await.expect("plan");
    assert_eq!(requests(&server).await.len(), 1);
}

// ---------------------------------------------------------------------------
// 3. Errors
// ---------------------------------------------------------------------------

#[tokio::test]
async fn documented_error_status_is_an_api_error_with_status_headers_and_body() {
    let body = r#"{"detail":"Not found."}"#;
    let (server, client, delays) = serve(
        ResponseTemplate::new(404)
            .insert_header("x-request-id", "req-404")
            .set_body_raw(body, "application/json"),
    )
    .await;

    let error = client.retrieve_catalog_plan("missing").await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::NOT_FOUND));
    let Error::Api(api) = error else {
        panic!("expected Error::Api, got {error:?}");
    };
    assert_eq!(api.kind, RetrieveCatalogPlanError::NotFound);
    assert_eq!(api.response.status(), StatusCode::NOT_FOUND);
    assert_eq!(api.response.headers()["x-request-id"], "req-404");
    assert_eq!(api.response.text(), body);
    assert_eq!(requests(&server).await.len(), 1, "404 is not retried");
    assert!(delays.get().is_empty());
}

#[tokio::test]
async fn undocumented_status_is_unexpected_status_with_raw_response() {
    let (_server, client, _) = serve(
        ResponseTemplate::new(418)
            .insert_header("x-request-id", "req-418")
            .set_body_string("short and stout"),
    )
    .await;

    let error = client.retrieve_catalog_plan("pro").await.unwrap_err();
    let Error::UnexpectedStatus(response) = error else {
        panic!("expected UnexpectedStatus, got {error:?}");
    };
    assert_eq!(response.status().as_u16(), 418);
    assert_eq!(response.headers()["x-request-id"], "req-418");
    assert_eq!(response.text(), "short and stout");
}

#[tokio::test]
async fn undecodable_body_is_a_decode_error_with_raw_body_and_path() {
    let body = r#"{"identifier":"pro","files":[{"name":"a.pdf","ordering":"first"}]}"#;
    let (_server, client, _) =
        serve(ResponseTemplate::new(200).set_body_raw(body, "application/json")).await;

    let error = client.retrieve_catalog_plan("pro").await.unwrap_err();
    let Error::Decode(decode) = error else {
        panic!("expected Decode, got {error:?}");
    };
    assert_eq!(decode.path, "files[0].ordering");
    assert_eq!(decode.response.status(), StatusCode::OK);
    assert_eq!(decode.response.text(), body);
    assert!(decode.to_string().contains("files[0].ordering"), "{decode}");
}

#[tokio::test]
async fn slow_server_beyond_the_timeout_is_error_timeout() {
    let (_server, client) = slow_server_and_client(Duration::from_millis(100)).await;

    let error = client.retrieve_catalog_plan("pro").await.unwrap_err();
    assert!(
        matches!(error, Error::Timeout),
        "expected Timeout, got {error:?}"
    );
    assert_eq!(error.to_string(), "the call timed out");
}

#[tokio::test]
async fn connection_refused_is_a_transport_error_not_a_timeout() {
    let (client, _) = client_at(&refused_base_url());

    let error = client.retrieve_catalog_plan("pro").await.unwrap_err();
    match &error {
        Error::Transport(inner) => assert!(inner.is_connect(), "{inner:?}"),
        Error::Timeout => panic!("connection refused reported as a timeout"),
        other => panic!("expected Transport, got {other:?}"),
    }
}

#[tokio::test]
async fn successful_send_exposes_status_and_headers() {
    let (_server, client, _) = serve(
        ok_plan("pro")
            .insert_header("x-request-id", "req-ok")
            .insert_header("x-ratelimit-remaining", "41"),
    )
    .await;

    let response = client
        .retrieve_catalog_plan("pro")
        .send()
        .await
        .expect("ok");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["x-request-id"], "req-ok");
    assert_eq!(response.headers()["x-ratelimit-remaining"], "41");
    assert_eq!(response.data().identifier.as_deref(), Some("pro"));
    assert_eq!(response.into_data().name.as_deref(), Some("PRO"));
}

// ---------------------------------------------------------------------------
// 4. Timeouts
// ---------------------------------------------------------------------------

#[tokio::test]
async fn per_call_timeout_overrides_a_longer_client_timeout() {
    let (_server, client) = slow_server_and_client(Duration::from_secs(30)).await;

    let started = Instant::now();
    let error = client
        .retrieve_catalog_plan("pro")
        .timeout(Duration::from_millis(100))
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Timeout),
        "expected Timeout, got {error:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "client timeout used"
    );
}

#[tokio::test]
async fn per_call_longer_timeout_lets_a_slow_response_through() {
    let (_server, client) = slow_server_and_client(Duration::from_millis(100)).await;

    // Without the override the client's timeout fires ...
    let error = client.retrieve_catalog_plan("pro").await.unwrap_err();
    assert!(
        matches!(error, Error::Timeout),
        "expected Timeout, got {error:?}"
    );
    // ... with it, the slow response arrives.
    let plan = client
        .retrieve_catalog_plan("pro")
        .timeout(Duration::from_secs(5))
        .await
        .expect("slow but within the call's timeout");
    assert_eq!(plan.identifier.as_deref(), Some("pro"));
}

// ---------------------------------------------------------------------------
// 5. Retries
// ---------------------------------------------------------------------------

#[tokio::test]
async fn get_retries_503_twice_then_succeeds_with_backoff_delays() {
    let (server, client, delays) = serve_in_turn(vec![
        ResponseTemplate::new(503),
        ResponseTemplate::new(503),
        ok_plan("pro"),
    ])
    .await;

    let plan = client
        .retrieve_catalog_plan("pro")
        .await
        .expect("third try");
    assert_eq!(plan.identifier.as_deref(), Some("pro"));
    assert_eq!(requests(&server).await.len(), 3);
    let delays = delays.get();
    assert_eq!(delays.len(), 2, "{delays:?}");
    assert_between(delays[0], 250, 500);
    assert_between(delays[1], 500, 1000);
}

#[tokio::test]
async fn retried_requests_repeat_the_credentials() {
    let (server, client, _) = serve_in_turn(vec![ResponseTemplate::new(503), ok_plan("pro")]).await;

    client
        .retrieve_catalog_plan("pro")
        .await
        .expect("second try");
    let received = requests(&server).await;
    assert_eq!(received.len(), 2);
    for request in &received {
        assert_eq!(authorization(request), vec![format!("Bearer {TOKEN}")]);
    }
}

#[tokio::test]
async fn retry_after_seconds_is_honoured_exactly() {
    let (server, client, delays) = serve_in_turn(vec![
        ResponseTemplate::new(429).insert_header("retry-after", "7"),
        ok_plan("pro"),
    ])
    .await;

    client
        .retrieve_catalog_plan("pro")
        .await
        .expect("second try");
    assert_eq!(delays.get(), vec![Duration::from_secs(7)]);
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn retry_after_http_date_is_honoured() {
    let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(30));
    let (_server, client, delays) = serve_in_turn(vec![
        ResponseTemplate::new(503).insert_header("retry-after", date.as_str()),
        ok_plan("pro"),
    ])
    .await;

    client
        .retrieve_catalog_plan("pro")
        .await
        .expect("second try");
    let delays = delays.get();
    assert_eq!(delays.len(), 1, "{delays:?}");
    assert_between(delays[0], 28_000, 31_000);
}

#[tokio::test]
async fn retry_after_beyond_max_delay_is_not_retried() {
    let (server, client, delays) = serve_in_turn(vec![
        ResponseTemplate::new(503).insert_header("retry-after", "31"),
        ok_plan("pro"),
    ])
    .await;

    let error = client.retrieve_catalog_plan("pro").await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert!(matches!(error, Error::UnexpectedStatus(_)), "{error:?}");
    assert_eq!(requests(&server).await.len(), 1);
    assert!(delays.get().is_empty());
}

#[tokio::test]
async fn status_408_is_retried() {
    let (server, client, delays) =
        serve_in_turn(vec![ResponseTemplate::new(408), ok_plan("pro")]).await;

    client
        .retrieve_catalog_plan("pro")
        .await
        .expect("second try");
    assert_eq!(requests(&server).await.len(), 2);
    assert_eq!(delays.get().len(), 1);
}

#[tokio::test]
async fn status_400_and_404_are_not_retried() {
    for status in [400, 404] {
        let (server, client, delays) =
            serve_in_turn(vec![ResponseTemplate::new(status), ok_plan("pro")]).await;

        let error = client.retrieve_catalog_plan("pro").await.unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(requests(&server).await.len(), 1, "status {status} retried");
        assert!(delays.get().is_empty(), "status {status} retried");
    }
}

#[tokio::test]
async fn default_policy_gives_up_after_three_requests() {
    let (server, client, delays) = serve(ResponseTemplate::new(503)).await;

    let error = client.retrieve_catalog_plan("pro").await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(requests(&server).await.len(), 3);
    assert_eq!(delays.get().len(), 2);
}

#[tokio::test]
async fn per_call_max_retries_zero_sends_one_request() {
    let (server, client, delays) = serve(ResponseTemplate::new(503)).await;

    let error = client
        .retrieve_catalog_plan("pro")
        .max_retries(0)
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(requests(&server).await.len(), 1);
    assert!(delays.get().is_empty());
}

#[tokio::test]
async fn client_max_retries_five_sends_six_requests() {
    let server = answering(ResponseTemplate::new(503)).await;
    let (builder, delays) = builder_at(&server.uri());
    let client = builder.max_retries(5).build().expect("client builds");

    client.retrieve_catalog_plan("pro").await.unwrap_err();
    assert_eq!(requests(&server).await.len(), 6);
    let delays = delays.get();
    assert_eq!(delays.len(), 5);
    // Capped at the default max_delay of 30 s.
    assert!(
        delays.iter().all(|d| *d <= Duration::from_secs(30)),
        "{delays:?}"
    );
}

#[tokio::test]
async fn custom_retry_policy_sets_retries_backoff_and_cap() {
    let server = answering(ResponseTemplate::new(502)).await;
    let (builder, delays) = builder_at(&server.uri());
    let client = builder
        .retry_policy(RetryPolicy {
            max_retries: 3,
            initial_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(300),
        })
        .build()
        .expect("client builds");

    client.retrieve_catalog_plan("pro").await.unwrap_err();
    assert_eq!(requests(&server).await.len(), 4);
    let delays = delays.get();
    assert_eq!(delays.len(), 3, "{delays:?}");
    assert_between(delays[0], 50, 100);
    assert_between(delays[1], 100, 200);
    assert_between(delays[2], 150, 300);
}

#[tokio::test]
async fn post_is_not_retried_by_default() {
    let (server, client, delays) = serve_in_turn(vec![
        ResponseTemplate::new(503),
        ResponseTemplate::new(200).set_body_json(json!({"status": "published"})),
    ])
    .await;

    let error = client.publish_catalog_plan("pro").await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(requests(&server).await.len(), 1);
    assert!(delays.get().is_empty());
}

#[tokio::test]
async fn post_is_retried_when_the_call_allows_it() {
    let (server, client, delays) = serve_in_turn(vec![
        ResponseTemplate::new(503),
        ResponseTemplate::new(503),
        ResponseTemplate::new(200).set_body_json(json!({"status": "published"})),
    ])
    .await;

    let published = client
        .publish_catalog_plan("pro")
        .retry_non_idempotent()
        .await
        .expect("third try");
    assert_eq!(published.status.as_deref(), Some("published"));
    let received = requests(&server).await;
    assert_eq!(received.len(), 3);
    assert!(received.iter().all(|r| r.method.as_str() == "POST"));
    assert_eq!(delays.get().len(), 2);
}

#[tokio::test]
async fn patch_is_not_retried_but_delete_is() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(InTurn::new(vec![
            ResponseTemplate::new(503),
            ResponseTemplate::new(204),
        ]))
        .mount(&server)
        .await;
    let (client, _) = client_for(&server);

    client
        .update_catalog_plan("pro", &Default::default())
        .await
        .unwrap_err();
    client.delete_catalog_plan("pro").await.expect("second try");

    let received = requests(&server).await;
    let count = |m: &str| received.iter().filter(|r| r.method.as_str() == m).count();
    assert_eq!(count("PATCH"), 1);
    assert_eq!(count("DELETE"), 2);
}

#[tokio::test]
async fn connection_refused_on_get_is_retried_then_transport_error() {
    let (client, delays) = client_at(&refused_base_url());

    let error = client.retrieve_catalog_plan("pro").await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    let delays = delays.get();
    assert_eq!(delays.len(), 2, "three attempts: {delays:?}");
    assert_between(delays[0], 250, 500);
    assert_between(delays[1], 500, 1000);
}

#[tokio::test]
async fn documented_428_on_post_is_an_api_error() {
    let (_server, client, _) = serve(ResponseTemplate::new(428)).await;

    let error = client.publish_catalog_plan("pro").await.unwrap_err();
    let Error::Api(api) = error else {
        panic!("expected Api, got {error:?}");
    };
    assert_eq!(api.kind, PublishCatalogPlanError::PreconditionRequired);
}

// ---------------------------------------------------------------------------
// 6. Pagination
// ---------------------------------------------------------------------------

/// Mounts `GET /catalog/plans/` pages on `server`: page 1 has no `page`
/// parameter, page n > 1 has `page=n`. Each page may be requested once.
async fn mount_page(server: &MockServer, page: u32, next: Option<String>, ids: &[&str]) {
    let results: Vec<Value> = ids.iter().map(|id| plan(id)).collect();
    let body = json!({ "count": 5, "next": next, "previous": null, "results": results });
    let mock = Mock::given(method("GET")).and(path("/catalog/plans/"));
    let mock = if page == 1 {
        mock.and(query_param_is_missing("page"))
    } else {
        mock.and(query_param("page", page.to_string()))
    };
    mock.respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(server)
        .await;
}

async fn mount_three_pages(server: &MockServer) {
    let uri = server.uri();
    mount_page(
        server,
        1,
        Some(format!("{uri}/catalog/plans/?page=2")),
        &["a", "b"],
    )
    .await;
    mount_page(
        server,
        2,
        Some(format!("{uri}/catalog/plans/?page=3")),
        &["c", "d"],
    )
    .await;
    mount_page(server, 3, None, &["e"]).await;
}

/// A mock server with [`mount_three_pages`], and a client for it.
async fn serve_three_pages() -> (MockServer, Client) {
    let server = MockServer::start().await;
    mount_three_pages(&server).await;
    let (client, _) = client_for(&server);
    (server, client)
}

fn identifiers(plans: &[CatalogPlan]) -> Vec<&str> {
    plans
        .iter()
        .map(|p| p.identifier.as_deref().unwrap_or("?"))
        .collect()
}

#[tokio::test]
async fn items_stream_every_item_of_three_pages_in_order() {
    let (server, client) = serve_three_pages().await;

    let plans: Vec<CatalogPlan> = client
        .list_catalog_plans()
        .items()
        .try_collect()
        .await
        .expect("all pages");
    assert_eq!(identifiers(&plans), vec!["a", "b", "c", "d", "e"]);

    let received = requests(&server).await;
    let queries: Vec<Option<&str>> = received.iter().map(|r| r.url.query()).collect();
    assert_eq!(queries, vec![None, Some("page=2"), Some("page=3")]);
    for request in &received {
        assert_eq!(authorization(request), vec![format!("Bearer {TOKEN}")]);
    }
    server.verify().await;
}

#[tokio::test]
async fn pages_stream_three_typed_pages() {
    let (server, client) = serve_three_pages().await;

    let pages: Vec<PaginatedPlans> = client
        .list_catalog_plans()
        .pages()
        .try_collect()
        .await
        .expect("all pages");
    assert_eq!(pages.len(), 3);
    let sizes: Vec<usize> = pages
        .iter()
        .map(|p| p.results.as_ref().map_or(0, Vec::len))
        .collect();
    assert_eq!(sizes, vec![2, 2, 1]);
    assert!(pages.iter().all(|p| p.count == Some(5)));
    assert_eq!(pages[2].next, None);
    server.verify().await;
}

#[tokio::test]
async fn next_link_on_another_host_gets_no_credentials() {
    let home = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    let home_uri = home.uri();
    mount_page(
        &home,
        1,
        Some(format!("{home_uri}/catalog/plans/?page=2")),
        &["a"],
    )
    .await;
    mount_page(
        &home,
        2,
        Some(format!("{}/catalog/plans/?page=3", elsewhere.uri())),
        &["b"],
    )
    .await;
    mount_page(&elsewhere, 3, None, &["c"]).await;
    let (client, _) = client_for(&home);

    let plans: Vec<CatalogPlan> = client
        .list_catalog_plans()
        .items()
        .try_collect()
        .await
        .expect("all pages");
    assert_eq!(identifiers(&plans), vec!["a", "b", "c"]);

    let home_requests = requests(&home).await;
    assert_eq!(home_requests.len(), 2);
    for request in &home_requests {
        assert_eq!(authorization(request), vec![format!("Bearer {TOKEN}")]);
    }
    let foreign = requests(&elsewhere).await;
    assert_eq!(foreign.len(), 1);
    assert_eq!(authorization(&foreign[0]), Vec::<String>::new());
}

#[tokio::test]
async fn page_setter_fetches_one_page_only() {
    let server = MockServer::start().await;
    let uri = server.uri();
    mount_page(
        &server,
        2,
        Some(format!("{uri}/catalog/plans/?page=3")),
        &["c", "d"],
    )
    .await;
    let (client, _) = client_for(&server);

    let page = client
        .list_catalog_plans()
        .page(2)
        .page_size(2)
        .await
        .expect("page 2");
    assert_eq!(
        identifiers(page.results.as_deref().unwrap()),
        vec!["c", "d"]
    );
    assert_eq!(page.next, Some(format!("{uri}/catalog/plans/?page=3")));

    let received = requests(&server).await;
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].url.query(), Some("page=2&page_size=2"));
}

#[tokio::test]
async fn next_link_to_the_same_page_is_an_error_not_a_loop() {
    let server = MockServer::start().await;
    let uri = server.uri();
    Mock::given(method("GET"))
        .and(path("/catalog/plans/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "next": format!("{uri}/catalog/plans/"),
            "results": [plan("a")],
        })))
        .mount(&server)
        .await;
    let (client, _) = client_for(&server);

    // Bounded, so a regression fails instead of hanging. The page holding
    // the bad link is still delivered, then the error.
    let pages: Vec<_> = client.list_catalog_plans().pages().take(5).collect().await;
    assert_eq!(pages.len(), 2, "{pages:?}");
    assert!(
        matches!(&pages[0], Ok(page) if page.results.as_ref().is_some_and(|r| r.len() == 1)),
        "{pages:?}"
    );
    assert!(
        matches!(&pages[1], Err(Error::InvalidRequest(m)) if m.contains("already fetched")),
        "{pages:?}"
    );
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn next_links_that_cycle_between_pages_end_in_an_error_not_a_loop() {
    let server = MockServer::start().await;
    let uri = server.uri();
    // Page 2 points back at page 1: a server bug the client should not
    // follow forever.
    mount_any_page_cycle(&server, &uri).await;
    let (client, _) = client_for(&server);

    let pages: Vec<_> = client.list_catalog_plans().pages().take(10).collect().await;
    assert!(
        pages.iter().any(Result::is_err),
        "followed a cycle of next links {} times without an error",
        pages.len()
    );
    assert!(requests(&server).await.len() <= 3);
}

async fn mount_any_page_cycle(server: &MockServer, uri: &str) {
    Mock::given(query_param_is_missing("page"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "next": format!("{uri}/catalog/plans/?page=2"),
            "results": [plan("a")],
        })))
        .mount(server)
        .await;
    Mock::given(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "next": format!("{uri}/catalog/plans/"),
            "results": [plan("b")],
        })))
        .mount(server)
        .await;
}

#[tokio::test]
async fn error_on_a_later_page_ends_the_stream_with_that_error() {
    let server = MockServer::start().await;
    let uri = server.uri();
    mount_page(
        &server,
        1,
        Some(format!("{uri}/catalog/plans/?page=2")),
        &["a"],
    )
    .await;
    Mock::given(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = client_for(&server);

    let items: Vec<_> = client.list_catalog_plans().items().take(5).collect().await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(items[0].as_ref().unwrap().identifier.as_deref(), Some("a"));
    assert!(matches!(&items[1], Err(Error::Api(_))), "{:?}", items[1]);
}

// ---------------------------------------------------------------------------
// 7. Redirects
// ---------------------------------------------------------------------------

#[tokio::test]
async fn download_returns_the_302_location_and_does_not_follow_it() {
    let server = MockServer::start().await;
    let storage = answering(ResponseTemplate::new(200).set_body_string("file bytes")).await;
    let location = format!("{}/files/terms.pdf?sig=abc", storage.uri());
    let file = kelviq::uuid::Uuid::parse_str("7a3e3411-cef0-4f4e-bdb6-1f74a4f4d2c0").unwrap();
    Mock::given(method("GET"))
        .and(path(format!("/catalog/plans/pro/file/{file}/download/")))
        .respond_with(ResponseTemplate::new(302).insert_header("location", location.as_str()))
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = client_for(&server);

    let response = client
        .download_catalog_plan_file("pro", file)
        .send()
        .await
        .expect("redirect is the documented success");
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(
        response.into_data(),
        Redirect {
            status: StatusCode::FOUND,
            location: location.clone(),
        }
    );
    assert_eq!(requests(&storage).await.len(), 0, "redirect was followed");
}

#[tokio::test]
async fn download_302_without_location_is_a_decode_error() {
    let (_server, client, _) = serve(ResponseTemplate::new(302)).await;

    let error = client
        .download_catalog_plan_file("pro", kelviq::uuid::Uuid::nil())
        .await
        .unwrap_err();
    let Error::Decode(decode) = error else {
        panic!("expected Decode, got {error:?}");
    };
    assert!(decode.message.contains("Location"), "{decode}");
}

#[tokio::test]
async fn download_404_is_the_documented_not_found() {
    let (_server, client, _) = serve(ResponseTemplate::new(404)).await;

    let error = client
        .download_catalog_plan_file("pro", kelviq::uuid::Uuid::nil())
        .await
        .unwrap_err();
    let Error::Api(api) = error else {
        panic!("expected Api, got {error:?}");
    };
    assert_eq!(api.kind, DownloadCatalogPlanFileError::NotFound);
}

// ---------------------------------------------------------------------------
// 8. Optional versus nullable
// ---------------------------------------------------------------------------

fn charge(feature: Option<Option<kelviq::uuid::Uuid>>) -> PlanChargeCatalogPrice {
    let mut charge =
        PlanChargeCatalogPrice::new().with_price_model(PlanChargeCatalogPricePriceModel::Flat);
    // `with_feature` sets a value; `None` and `Some(None)` are set directly.
    charge.feature = feature;
    charge
}

#[tokio::test]
async fn nullable_feature_is_omitted_null_or_set_exactly() {
    let (server, client, _) =
        serve(ResponseTemplate::new(200).set_body_json(json!({"prices": []}))).await;
    let id = kelviq::uuid::Uuid::parse_str("0d65f7c0-7e91-4f56-9b32-13a9a6a7c1de").unwrap();
    let body = PlanPriceBulkRequest::new(vec![PlanPriceCreateRequest::new(
        PlanPriceCreateRequestPriceType::Paid,
    )
    .with_currency("USD")
    .with_charge_catalog_price(vec![
        charge(None),
        charge(Some(None)),
        charge(Some(Some(id))),
    ])]);

    client
        .bulk_set_catalog_plan_prices("pro", &body)
        .await
        .expect("prices set");

    let received = requests(&server).await;
    assert_eq!(received.len(), 1);
    let sent: Value = serde_json::from_slice(&received[0].body).expect("JSON body");
    assert_eq!(
        sent,
        json!({"prices": [{
            "priceType": "PAID",
            "currency": "USD",
            "chargeCatalogPrice": [
                {"priceModel": "FLAT"},
                {"feature": null, "priceModel": "FLAT"},
                {"feature": id.to_string(), "priceModel": "FLAT"},
            ],
        }]})
    );
    assert_eq!(received[0].headers["content-type"], "application/json");
}

#[tokio::test]
async fn nullable_feature_decodes_absent_null_and_set_apart() {
    let id = "0d65f7c0-7e91-4f56-9b32-13a9a6a7c1de";
    let (_server, client, _) = serve(ResponseTemplate::new(200).set_body_json(json!({
        "next": null,
        "results": [{"chargeCatalogPrice": [{}, {"feature": null}, {"feature": id}]}],
    })))
    .await;

    let page = client.list_catalog_plan_prices("pro").await.expect("page");
    let charges = page.results.unwrap()[0]
        .charge_catalog_price
        .clone()
        .unwrap();
    let features: Vec<_> = charges.iter().map(|c| c.feature).collect();
    assert_eq!(
        features,
        vec![None, Some(None), Some(Some(id.parse().unwrap()))]
    );
}

#[tokio::test]
async fn plan_with_null_ordering_absent_fields_and_unknown_fields_decodes() {
    let (_server, client, _) = serve(ResponseTemplate::new(200).set_body_json(json!({
        "identifier": "pro",
        "ordering": null,
        "somethingNew": {"nested": [1, 2, 3]},
        "files": [{"name": "terms.pdf", "checksum": "abc"}],
    })))
    .await;

    let plan = client.retrieve_catalog_plan("pro").await.expect("decodes");
    assert_eq!(plan.identifier.as_deref(), Some("pro"));
    assert_eq!(plan.ordering, None);
    let files = plan.files.as_deref().expect("files decode");
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].name.as_deref(), Some("terms.pdf"));
    // Every other field is absent: the plan equals the one decoded from
    // the known fields alone.
    let known: CatalogPlan = serde_json::from_value(json!({
        "identifier": "pro",
        "files": [{"name": "terms.pdf"}],
    }))
    .expect("decodes");
    assert_eq!(plan, known);
}

// ---------------------------------------------------------------------------
// 9. Open enums
// ---------------------------------------------------------------------------

#[tokio::test]
async fn unknown_enum_values_decode_to_unknown_and_round_trip() {
    let price = json!({
        "priceType": "ENTERPRISE",
        "taxBehavior": "INCLUSIVE",
        "chargeCatalogPrice": [{
            "priceModel": "GRADUATED",
            "reset": "EVERY_WEEK",
            "paymentType": "PAY_AS_YOU_GO",
        }],
    });
    let (_server, client, _) =
        serve(ResponseTemplate::new(200).set_body_json(json!({"results": [price.clone()]}))).await;

    let page = client
        .list_catalog_plan_prices("pro")
        .await
        .expect("decodes");
    let decoded: PlanPrice = page.results.unwrap().remove(0);
    assert_eq!(
        decoded.price_type,
        Some(PlanPricePriceType::Unknown("ENTERPRISE".to_owned()))
    );
    assert_eq!(decoded.tax_behavior, Some(PlanPriceTaxBehavior::Inclusive));
    let charge = &decoded.charge_catalog_price.as_ref().unwrap()[0];
    assert_eq!(
        charge.price_model,
        Some(PlanChargeCatalogPricePriceModel::Unknown(
            "GRADUATED".to_owned()
        ))
    );
    assert_eq!(
        charge.reset,
        Some(PlanChargeCatalogPriceReset::Unknown(
            "EVERY_WEEK".to_owned()
        ))
    );
    assert_eq!(
        charge.payment_type,
        Some(PlanChargeCatalogPricePaymentType::PayAsYouGo)
    );
    assert_eq!(serde_json::to_value(&decoded).unwrap(), price);
}

#[tokio::test]
async fn unknown_enum_value_is_sent_unchanged() {
    let (server, client, _) =
        serve(ResponseTemplate::new(200).set_body_json(json!({"prices": []}))).await;
    let body = PlanPriceBulkRequest::new(vec![PlanPriceCreateRequest::new(
        PlanPriceCreateRequestPriceType::Unknown("TRIAL".to_owned()),
    )]);

    client
        .bulk_set_catalog_plan_prices("pro", &body)
        .await
        .expect("ok");
    let sent: Value = serde_json::from_slice(&requests(&server).await[0].body).unwrap();
    assert_eq!(sent, json!({"prices": [{"priceType": "TRIAL"}]}));
}

#[test]
fn known_enum_values_map_to_their_variants() {
    let cases = [
        ("BOOLEAN", CatalogFeatureFeatureType::Boolean),
        ("CUSTOMIZABLE", CatalogFeatureFeatureType::Customizable),
        ("METER", CatalogFeatureFeatureType::Meter),
        (
            "meter",
            CatalogFeatureFeatureType::Unknown("meter".to_owned()),
        ),
    ];
    for (text, variant) in cases {
        let decoded: CatalogFeatureFeatureType = serde_json::from_value(json!(text)).unwrap();
        assert_eq!(decoded, variant);
        assert_eq!(text.parse::<CatalogFeatureFeatureType>().unwrap(), variant);
        assert_eq!(variant.to_string(), text);
        assert_eq!(serde_json::to_value(&variant).unwrap(), json!(text));
    }
}

// ---------------------------------------------------------------------------
// 11. Observability
// ---------------------------------------------------------------------------

type Fields = BTreeMap<String, String>;

#[derive(Debug, Clone)]
struct CapturedSpan {
    name: &'static str,
    fields: Fields,
    /// The `case` of the enclosing `behaviour_test` span.
    case: Option<String>,
}

/// A layer that keeps every span (with fields recorded later) and event,
/// each tagged with the test case whose `behaviour_test` span encloses it.
///
/// It is installed once as the process's global subscriber: a thread-local
/// subscriber races with the other tests' threads over tracing's cached
/// callsite interest, and then misses spans now and then.
#[derive(Clone, Default)]
struct Capture {
    spans: Arc<Mutex<Vec<CapturedSpan>>>,
    events: Arc<Mutex<Vec<CapturedEvent>>>,
}

/// An event's fields and the test case it happened in.
type CapturedEvent = (Option<String>, Fields);

/// The global capture, installed on first use.
fn global_capture() -> &'static Capture {
    static CAPTURE: std::sync::OnceLock<Capture> = std::sync::OnceLock::new();
    CAPTURE.get_or_init(|| {
        let capture = Capture::default();
        tracing::subscriber::set_global_default(
            tracing_subscriber::registry().with(capture.clone()),
        )
        .expect("no other global subscriber in this test binary");
        capture
    })
}

impl Capture {
    /// Spans named `name` recorded inside the test case `case`.
    fn spans_of(&self, case: &str, name: &str) -> Vec<CapturedSpan> {
        self.spans
            .lock()
            .unwrap()
            .iter()
            .filter(|s| s.name == name && s.case.as_deref() == Some(case))
            .cloned()
            .collect()
    }

    /// Events recorded inside the test case `case`.
    fn events_of(&self, case: &str) -> Vec<Fields> {
        self.events
            .lock()
            .unwrap()
            .iter()
            .filter(|(c, _)| c.as_deref() == Some(case))
            .map(|(_, fields)| fields.clone())
            .collect()
    }
}

/// Index of a span in [`Capture::spans`], kept in the span's extensions.
struct Slot(usize);

/// The test case a `behaviour_test` span stands for.
struct Case(String);

fn case_of<'a, S: Subscriber + for<'l> LookupSpan<'l>>(
    scope: impl Iterator<Item = tracing_subscriber::registry::SpanRef<'a, S>>,
) -> Option<String> {
    let mut scope = scope;
    scope.find_map(|span| span.extensions().get::<Case>().map(|c| c.0.clone()))
}

struct FieldVisitor<'a>(&'a mut Fields);

impl Visit for FieldVisitor<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

impl<S> Layer<S> for Capture
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = Fields::new();
        attrs.record(&mut FieldVisitor(&mut fields));
        let Some(span) = ctx.span(id) else {
            return;
        };
        if attrs.metadata().name() == "behaviour_test" {
            if let Some(case) = fields.get("case") {
                span.extensions_mut().insert(Case(case.clone()));
            }
        }
        let case = case_of(span.scope());
        let mut spans = self.spans.lock().unwrap();
        spans.push(CapturedSpan {
            name: attrs.metadata().name(),
            fields,
            case,
        });
        span.extensions_mut().insert(Slot(spans.len() - 1));
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let Some(slot) = ctx
            .span(id)
            .and_then(|span| span.extensions().get::<Slot>().map(|s| s.0))
        else {
            return;
        };
        values.record(&mut FieldVisitor(
            &mut self.spans.lock().unwrap()[slot].fields,
        ));
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut fields = Fields::new();
        event.record(&mut FieldVisitor(&mut fields));
        let case = ctx.event_scope(event).and_then(|scope| case_of(scope));
        self.events.lock().unwrap().push((case, fields));
    }
}

#[tokio::test]
async fn each_attempt_is_an_http_request_span_with_operation_path_attempt_and_status() {
    let capture = global_capture();
    let case = "each_attempt_is_an_http_request_span";
    let (_server, client, _) = serve_in_turn(vec![
        ResponseTemplate::new(503),
        ResponseTemplate::new(429).insert_header("retry-after", "1"),
        ok_plan("pro-plan"),
    ])
    .await;

    client
        .retrieve_catalog_plan("pro-plan")
        .send()
        .instrument(tracing::info_span!("behaviour_test", case))
        .await
        .expect("third try");

    let spans = capture.spans_of(case, "http_request");
    assert_eq!(spans.len(), 3, "one span per attempt: {spans:#?}");
    for (index, (span, status)) in spans.iter().zip(["503", "429", "200"]).enumerate() {
        let field = |name: &str| span.fields.get(name).map(String::as_str);
        assert_eq!(field("operation"), Some("retrieveCatalogPlan"), "{span:?}");
        assert_eq!(field("method"), Some("GET"), "{span:?}");
        assert_eq!(
            field("path"),
            Some("/catalog/plans/{identifier}/"),
            "{span:?}"
        );
        assert_eq!(
            field("attempt"),
            Some((index + 1).to_string().as_str()),
            "{span:?}"
        );
        assert_eq!(field("status"), Some(status), "{span:?}");
    }

    let events = capture.events_of(case);
    let retrying = events
        .iter()
        .filter(|e| e.get("message").map(String::as_str) == Some("retrying"))
        .count();
    assert_eq!(retrying, 2, "{events:#?}");
    let everything = format!("{spans:?}{events:?}");
    assert_no_token("tracing output", &everything);
}

#[tokio::test]
async fn failed_attempts_without_a_response_have_spans_without_status() {
    let capture = global_capture();
    let case = "failed_attempts_without_a_response";
    let (client, _) = client_at(&refused_base_url());

    client
        .publish_catalog_plan("pro")
        .send()
        .instrument(tracing::info_span!("behaviour_test", case))
        .await
        .unwrap_err();

    let spans = capture.spans_of(case, "http_request");
    assert_eq!(spans.len(), 1, "POST is not retried: {spans:#?}");
    assert_eq!(
        spans[0].fields.get("operation").map(String::as_str),
        Some("publishCatalogPlan")
    );
    assert_eq!(
        spans[0].fields.get("method").map(String::as_str),
        Some("POST")
    );
    assert_eq!(spans[0].fields.get("status"), None);
    assert_no_token("tracing output", &format!("{spans:?}"));
}

// ---------------------------------------------------------------------------
// Behaviours that need the wider kelviq API: partner keys, edge hosts, money
// ---------------------------------------------------------------------------

const PARTNER_KEY: &str = "kvqp_partner_secret_123";

fn header_values(request: &Request, name: &str) -> Vec<String> {
    request
        .headers
        .get_all(name)
        .iter()
        .map(|v| v.to_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn partner_operations_send_the_partner_key_header_and_no_bearer_token() {
    let server = answering(ResponseTemplate::new(200).set_body_json(json!({"results": []}))).await;
    let client = Client::builder()
        .base_url(server.uri())
        .bearer_auth(TOKEN)
        .partner_key_auth(PARTNER_KEY)
        .build()
        .expect("client builds");

    client
        .list_partner_organizations()
        .send()
        .await
        .expect("partner listing succeeds");

    let received = requests(&server).await;
    assert_eq!(received.len(), 1);
    assert_eq!(
        header_values(&received[0], "x-kelviq-partner-key"),
        vec![PARTNER_KEY]
    );
    assert!(
        authorization(&received[0]).is_empty(),
        "bearer token leaked to a partner call"
    );
}

#[tokio::test]
async fn partner_call_without_a_partner_key_fails_before_sending() {
    let (server, client, _) = serve(ResponseTemplate::new(200).set_body_json(json!([]))).await;

    let error = client
        .list_partner_organizations()
        .await
        .expect_err("no partner key was configured");

    match &error {
        Error::MissingCredentials { operation, schemes } => {
            assert_eq!(*operation, "listPartnerOrganizations");
            assert_eq!(schemes, &vec!["partnerKeyAuth"]);
        }
        other => panic!("expected MissingCredentials, got {other:?}"),
    }
    assert!(error.to_string().contains("partnerKeyAuth"), "{error}");
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn partner_key_never_appears_in_debug_output() {
    let builder = Client::builder().partner_key_auth(PARTNER_KEY);
    let client = builder.clone().build().expect("client builds");
    for text in [format!("{builder:?}"), format!("{client:#?}")] {
        assert!(!text.contains(PARTNER_KEY), "partner key leaked: {text}");
    }
}

#[tokio::test]
async fn operation_servers_follow_the_chosen_environment() {
    let main = answering(ResponseTemplate::new(200).set_body_json(json!({"results": []}))).await;
    let edge = answering(ResponseTemplate::new(200).set_body_json(json!({}))).await;
    for (environment, main_url, edge_url) in [
        (
            Environment::Sandbox,
            "https://sandboxapi.kelviq.com/api/v1",
            "https://edge.sandboxapi.kelviq.com/api/v1",
        ),
        (
            Environment::Production,
            "https://api.kelviq.com/api/v1",
            "https://edge.api.kelviq.com/api/v1",
        ),
    ] {
        let client = Client::builder()
            .environment(environment.clone())
            .override_server(main_url, main.uri())
            .override_server(edge_url, edge.uri())
            .bearer_auth(TOKEN)
            .build()
            .expect("client builds");
        client
            .list_catalog_plans()
            .await
            .expect("main host answers");
        let _ = client.get_promotion("promo_1").await;
    }
    let main_paths: Vec<String> = requests(&main)
        .await
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    let edge_paths: Vec<String> = requests(&edge)
        .await
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(main_paths, vec!["/catalog/plans/", "/catalog/plans/"]);
    assert_eq!(edge_paths, vec!["/promotions", "/promotions"]);
    for request in requests(&edge).await {
        assert_eq!(query_of(&request), "promotion_id=promo_1");
        assert_eq!(authorization(&request), vec![format!("Bearer {TOKEN}")]);
    }
}

#[tokio::test]
async fn overriding_the_main_server_leaves_operation_servers_alone() {
    let main = answering(ResponseTemplate::new(200).set_body_json(json!({}))).await;
    let client = Client::builder()
        .environment(Environment::Sandbox)
        .override_server("https://sandboxapi.kelviq.com/api/v1", main.uri())
        // The edge host is pointed at a closed port: a call reaching it fails.
        .override_server(
            "https://edge.sandboxapi.kelviq.com/api/v1",
            refused_base_url(),
        )
        .bearer_auth(TOKEN)
        .max_retries(0)
        .build()
        .expect("client builds");

    let error = client
        .get_promotion("promo_1")
        .await
        .expect_err("edge host is closed");

    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert!(
        requests(&main).await.is_empty(),
        "the promotion call went to the main host"
    );
}

fn query_of(request: &Request) -> String {
    request.url.query().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn decimal_amounts_are_sent_as_the_exact_json_number() {
    let (server, client, _) =
        serve(ResponseTemplate::new(200).set_body_json(json!({"amount": 29.99}))).await;
    let request = kelviq::models::RefundCreateRequest::new("ord_1")
        .with_amount("29.99".parse().expect("a decimal"));

    client
        .create_refund(&request)
        .await
        .expect("refund succeeds");

    let received = requests(&server).await;
    let body = String::from_utf8(received[0].body.clone()).expect("UTF-8 body");
    assert!(body.contains(r#""amount":29.99"#), "{body}");
}

#[tokio::test]
async fn decimal_amounts_decode_without_passing_through_f64() {
    // 0.1 + 0.2 style values and more digits than f64 holds.
    let body = r#"{"amount": 12345678901234567.89, "status": "succeeded"}"#;
    let (_server, client, _) = serve(
        ResponseTemplate::new(200).set_body_raw(body.as_bytes().to_vec(), "application/json"),
    )
    .await;

    let refund = client
        .retrieve_refund(kelviq::uuid::Uuid::nil())
        .await
        .expect("refund decodes");

    let amount = refund.amount.expect("amount present");
    assert_eq!(amount.to_string(), "12345678901234567.89");
    let json = serde_json::to_string(&refund).expect("serializes");
    assert!(json.contains(r#""amount":12345678901234567.89"#), "{json}");
    let small: kelviq::Decimal = serde_json::from_str("29.99").expect("decimal");
    assert_eq!(
        small.value() * kelviq::rust_decimal::Decimal::from(100),
        "2999".parse().expect("decimal")
    );
}

// ---------------------------------------------------------------------------
// Media types
// ---------------------------------------------------------------------------

#[tokio::test]
async fn calls_ask_for_the_media_types_they_decode() {
    let (server, client, _) = serve(ok_plan("pro")).await;

    client.retrieve_catalog_plan("pro").await.expect("plan");

    let received = requests(&server).await;
    let accept: Vec<&str> = received[0]
        .headers
        .get_all("accept")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert_eq!(accept, ["application/json"]);
}
