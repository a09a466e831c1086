//! Runtime support shared by every operation: the client and its builder,
//! request execution, responses and errors. This module is the same in every
//! crate the generator writes, but for the optional parts declared below;
//! the operations and models are what differ.

// Not every API uses every feature (basic auth, header parameters, …), and
// this module is nearly identical in every crate.
#![allow(dead_code, unused_imports)]

mod body;
mod call;
mod client;
mod encoding;
mod error;
mod hooks;
mod json;
mod response;
mod retry;
pub(crate) mod serde_support;

pub use body::BinaryBody;
pub use bytes::Bytes;
pub use call::{Call, Idempotency, Operation, OperationInfo};
pub(crate) use client::BaseUrl;
pub use client::{ApiDescription, Client, ClientBuilder, Placement, SecurityScheme};
pub use error::{ApiError, BuildError, BuildErrorKind, DecodeError, Error};
pub use hooks::{Attempt, Hook, HookError, HookFuture};
pub use reqwest::header::HeaderMap;
pub use reqwest::{Method, StatusCode};
pub use response::{RawResponse, Redirect, Response, StreamingResponse};
pub use retry::{RetryPolicy, Sleeper};

// Parts only some APIs need, declared by the generator.
// @optional-modules

use std::fmt;

/// A credential. Its `Debug` output is redacted, so it can sit in structs
/// that are logged; it is never part of an error message or a trace.
///
/// ```
/// let token = __CRATE__::Secret::new("sk_live_123");
/// assert_eq!(format!("{token:?}"), "Secret(<redacted>)");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The credential itself, for sending it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}
