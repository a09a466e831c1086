//! Code run around every HTTP attempt: changing the request (a fresh token,
//! a signature, trace headers) and observing what came back (metrics, logs).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use super::error::Error;

/// Why a hook stopped a request; the call fails with
/// [`Error::Hook`](crate::Error::Hook).
pub type HookError = Box<dyn std::error::Error + Send + Sync>;

/// What [`Hook::on_request`] returns: a boxed future, so hooks can be kept
/// as trait objects.
pub type HookFuture<'a> = Pin<Box<dyn Future<Output = Result<(), HookError>> + Send + 'a>>;

/// Which attempt of which call a hook sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Attempt {
    /// The operation's id (`operationId` in the spec).
    pub operation: &'static str,
    /// 1 for the first attempt, 2 for the first retry, and so on.
    pub number: u32,
}

/// Code the client runs around every HTTP attempt, retries included, in
/// the order the hooks were registered with
/// [`ClientBuilder::hook`](crate::ClientBuilder::hook).
///
/// [`on_request`](Hook::on_request) sees the request just before it is
/// sent, with every header the client sets (credentials, the idempotency
/// key, default and per-call headers), and may change it or stop the call.
/// [`on_response`](Hook::on_response) sees the status and headers as they
/// arrive, before the body is read; [`on_error`](Hook::on_error) sees a
/// request that got no response. Every method has a default that does
/// nothing, so a hook implements only what it needs.
///
/// A trait rather than `reqwest-middleware`: it adds no dependency, and a
/// hook needs nothing of a middleware stack but these three moments, while
/// retries, timeouts and redirects stay the client's own. A client with no
/// hooks does no work for them.
///
/// A hook that refreshes a bearer token before each attempt:
///
/// ```no_run
/// use std::sync::{Arc, RwLock};
///
/// use kelviq::reqwest::header::{HeaderValue, AUTHORIZATION};
/// use kelviq::reqwest::Request;
/// use kelviq::{Attempt, Hook, HookFuture};
///
/// struct RefreshingToken {
///     token: Arc<RwLock<String>>,
/// }
///
/// impl RefreshingToken {
///     async fn current(&self) -> Result<String, kelviq::HookError> {
///         // A real hook would refresh an expired token here (an async
///         // call to the identity provider), then return it.
///         Ok(self.token.read().map_err(|_| "token lock poisoned")?.clone())
///     }
/// }
///
/// impl Hook for RefreshingToken {
///     fn on_request<'a>(&'a self, request: &'a mut Request, _: &'a Attempt) -> HookFuture<'a> {
///         Box::pin(async move {
///             let token = self.current().await?;
///             let mut value = HeaderValue::from_str(&format!("Bearer {token}"))?;
///             value.set_sensitive(true);
///             request.headers_mut().insert(AUTHORIZATION, value);
///             Ok(())
///         })
///     }
/// }
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let token = Arc::new(RwLock::new("first".to_owned()));
/// let client = kelviq::Client::builder()
///     .hook(RefreshingToken { token })
///     .build()?;
/// # let _ = client;
/// # Ok(())
/// # }
/// ```
///
/// A hook that propagates the current trace (a W3C `traceparent` header)
/// and records each answer:
///
/// ```no_run
/// use kelviq::reqwest::{header::HeaderValue, Request, Response};
/// use kelviq::{Attempt, Hook, HookFuture};
///
/// struct TracePropagation;
///
/// fn current_traceparent() -> String {
///     // From the tracing system in use (OpenTelemetry's propagator, …).
///     "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".to_owned()
/// }
///
/// impl Hook for TracePropagation {
///     fn on_request<'a>(&'a self, request: &'a mut Request, _: &'a Attempt) -> HookFuture<'a> {
///         Box::pin(async move {
///             let value = HeaderValue::from_str(&current_traceparent())?;
///             request.headers_mut().insert("traceparent", value);
///             Ok(())
///         })
///     }
///
///     fn on_response(&self, response: &Response, attempt: &Attempt) {
///         tracing::info!(operation = attempt.operation, status = %response.status(), "answered");
///     }
/// }
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let client = kelviq::Client::builder().hook(TracePropagation).build()?;
/// # let _ = client;
/// # Ok(())
/// # }
/// ```
pub trait Hook: Send + Sync + 'static {
    /// Runs just before each attempt is sent; may change the request. An
    /// error stops the call with [`Error::Hook`](crate::Error::Hook), and
    /// it is not retried.
    fn on_request<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        attempt: &'a Attempt,
    ) -> HookFuture<'a> {
        let _ = (request, attempt);
        Box::pin(std::future::ready(Ok(())))
    }

    /// Runs when an attempt's status and headers arrive, before its body
    /// is read.
    fn on_response(&self, response: &reqwest::Response, attempt: &Attempt) {
        let _ = (response, attempt);
    }

    /// Runs when an attempt gets no response (connection failure, timeout).
    fn on_error(&self, error: &reqwest::Error, attempt: &Attempt) {
        let _ = (error, attempt);
    }
}

/// Runs every hook's [`on_request`](Hook::on_request) on an attempt's
/// request, in order; the request as the hooks left it, or why one stopped
/// the call. Takes the request and gives it back, so that the attempt's
/// future never holds a borrowed request across an `await`.
pub(crate) async fn before_request<E>(
    hooks: &[Arc<dyn Hook>],
    mut request: reqwest::Request,
    attempt: &Attempt,
) -> Result<reqwest::Request, Error<E>> {
    for hook in hooks {
        hook.on_request(&mut request, attempt)
            .await
            .map_err(Error::Hook)?;
    }
    Ok(request)
}

/// Shows every hook what an attempt got: a response's head, or the
/// failure that left it without one; then gives back the response, or the
/// failure as the call's error. Takes the outcome rather than borrowing
/// it, for the same reason as [`before_request`].
pub(crate) fn after_response<E>(
    hooks: &[Arc<dyn Hook>],
    response: Result<reqwest::Response, reqwest::Error>,
    attempt: &Attempt,
) -> Result<reqwest::Response, Error<E>> {
    for hook in hooks {
        match &response {
            Ok(response) => hook.on_response(response, attempt),
            Err(error) => hook.on_error(error, attempt),
        }
    }
    response.map_err(Error::from_transport)
}
