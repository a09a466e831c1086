//! Errors. Every error that comes with a response keeps its status, headers
//! and body.

use std::fmt;

use super::hooks::HookError;
use super::response::RawResponse;
use super::StatusCode;

/// Why a call failed. `E` is the operation's enum of documented errors.
///
/// Errors that come with a response keep its status, headers and body, and
/// name the server's request id ([`Error::request_id`]) when it sent one.
///
/// ```no_run
/// # async fn example<Op>(call: kelviq::Call<'_, Op>)
/// # where
/// #     Op: kelviq::Operation + 'static,
/// #     Op::Output: Send,
/// #     Op::Error: Send + std::fmt::Debug,
/// # {
/// use kelviq::Error;
///
/// match call.await {
///     Ok(_output) => {}
///     // A status the spec documents: `kind` is the typed variant.
///     Err(Error::Api(error)) => eprintln!(
///         "{} {:?}: {}",
///         error.response.status(),
///         error.kind,
///         error.response.text()
///     ),
///     Err(Error::UnexpectedStatus(response)) => eprintln!("{}", response.status()),
///     Err(Error::Decode(error)) => eprintln!("{} at `{}`", error.message, error.path),
///     Err(Error::Timeout) => eprintln!("timed out"),
///     Err(other) => eprintln!("{other}"),
/// }
/// # }
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// The server answered with an error status the spec documents.
    Api(Box<ApiError<E>>),
    /// The server answered with a status the spec does not document.
    UnexpectedStatus(Box<RawResponse>),
    /// The response body did not match the documented type.
    Decode(Box<DecodeError>),
    /// The call took longer than its timeout (including a server that
    /// stalls while sending the body).
    Timeout,
    /// The response body was larger than the client's limit
    /// ([`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)).
    /// Reading stopped at the limit: `response` has the status, the headers
    /// and the body received up to then (at most `limit` bytes).
    ResponseTooLarge {
        /// The limit, in bytes.
        limit: u64,
        /// The response, its body cut short.
        response: Box<RawResponse>,
    },
    /// The request could not be sent or the response not read.
    Transport(reqwest::Error),
    /// The operation needs credentials the client was not given.
    MissingCredentials {
        /// The operation's id.
        operation: &'static str,
        /// The security schemes it needs.
        schemes: Vec<&'static str>,
    },
    /// The request could not be built (a value that cannot be sent).
    InvalidRequest(String),
    /// A header given to [`Call::header`](crate::Call::header) has a name
    /// or value that is not valid in HTTP; nothing was sent. The message
    /// names the header, never its value.
    InvalidHeader(String),
    /// A [`Hook`](crate::Hook) stopped the request before it was sent.
    Hook(HookError),
}

impl Error<std::convert::Infallible> {
    /// The same error as an error of an operation's type: none but `Api`
    /// carries the operation's documented error, and this one has none.
    pub(crate) fn widen<E>(self) -> Error<E> {
        match self {
            Error::Api(api) => match api.kind {},
            Error::UnexpectedStatus(response) => Error::UnexpectedStatus(response),
            Error::Decode(error) => Error::Decode(error),
            Error::Timeout => Error::Timeout,
            Error::ResponseTooLarge { limit, response } => {
                Error::ResponseTooLarge { limit, response }
            }
            Error::Transport(error) => Error::Transport(error),
            Error::MissingCredentials { operation, schemes } => {
                Error::MissingCredentials { operation, schemes }
            }
            Error::InvalidRequest(reason) => Error::InvalidRequest(reason),
            Error::InvalidHeader(reason) => Error::InvalidHeader(reason),
            Error::Hook(error) => Error::Hook(error),
        }
    }
}

impl<E> Error<E> {
    pub(crate) fn from_transport(error: reqwest::Error) -> Self {
        if error.is_timeout() {
            Error::Timeout
        } else {
            Error::Transport(error.without_url())
        }
    }

    /// The response, for errors that have one.
    pub fn response(&self) -> Option<&RawResponse> {
        match self {
            Error::Api(e) => Some(&e.response),
            Error::UnexpectedStatus(response) => Some(response),
            Error::Decode(e) => Some(&e.response),
            Error::ResponseTooLarge { response, .. } => Some(response),
            _ => None,
        }
    }

    /// The status code, for errors that have a response.
    pub fn status(&self) -> Option<StatusCode> {
        self.response().map(RawResponse::status)
    }

    /// The server's id for the request (its `x-request-id` or `request-id`
    /// header), for errors that have a response with one: quote it to the
    /// API's support.
    pub fn request_id(&self) -> Option<&str> {
        self.response().and_then(RawResponse::request_id)
    }
}

impl<E: fmt::Debug> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.describe(f)?;
        match self.request_id() {
            Some(id) => write!(f, " (request id {id})"),
            None => Ok(()),
        }
    }
}

impl<E: fmt::Debug> Error<E> {
    /// The message, without the request id.
    fn describe(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => write!(f, "the API returned {}: {:?}", e.response.status(), e.kind),
            Error::UnexpectedStatus(r) => {
                write!(f, "the API returned an undocumented status {}", r.status())
            }
            Error::Decode(e) => fmt::Display::fmt(e, f),
            Error::Timeout => f.write_str("the call timed out"),
            Error::ResponseTooLarge { limit, response } => write!(
                f,
                "the {} response is larger than the limit of {limit} bytes",
                response.status()
            ),
            Error::Transport(e) => write!(f, "transport error: {e}"),
            Error::MissingCredentials { operation, schemes } => write!(
                f,
                "`{operation}` needs credentials for {} but the client has none",
                schemes.join(" and ")
            ),
            Error::InvalidRequest(message) => write!(f, "invalid request: {message}"),
            Error::InvalidHeader(message) => write!(f, "invalid header: {message}"),
            Error::Hook(e) => write!(f, "a hook stopped the request: {e}"),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => Some(e),
            Error::Decode(e) => Some(e.as_ref()),
            Error::Hook(e) => Some(e.as_ref()),
            _ => None,
        }
    }
}

/// A documented error response.
#[derive(Debug)]
pub struct ApiError<E> {
    /// Which documented error, with its decoded body where one is documented.
    pub kind: E,
    /// The response as received.
    pub response: RawResponse,
}

impl<E> ApiError<E> {
    pub(crate) fn new(kind: E, response: RawResponse) -> Self {
        ApiError { kind, response }
    }

    /// The server's id for the request (its `x-request-id` or `request-id`
    /// header), if it sent one.
    pub fn request_id(&self) -> Option<&str> {
        self.response.request_id()
    }
}

/// A response that did not decode into the documented type.
#[derive(Debug)]
pub struct DecodeError {
    /// The response as received.
    pub response: RawResponse,
    /// Where in the body decoding failed (`results[0].name`); empty when
    /// the failure is about the whole response (an empty body, a missing
    /// header).
    pub path: String,
    /// What was wrong there.
    pub message: String,
}

impl DecodeError {
    pub(crate) fn new(response: RawResponse, path: String, error: serde_json::Error) -> Self {
        // The body is decoded by the type the spec documents whatever its
        // `Content-Type`; when that fails and the server said the body is
        // something else, say so.
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let message = match content_type {
            Some(content_type) if !content_type.to_ascii_lowercase().contains("json") => {
                format!("{error} (the response's Content-Type is `{content_type}`)")
            }
            _ => error.to_string(),
        };
        DecodeError {
            response,
            path,
            message,
        }
    }

    /// A body that is empty (or only whitespace) where the documented type
    /// needs a value.
    pub(crate) fn empty_body(response: RawResponse) -> Self {
        DecodeError {
            response,
            path: String::new(),
            message: "the body is empty, but the documented type needs a value".to_owned(),
        }
    }

    pub(crate) fn missing_header(response: RawResponse, header: &str) -> Self {
        DecodeError {
            response,
            path: String::new(),
            message: format!("the `{header}` header is missing"),
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = self.response.status();
        // Failures about the whole response (an empty body, a missing
        // header) have no path to name.
        if self.path.is_empty() {
            return write!(f, "cannot decode the {status} response: {}", self.message);
        }
        write!(
            f,
            "cannot decode the {status} response at `{}`: {}",
            self.path, self.message
        )
    }
}

impl std::error::Error for DecodeError {}

/// The client could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError {
    kind: BuildErrorKind,
    message: String,
}

/// Why the client could not be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BuildErrorKind {
    /// The API lists no server and no base URL was given.
    NoServer,
    /// The base URL is not a URL.
    InvalidBaseUrl,
    /// A default header or the `User-Agent` is not valid in HTTP.
    InvalidHeader,
    /// The HTTP client (TLS, connection settings) could not be built.
    HttpClient,
}

impl BuildError {
    pub(crate) fn new(kind: BuildErrorKind, message: impl Into<String>) -> Self {
        BuildError {
            kind,
            message: message.into(),
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> BuildErrorKind {
        self.kind
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for BuildError {}
