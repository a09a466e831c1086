//! Verifying signed webhook deliveries. A delivery carries its id, the Unix
//! time it was signed at and one or more signatures in three headers; each
//! signature is `{version},{digest}`, several separated by spaces (an API
//! rotating its secret signs with the old and the new one). The digest is
//! the HMAC-SHA256 of `{id}.{timestamp}.{body}`, keyed by the endpoint's
//! secret. The comparison takes the same time whatever the bytes, and the
//! timestamp must be near the present, so a recorded delivery cannot be
//! replayed later.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::HeaderMap;

/// How a signature's digest is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DigestEncoding {
    /// Standard base64, with padding.
    Base64,
    /// Hexadecimal, in either case.
    Hex,
}

/// How the signing secret becomes the HMAC key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretEncoding {
    /// base64, after a `whsec_` prefix if there is one (Standard Webhooks).
    Base64,
    /// The secret's text itself, as UTF-8 bytes.
    Text,
}

/// How an API signs its webhook deliveries: header names, the signature's
/// version label, the encodings and the accepted clock difference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureScheme {
    id_header: String,
    timestamp_header: String,
    signature_header: String,
    version: String,
    digest: DigestEncoding,
    secret: SecretEncoding,
    tolerance: Duration,
}

impl SignatureScheme {
    /// The Standard Webhooks scheme: `webhook-id`, `webhook-timestamp` and
    /// `webhook-signature` headers, `v1,<base64>` signatures, a
    /// `whsec_<base64>` secret and five minutes of tolerance.
    pub fn standard() -> Self {
        SignatureScheme {
            id_header: "webhook-id".to_owned(),
            timestamp_header: "webhook-timestamp".to_owned(),
            signature_header: "webhook-signature".to_owned(),
            version: "v1".to_owned(),
            digest: DigestEncoding::Base64,
            secret: SecretEncoding::Base64,
            tolerance: Duration::from_secs(300),
        }
    }

    /// The header holding the delivery's id.
    pub fn id_header(mut self, name: impl Into<String>) -> Self {
        self.id_header = name.into();
        self
    }

    /// The header holding the Unix time, in seconds, of the signature.
    pub fn timestamp_header(mut self, name: impl Into<String>) -> Self {
        self.timestamp_header = name.into();
        self
    }

    /// The header holding the signatures.
    pub fn signature_header(mut self, name: impl Into<String>) -> Self {
        self.signature_header = name.into();
        self
    }

    /// The version label of the signatures to check (`v1`); others are
    /// ignored.
    pub fn version(mut self, label: impl Into<String>) -> Self {
        self.version = label.into();
        self
    }

    /// How digests are written.
    pub fn digest(mut self, encoding: DigestEncoding) -> Self {
        self.digest = encoding;
        self
    }

    /// How the secret becomes the key.
    pub fn secret(mut self, encoding: SecretEncoding) -> Self {
        self.secret = encoding;
        self
    }

    /// The largest accepted difference between the delivery's timestamp
    /// and the present, either way.
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }
}

/// Why a delivery was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// The secret is not in the scheme's encoding (not base64, say).
    InvalidSecret,
    /// A header the scheme needs is missing, or is not text.
    MissingHeader(String),
    /// The timestamp header is not a whole number of seconds.
    InvalidTimestamp(String),
    /// The timestamp is further from the present than the tolerance:
    /// `age` seconds old (negative: that far in the future).
    TimestampOutOfTolerance {
        /// The delivery's timestamp, in Unix seconds.
        timestamp: i64,
        /// Its age when checked, in seconds.
        age: i64,
    },
    /// No signature of the scheme's version is in the header.
    NoSignature,
    /// No signature of the scheme's version matches the body.
    SignatureMismatch,
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyError::InvalidSecret => f.write_str("the webhook secret is not validly encoded"),
            VerifyError::MissingHeader(name) => write!(f, "the `{name}` header is missing"),
            VerifyError::InvalidTimestamp(text) => {
                write!(
                    f,
                    "the webhook timestamp `{text}` is not a number of seconds"
                )
            }
            VerifyError::TimestampOutOfTolerance { timestamp, age } => write!(
                f,
                "the webhook timestamp {timestamp} is {age} s from now, beyond the tolerance"
            ),
            VerifyError::NoSignature => f.write_str("the delivery has no signature to check"),
            VerifyError::SignatureMismatch => {
                f.write_str("no signature of the delivery matches its body")
            }
        }
    }
}

impl std::error::Error for VerifyError {}

/// Checks deliveries against one endpoint's secret. Its `Debug` output
/// does not show the key.
#[derive(Clone)]
pub struct Verifier {
    /// The HMAC, keyed; each check works on a copy.
    keyed: Hmac<Sha256>,
    scheme: SignatureScheme,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("keyed", &"<redacted>")
            .field("scheme", &self.scheme)
            .finish()
    }
}

impl Verifier {
    /// A verifier for `secret` under `scheme`.
    pub fn with_scheme(secret: &str, scheme: SignatureScheme) -> Result<Self, VerifyError> {
        let key = match scheme.secret {
            SecretEncoding::Text => secret.as_bytes().to_vec(),
            SecretEncoding::Base64 => {
                let encoded = secret.strip_prefix("whsec_").unwrap_or(secret);
                base64::engine::general_purpose::STANDARD
                    .decode(encoded)
                    .map_err(|_| VerifyError::InvalidSecret)?
            }
        };
        // HMAC takes keys of any length; the error cannot happen.
        let keyed = <Hmac<Sha256> as KeyInit>::new_from_slice(&key)
            .map_err(|_| VerifyError::InvalidSecret)?;
        Ok(Verifier { keyed, scheme })
    }

    /// The scheme deliveries are checked under.
    pub fn scheme(&self) -> &SignatureScheme {
        &self.scheme
    }

    /// Checks a delivery's headers and raw body (the bytes as received,
    /// before any parsing), now.
    pub fn verify(&self, headers: &HeaderMap, body: impl AsRef<[u8]>) -> Result<(), VerifyError> {
        self.verify_at(headers, body.as_ref(), SystemTime::now())
    }

    /// [`Verifier::verify`], with the present at `now`.
    pub fn verify_at(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<(), VerifyError> {
        let header = |name: &str| {
            let value = headers.get(name).and_then(|v| v.to_str().ok());
            value.ok_or_else(|| VerifyError::MissingHeader(name.to_owned()))
        };
        let id = header(&self.scheme.id_header)?;
        let timestamp = header(&self.scheme.timestamp_header)?;
        let signatures = header(&self.scheme.signature_header)?;
        self.verify_values(id, timestamp, signatures, body, now)
    }

    /// Checks a delivery from the values of its three headers, for servers
    /// whose header type is not [`HeaderMap`].
    pub fn verify_values(
        &self,
        id: &str,
        timestamp: &str,
        signatures: &str,
        body: &[u8],
        now: SystemTime,
    ) -> Result<(), VerifyError> {
        self.check_timestamp(timestamp, now)?;
        let mac = self.mac(id, timestamp, body);
        let mut found = false;
        for entry in signatures.split_whitespace() {
            let Some((version, digest)) = entry.split_once(',') else {
                continue;
            };
            if version != self.scheme.version {
                continue;
            }
            found = true;
            let Some(digest) = self.decode_digest(digest) else {
                continue;
            };
            // `verify_slice` compares in constant time.
            if mac.clone().verify_slice(&digest).is_ok() {
                return Ok(());
            }
        }
        Err(if found {
            VerifyError::SignatureMismatch
        } else {
            VerifyError::NoSignature
        })
    }

    /// The signature header's value for a delivery: one `{version},{digest}`
    /// entry. For tests of a webhook handler, and for senders.
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        let digest = self
            .mac(id, &timestamp.to_string(), body)
            .finalize()
            .into_bytes();
        let encoded = match self.scheme.digest {
            DigestEncoding::Hex => hex::encode(digest),
            DigestEncoding::Base64 => base64::engine::general_purpose::STANDARD.encode(digest),
        };
        format!("{},{encoded}", self.scheme.version)
    }

    fn check_timestamp(&self, timestamp: &str, now: SystemTime) -> Result<(), VerifyError> {
        let seconds: i64 = timestamp
            .trim()
            .parse()
            .map_err(|_| VerifyError::InvalidTimestamp(timestamp.to_owned()))?;
        let now = match now.duration_since(UNIX_EPOCH) {
            Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
            Err(before) => -i64::try_from(before.duration().as_secs()).unwrap_or(i64::MAX),
        };
        let age = now.saturating_sub(seconds);
        let tolerance = i64::try_from(self.scheme.tolerance.as_secs()).unwrap_or(i64::MAX);
        if age.unsigned_abs() > tolerance.unsigned_abs() {
            return Err(VerifyError::TimestampOutOfTolerance {
                timestamp: seconds,
                age,
            });
        }
        Ok(())
    }

    /// The HMAC of `{id}.{timestamp}.{body}`, before finalizing.
    fn mac(&self, id: &str, timestamp: &str, body: &[u8]) -> Hmac<Sha256> {
        let mut mac = self.keyed.clone();
        for part in [id.as_bytes(), b".", timestamp.as_bytes(), b".", body] {
            mac.update(part);
        }
        mac
    }

    fn decode_digest(&self, digest: &str) -> Option<Vec<u8>> {
        match self.scheme.digest {
            DigestEncoding::Hex => hex::decode(digest).ok(),
            DigestEncoding::Base64 => base64::engine::general_purpose::STANDARD
                .decode(digest)
                .ok(),
        }
    }
}

/// A webhook payload that does not decode into its event's type.
#[derive(Debug)]
pub struct ParseError {
    event_type: Option<String>,
    path: String,
    source: serde_json::Error,
}

impl ParseError {
    /// The error of a payload that is not JSON at all, or whose event
    /// type's payload does not decode (`event_type`), at `path`.
    pub(crate) fn new(
        event_type: Option<String>,
        path: String,
        source: serde_json::Error,
    ) -> ParseError {
        ParseError {
            event_type,
            path,
            source,
        }
    }

    /// The event type the payload named, when it was read that far.
    pub fn event_type(&self) -> Option<&str> {
        self.event_type.as_deref()
    }

    /// Where in the payload decoding failed (`data.object.amount`).
    pub fn path(&self) -> &str {
        &self.path
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.event_type {
            Some(event) => write!(f, "the `{event}` webhook payload does not decode")?,
            None => f.write_str("the webhook payload is not JSON")?,
        }
        if !self.path.is_empty() && self.path != "." {
            write!(f, " at `{}`", self.path)?;
        }
        write!(f, ": {}", self.source)
    }
}

impl std::error::Error for ParseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// Decodes a payload into `T`, locating the failure; for the generated
/// event enum.
pub(crate) fn decode_payload<T: serde::de::DeserializeOwned>(
    event_type: &str,
    payload: serde_json::Value,
) -> Result<T, ParseError> {
    serde_path_to_error::deserialize(payload).map_err(|e| {
        let path = e.path().to_string();
        ParseError::new(Some(event_type.to_owned()), path, e.into_inner())
    })
}
