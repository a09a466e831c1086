//! Responses: the raw status, headers and body, and typed results.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, CONTENT_TYPE, LOCATION};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use super::error::{ApiError, DecodeError, Error};
use super::json;

/// A response as received: status, headers and the whole body.
#[derive(Clone)]
pub struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish()
    }
}

impl RawResponse {
    /// A response from its parts.
    pub fn new(status: StatusCode, headers: HeaderMap, body: Bytes) -> Self {
        RawResponse {
            status,
            headers,
            body,
        }
    }

    /// Reads the whole body, chunk by chunk, failing with
    /// [`Error::ResponseTooLarge`] as soon as it exceeds `limit` bytes (or
    /// when `Content-Length` announces more), so an endless body never
    /// exhausts memory. A body cut short by the server is a
    /// [`Error::Transport`]; one that stalls past the call's timeout is an
    /// [`Error::Timeout`].
    ///
    /// Not an `async fn`, which would keep the response twice in its
    /// future (as argument and as local): every call's future holds this
    /// one. A body of one chunk, the usual case, is kept as it arrived;
    /// longer ones are gathered by [`read_rest`], in a future of its own.
    pub(crate) fn read<E>(
        mut response: reqwest::Response,
        limit: u64,
    ) -> impl Future<Output = Result<Self, Error<E>>> {
        let announced_too_large = response
            .content_length()
            .is_some_and(|length| length > limit);
        async move {
            let limit_bytes = bytes_allowed(limit);
            if announced_too_large {
                return Err(too_large(response, limit, Vec::new()));
            }
            let first = match response.chunk().await {
                Ok(Some(first)) => first,
                Ok(None) => return Ok(RawResponse::whole(response, Bytes::new())),
                Err(error) => return Err(Error::from_transport(error)),
            };
            if first.len() > limit_bytes {
                return Err(too_large(response, limit, first[..limit_bytes].to_vec()));
            }
            match response.chunk().await {
                Ok(None) => Ok(RawResponse::whole(response, first)),
                Ok(Some(second)) => Box::pin(read_rest(response, limit, first, second)).await,
                Err(error) => Err(Error::from_transport(error)),
            }
        }
    }

    /// The response whose body was read whole.
    fn whole(mut response: reqwest::Response, body: Bytes) -> Self {
        let headers = std::mem::take(response.headers_mut());
        RawResponse::new(response.status(), headers, body)
    }

    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The server's id for the request: its `x-request-id` header, else
    /// its `request-id` header, when one is readable text.
    pub fn request_id(&self) -> Option<&str> {
        ["x-request-id", "request-id"]
            .into_iter()
            .find_map(|name| self.headers.get(name)?.to_str().ok())
    }

    /// The body, exactly as received.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The body as text, with invalid UTF-8 replaced.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Decodes a JSON body; failures keep the response and the path of the
    /// value that did not fit.
    pub(crate) fn json<T: DeserializeOwned, E>(self) -> Result<T, Error<E>> {
        match self.decode() {
            Ok(value) => Ok(value),
            Err(undecoded) => Err(Error::Decode(undecoded)),
        }
    }

    /// `json`'s work, generic over the body's type only, not over the
    /// operation's error type; the body is read by `read_json`, which is
    /// not generic at all.
    fn decode<T: DeserializeOwned>(self) -> Result<T, Box<DecodeError>> {
        let mut value = None;
        let failure = self.read_json(&mut value);
        match value {
            Some(value) => Ok(value),
            None => Err(self.undecodable(failure)),
        }
    }

    /// Decodes the JSON body into `place`. An empty body is read as the
    /// stand-ins of `json_texts`; the first that decodes is the value.
    /// Why none did: the last failure, none for an empty body.
    fn read_json(&self, place: &mut dyn json::Place) -> Option<json::Failure> {
        let mut last = None;
        let body: &[u8] = &self.body;
        for text in json_texts(&body) {
            match json::read(text, place) {
                None => return None,
                Some(failure) => last = Some(failure),
            }
        }
        if is_blank(&self.body) {
            None
        } else {
            last
        }
    }

    /// Why a JSON body did not decode: the failure, or none when the body
    /// is empty. Not generic, so compiled once whatever the body's type.
    fn undecodable(self, failure: Option<json::Failure>) -> Box<DecodeError> {
        Box::new(match failure {
            Some(failure) => DecodeError::new(self, failure.path, failure.error),
            None => DecodeError::empty_body(self),
        })
    }

    /// A string body: the JSON string it holds when the response's
    /// `Content-Type` is JSON and it is one, else the body as received
    /// (invalid UTF-8 replaced). Servers answering a `*/*` or `text/*`
    /// response choose their media type, so the label decides.
    pub(crate) fn text_body<E>(self) -> Result<String, Error<E>> {
        if self.content_type_is_json() {
            if let Ok(text) = json::from_slice::<String>(&self.body) {
                return Ok(text);
            }
        }
        Ok(self.text())
    }

    /// Whether the `Content-Type` header names JSON (`application/json`,
    /// `*+json`), parameters aside.
    fn content_type_is_json(&self) -> bool {
        let Some(value) = self.headers.get(CONTENT_TYPE) else {
            return false;
        };
        let essence = value
            .to_str()
            .unwrap_or_default()
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        essence == "application/json" || essence.ends_with("+json")
    }

    /// A body returned as bytes, undecoded.
    pub(crate) fn bytes_body<E>(self) -> Result<Bytes, Error<E>> {
        Ok(self.body)
    }

    /// A success with no body to decode.
    pub(crate) fn empty<E>(self) -> Result<(), Error<E>> {
        Ok(())
    }

    /// A redirect, returned as data rather than followed.
    pub(crate) fn redirect<E>(self) -> Result<Redirect, Error<E>> {
        let location = self
            .headers
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        match location {
            Some(location) => Ok(Redirect {
                status: self.status,
                location,
            }),
            None => Err(Error::Decode(Box::new(DecodeError::missing_header(
                self, "Location",
            )))),
        }
    }

    /// A documented error without a body to decode.
    pub(crate) fn fail<T, E>(self, kind: E) -> Result<T, Error<E>> {
        Err(Error::Api(Box::new(ApiError::new(kind, self))))
    }

    /// A documented error whose JSON body decodes into `wrap`'s argument.
    pub(crate) fn fail_json<T, B: DeserializeOwned, E>(
        self,
        wrap: fn(B) -> E,
    ) -> Result<T, Error<E>> {
        Err(self.api_error(wrap))
    }

    /// `fail_json`'s work, not generic over the operation's output.
    fn api_error<B: DeserializeOwned, E>(self, wrap: fn(B) -> E) -> Error<E> {
        match self.clone().decode::<B>() {
            Ok(body) => Error::Api(Box::new(ApiError::new(wrap(body), self))),
            Err(undecoded) => Error::Decode(undecoded),
        }
    }

    /// A status the spec does not document for this operation.
    pub(crate) fn unexpected<T, E>(self) -> Result<T, Error<E>> {
        Err(Error::UnexpectedStatus(Box::new(self)))
    }
}

/// A success response whose body is still to be read: the output of an
/// operation that streams (server-sent events) reads it as it arrives.
pub struct StreamingResponse {
    response: reqwest::Response,
    limit: u64,
    idle: Duration,
}

impl fmt::Debug for StreamingResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamingResponse")
            .field("status", &self.response.status())
            .field("headers", self.response.headers())
            .finish_non_exhaustive()
    }
}

impl StreamingResponse {
    /// `limit` bounds one unit of the body (an event); `idle` bounds each
    /// wait for more of it.
    pub(crate) fn new(response: reqwest::Response, limit: u64, idle: Duration) -> Self {
        StreamingResponse {
            response,
            limit,
            idle,
        }
    }

    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.response.status()
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        self.response.headers()
    }

    /// The response limit of the call, applied to each unit of the body.
    pub(crate) fn limit(&self) -> u64 {
        self.limit
    }

    /// The longest wait for more of the body.
    pub(crate) fn idle(&self) -> Duration {
        self.idle
    }

    /// The reqwest response, its body unread.
    pub(crate) fn into_inner(self) -> reqwest::Response {
        self.response
    }

    /// Reads the whole body under the limit, within the idle time.
    pub(crate) async fn read_whole<E>(self) -> Result<RawResponse, Error<E>> {
        tokio::time::timeout(self.idle, RawResponse::read(self.response, self.limit))
            .await
            .map_err(|_| Error::Timeout)?
    }
}

/// [`RawResponse::read`] for a body of more than one chunk: gathers the
/// rest after the first two, up to `limit` bytes.
async fn read_rest<E>(
    mut response: reqwest::Response,
    limit: u64,
    first: Bytes,
    second: Bytes,
) -> Result<RawResponse, Error<E>> {
    let limit_bytes = bytes_allowed(limit);
    let announced = response.content_length().unwrap_or(0);
    let capacity = usize::try_from(announced).unwrap_or(0).min(limit_bytes);
    let mut body: Vec<u8> = Vec::with_capacity(capacity.max(first.len() + second.len()));
    body.extend_from_slice(&first);
    let mut next = Some(second);
    while let Some(chunk) = next {
        let room = limit_bytes.saturating_sub(body.len());
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            return Err(too_large(response, limit, body));
        }
        body.extend_from_slice(&chunk);
        next = response.chunk().await.map_err(Error::from_transport)?;
    }
    Ok(RawResponse::whole(response, Bytes::from(body)))
}

/// A size limit as a length in memory: a limit past what memory can
/// address is no limit.
pub(crate) fn bytes_allowed(limit: u64) -> usize {
    usize::try_from(limit).unwrap_or(usize::MAX)
}

/// [`Error::ResponseTooLarge`] for a response whose body went past
/// `limit`, with what was read of it.
fn too_large<E>(response: reqwest::Response, limit: u64, body: Vec<u8>) -> Error<E> {
    Error::ResponseTooLarge {
        limit,
        response: Box::new(RawResponse::whole(response, Bytes::from(body))),
    }
}

/// The next chunk of a body being streamed, waiting at most `idle` for it;
/// `None` at its end.
pub(crate) async fn next_chunk<E>(
    response: &mut reqwest::Response,
    idle: Duration,
) -> Result<Option<Bytes>, Error<E>> {
    match tokio::time::timeout(idle, response.chunk()).await {
        Ok(chunk) => chunk.map_err(Error::from_transport),
        Err(_) => Err(Error::Timeout),
    }
}

/// The JSON texts a body is read as: the body itself, or, when it is empty,
/// JSON `null` then `{}`, for a documented type that has such a value
/// (`serde_json::Value`, a map, an object with no required field); when
/// neither decodes, the caller reports that the body is empty. The server
/// sent no value, so none is made up for a type that needs one. Not generic,
/// and `decode` walks it with a `for` loop: `find_map`, `Result::ok` or a
/// helper generic over the body's type would be compiled once per body type.
fn json_texts<'a>(body: &'a &'a [u8]) -> &'a [&'a [u8]] {
    if is_blank(body) {
        &[b"null", b"{}"]
    } else {
        std::slice::from_ref(body)
    }
}

/// Whether a body is empty or only whitespace: no JSON value at all.
fn is_blank(body: &[u8]) -> bool {
    body.iter().all(u8::is_ascii_whitespace)
}

/// A successful response: the decoded output with the status and headers.
#[derive(Debug, Clone)]
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    data: T,
}

impl<T> Response<T> {
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, data: T) -> Self {
        Response {
            status,
            headers,
            data,
        }
    }

    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The decoded output.
    pub fn data(&self) -> &T {
        &self.data
    }

    /// Takes the decoded output.
    pub fn into_data(self) -> T {
        self.data
    }
}

/// A redirect the client did not follow.
///
/// The client never follows redirects by itself, so credentials never reach
/// a host the caller did not choose; an operation documented to answer with
/// a redirect returns it as data.
///
/// ```no_run
/// # async fn example<Op>(call: __CRATE__::Call<'_, Op>) -> Result<(), Box<dyn std::error::Error>>
/// # where
/// #     Op: __CRATE__::Operation<Output = __CRATE__::Redirect> + 'static,
/// #     Op::Error: Send + std::fmt::Debug + 'static,
/// # {
/// let redirect = call.await?;
/// println!("{} → {}", redirect.status, redirect.location);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// The redirect status (302, say).
    pub status: StatusCode,
    /// Where the server points: the `Location` header.
    pub location: String,
}
