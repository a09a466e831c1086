//! How webhook deliveries are signed. By default the Standard Webhooks
//! scheme: headers `webhook-id`, `webhook-timestamp` and
//! `webhook-signature`, space-separated `v1,<base64 digest>` signatures,
//! a `whsec_<base64>` secret and five minutes of tolerance. A document
//! states another with the `x-webhook-signature` extension at its root.

use openapiv3::OpenAPI;
use serde_json::{Map, Value};

use crate::diagnostics::Result;
use crate::ir::{DigestEncoding, SecretEncoding, WebhookSignature};
use crate::lower::Context;

/// The document-level extension that states the signing scheme.
pub const EXTENSION: &str = "x-webhook-signature";

/// Its keys, in the order the README documents them.
const KEYS: [&str; 7] = [
    "idHeader",
    "timestampHeader",
    "signatureHeader",
    "version",
    "digestEncoding",
    "secretEncoding",
    "toleranceSeconds",
];

/// The Standard Webhooks scheme.
fn standard() -> WebhookSignature {
    WebhookSignature {
        id_header: "webhook-id".to_owned(),
        timestamp_header: "webhook-timestamp".to_owned(),
        signature_header: "webhook-signature".to_owned(),
        version: "v1".to_owned(),
        digest: DigestEncoding::Base64,
        secret: SecretEncoding::Base64,
        tolerance_seconds: 300,
    }
}

/// The scheme the document states, over the standard one.
pub fn lower_signature(openapi: &OpenAPI, cx: &mut Context) -> Result<WebhookSignature> {
    let mut scheme = standard();
    let Some(stated) = openapi.extensions.get(EXTENSION) else {
        return Ok(scheme);
    };
    let at = format!("#/{EXTENSION}");
    let Value::Object(stated) = stated else {
        return Err(cx.error(&at, format!("`{EXTENSION}` must be a mapping")));
    };
    for key in stated.keys().filter(|k| !KEYS.contains(&k.as_str())) {
        cx.warn(
            &format!("{at}/{key}"),
            format!(
                "unknown key `{key}` ignored; known keys: {}",
                KEYS.join(", ")
            ),
        );
    }
    let reader = Reader {
        stated,
        at: &at,
        cx: &*cx,
    };
    for (key, target) in [
        ("idHeader", &mut scheme.id_header),
        ("timestampHeader", &mut scheme.timestamp_header),
        ("signatureHeader", &mut scheme.signature_header),
    ] {
        if let Some(name) = reader.text(key, is_header_name, "an HTTP header name")? {
            *target = name.to_ascii_lowercase();
        }
    }
    if let Some(version) = reader.text("version", is_version, "a label without `,` or spaces")? {
        scheme.version = version;
    }
    let encoding = |text: &str| matches!(text, "hex" | "base64");
    if let Some(digest) = reader.text("digestEncoding", encoding, "`hex` or `base64`")? {
        scheme.digest = if digest == "hex" {
            DigestEncoding::Hex
        } else {
            DigestEncoding::Base64
        };
    }
    let secret = |text: &str| matches!(text, "text" | "base64");
    if let Some(encoding) = reader.text("secretEncoding", secret, "`text` or `base64`")? {
        scheme.secret = if encoding == "text" {
            SecretEncoding::Text
        } else {
            SecretEncoding::Base64
        };
    }
    if let Some(seconds) = stated.get("toleranceSeconds") {
        scheme.tolerance_seconds = seconds.as_u64().ok_or_else(|| {
            cx.error(
                &format!("{at}/toleranceSeconds"),
                "`toleranceSeconds` must be a whole number of seconds",
            )
        })?;
    }
    Ok(scheme)
}

/// Reads the string values of the extension, each checked.
struct Reader<'r, 'c> {
    stated: &'r Map<String, Value>,
    at: &'r str,
    cx: &'r Context<'c>,
}

impl Reader<'_, '_> {
    /// The value of `key`, if stated; an error unless it is a string that
    /// passes `valid` (`expected` says what would).
    fn text(
        &self,
        key: &str,
        valid: impl Fn(&str) -> bool,
        expected: &str,
    ) -> Result<Option<String>> {
        let Some(value) = self.stated.get(key) else {
            return Ok(None);
        };
        match value.as_str() {
            Some(text) if valid(text) => Ok(Some(text.to_owned())),
            _ => Err(self.cx.error(
                &format!("{}/{key}", self.at),
                format!("`{key}` must be {expected}, not {value}"),
            )),
        }
    }
}

/// An HTTP header name: one or more token characters (RFC 9110).
fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// A signature's version label: it precedes a comma, and entries are
/// separated by spaces.
fn is_version(label: &str) -> bool {
    !label.is_empty() && !label.contains(',') && !label.chars().any(char::is_whitespace)
}
