//! The generated `kelviq` client facing a hostile server (issue #8, part 4):
//! truncated bodies, invalid JSON, a wrong content type, endless bodies, a
//! server that stalls mid-body, and a redirect loop. Each must end in a
//! typed error: no panic, no hang, no unbounded memory.
//!
//! The server is a raw `tokio` TCP listener on 127.0.0.1 writing bytes by
//! hand (a mock server library cannot cut a body short or stall in it).
//! Every test runs under an outer [`bounded`] timeout, so a regression fails
//! instead of hanging.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use kelviq::{Client, Error, StatusCode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How long any one test may take before it counts as a hang.
const OUTER_LIMIT: Duration = Duration::from_secs(20);

/// Runs `test` and fails if it takes longer than [`OUTER_LIMIT`].
async fn bounded<T>(test: impl Future<Output = T>) -> T {
    tokio::time::timeout(OUTER_LIMIT, test)
        .await
        .expect("the client hung: the test did not finish within its outer timeout")
}

/// A raw HTTP server: each connection's request head is read, then
/// `respond` writes whatever it likes to the socket. Returns the base URL
/// and a count of requests served.
async fn serve<F, Fut>(respond: F) -> (String, Arc<AtomicUsize>)
where
    F: Fn(TcpStream, String) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base_url = format!("http://{}", listener.local_addr().expect("local addr"));
    let served = Arc::new(AtomicUsize::new(0));
    let counter = served.clone();
    let respond = Arc::new(respond);
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let respond = respond.clone();
            let counter = counter.clone();
            tokio::spawn(async move {
                let Some(head) = read_head(&mut stream).await else {
                    return;
                };
                counter.fetch_add(1, Ordering::SeqCst);
                respond(stream, head).await;
            });
        }
    });
    (base_url, served)
}

/// Reads a request head (up to the blank line); GET requests have no body.
async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 || head.len() > 64 * 1024 {
            return None;
        }
        head.extend_from_slice(&buf[..n]);
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

/// Writes `bytes`, ignoring a client that already went away.
async fn write(stream: &mut TcpStream, bytes: &[u8]) -> bool {
    stream.write_all(bytes).await.is_ok() && stream.flush().await.is_ok()
}

/// A server answering every request with a complete `200 OK` response:
/// `body` as `content_type`, with its length. Returns the base URL.
async fn serve_complete(content_type: &'static str, body: &'static str) -> String {
    let (base_url, _) = serve(move |mut stream, _| async move {
        let response = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        write(&mut stream, response.as_bytes()).await;
    })
    .await;
    base_url
}

fn client(base_url: &str) -> Client {
    Client::builder()
        .base_url(base_url)
        .bearer_auth("sk_test_hostile")
        .max_retries(0)
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client builds")
}

const PLAN_JSON: &str = r#"{"identifier":"pro","name":"PRO"}"#;

#[tokio::test]
async fn truncated_body_is_a_transport_error() {
    bounded(async {
        let (base_url, _) = serve(|mut stream, _| async move {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n";
            write(&mut stream, head.as_bytes()).await;
            write(&mut stream, br#"{"identifier":"pro","na"#).await;
            // Dropping the stream closes the connection 977 bytes early.
        })
        .await;
        let error = client(&base_url)
            .retrieve_catalog_plan("pro")
            .await
            .expect_err("a truncated body cannot decode");
        assert!(
            matches!(error, Error::Transport(_)),
            "expected a transport error, got {error:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn truncated_body_with_retries_still_ends() {
    bounded(async {
        let (base_url, served) = serve(|mut stream, _| async move {
            let head =
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n";
            write(&mut stream, head.as_bytes()).await;
            write(&mut stream, b"{").await;
        })
        .await;
        let client = Client::builder()
            .base_url(&base_url)
            .bearer_auth("sk_test_hostile")
            .max_retries(3)
            .sleeper(Arc::new(|_| Box::pin(async {})))
            .build()
            .expect("client builds");
        let error = client.retrieve_catalog_plan("pro").await.unwrap_err();
        assert!(matches!(error, Error::Transport(_)), "{error:?}");
        assert!(served.load(Ordering::SeqCst) <= 4);
    })
    .await;
}

#[tokio::test]
async fn invalid_json_is_a_located_decode_error() {
    bounded(async {
        let body = r#"{"identifier":"pro","name":"PRO","features":[{"x": tru"#;
        let base_url = serve_complete("application/json", body).await;
        let error = client(&base_url)
            .retrieve_catalog_plan("pro")
            .await
            .unwrap_err();
        let Error::Decode(decode) = &error else {
            panic!("expected a decode error, got {error:?}");
        };
        assert_eq!(decode.response.status(), StatusCode::OK);
        assert!(
            decode.message.contains("line 1"),
            "the message should locate the fault: {}",
            decode.message
        );
        assert!(
            !decode.message.contains("Content-Type"),
            "a JSON content type is not blamed: {}",
            decode.message
        );
    })
    .await;
}

/// The documented media type decides how a body is decoded, whatever the
/// `Content-Type` says; when decoding fails, the error names the content
/// type the server sent.
#[tokio::test]
async fn wrong_content_type_is_a_decode_error_naming_it() {
    bounded(async {
        let body = "<html><body>502 Bad Gateway</body></html>";
        let base_url = serve_complete("text/html; charset=utf-8", body).await;
        let error = client(&base_url)
            .retrieve_catalog_plan("pro")
            .await
            .unwrap_err();
        let Error::Decode(decode) = &error else {
            panic!("expected a decode error, got {error:?}");
        };
        assert!(
            decode.message.contains("text/html"),
            "the message should name the content type: {}",
            decode.message
        );
        assert!(decode.response.text().contains("Bad Gateway"));
    })
    .await;
}

#[tokio::test]
async fn json_under_a_wrong_content_type_still_decodes() {
    bounded(async {
        let base_url = serve_complete("text/plain", PLAN_JSON).await;
        let plan = client(&base_url)
            .retrieve_catalog_plan("pro")
            .await
            .expect("the documented type decides");
        assert_eq!(plan.identifier.as_deref(), Some("pro"));
    })
    .await;
}

/// A chunked body that never ends: `[0,0,0,…` until the client hangs up.
async fn endless(mut stream: TcpStream) {
    let head =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    if !write(&mut stream, head.as_bytes()).await {
        return;
    }
    let payload = "0,".repeat(32 * 1024);
    let chunk = format!("1\r\n[\r\n{:x}\r\n{payload}\r\n", payload.len());
    let mut first = true;
    loop {
        let bytes = if first {
            first = false;
            chunk.as_bytes()
        } else {
            &chunk.as_bytes()[6..]
        };
        if !write(&mut stream, bytes).await {
            return;
        }
    }
}

#[tokio::test]
async fn endless_body_stops_at_the_client_limit() {
    bounded(async {
        let (base_url, _) = serve(|stream, _| endless(stream)).await;
        let limit = 1024 * 1024;
        let client = Client::builder()
            .base_url(&base_url)
            .bearer_auth("sk_test_hostile")
            .max_retries(0)
            .max_response_bytes(limit)
            .build()
            .expect("client builds");
        let error = client.retrieve_catalog_plan("pro").await.unwrap_err();
        let Error::ResponseTooLarge {
            limit: reported,
            response,
        } = &error
        else {
            panic!("expected ResponseTooLarge, got {error:?}");
        };
        assert_eq!(*reported, limit);
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers()["content-type"],
            "application/json",
            "the headers are kept"
        );
        assert_eq!(
            response.body().len() as u64,
            limit,
            "reading stopped at the limit"
        );
        assert_eq!(error.status(), Some(StatusCode::OK));
        assert!(error.to_string().contains("1048576 bytes"), "{error}");
    })
    .await;
}

#[tokio::test]
async fn endless_body_stops_at_the_default_limit() {
    bounded(async {
        let (base_url, _) = serve(|stream, _| endless(stream)).await;
        let error = client(&base_url)
            .retrieve_catalog_plan("pro")
            .await
            .unwrap_err();
        let Error::ResponseTooLarge { limit, response } = &error else {
            panic!("expected ResponseTooLarge, got {error:?}");
        };
        assert_eq!(*limit, 16 * 1024 * 1024, "the default is 16 MiB");
        assert!(response.body().len() as u64 <= *limit);
    })
    .await;
}

#[tokio::test]
async fn a_call_overrides_the_size_limit() {
    bounded(async {
        let (base_url, _) = serve(|stream, _| endless(stream)).await;
        let error = client(&base_url)
            .retrieve_catalog_plan("pro")
            .max_response_bytes(10)
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::ResponseTooLarge { limit: 10, ref response } if response.body().len() == 10),
            "{error:?}"
        );

        // And a generous override lets a normal body through.
        let base_url = serve_complete("application/json", PLAN_JSON).await;
        let tight = Client::builder()
            .base_url(&base_url)
            .bearer_auth("sk_test_hostile")
            .max_response_bytes(5)
            .build()
            .expect("client builds");
        let plan = tight
            .retrieve_catalog_plan("pro")
            .max_response_bytes(PLAN_JSON.len() as u64)
            .await
            .expect("a body exactly at the limit is read");
        assert_eq!(plan.identifier.as_deref(), Some("pro"));
    })
    .await;
}

#[tokio::test]
async fn an_announced_huge_body_fails_before_reading() {
    bounded(async {
        let (base_url, _) = serve(|mut stream, _| async move {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n{";
            write(&mut stream, head.as_bytes()).await;
            // Then stall: the client must not wait for the body.
            tokio::time::sleep(Duration::from_secs(60)).await;
        })
        .await;
        let started = Instant::now();
        let error = client(&base_url)
            .retrieve_catalog_plan("pro")
            .await
            .unwrap_err();
        assert!(
            matches!(&error, Error::ResponseTooLarge { response, .. } if response.body().is_empty()),
            "{error:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(5));
    })
    .await;
}

#[tokio::test]
async fn a_stall_mid_body_times_out() {
    bounded(async {
        let (base_url, _) = serve(|mut stream, _| async move {
            let head =
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n";
            write(&mut stream, head.as_bytes()).await;
            write(&mut stream, br#"{"identifier":"#).await;
            tokio::time::sleep(Duration::from_secs(60)).await;
        })
        .await;
        let started = Instant::now();
        let error = client(&base_url)
            .retrieve_catalog_plan("pro")
            .timeout(Duration::from_millis(300))
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::Timeout),
            "expected a timeout, got {error:?}"
        );
        let elapsed = started.elapsed();
        assert!(
            elapsed >= Duration::from_millis(250) && elapsed < Duration::from_secs(5),
            "the timeout covers the body: {elapsed:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_slow_drip_body_times_out() {
    bounded(async {
        // One byte every 50 ms, forever: no single read stalls for long, but
        // the whole call is bounded.
        let (base_url, _) = serve(|mut stream, _| async move {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n";
            write(&mut stream, head.as_bytes()).await;
            while write(&mut stream, b" ").await {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
        .await;
        let error = client(&base_url)
            .retrieve_catalog_plan("pro")
            .timeout(Duration::from_millis(500))
            .await
            .unwrap_err();
        assert!(matches!(error, Error::Timeout), "expected a timeout, got {error:?}");
    })
    .await;
}

#[tokio::test]
async fn a_redirect_loop_is_not_followed() {
    bounded(async {
        let (base_url, served) = serve(|mut stream, head| async move {
            // Send the client back to the very path it asked for.
            let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
            let response =
                format!("HTTP/1.1 302 Found\r\nLocation: {path}\r\nContent-Length: 0\r\n\r\n");
            write(&mut stream, response.as_bytes()).await;
        })
        .await;
        let error = client(&base_url)
            .retrieve_catalog_plan("pro")
            .await
            .unwrap_err();
        let Error::UnexpectedStatus(response) = &error else {
            panic!("expected the 302 as an undocumented status, got {error:?}");
        };
        assert_eq!(response.status(), StatusCode::FOUND);
        assert_eq!(
            response.headers()["location"],
            "/catalog/plans/pro/",
            "the redirect is returned as data"
        );
        assert_eq!(
            served.load(Ordering::SeqCst),
            1,
            "the redirect was not followed"
        );
    })
    .await;
}

#[tokio::test]
async fn garbage_instead_of_http_is_a_transport_error() {
    bounded(async {
        let (base_url, _) = serve(|mut stream, _| async move {
            write(&mut stream, b"\x00\xffNOT HTTP AT ALL\r\n\r\n").await;
        })
        .await;
        let error = client(&base_url)
            .retrieve_catalog_plan("pro")
            .await
            .unwrap_err();
        assert!(matches!(error, Error::Transport(_)), "{error:?}");
    })
    .await;
}

#[tokio::test]
async fn a_body_in_many_small_chunks_is_put_back_together() {
    bounded(async {
        let (base_url, _) = serve(|mut stream, _| async move {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
            if !write(&mut stream, head.as_bytes()).await {
                return;
            }
            for piece in PLAN_JSON.as_bytes().chunks(7) {
                let mut chunk = format!("{:x}\r\n", piece.len()).into_bytes();
                chunk.extend_from_slice(piece);
                chunk.extend_from_slice(b"\r\n");
                if !write(&mut stream, &chunk).await {
                    return;
                }
                let _ = stream.flush().await;
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            write(&mut stream, b"0\r\n\r\n").await;
        })
        .await;
        let plan = client(&base_url)
            .retrieve_catalog_plan("pro")
            .await
            .expect("a chunked body decodes");
        assert_eq!(plan.identifier.as_deref(), Some("pro"));
    })
    .await;
}
