//! Shared pieces of the benchmarks run by `cargo xtask bench`:
//!
//! - an in-process HTTP/1.1 server answering every request with one fixed
//!   response, over keep-alive connections ([`serve_fixed`]);
//! - the same `PATCH /catalog/plans/{identifier}/` call written by hand with
//!   reqwest and serde ([`HandWritten`]), to compare with the generated
//!   `kelviq` client's `update_catalog_plan`;
//! - the request and response the benchmark sends and answers
//!   ([`plan_update`], [`PLAN_JSON`]).
//!
//! Generation speed is measured by the `generation-speed` binary of this
//! crate, in release mode.

use std::net::SocketAddr;
use std::time::Duration;

use kelviq::models::{CatalogPlan, PlanUpdateRequest};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The plan the server returns: every field of `CatalogPlan` set, about a
/// kilobyte of JSON.
pub const PLAN_JSON: &str = r#"{
  "identifier": "pro",
  "name": "Pro",
  "description": "Everything in Starter, plus priority support and unlimited seats.",
  "product": "6f1c3c52-2f0a-4d59-9a39-2b7f0d0a9c11",
  "metadata": {"tier": "2", "legacyId": "plan_8812", "featured": true},
  "version": 3,
  "isLatest": true,
  "modifiedOn": "2025-03-14T09:26:53Z",
  "createdOn": "2024-11-02T17:05:00Z",
  "details": {"highlight": "Most popular", "trialDays": 14},
  "isVisible": true,
  "isImported": false,
  "countries": ["US", "GB", "DE", "FR", "IN", "JP"],
  "license": {
    "enabled": true,
    "activationLimit": 5,
    "activationLimitEnabled": true,
    "durationUnit": "YEAR",
    "durationValue": 1,
    "hasExpiry": true
  },
  "links": [
    {"name": "Docs", "url": "https://example.com/docs/pro"},
    {"name": "Changelog", "url": "https://example.com/changelog"}
  ],
  "files": [
    {
      "id": "0b7e9f4e-3c55-4d0e-8a57-5d7f0e1f2a33",
      "name": "installer.dmg",
      "file": "plans/pro/installer.dmg",
      "ordering": 1,
      "enabled": true,
      "downloadUrl": "https://files.example.com/plans/pro/installer.dmg"
    }
  ],
  "ordering": 2
}"#;

/// The bearer token both clients send.
pub const TOKEN: &str = "sk_test_benchmark";

/// The request body both clients send.
pub fn plan_update() -> PlanUpdateRequest {
    PlanUpdateRequest::new()
        .with_name("Pro")
        .with_description("Everything in Starter, plus priority support and unlimited seats.")
        .with_is_visible(true)
        .with_file_keys(vec!["plans/pro/installer.dmg".to_owned()])
}

/// Starts a server on a free local port, in the current tokio runtime,
/// answering every request with `200 OK` and `body` as JSON. Connections
/// are kept alive, so a client that reuses them measures no connects.
pub async fn serve_fixed(body: &'static str) -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let response: &'static [u8] = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
    .leak();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(answer(stream, response));
        }
    });
    Ok(address)
}

/// Answers each request on one connection with `response`, until the
/// client closes it or sends something that is not HTTP/1.1.
async fn answer(mut stream: TcpStream, response: &'static [u8]) {
    let _ = stream.set_nodelay(true);
    let mut buffer = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        // Read until the whole request (head and body) is buffered.
        let length = loop {
            if let Some(length) = request_length(&buffer) {
                if buffer.len() >= length {
                    break length;
                }
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        };
        buffer.drain(..length);
        if stream.write_all(response).await.is_err() {
            return;
        }
    }
}

/// The length of the first request in `buffer` (head plus
/// `content-length` body), once its head is complete.
fn request_length(buffer: &[u8]) -> Option<usize> {
    let head_end = buffer.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = std::str::from_utf8(&buffer[..head_end]).ok()?;
    let body = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse::<usize>().ok())
        .unwrap_or(0);
    Some(head_end + body)
}

/// The generated client, pointed at `address`.
pub fn generated_client(address: SocketAddr) -> kelviq::Client {
    kelviq::Client::builder()
        .base_url(format!("http://{address}"))
        .bearer_auth(TOKEN)
        .build()
        .expect("the generated client builds")
}

/// `PATCH /catalog/plans/{identifier}/` as one would write it by hand:
/// reqwest with the same settings as the generated client (no redirects,
/// same timeouts), serde_json for the body and the response.
#[derive(Debug, Clone)]
pub struct HandWritten {
    http: reqwest::Client,
    base_url: String,
}

/// What can go wrong in the hand-written call.
pub type HandError = Box<dyn std::error::Error + Send + Sync>;

impl HandWritten {
    /// A client for the server at `address`.
    pub fn new(address: SocketAddr) -> Self {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .user_agent("kelviq/0.1.0")
            .build()
            .expect("reqwest client builds");
        HandWritten {
            http,
            base_url: format!("http://{address}"),
        }
    }

    /// Sends `body` as the new state of plan `identifier` and decodes the
    /// plan the server returns.
    pub async fn update_catalog_plan(
        &self,
        identifier: &str,
        body: &PlanUpdateRequest,
    ) -> Result<CatalogPlan, HandError> {
        let response = self
            .http
            .patch(format!("{}/catalog/plans/{identifier}/", self.base_url))
            .bearer_auth(TOKEN)
            .header(reqwest::header::ACCEPT, "application/json")
            .json(body)
            .send()
            .await?;
        let status = response.status();
        let bytes = response.bytes().await?;
        if !status.is_success() {
            return Err(format!("status {status}").into());
        }
        Ok(serde_json::from_slice(&bytes)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixture_decodes_into_a_plan() {
        let plan: CatalogPlan = serde_json::from_str(PLAN_JSON).expect("fixture decodes");
        assert_eq!(plan.identifier.as_deref(), Some("pro"));
        assert_eq!(plan.files.map(|f| f.len()), Some(1));
    }

    #[test]
    fn request_length_counts_head_and_body() {
        assert_eq!(request_length(b"GET / HTTP/1.1\r\nHost: x"), None);
        assert_eq!(request_length(b"GET / HTTP/1.1\r\n\r\n"), Some(18));
        let patch = b"PATCH / HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}";
        assert_eq!(request_length(patch), Some(patch.len()));
    }

    #[tokio::test]
    async fn both_clients_get_the_same_plan() {
        let address = serve_fixed(PLAN_JSON).await.expect("server starts");
        let body = plan_update();
        let generated = generated_client(address)
            .update_catalog_plan("pro", &body)
            .await
            .expect("generated call succeeds");
        let by_hand = HandWritten::new(address)
            .update_catalog_plan("pro", &body)
            .await
            .expect("hand-written call succeeds");
        assert_eq!(generated, by_hand);
        assert_eq!(generated, serde_json::from_str(PLAN_JSON).unwrap());
    }
}
