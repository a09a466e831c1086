//! When and how long to wait before trying a request again.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};

/// Waits for a duration. The default is `tokio::time::sleep`; tests inject
/// one that records the delays instead of waiting.
pub type Sleeper = Arc<dyn Fn(Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// The default sleeper.
pub(crate) fn tokio_sleeper() -> Sleeper {
    Arc::new(|delay| Box::pin(tokio::time::sleep(delay)))
}

/// How a client retries failed requests.
///
/// Connection failures and the statuses 408, 429 and 5xx are retried with
/// exponential backoff and jitter, waiting as long as a `Retry-After` header
/// asks (in seconds or as an HTTP date). Only idempotent methods (GET, HEAD,
/// PUT, DELETE, OPTIONS) are retried, unless a call opts in.
///
/// ```no_run
/// # async fn example<Op>(call: kelviq::Call<'_, Op>) -> Result<(), Box<dyn std::error::Error>>
/// # where
/// #     Op: kelviq::Operation + 'static,
/// #     Op::Output: Send,
/// #     Op::Error: Send + std::fmt::Debug + 'static,
/// # {
/// use std::time::Duration;
/// use kelviq::RetryPolicy;
///
/// let client = kelviq::Client::builder()
///     .retry_policy(RetryPolicy {
///         max_retries: 4,
///         initial_delay: Duration::from_millis(200),
///         max_delay: Duration::from_secs(10),
///     })
///     .build()?;
/// # let _ = client;
/// // A POST the server deduplicates may be retried too; this one gets 5 s.
/// call.retry_non_idempotent()
///     .timeout(Duration::from_secs(5))
///     .await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (default 2).
    pub max_retries: u32,
    /// Delay before the first retry, doubled for each further one
    /// (default 500 ms), before jitter.
    pub initial_delay: Duration,
    /// Longest delay between attempts (default 30 s). A `Retry-After`
    /// asking for longer is not honoured: the response is returned instead.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// Exponential backoff with jitter for retry number `retry` (1-based):
    /// somewhere between half and all of `initial_delay * 2^(retry-1)`,
    /// capped at `max_delay`, so clients that failed together do not
    /// retry together.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let exponent = retry.saturating_sub(1).min(16);
        let full = self
            .initial_delay
            .saturating_mul(1 << exponent)
            .min(self.max_delay);
        let half = full / 2;
        half + half.mul_f64(random_fraction())
    }
}

/// Methods that may be repeated without changing the outcome.
pub(crate) fn is_idempotent(method: &Method) -> bool {
    [
        Method::GET,
        Method::HEAD,
        Method::PUT,
        Method::DELETE,
        Method::OPTIONS,
        Method::TRACE,
    ]
    .contains(method)
}

/// Statuses worth another try: timeouts, rate limits and server errors.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    status == StatusCode::REQUEST_TIMEOUT
        || status == StatusCode::TOO_MANY_REQUESTS
        || status.is_server_error()
}

/// The delay a `Retry-After` header asks for, in seconds or as an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(
        date.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// A number in `[0, 1)` from the standard library's per-process random
/// hash keys; jitter needs spread, not cryptographic quality.
fn random_fraction() -> f64 {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u128(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}
