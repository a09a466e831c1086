//! kelviq's webhooks through the generated crate: deliveries signed as
//! kelviq signs them (hex HMAC-SHA256 of `{id}.{timestamp}.{body}`, the
//! secret's text as key) verify, tampered, mis-keyed, stale, early and
//! unsigned ones do not, a header with several signatures verifies when one
//! matches, and every event type of kelviq's webhook guide decodes from the
//! guide's own example payloads, read from the shared corpus at test time.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use integration_tests::workspace_root;
use kelviq::webhooks::{Event, Verifier, VerifyError};
use kelviq::HeaderMap;

const SECRET: &str = "kq_whsec_9fT2xLwQ";
const ID: &str = "msg_2Kq7";
const TIMESTAMP: u64 = 1_767_225_600;
const BODY: &str = r#"{"id":"evt_1","type":"customer.created","created_at":"2026-01-01T00:00:00Z","data":{"object":{"id":"c1","object":"customer","customer_id":"me"}}}"#;
/// `printf '%s' "$ID.$TIMESTAMP.$BODY" | openssl dgst -sha256 -hmac "$SECRET"`.
const SIGNATURE: &str = "v1,4f82b6aa9cb4b89dfafc53ad948ab3b846d7f484b45405c4aa7e909adea99b11";

fn headers(timestamp: u64, signature: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let values = [
        ("webhook-id", ID.to_owned()),
        ("webhook-timestamp", timestamp.to_string()),
        ("webhook-signature", signature.to_owned()),
    ];
    for (name, value) in values {
        headers.insert(name, value.parse().expect("a header value"));
    }
    headers
}

fn at(seconds: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(seconds)
}

fn verifier() -> Verifier {
    Verifier::new(SECRET).expect("any text is a secret")
}

#[test]
fn a_delivery_signed_as_kelviq_signs_verifies() {
    let verifier = verifier();
    let delivery = headers(TIMESTAMP, SIGNATURE);
    assert_eq!(
        verifier.verify_at(&delivery, BODY.as_bytes(), at(TIMESTAMP + 30)),
        Ok(())
    );
    assert_eq!(
        verifier.sign(ID, TIMESTAMP as i64, BODY.as_bytes()),
        SIGNATURE
    );
    // Hex digests are read in either case.
    let upper = format!("v1,{}", SIGNATURE["v1,".len()..].to_uppercase());
    let delivery = headers(TIMESTAMP, &upper);
    assert_eq!(
        verifier.verify_at(&delivery, BODY.as_bytes(), at(TIMESTAMP)),
        Ok(())
    );
}

#[test]
fn the_secret_stays_out_of_debug_output() {
    let shown = format!("{:?}", verifier());
    assert!(!shown.contains("9fT2xLwQ"), "{shown}");
}

#[test]
fn a_tampered_body_is_refused() {
    let tampered = BODY.replace("\"me\"", "\"you\"");
    let result = verifier().verify_at(
        &headers(TIMESTAMP, SIGNATURE),
        tampered.as_bytes(),
        at(TIMESTAMP),
    );
    assert_eq!(result, Err(VerifyError::SignatureMismatch));
}

#[test]
fn a_signature_made_with_another_secret_is_refused() {
    let other = Verifier::new("kq_whsec_somebody_else").expect("a secret");
    let forged = other.sign(ID, TIMESTAMP as i64, BODY.as_bytes());
    let result = verifier().verify_at(&headers(TIMESTAMP, &forged), BODY.as_bytes(), at(TIMESTAMP));
    assert_eq!(result, Err(VerifyError::SignatureMismatch));
}

#[test]
fn timestamps_beyond_the_tolerance_are_refused_either_way() {
    let verifier = verifier();
    let delivery = headers(TIMESTAMP, SIGNATURE);
    let body = BODY.as_bytes();
    // Five minutes either way is accepted, a second more is not.
    assert_eq!(
        verifier.verify_at(&delivery, body, at(TIMESTAMP + 300)),
        Ok(())
    );
    assert_eq!(
        verifier.verify_at(&delivery, body, at(TIMESTAMP - 300)),
        Ok(())
    );
    assert_eq!(
        verifier.verify_at(&delivery, body, at(TIMESTAMP + 301)),
        Err(VerifyError::TimestampOutOfTolerance {
            timestamp: TIMESTAMP as i64,
            age: 301
        })
    );
    assert_eq!(
        verifier.verify_at(&delivery, body, at(TIMESTAMP - 301)),
        Err(VerifyError::TimestampOutOfTolerance {
            timestamp: TIMESTAMP as i64,
            age: -301
        })
    );
    let garbled = headers(TIMESTAMP, SIGNATURE);
    let mut garbled = garbled;
    garbled.insert("webhook-timestamp", "soon".parse().expect("a value"));
    assert_eq!(
        verifier.verify_at(&garbled, body, at(TIMESTAMP)),
        Err(VerifyError::InvalidTimestamp("soon".to_owned()))
    );
}

#[test]
fn one_matching_signature_among_several_is_enough() {
    let old = Verifier::new("kq_whsec_retired").expect("a secret");
    let retired = old.sign(ID, TIMESTAMP as i64, BODY.as_bytes());
    let both = format!("{retired} {SIGNATURE}");
    let verifier = verifier();
    let body = BODY.as_bytes();
    assert_eq!(
        verifier.verify_at(&headers(TIMESTAMP, &both), body, at(TIMESTAMP)),
        Ok(())
    );
    // The order does not matter, and entries of other versions are skipped.
    let reversed = format!("v2,abc {SIGNATURE} {retired}");
    assert_eq!(
        verifier.verify_at(&headers(TIMESTAMP, &reversed), body, at(TIMESTAMP)),
        Ok(())
    );
    // Several signatures, none of them this secret's.
    assert_eq!(
        verifier.verify_at(
            &headers(TIMESTAMP, &format!("{retired} v1,00ff")),
            body,
            at(TIMESTAMP)
        ),
        Err(VerifyError::SignatureMismatch)
    );
}

#[test]
fn missing_headers_and_signatures_are_typed_errors() {
    let verifier = verifier();
    let body = BODY.as_bytes();
    let mut unsigned = headers(TIMESTAMP, SIGNATURE);
    unsigned.remove("webhook-signature");
    assert_eq!(
        verifier.verify_at(&unsigned, body, at(TIMESTAMP)),
        Err(VerifyError::MissingHeader("webhook-signature".to_owned()))
    );
    let empty = headers(TIMESTAMP, "");
    assert_eq!(
        verifier.verify_at(&empty, body, at(TIMESTAMP)),
        Err(VerifyError::NoSignature)
    );
}

#[test]
fn an_unknown_event_type_keeps_its_json() {
    let body = br#"{"id":"e9","type":"invoice.voided","data":{"object":{"id":"INV-1"}}}"#;
    let event = Event::parse(body).expect("any JSON object decodes");
    let Event::Unknown(json) = &event else {
        panic!("invoice.voided is not a known event: {event:?}");
    };
    assert_eq!(json["data"]["object"]["id"], "INV-1");
    assert_eq!(event.webhook_name(), None);
}

/// The guide's fenced JSON blocks that parse (the payload outline with
/// `{ ... }` does not).
fn guide_examples(guide: &str) -> Vec<serde_json::Value> {
    let mut examples = Vec::new();
    let mut block: Option<String> = None;
    for line in guide.lines() {
        match (&mut block, line.trim()) {
            (None, "```json") => block = Some(String::new()),
            (Some(text), "```") => {
                if let Ok(value) = serde_json::from_str(text) {
                    examples.push(value);
                }
                block = None;
            }
            (Some(text), _) => {
                text.push_str(line);
                text.push('\n');
            }
            (None, _) => {}
        }
    }
    examples
}

/// The event types the table of the guide's "Event Types" section lists:
/// rows whose first cell is a code span (`| \`order.created\` | …`).
fn guide_event_types(guide: &str) -> Vec<String> {
    guide
        .lines()
        .skip_while(|line| line.trim() != "## Event Types")
        .skip(1)
        .take_while(|line| !line.starts_with("## "))
        .filter_map(|line| {
            let cell = line.strip_prefix("| `")?.split('`').next()?;
            cell.contains('.').then(|| cell.to_owned())
        })
        .collect()
}

#[test]
fn every_event_type_of_the_guide_decodes_from_its_example() {
    let path = workspace_root().join("../shared/corpus/kelviq/guides/webhooks.mdx");
    let guide = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let types = guide_event_types(&guide);
    assert!(
        types.len() >= 19,
        "the guide lists {} event types",
        types.len()
    );
    let examples = guide_examples(&guide);
    for event_type in &types {
        let example = examples
            .iter()
            .find(|e| e["type"] == event_type.as_str())
            .unwrap_or_else(|| panic!("the guide has no example of {event_type}"));
        // Deliveries are compact JSON, as the guide says kelviq sends them.
        let body = serde_json::to_vec(example).expect("JSON");
        let event = Event::parse(&body)
            .unwrap_or_else(|e| panic!("the {event_type} example does not decode: {e}"));
        assert_eq!(event.webhook_name(), Some(event_type.as_str()), "{event:?}");
        spot_check(&event);
    }
}

/// Fields whose types matter: dates, nullable dates, numbers and the
/// embedded customer.
fn spot_check(event: &Event) {
    match event {
        Event::SubscriptionCancelled(event) => {
            let subscription = &event.data.object;
            assert_eq!(
                subscription.end_date.map(|d| d.to_string()).as_deref(),
                Some("2026-05-02")
            );
            assert_eq!(subscription.amount_units, Some(4000));
        }
        Event::PaymentMethodCreated(event) => assert_eq!(event.data.object.id, 482),
        Event::OrderRefunded(event) => {
            assert_eq!(event.data.object.status.as_deref(), Some("REFUNDED"));
            let previous = event
                .data
                .previous_attributes
                .as_ref()
                .expect("previous values");
            assert_eq!(previous.get("status"), Some(&serde_json::json!("COMPLETE")));
        }
        _ => {}
    }
}
