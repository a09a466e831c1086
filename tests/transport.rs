//! The generated `kelviq` client's transport against wiremock: the caller's
//! own `reqwest::Client`, default and per-call headers (and invalid ones),
//! hooks that rewrite a request or count attempts across retries, and the
//! server's request id in errors. Idempotency keys are tested in the
//! `idempotency` fixture's crate (`tests/fixtures/idempotency/behaviour.rs`),
//! since kelviq declares none.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use integration_tests::mock_server::{answering, answering_in_turn, requests};
use kelviq::operations::DeleteCatalogPlanError;
use kelviq::reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION};
use kelviq::reqwest::{self, Request, Response};
use kelviq::{Attempt, BuildErrorKind, Client, ClientBuilder, Error, Hook, HookFuture, Sleeper};
use wiremock::{MockServer, ResponseTemplate};

const TOKEN: &str = "sk_test_transport_token";

/// A builder for `server` with a token and retries that do not wait.
fn builder(server: &MockServer) -> ClientBuilder {
    let sleeper: Sleeper = Arc::new(|_| Box::pin(async {}));
    Client::builder()
        .base_url(server.uri())
        .bearer_auth(TOKEN)
        .sleeper(sleeper)
}

/// The values of header `name` in the `index`th request `server` received.
async fn header_values(server: &MockServer, index: usize, name: &str) -> Vec<String> {
    requests(server).await[index]
        .headers
        .get_all(name)
        .iter()
        .map(|v| v.to_str().expect("text header").to_owned())
        .collect()
}

fn no_content() -> ResponseTemplate {
    ResponseTemplate::new(204)
}

// ---------------------------------------------------------------------------
// The caller's own client, default and per-call headers
// ---------------------------------------------------------------------------

#[tokio::test]
async fn the_callers_own_client_sends_its_headers_and_ours() {
    let server = answering(no_content()).await;
    let mut corporate = HeaderMap::new();
    corporate.insert("x-corp-proxy", HeaderValue::from_static("on"));
    let http = reqwest::Client::builder()
        .default_headers(corporate)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let client = builder(&server).http_client(http).build().unwrap();
    client.delete_catalog_plan("pro").await.unwrap();
    assert_eq!(header_values(&server, 0, "x-corp-proxy").await, ["on"]);
    assert_eq!(
        header_values(&server, 0, "user-agent").await,
        [format!("kelviq/{}", env!("CARGO_PKG_VERSION"))]
    );
    assert_eq!(
        header_values(&server, 0, "authorization").await,
        [format!("Bearer {TOKEN}")]
    );
}

#[tokio::test]
async fn default_headers_go_with_every_call_and_call_headers_replace_them() {
    let server = answering(no_content()).await;
    let client = builder(&server)
        .default_header("x-tenant", "acme")
        .default_header("x-region", "eu")
        .user_agent("billing-sync/2.1")
        .build()
        .unwrap();
    client
        .delete_catalog_plan("pro")
        .header("x-region", "us")
        .header("x-trace", "t-1")
        .header("x-trace", "t-2")
        .await
        .unwrap();
    client.delete_catalog_plan("pro").await.unwrap();

    assert_eq!(header_values(&server, 0, "x-tenant").await, ["acme"]);
    assert_eq!(header_values(&server, 0, "x-region").await, ["us"]);
    assert_eq!(header_values(&server, 0, "x-trace").await, ["t-1", "t-2"]);
    assert_eq!(
        header_values(&server, 0, "user-agent").await,
        ["billing-sync/2.1"]
    );
    // The next call has the defaults only.
    assert_eq!(header_values(&server, 1, "x-region").await, ["eu"]);
    assert!(header_values(&server, 1, "x-trace").await.is_empty());
}

#[tokio::test]
async fn invalid_default_headers_are_a_build_error() {
    let server = answering(no_content()).await;
    for (name, value) in [("bad name", "v"), ("x-ok", "line\nbreak")] {
        let error = builder(&server)
            .default_header(name, value)
            .build()
            .expect_err("an invalid header does not build");
        assert_eq!(error.kind(), BuildErrorKind::InvalidHeader, "{error}");
        assert!(!error.to_string().contains("break"), "{error}");
    }
    let error = builder(&server)
        .user_agent("agent\r\n")
        .build()
        .expect_err("an invalid user agent does not build");
    assert_eq!(error.kind(), BuildErrorKind::InvalidHeader);
}

#[tokio::test]
async fn invalid_call_headers_fail_before_sending() {
    let server = answering(no_content()).await;
    let client = builder(&server).build().unwrap();
    for (name, value) in [("bad name", "v"), ("x-ok", "secret\r\nvalue")] {
        let error = client
            .delete_catalog_plan("pro")
            .header(name, value)
            .await
            .expect_err("an invalid header is not sent");
        assert!(matches!(error, Error::InvalidHeader(_)), "{error:?}");
        assert!(!error.to_string().contains("secret"), "{error}");
    }
    assert!(requests(&server).await.is_empty());
}

// ---------------------------------------------------------------------------
// Hooks
// ---------------------------------------------------------------------------

/// Replaces the `Authorization` header with a fresh token per attempt.
struct FreshToken {
    issued: AtomicU32,
}

impl Hook for FreshToken {
    fn on_request<'a>(&'a self, request: &'a mut Request, _: &'a Attempt) -> HookFuture<'a> {
        Box::pin(async move {
            let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
            let value = HeaderValue::from_str(&format!("Bearer fresh-{n}"))?;
            request.headers_mut().insert(AUTHORIZATION, value);
            Ok(())
        })
    }
}

#[tokio::test]
async fn a_hook_rewrites_the_authorization_header_of_each_attempt() {
    let server = answering_in_turn(vec![ResponseTemplate::new(503), no_content()]).await;
    let client = builder(&server)
        .hook(FreshToken {
            issued: AtomicU32::new(0),
        })
        .build()
        .unwrap();
    client.delete_catalog_plan("pro").await.unwrap();
    assert_eq!(
        header_values(&server, 0, "authorization").await,
        ["Bearer fresh-1"]
    );
    assert_eq!(
        header_values(&server, 1, "authorization").await,
        ["Bearer fresh-2"]
    );
}

/// What a counting hook saw: attempts, statuses and failures.
#[derive(Default)]
struct Seen {
    attempts: Mutex<Vec<(&'static str, u32)>>,
    statuses: Mutex<Vec<u16>>,
    errors: AtomicU32,
}

struct Counting(Arc<Seen>);

impl Hook for Counting {
    fn on_request<'a>(&'a self, _: &'a mut Request, attempt: &'a Attempt) -> HookFuture<'a> {
        let seen = &self.0;
        Box::pin(async move {
            let mut attempts = seen.attempts.lock().map_err(|_| "poisoned")?;
            attempts.push((attempt.operation, attempt.number));
            Ok(())
        })
    }

    fn on_response(&self, response: &Response, _: &Attempt) {
        let mut statuses = self.0.statuses.lock().unwrap();
        statuses.push(response.status().as_u16());
    }

    fn on_error(&self, _: &reqwest::Error, _: &Attempt) {
        self.0.errors.fetch_add(1, Ordering::SeqCst);
    }
}

#[tokio::test]
async fn a_hook_sees_every_attempt_of_a_retried_call() {
    let server = answering_in_turn(vec![
        ResponseTemplate::new(503),
        ResponseTemplate::new(429),
        no_content(),
    ])
    .await;
    let seen = Arc::new(Seen::default());
    let client = builder(&server)
        .hook(Counting(seen.clone()))
        .build()
        .unwrap();
    client.delete_catalog_plan("pro").await.unwrap();
    assert_eq!(
        *seen.attempts.lock().unwrap(),
        [
            ("deleteCatalogPlan", 1),
            ("deleteCatalogPlan", 2),
            ("deleteCatalogPlan", 3)
        ]
    );
    assert_eq!(*seen.statuses.lock().unwrap(), [503, 429, 204]);
    assert_eq!(requests(&server).await.len(), 3);
}

#[tokio::test]
async fn a_hook_sees_each_failed_connection() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let refused = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let seen = Arc::new(Seen::default());
    let sleeper: Sleeper = Arc::new(|_| Box::pin(async {}));
    let client = Client::builder()
        .base_url(refused)
        .bearer_auth(TOKEN)
        .sleeper(sleeper)
        .hook(Counting(seen.clone()))
        .build()
        .unwrap();
    let error = client.delete_catalog_plan("pro").await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert_eq!(seen.attempts.lock().unwrap().len(), 3);
    assert_eq!(seen.errors.load(Ordering::SeqCst), 3);
}

struct Refusing;

impl Hook for Refusing {
    fn on_request<'a>(&'a self, _: &'a mut Request, _: &'a Attempt) -> HookFuture<'a> {
        Box::pin(async { Err("signing key unavailable".into()) })
    }
}

#[tokio::test]
async fn a_failing_hook_stops_the_call_before_sending() {
    let server = answering(no_content()).await;
    let client = builder(&server).hook(Refusing).build().unwrap();
    let error = client.delete_catalog_plan("pro").await.unwrap_err();
    assert!(matches!(error, Error::Hook(_)), "{error:?}");
    assert!(
        error.to_string().contains("signing key unavailable"),
        "{error}"
    );
    assert!(requests(&server).await.is_empty());
}

// ---------------------------------------------------------------------------
// Request ids
// ---------------------------------------------------------------------------

#[tokio::test]
async fn documented_errors_name_the_request_id() {
    let server =
        answering(ResponseTemplate::new(401).insert_header("x-request-id", "req_7f3a")).await;
    let client = builder(&server).build().unwrap();
    let error = client.delete_catalog_plan("pro").await.unwrap_err();
    let Error::Api(api) = &error else {
        panic!("expected a documented error, got {error:?}");
    };
    assert_eq!(api.kind, DeleteCatalogPlanError::Unauthorized);
    assert_eq!(api.request_id(), Some("req_7f3a"));
    assert_eq!(error.request_id(), Some("req_7f3a"));
    assert!(
        error.to_string().ends_with("(request id req_7f3a)"),
        "{error}"
    );
}

#[tokio::test]
async fn other_errors_with_a_response_name_the_request_id() {
    let server = answering(ResponseTemplate::new(418).insert_header("request-id", "abc-1")).await;
    let client = builder(&server).build().unwrap();
    let error = client.delete_catalog_plan("pro").await.unwrap_err();
    assert!(matches!(error, Error::UnexpectedStatus(_)), "{error:?}");
    assert_eq!(error.request_id(), Some("abc-1"));
    assert!(error.to_string().contains("(request id abc-1)"), "{error}");
}

#[tokio::test]
async fn errors_without_a_request_id_do_not_mention_one() {
    let server = answering(ResponseTemplate::new(401)).await;
    let client = builder(&server).build().unwrap();
    let error = client.delete_catalog_plan("pro").await.unwrap_err();
    assert_eq!(error.request_id(), None);
    assert!(!error.to_string().contains("request id"), "{error}");
}
