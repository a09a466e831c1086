//! wiremock set-up shared by the behaviour tests of the generated client:
//! a mock server answering every request with one response, or with a list
//! of responses in turn, and the requests it received.

use std::sync::atomic::{AtomicUsize, Ordering};

use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Answers with each response in turn, then repeats the last one.
pub struct InTurn {
    responses: Vec<ResponseTemplate>,
    served: AtomicUsize,
}

impl InTurn {
    /// A responder for `responses`, which must not be empty.
    pub fn new(responses: Vec<ResponseTemplate>) -> Self {
        assert!(!responses.is_empty(), "InTurn needs a response");
        InTurn {
            responses,
            served: AtomicUsize::new(0),
        }
    }
}

impl Respond for InTurn {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let index = self.served.fetch_add(1, Ordering::SeqCst);
        self.responses[index.min(self.responses.len() - 1)].clone()
    }
}

/// Answers every request on `server` with `response`.
pub async fn mount_any(server: &MockServer, response: ResponseTemplate) {
    Mock::given(any())
        .respond_with(response)
        .mount(server)
        .await;
}

/// Answers every request on `server` with `responses`, in turn.
pub async fn mount_in_turn(server: &MockServer, responses: Vec<ResponseTemplate>) {
    Mock::given(any())
        .respond_with(InTurn::new(responses))
        .mount(server)
        .await;
}

/// A started server answering every request with `response`.
pub async fn answering(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    mount_any(&server, response).await;
    server
}

/// A started server answering its requests with `responses`, in turn.
pub async fn answering_in_turn(responses: Vec<ResponseTemplate>) -> MockServer {
    let server = MockServer::start().await;
    mount_in_turn(&server, responses).await;
    server
}

/// A started server answering with `response` and expecting exactly one
/// request, checked when the server is dropped.
pub async fn answering_once(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(response)
        .expect(1)
        .mount(&server)
        .await;
    server
}

/// The requests `server` received, in order.
pub async fn requests(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .expect("request recording is on")
}
