//! One call of an operation: built up by the generated method and setters,
//! then sent when awaited.

use std::any::Any;
use std::borrow::Cow;
use std::convert::Infallible;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE, COOKIE};
use reqwest::Method;

use tracing::Instrument;

use super::body::{BinaryBody, Payload};
use super::client::{Client, Credential, Placement};
use super::encoding;
use super::error::Error;
use super::hooks::{self, Attempt};
use super::response::{RawResponse, Response, StreamingResponse};
use super::retry::{self, RetryPolicy};

/// Static facts about an operation.
#[derive(Debug, Clone)]
pub struct OperationInfo {
    /// The spec's `operationId`.
    pub id: &'static str,
    /// HTTP method.
    pub method: Method,
    /// Path template as in the spec.
    pub path_template: &'static str,
    /// Alternatives of required security schemes; empty for none.
    pub security: &'static [&'static [&'static str]],
    /// The operation's own base URLs, parallel to the API's servers.
    pub servers: &'static [&'static str],
    /// The `Accept` header: the media types of the documented responses
    /// the client can decode; empty to send none.
    pub accept: &'static str,
    /// The idempotency key header the operation declares, if any.
    pub idempotency: Option<Idempotency>,
}

/// An operation's idempotency key: unless the caller sets the header, each
/// call sends a fresh key, the same on every retry of that call, so the
/// server can tell a retry from a new request. Such calls are retried
/// whatever their method.
#[derive(Debug, Clone, Copy)]
pub struct Idempotency {
    /// The header's name (`Idempotency-Key`).
    pub header: &'static str,
    /// Makes a fresh key (a random UUID v4).
    pub new_key: fn() -> String,
}

/// An API operation: what it returns and how its responses decode.
pub trait Operation {
    /// What a successful call returns.
    type Output;
    /// The operation's documented error responses.
    type Error;
    /// Static facts about the operation.
    const INFO: OperationInfo;
    /// Turns a response into the output or an error.
    fn decode(response: RawResponse) -> Result<Self::Output, Error<Self::Error>>;

    /// Whether the output is read as the body arrives (server-sent
    /// events): a success response is then given to
    /// [`decode_streaming`](Self::decode_streaming) with its body unread.
    const STREAMS: bool = false;

    /// Whether a response of this status is one of the operation's
    /// successes: for those, a streamed output reads the body as it
    /// arrives; other bodies are read whole and given to
    /// [`decode`](Self::decode).
    fn is_success(status: reqwest::StatusCode) -> bool {
        status.is_success()
    }

    /// Turns a success response whose body is still to be read into the
    /// output, for operations that [stream](Self::STREAMS).
    fn decode_streaming(response: StreamingResponse) -> Result<Self::Output, Error<Self::Error>> {
        let reason = "this operation's output is not read as a stream";
        drop(response);
        Err(Error::InvalidRequest(reason.to_owned()))
    }
}

/// A response as the client received it: read whole, or, for a success
/// whose output streams, with its body still to be read.
pub(crate) enum Received {
    Whole(RawResponse),
    Streaming(StreamingResponse),
}

/// A call being prepared. Await it for the output, or use [`Call::send`] for
/// the status and headers as well.
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<'a, Op> {
    state: CallState<'a>,
    operation: PhantomData<fn() -> Op>,
}

/// What a call sends, whatever its operation: sending it is the same code
/// for every operation, compiled once rather than once per operation.
#[derive(Clone)]
pub(crate) struct CallState<'a> {
    client: &'a Client,
    path: String,
    query: Vec<(Cow<'static, str>, String)>,
    headers: Vec<(&'static str, String)>,
    cookies: Vec<(&'static str, String)>,
    body: Option<(Payload, Cow<'static, str>)>,
    /// The parts of a multipart body before encoding, kept so that a file
    /// part can be sent from a stream instead (`Call::file_stream`).
    parts: Option<Arc<dyn Any + Send + Sync>>,
    /// Why the request cannot be sent (a value that could not be
    /// encoded), reported when the call is sent.
    invalid: Option<String>,
    /// What the caller changed of the client's settings for this call.
    /// Boxed, and absent until something is changed: most calls change
    /// nothing, and every call's future holds its state.
    options: Option<Box<CallOptions>>,
}

/// The settings a call may change, and its own headers.
#[derive(Clone, Default)]
struct CallOptions {
    /// Headers of [`Call::header`], sent over any other of the same name.
    extra_headers: HeaderMap,
    /// Why a header of [`Call::header`] cannot be sent.
    invalid_header: Option<String>,
    timeout: Option<Duration>,
    max_response_bytes: Option<u64>,
    max_retries: Option<u32>,
    retry_non_idempotent: bool,
    base_url: Option<String>,
    link: Option<Link>,
}

/// An absolute URL to request instead of the operation's path, such as a
/// page's `next` link.
#[derive(Debug, Clone)]
pub(crate) struct Link {
    pub(crate) url: reqwest::Url,
    /// Whether the link stays on the host credentials were meant for.
    pub(crate) send_credentials: bool,
}

impl<Op> Clone for Call<'_, Op> {
    fn clone(&self) -> Self {
        Call {
            state: self.state.clone(),
            operation: PhantomData,
        }
    }
}

impl<Op> fmt::Debug for Call<'_, Op> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("path", &self.state.path)
            .field("query", &self.state.query)
            .finish_non_exhaustive()
    }
}

impl<'a> CallState<'a> {
    fn new(client: &'a Client, path: String) -> Self {
        CallState {
            client,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            body: None,
            parts: None,
            invalid: None,
            options: None,
        }
    }

    /// The settings the caller changed, if any.
    fn options(&self) -> Option<&CallOptions> {
        self.options.as_deref()
    }

    /// The settings, to change one.
    fn options_mut(&mut self) -> &mut CallOptions {
        self.options.get_or_insert_with(Box::default)
    }

    /// Records why the request cannot be sent; the first reason wins.
    fn fail(&mut self, reason: String) {
        self.invalid.get_or_insert(reason);
    }

    fn query_pairs(
        &mut self,
        name: &'static str,
        value: serde_json::Result<serde_json::Value>,
        pairs: &dyn Fn(&str, &serde_json::Value) -> Vec<encoding::Pair>,
    ) {
        match value {
            Ok(value) => self.query.extend(
                pairs(name, &value)
                    .into_iter()
                    .map(|(name, value)| (Cow::Owned(name), value)),
            ),
            Err(e) => self.fail(format!("query parameter `{name}` cannot be encoded: {e}")),
        }
    }

    /// `Call::query`'s work, compiled once rather than per operation and
    /// value type.
    fn query(&mut self, name: &'static str, value: &dyn fmt::Display) {
        self.query.push((Cow::Borrowed(name), value.to_string()));
    }

    fn json_body(&mut self, body: serde_json::Result<Vec<u8>>, content_type: &'static str) {
        self.encoded_body(
            body.map(|bytes| (Bytes::from(bytes), Cow::Borrowed(content_type)))
                .map_err(|e| format!("the request body cannot be encoded: {e}")),
        );
    }

    fn form_body(
        &mut self,
        body: serde_json::Result<serde_json::Value>,
        content_type: &'static str,
    ) {
        let encoded = body
            .map_err(|e| e.to_string())
            .and_then(|value| encoding::form_body_pairs(&value))
            .map(|pairs| {
                let text = encoding::form_urlencoded(&pairs);
                (Bytes::from(text), Cow::Borrowed(content_type))
            })
            .map_err(|e| format!("the request body cannot be encoded: {e}"));
        self.encoded_body(encoded);
    }

    fn encoded_body(&mut self, body: Result<(Bytes, Cow<'static, str>), String>) {
        match body {
            Ok((bytes, content_type)) => self.body = Some((Payload::Bytes(bytes), content_type)),
            Err(reason) => self.fail(reason),
        }
    }
}

// The builder methods below are generic over the operation; each hands
// its work to `CallState` (values already encoded), so that only a move of
// the call is compiled once per operation.
impl<'a, Op: Operation> Call<'a, Op> {
    /// A call to `path` (parameters already in it).
    pub(crate) fn new(client: &'a Client, path: String) -> Self {
        Call {
            state: CallState::new(client, path),
            operation: PhantomData,
        }
    }

    /// Adds a query parameter.
    pub(crate) fn query(mut self, name: &'static str, value: impl fmt::Display) -> Self {
        self.state.query(name, &value);
        self
    }

    /// Adds a `style: deepObject` query parameter: `name[key]=value` pairs.
    pub(crate) fn query_deep_object<T: serde::Serialize + ?Sized>(
        mut self,
        name: &'static str,
        value: &T,
    ) -> Self {
        let value = encoding::json_value(value);
        self.state
            .query_pairs(name, value, &encoding::deep_object_pairs);
        self
    }

    /// Adds a `style: form` query parameter of any shape (an object's
    /// properties become pairs of their own when `explode`).
    pub(crate) fn query_form<T: serde::Serialize + ?Sized>(
        mut self,
        name: &'static str,
        value: &T,
        explode: bool,
    ) -> Self {
        let value = encoding::json_value(value);
        self.state.query_pairs(name, value, &|name, value| {
            encoding::form_pairs(name, value, explode)
        });
        self
    }

    /// Records why the request cannot be sent; the first reason wins.
    pub(crate) fn fail(&mut self, reason: String) {
        self.state.fail(reason);
    }

    /// Adds an array query parameter: one pair per item when `explode`,
    /// else one comma-separated value.
    pub(crate) fn query_list<T: fmt::Display>(
        mut self,
        name: &'static str,
        values: &[T],
        explode: bool,
    ) -> Self {
        if explode {
            self.state
                .query
                .extend(values.iter().map(|v| (Cow::Borrowed(name), v.to_string())));
        } else {
            let joined: Vec<String> = values.iter().map(ToString::to_string).collect();
            self.state
                .query
                .push((Cow::Borrowed(name), joined.join(",")));
        }
        self
    }

    /// Adds a header parameter.
    pub(crate) fn header_parameter(mut self, name: &'static str, value: impl fmt::Display) -> Self {
        self.state.headers.push((name, value.to_string()));
        self
    }

    /// Adds a cookie parameter.
    pub(crate) fn cookie(mut self, name: &'static str, value: impl fmt::Display) -> Self {
        self.state.cookies.push((name, value.to_string()));
        self
    }

    /// Sets a JSON request body.
    pub(crate) fn json_body<T: serde::Serialize + ?Sized>(
        mut self,
        body: &T,
        content_type: &'static str,
    ) -> Self {
        self.state.json_body(serde_json::to_vec(body), content_type);
        self
    }

    /// Sets an `application/x-www-form-urlencoded` body: see
    /// [`encoding`](super::encoding) for how nested values are written.
    pub(crate) fn form_body<T: serde::Serialize + ?Sized>(
        mut self,
        body: &T,
        content_type: &'static str,
    ) -> Self {
        self.state
            .form_body(encoding::json_value(body), content_type);
        self
    }

    /// Sets a text body, sent as it is.
    pub(crate) fn text_body(self, body: impl Into<String>, content_type: &'static str) -> Self {
        self.bytes_body(body.into(), content_type)
    }

    /// Sets a raw body: bytes sent as they are, or a stream read as it is
    /// sent.
    pub(crate) fn bytes_body(
        mut self,
        body: impl Into<BinaryBody>,
        content_type: &'static str,
    ) -> Self {
        self.state.body = Some((body.into().0, Cow::Borrowed(content_type)));
        self
    }

    /// Sets the body to encoded bytes and their `Content-Type`, or records
    /// why the value could not be encoded.
    pub(crate) fn encoded_body(mut self, body: Result<(Bytes, Cow<'static, str>), String>) -> Self {
        self.state.encoded_body(body);
        self
    }

    /// Sets the body to a payload (bytes or a stream) of this `Content-Type`.
    pub(crate) fn payload_body(mut self, body: Payload, content_type: Cow<'static, str>) -> Self {
        self.state.body = Some((body, content_type));
        self
    }

    /// Keeps the parts of a multipart body beside its encoding.
    pub(crate) fn keep_parts<T: Any + Send + Sync>(mut self, parts: T) -> Self {
        self.state.parts = Some(Arc::new(parts));
        self
    }

    /// The parts of a multipart body, as kept.
    pub(crate) fn kept_parts<T: Any>(&self) -> Option<&T> {
        self.state.parts.as_deref()?.downcast_ref()
    }

    /// Requests this absolute URL instead of the operation's path.
    pub(crate) fn with_link(mut self, link: Link) -> Self {
        self.state.options_mut().link = Some(link);
        self
    }

    /// Overrides the client's timeout for this call (each attempt).
    ///
    /// ```no_run
    /// # async fn example<Op>(call: kelviq::Call<'_, Op>) -> Result<(), Box<dyn std::error::Error>>
    /// # where
    /// #     Op: kelviq::Operation + 'static,
    /// #     Op::Output: Send,
    /// #     Op::Error: Send + std::fmt::Debug + 'static,
    /// # {
    /// call.timeout(std::time::Duration::from_secs(2)).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.state.options_mut().timeout = Some(timeout);
        self
    }

    /// Overrides the client's limit on the size of the response body for
    /// this call (of each event, for server-sent events).
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.state.options_mut().max_response_bytes = Some(limit);
        self
    }

    /// Overrides the client's number of retries for this call.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.state.options_mut().max_retries = Some(retries);
        self
    }

    /// Allows retrying this call even though its method is not idempotent
    /// (POST, PATCH): do this only when repeating the request is harmless,
    /// for instance because the server deduplicates it.
    pub fn retry_non_idempotent(mut self) -> Self {
        self.state.options_mut().retry_non_idempotent = true;
        self
    }

    /// Sends this header with this call only (a tenant id, a trace
    /// header). It replaces any header of the same name the call would
    /// send (a default header, a parameter, a credential); given twice,
    /// both values are sent. A name or value that is not valid in HTTP
    /// fails the call with [`Error::InvalidHeader`] before anything is sent.
    ///
    /// ```no_run
    /// # async fn example<Op>(call: kelviq::Call<'_, Op>) -> Result<(), Box<dyn std::error::Error>>
    /// # where
    /// #     Op: kelviq::Operation + 'static,
    /// #     Op::Output: Send,
    /// #     Op::Error: Send + std::fmt::Debug + 'static,
    /// # {
    /// call.header("x-tenant", "acme").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        let name = name.as_ref();
        let Ok(header) = HeaderName::from_bytes(name.as_bytes()) else {
            self.state
                .options_mut()
                .invalid_header
                .get_or_insert(format!("`{name}` is not a valid header name"));
            return self;
        };
        match HeaderValue::from_str(value.as_ref()) {
            Ok(value) => {
                self.state.options_mut().extra_headers.append(header, value);
            }
            Err(_) => {
                self.state
                    .options_mut()
                    .invalid_header
                    .get_or_insert(format!("the value of header `{name}` is not valid"));
            }
        }
        self
    }

    /// Sends this call to another base URL (a proxy, a mock server).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.state.options_mut().base_url = Some(url.into().trim_end_matches('/').to_owned());
        self
    }

    /// Sends the call; the output comes with the response's status and
    /// headers.
    ///
    /// Each HTTP attempt runs in a `tracing` span named `http_request` with
    /// the operation id, method, path template, attempt number and status
    /// (never a credential or a full URL), nested in the caller's span.
    ///
    /// ```no_run
    /// # async fn example<Op>(call: kelviq::Call<'_, Op>) -> Result<(), Box<dyn std::error::Error>>
    /// # where
    /// #     Op: kelviq::Operation + 'static,
    /// #     Op::Error: std::fmt::Debug + 'static,
    /// # {
    /// use tracing::Instrument;
    ///
    /// let response = call.send().instrument(tracing::info_span!("sync")).await?;
    /// println!("{} {:?}", response.status(), response.headers().get("x-request-id"));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send(self) -> Result<Response<Op::Output>, Error<Op::Error>> {
        let received = self.receive(Op::STREAMS).await?;
        let (status, headers) = match &received {
            Received::Whole(raw) => (raw.status(), raw.headers().clone()),
            Received::Streaming(streaming) => (streaming.status(), streaming.headers().clone()),
        };
        Ok(Response::new(status, headers, decode::<Op>(received)?))
    }

    /// Sends the request, retrying as the client's policy allows, and
    /// reads the whole response.
    pub(crate) async fn execute(&self) -> Result<RawResponse, Error<Op::Error>> {
        match self.receive(false).await? {
            Received::Whole(raw) => Ok(raw),
            Received::Streaming(streaming) => streaming.read_whole().await,
        }
    }

    /// Sends the request, retrying as the client's policy allows (see
    /// [`CallState::receive`]).
    pub(crate) async fn receive(&self, stream: bool) -> Result<Received, Error<Op::Error>> {
        self.state
            .receive(&Op::INFO, stream, Op::is_success)
            .await
            .map_err(Error::widen)
    }

    /// The URL to request, and whether credentials may go there.
    pub(crate) fn url(
        &self,
        info: &OperationInfo,
    ) -> Result<(reqwest::Url, bool), Error<Op::Error>> {
        self.state.url(info).map_err(Error::widen)
    }
}

/// Sending, the same for every operation: what differs (the operation's
/// facts, which statuses are successes) comes as arguments, and errors
/// carry no documented error yet ([`Error::widen`] gives them the
/// operation's type).
impl<'a> CallState<'a> {
    /// Sends the request, retrying as the client's policy allows. With
    /// `stream`, a success response comes with its body unread, and the
    /// call's timeout covers the wait for the response's head (a stream's
    /// reader applies it to each wait for more of the body).
    async fn receive(
        &self,
        info: &OperationInfo,
        stream: bool,
        is_success: fn(reqwest::StatusCode) -> bool,
    ) -> Result<Received, Error<Infallible>> {
        let retries = self.retries(info);
        let mut attempt: u32 = 1;
        loop {
            let span = tracing::info_span!(
                "http_request",
                operation = info.id,
                method = %info.method,
                path = info.path_template,
                attempt,
                status = tracing::field::Empty,
            );
            let outcome = self
                .attempt(info, &retries, attempt, stream, is_success)
                .instrument(span.clone())
                .await;
            // The outcome is moved, never borrowed, here: the call's future
            // then keeps no room for it beside the attempt's own future.
            let delay = match retries.next(outcome, attempt, &span) {
                Next::Return(outcome) => return outcome,
                Next::Retry(delay) => delay,
            };
            tracing::debug!(parent: &span, delay_ms = delay.as_millis() as u64, "retrying");
            (self.client.inner.sleeper)(delay).await;
            attempt += 1;
        }
    }

    /// How the call may be retried, decided once before its first attempt.
    fn retries(&self, info: &OperationInfo) -> Retries<'a> {
        let policy = &self.client.inner.retry;
        // A body read from a stream is gone once sent: only a body that can
        // be sent again may be retried.
        let replayable = self
            .body
            .as_ref()
            .is_none_or(|(payload, _)| payload.is_replayable());
        // A key the server deduplicates by makes any method safe to repeat.
        let may_retry = replayable
            && (retry::is_idempotent(&info.method)
                || self
                    .options()
                    .is_some_and(|options| options.retry_non_idempotent)
                || info.idempotency.is_some());
        Retries {
            policy,
            max_retries: if may_retry {
                self.options()
                    .and_then(|options| options.max_retries)
                    .unwrap_or(policy.max_retries)
            } else {
                0
            },
            // One key per call, the same on every attempt.
            idempotency_key: info.idempotency.map(|idempotency| (idempotency.new_key)()),
        }
    }

    /// One HTTP request: the call's own, with the client's default
    /// headers, the call's extra headers and the idempotency key added,
    /// then seen by the hooks.
    ///
    /// Kept small, since every call's future holds it: the request is
    /// built by plain functions and moved, never borrowed, across an
    /// `await`; the hooks and a streamed response, which most calls do not
    /// need, run in futures of their own, allocated only when they do.
    async fn attempt(
        &self,
        info: &OperationInfo,
        retries: &Retries<'_>,
        number: u32,
        stream: bool,
        is_success: fn(reqwest::StatusCode) -> bool,
    ) -> Result<Received, Error<Infallible>> {
        let timeout = self
            .options()
            .and_then(|options| options.timeout)
            .unwrap_or(self.client.inner.timeout);
        let request = self.attempt_request(info, retries, self.request_timeout(timeout, stream))?;
        let attempt = Attempt {
            operation: info.id,
            number,
        };
        let hooks = &self.client.inner.hooks;
        let request = match hooks.is_empty() {
            true => request,
            false => Box::pin(hooks::before_request(hooks, request, &attempt)).await?,
        };
        let limit = self
            .options()
            .and_then(|options| options.max_response_bytes)
            .unwrap_or(self.client.inner.max_response_bytes);
        if stream {
            let receiving = self.receive_streaming(request, &attempt, limit, timeout, is_success);
            return Box::pin(receiving).await;
        }
        let response = self.client.inner.http.execute(request).await;
        let response = hooks::after_response(hooks, response, &attempt)?;
        RawResponse::read(response, limit)
            .await
            .map(Received::Whole)
    }

    /// The timeout to set on the request itself, over the HTTP client's:
    /// none when the client already applies the call's. reqwest's timeout
    /// would also cover a streamed body, cutting a long stream short, so
    /// a streaming call lifts the client's and times its waits itself.
    fn request_timeout(&self, timeout: Duration, stream: bool) -> Option<Duration> {
        /// A limit no stream reaches, and no clock overflows with.
        const LIFTED: Duration = Duration::from_secs(30 * 365 * 24 * 60 * 60);
        let applied = self.client.inner.http_timeout;
        match stream {
            true => applied.map(|_| LIFTED),
            false => (applied != Some(timeout)).then_some(timeout),
        }
    }

    /// [`attempt`](Self::attempt)'s request and response when the
    /// success response's body is read as it arrives: the call's timeout
    /// covers the wait for the response's head.
    async fn receive_streaming(
        &self,
        request: reqwest::Request,
        attempt: &Attempt,
        limit: u64,
        timeout: Duration,
        is_success: fn(reqwest::StatusCode) -> bool,
    ) -> Result<Received, Error<Infallible>> {
        let response = tokio::time::timeout(timeout, self.client.inner.http.execute(request))
            .await
            .map_err(|_| Error::Timeout)?;
        let response = hooks::after_response(&self.client.inner.hooks, response, attempt)?;
        let response = StreamingResponse::new(response, limit, timeout);
        if is_success(response.status()) {
            return Ok(Received::Streaming(response));
        }
        response.read_whole().await.map(Received::Whole)
    }

    /// The request of one attempt: the call's own, with the client's
    /// default headers, the call's extra headers and the idempotency key
    /// added.
    fn attempt_request(
        &self,
        info: &OperationInfo,
        retries: &Retries<'_>,
        timeout: Option<Duration>,
    ) -> Result<reqwest::Request, Error<Infallible>> {
        let mut request = self.request(info, timeout)?;
        let headers = request.headers_mut();
        for (name, value) in &self.client.inner.default_headers {
            if !headers.contains_key(name) {
                headers.insert(name.clone(), value.clone());
            }
        }
        if let Some(options) = self.options() {
            if !options.extra_headers.is_empty() {
                headers.extend(options.extra_headers.clone());
            }
        }
        if let (Some(idempotency), Some(key)) = (info.idempotency, &retries.idempotency_key) {
            let name = HeaderName::from_bytes(idempotency.header.as_bytes()).map_err(|_| {
                Error::InvalidRequest("the idempotency header's name is not valid".to_owned())
            })?;
            if !headers.contains_key(&name) {
                headers.insert(name, header_value(key)?);
            }
        }
        Ok(request)
    }

    /// The request the call describes, before the client's and the
    /// caller's additions.
    /// `timeout`, when given, covers the whole exchange, body included.
    fn request(
        &self,
        info: &OperationInfo,
        timeout: Option<Duration>,
    ) -> Result<reqwest::Request, Error<Infallible>> {
        if let Some(reason) = &self.invalid {
            return Err(Error::InvalidRequest(reason.clone()));
        }
        if let Some(reason) = self
            .options()
            .and_then(|options| options.invalid_header.as_ref())
        {
            return Err(Error::InvalidHeader(reason.clone()));
        }
        let (mut url, send_credentials) = self.url(info)?;
        let credentials = match send_credentials {
            true => self
                .client
                .credentials_for(info.security)
                .map_err(|schemes| Error::MissingCredentials {
                    operation: info.id,
                    schemes,
                })?,
            false => &[],
        };
        let credentials = || {
            credentials
                .iter()
                .filter_map(|key| self.client.credential(key))
        };
        for held in credentials() {
            if let (Placement::Query(name), Credential::Token(token)) =
                (held.placement, &held.credential)
            {
                url.query_pairs_mut().append_pair(name, token.expose());
            }
        }
        // Built in place rather than through `RequestBuilder`, whose every
        // step moves the whole request.
        let mut request = reqwest::Request::new(info.method.clone(), url);
        if timeout.is_some() {
            *request.timeout_mut() = timeout;
        }
        let headers = request.headers_mut();
        if !info.accept.is_empty() {
            headers.append(ACCEPT, static_header_value(info.accept)?);
        }
        for (name, value) in &self.headers {
            headers.append(header_name(name)?, header_value(value)?);
        }
        if !self.cookies.is_empty() {
            let pairs: Vec<String> = self
                .cookies
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect();
            headers.append(COOKIE, header_value(&pairs.join("; "))?);
        }
        for held in credentials() {
            match &held.header {
                Some((name, value)) => {
                    headers.append(name.clone(), value.clone());
                }
                // No header was made when the client was built: a query
                // credential (nothing to add), or one whose text cannot be a
                // header value (the call fails, saying why).
                None => {
                    let header = held
                        .credential
                        .header(held.placement)
                        .map_err(Error::InvalidRequest)?;
                    if let Some((name, value)) = header {
                        headers.append(name, value);
                    }
                }
            }
        }
        if let Some((payload, content_type)) = &self.body {
            let body = payload.body().ok_or_else(|| {
                Error::InvalidRequest(
                    "the request body was a stream another send of this call already read; \
                     a stream is sent once (StreamBody::replayable makes one that can be sent again)"
                        .to_owned(),
                )
            })?;
            let content_type = match content_type {
                Cow::Borrowed(content_type) => static_header_value(content_type)?,
                Cow::Owned(content_type) => header_value(content_type)?,
            };
            headers.append(CONTENT_TYPE, content_type);
            *request.body_mut() = Some(body);
        }
        Ok(request)
    }

    /// The URL to request, and whether credentials may go there.
    fn url(&self, info: &OperationInfo) -> Result<(reqwest::Url, bool), Error<Infallible>> {
        let options = self.options();
        if let Some(link) = options.and_then(|options| options.link.as_ref()) {
            return Ok((link.url.clone(), link.send_credentials));
        }
        let base = match options.and_then(|options| options.base_url.as_ref()) {
            Some(base) => base.as_str(),
            None => self.client.base_url_for(info.servers),
        };
        let mut url = reqwest::Url::parse(&format!("{base}{}", self.path))
            .map_err(|e| Error::InvalidRequest(format!("invalid URL: {e}")))?;
        if !self.query.is_empty() {
            url.query_pairs_mut().extend_pairs(self.query.iter());
        }
        Ok((url, true))
    }
}

/// What follows an attempt.
enum Next {
    /// The call ends with this outcome.
    Return(Result<Received, Error<Infallible>>),
    /// The call is retried after this wait.
    Retry(Duration),
}

/// How a call is retried: decided once, before its first attempt.
struct Retries<'a> {
    policy: &'a RetryPolicy,
    /// Retries allowed after the first attempt.
    max_retries: u32,
    /// The idempotency key every attempt sends, if the operation has one.
    idempotency_key: Option<String>,
}

impl Retries<'_> {
    /// What follows attempt `attempt`, whose status goes into its span.
    fn next(
        &self,
        outcome: Result<Received, Error<Infallible>>,
        attempt: u32,
        span: &tracing::Span,
    ) -> Next {
        match &outcome {
            Ok(Received::Whole(response)) => {
                span.record("status", response.status().as_u16());
            }
            Ok(Received::Streaming(response)) => {
                span.record("status", response.status().as_u16());
            }
            Err(_) => {}
        }
        match self.delay(&outcome, attempt) {
            Some(delay) => Next::Retry(delay),
            None => Next::Return(outcome),
        }
    }

    /// How long to wait before retrying after attempt `attempt`'s
    /// `outcome`, if it is worth retrying: connection failures and
    /// retryable statuses, honouring the server's `Retry-After` when it
    /// asks for no more than the policy allows.
    fn delay<E>(&self, outcome: &Result<Received, Error<E>>, attempt: u32) -> Option<Duration> {
        if attempt > self.max_retries {
            return None;
        }
        match outcome {
            Ok(Received::Whole(response)) if retry::is_retryable_status(response.status()) => {
                match retry::retry_after(response.headers()) {
                    Some(asked) if asked <= self.policy.max_delay => Some(asked),
                    Some(_) => None,
                    None => Some(self.policy.backoff(attempt)),
                }
            }
            Err(Error::Transport(error)) if error.is_connect() || error.is_request() => {
                Some(self.policy.backoff(attempt))
            }
            _ => None,
        }
    }
}

fn header_value<E>(value: &str) -> Result<HeaderValue, Error<E>> {
    HeaderValue::from_str(value)
        .map_err(|_| Error::InvalidRequest("a header value contains invalid characters".to_owned()))
}

/// A header value of the spec's text (a media type), used without a copy.
fn static_header_value<E>(value: &'static str) -> Result<HeaderValue, Error<E>> {
    HeaderValue::from_maybe_shared(Bytes::from_static(value.as_bytes()))
        .map_err(|_| Error::InvalidRequest("a header value contains invalid characters".to_owned()))
}

fn header_name<E>(name: &str) -> Result<HeaderName, Error<E>> {
    HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| Error::InvalidRequest(format!("`{name}` is not a valid header name")))
}

impl<'a, Op> IntoFuture for Call<'a, Op>
where
    Op: Operation + 'a,
    Op::Output: Send + 'a,
    Op::Error: Send + 'a,
{
    type Output = Result<Op::Output, Error<Op::Error>>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        // Unlike `send`, no copy of the status and headers is kept; the
        // call's state is sent directly, without `Call::receive`'s future
        // around it (every level of futures is memory the call copies).
        Box::pin(async move {
            let received = (self.state)
                .receive(&Op::INFO, Op::STREAMS, Op::is_success)
                .await;
            decode::<Op>(received.map_err(Error::widen)?)
        })
    }
}

/// The output of a response, or the error it stands for.
fn decode<Op: Operation>(received: Received) -> Result<Op::Output, Error<Op::Error>> {
    match received {
        Received::Whole(raw) => Op::decode(raw),
        Received::Streaming(streaming) => Op::decode_streaming(streaming),
    }
}
