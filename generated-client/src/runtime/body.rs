//! Request bodies: bytes held in memory, which every retry sends again, or
//! a stream read as it is sent.

use std::fmt;
use std::sync::{Arc, Mutex};

use bytes::Bytes;

/// How a request body is sent.
#[derive(Clone)]
pub(crate) enum Payload {
    /// Bytes in memory: sent again on each retry.
    Bytes(Bytes),
    /// A stream read once, as it is sent: the first attempt takes it, so a
    /// call with such a body is never retried.
    Once(Arc<Mutex<Option<reqwest::Body>>>),
    /// A stream made anew for each attempt, so it can be retried.
    Replay(Arc<dyn Fn() -> Option<reqwest::Body> + Send + Sync>),
}

impl Payload {
    /// A stream sent once.
    pub(crate) fn once(body: reqwest::Body) -> Self {
        Payload::Once(Arc::new(Mutex::new(Some(body))))
    }

    /// Whether a retry could send the body again.
    pub(crate) fn is_replayable(&self) -> bool {
        !matches!(self, Payload::Once(_))
    }

    /// The body for one attempt; `None` when a stream sent once was
    /// already taken (by an earlier send of a clone of the call).
    pub(crate) fn body(&self) -> Option<reqwest::Body> {
        match self {
            Payload::Bytes(bytes) => Some(reqwest::Body::from(bytes.clone())),
            Payload::Once(slot) => slot.lock().ok().and_then(|mut body| body.take()),
            Payload::Replay(make) => make(),
        }
    }
}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Payload::Bytes(bytes) => write!(f, "Bytes({} bytes)", bytes.len()),
            Payload::Once(_) => f.write_str("Stream"),
            Payload::Replay(_) => f.write_str("ReplayableStream"),
        }
    }
}

/// A raw request body: anything that converts into
/// [`Bytes`](crate::Bytes) (a `Vec<u8>`, a `String`, a `&'static [u8]`),
/// sent from memory and again on each retry, or, where the API takes raw
/// binary bodies, a `StreamBody` read from a stream or an `AsyncRead` as
/// it is sent, without holding it in memory.
#[derive(Debug, Clone)]
pub struct BinaryBody(pub(crate) Payload);

impl<T: Into<Bytes>> From<T> for BinaryBody {
    fn from(bytes: T) -> Self {
        BinaryBody(Payload::Bytes(bytes.into()))
    }
}
