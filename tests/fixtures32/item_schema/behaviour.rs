//! Server-sent events whose data type comes from OpenAPI 3.2's `itemSchema`
//! (the event's `data` property and its `contentSchema`), against a raw
//! socket server that splits the stream at odd places and against wiremock.
//! Copied into the generated fixture crate by `tests/openapi32.rs`.

use std::time::Duration;

use oas32_item_schema::futures_util::{StreamExt, TryStreamExt};
use oas32_item_schema::models::CompleteBody;
use oas32_item_schema::{Client, Error};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use wiremock::matchers::{header, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(base_url: String) -> Client {
    Client::builder().base_url(base_url).build().unwrap()
}

/// A server answering one connection with an event stream written `step`
/// bytes at a time, then closing.
async fn event_server(events: &'static str, step: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        socket.set_nodelay(true).unwrap();
        let mut reader = BufReader::new(socket);
        let mut line = String::new();
        while reader.read_line(&mut line).await.unwrap() > 0 && line != "\r\n" {
            line.clear();
        }
        let socket = reader.get_mut();
        let head =
            "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n";
        socket.write_all(head.as_bytes()).await.unwrap();
        for piece in events.as_bytes().chunks(step) {
            socket.write_all(piece).await.unwrap();
            socket.flush().await.unwrap();
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        socket.shutdown().await.unwrap();
    });
    format!("http://{address}")
}

/// The data of each event decodes into `Tick`, the `contentSchema` of the
/// `data` property of `TickEvent`, the media type's `itemSchema` (its
/// `schema`, a string, is not what the events are read as).
#[tokio::test(flavor = "multi_thread")]
async fn events_decode_into_the_item_schemas_data_type() {
    let events = concat!(
        "retry: 1500\n",
        "id: 1\n",
        "data: {\"seq\": 1, \"label\": \"one\"}\n",
        "\n",
        ": keep-alive\r\n",
        "event: tick\r\n",
        "data: {\"seq\": 2,\r\n",
        "data:  \"label\": null}\r\n",
        "\r\n",
        "data: {\"seq\": \"three\"}\n",
        "\n",
        "id: 4\n",
        "data: {\"seq\": 4}\n",
        "\n",
    );
    for step in [1, 5, 64] {
        let base_url = event_server(events, step).await;
        let events: Vec<_> = client(base_url)
            .watch_ticks()
            .await
            .unwrap()
            .collect()
            .await;
        assert_eq!(events.len(), 4, "split every {step} bytes: {events:?}");
        let first = events[0].as_ref().unwrap();
        assert_eq!(
            (first.data.seq, first.data.label.as_deref()),
            (1, Some("one"))
        );
        assert_eq!(first.id.as_deref(), Some("1"));
        assert_eq!(first.retry, Some(Duration::from_millis(1500)));
        let second = events[1].as_ref().unwrap();
        assert_eq!((second.data.seq, second.data.label.as_deref()), (2, None));
        assert_eq!(second.event.as_deref(), Some("tick"));
        match &events[2] {
            Err(Error::Decode(error)) => assert_eq!(error.path, "seq"),
            other => panic!("expected a decode error, got {other:?}"),
        }
        let fourth = events[3].as_ref().unwrap();
        assert_eq!((fourth.data.seq, fourth.id.as_deref()), (4, Some("4")));
    }
}

/// An event whose `data` the `itemSchema` says is a string stays text.
#[tokio::test(flavor = "multi_thread")]
async fn string_data_in_the_item_schema_is_text() {
    let base_url = event_server("event: notice\ndata: {\"not\": \"json\"}\n\n", 3).await;
    let notices: Vec<(Option<String>, String)> = client(base_url)
        .watch_notices()
        .await
        .unwrap()
        .map_ok(|event| (event.event, event.data))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        notices,
        [(Some("notice".to_owned()), "{\"not\": \"json\"}".to_owned())]
    );
}

/// Beside JSON, `event_stream()` reads the events, whose data type comes
/// from the inline `itemSchema`'s `data.contentSchema`.
#[tokio::test(flavor = "multi_thread")]
async fn events_beside_json_decode_into_the_item_schemas_data_type() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(header("accept", "text/event-stream"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            "data: {\"delta\": \"Hel\"}\n\nevent: end\ndata: {\"delta\": \"lo\"}\n\n",
            "text/event-stream",
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"text": "Hello"})),
        )
        .mount(&server)
        .await;
    let client = client(server.uri());
    let whole = client.complete(&CompleteBody::new("hi")).await.unwrap();
    assert_eq!(whole.text, "Hello");
    let deltas: Vec<String> = client
        .complete(&CompleteBody::new("hi").with_stream(true))
        .event_stream()
        .await
        .unwrap()
        .map_ok(|event| event.data.delta)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(deltas, ["Hel", "lo"]);
}
