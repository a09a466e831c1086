//! The client, its builder, and how credentials and base URLs are chosen.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, COOKIE, USER_AGENT};

use super::error::{BuildError, BuildErrorKind};
use super::hooks::Hook;
use super::retry::{tokio_sleeper, RetryPolicy, Sleeper};
use super::serde_support::base64_encode;
use super::Secret;

/// How a security scheme carries its credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// `Authorization: Basic <base64(user:password)>`.
    Basic,
    /// A header with this name.
    Header(&'static str),
    /// A query parameter with this name.
    Query(&'static str),
    /// A cookie with this name.
    Cookie(&'static str),
}

/// A security scheme of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecurityScheme {
    /// The scheme's name in the spec.
    pub key: &'static str,
    /// Where its credential goes.
    pub placement: Placement,
}

/// What the runtime needs to know about the API as a whole.
#[derive(Debug, Clone, Copy)]
pub struct ApiDescription {
    /// Base URLs of the spec's servers, in order.
    pub servers: &'static [&'static str],
    /// The security schemes the client can use.
    pub schemes: &'static [SecurityScheme],
    /// `User-Agent` sent with every request.
    pub user_agent: &'static str,
}

#[derive(Clone)]
pub(crate) enum Credential {
    Token(Secret),
    Basic { username: String, password: Secret },
}

impl Credential {
    /// The header this credential travels in under `placement`, marked
    /// sensitive; none when it travels in the query; why not when its text
    /// cannot be sent in a header.
    pub(crate) fn header(
        &self,
        placement: Placement,
    ) -> Result<Option<(HeaderName, HeaderValue)>, String> {
        let (name, text) = match (placement, self) {
            (Placement::Basic, Credential::Basic { username, password }) => {
                let pair = format!("{username}:{}", password.expose());
                let encoded = base64_encode(pair.as_bytes());
                (AUTHORIZATION, format!("Basic {encoded}"))
            }
            (_, Credential::Basic { .. }) | (Placement::Query(_), Credential::Token(_)) => {
                return Ok(None)
            }
            (Placement::Bearer | Placement::Basic, Credential::Token(token)) => {
                (AUTHORIZATION, format!("Bearer {}", token.expose()))
            }
            (Placement::Header(name), Credential::Token(token)) => {
                let name = HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| format!("`{name}` is not a valid header name"))?;
                (name, token.expose().to_owned())
            }
            (Placement::Cookie(name), Credential::Token(token)) => {
                (COOKIE, format!("{name}={}", token.expose()))
            }
        };
        let mut value = HeaderValue::from_str(&text)
            .map_err(|_| "a header value contains invalid characters".to_owned())?;
        value.set_sensitive(true);
        Ok(Some((name, value)))
    }
}

/// A credential as the client holds it: resolved against its scheme, and
/// with its header made once, when the client is built, rather than on
/// every call.
pub(crate) struct HeldCredential {
    pub(crate) placement: Placement,
    pub(crate) credential: Credential,
    /// The header it travels in; none for one that travels in the query,
    /// or whose text cannot be a header value (a call needing it then
    /// fails, saying why).
    pub(crate) header: Option<(HeaderName, HeaderValue)>,
}

/// Held credentials shown as a map of scheme to (redacted) credential.
struct Credentials<'a>(&'a [(&'static str, HeldCredential)]);

impl fmt::Debug for Credentials<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(key, held)| (key, held)))
            .finish()
    }
}

impl fmt::Debug for HeldCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.credential.fmt(f)
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credential::Token(_) => f.write_str("Token(<redacted>)"),
            Credential::Basic { username, .. } => write!(f, "Basic({username}, <redacted>)"),
        }
    }
}

/// Which base URL requests go to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BaseUrl {
    /// The spec's server at this index (and the same index of an
    /// operation's own servers).
    Server(usize),
    /// A URL of the caller's choosing, for every operation.
    Custom(String),
}

/// Default limit on a whole request, including reading the response.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default limit on establishing a connection.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default limit on the size of a response body: 16 MiB.
pub(crate) const DEFAULT_MAX_RESPONSE_BYTES: u64 = 16 * 1024 * 1024;

/// Configures a [`Client`]: where calls go, how they authenticate, how long
/// they may take and how failures are retried.
///
/// Each security scheme of the API has a credential setter here; an
/// operation sends the credentials its `security` asks for, and none when
/// it declares `security: []`. A call needing a credential the client was not
/// given fails before anything is sent ([`Error::MissingCredentials`](crate::Error::MissingCredentials)).
///
/// ```no_run
/// # fn example() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
///
/// let client = kelviq::Client::builder()
///     // One of the spec's servers, or any base URL such as a mock server's.
///     .base_url("http://127.0.0.1:4010")
///     // Or keep a spec server and send one host of it elsewhere.
///     .override_server("https://api.example.com/v1", "http://127.0.0.1:4011")
///     .timeout(Duration::from_secs(20)) // whole call, per attempt
///     .connect_timeout(Duration::from_secs(5))
///     .max_retries(3)
///     // Sent with every request; a call can add its own with `Call::header`.
///     .default_header("x-tenant", "acme")
///     .build()?;
/// # let _ = client;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct ClientBuilder {
    api: ApiDescription,
    base_url: BaseUrl,
    server_overrides: BTreeMap<String, String>,
    credentials: BTreeMap<&'static str, Credential>,
    timeout: Duration,
    connect_timeout: Duration,
    max_response_bytes: u64,
    retry: RetryPolicy,
    sleeper: Sleeper,
    user_agent: Option<String>,
    /// Headers for every request, in order; checked by `build`.
    default_headers: Vec<(String, String)>,
    http_client: Option<reqwest::Client>,
    hooks: Vec<Arc<dyn Hook>>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("server_overrides", &self.server_overrides)
            .field("credentials", &self.credentials)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("retry", &self.retry)
            .field("hooks", &self.hooks.len())
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// A builder for an API; generated code calls this from `Client::builder`.
    pub(crate) fn new(api: ApiDescription) -> Self {
        ClientBuilder {
            api,
            base_url: BaseUrl::Server(0),
            server_overrides: BTreeMap::new(),
            credentials: BTreeMap::new(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            retry: RetryPolicy::default(),
            sleeper: tokio_sleeper(),
            user_agent: None,
            default_headers: Vec::new(),
            http_client: None,
            hooks: Vec::new(),
        }
    }

    pub(crate) fn with_base_url(mut self, base_url: BaseUrl) -> Self {
        // Paths start with `/`; a trailing one here would double it.
        self.base_url = match base_url {
            BaseUrl::Custom(url) => BaseUrl::Custom(url.trim_end_matches('/').to_owned()),
            server => server,
        };
        self
    }

    pub(crate) fn token(mut self, scheme: &'static str, token: Secret) -> Self {
        self.credentials.insert(scheme, Credential::Token(token));
        self
    }

    pub(crate) fn basic(
        mut self,
        scheme: &'static str,
        username: String,
        password: Secret,
    ) -> Self {
        self.credentials
            .insert(scheme, Credential::Basic { username, password });
        self
    }

    /// Sends every request to this base URL (for example a local mock
    /// server), instead of one of the spec's servers.
    pub fn base_url(self, url: impl Into<String>) -> Self {
        self.with_base_url(BaseUrl::Custom(url.into()))
    }

    /// Sends requests meant for the spec's server `server` (for example an
    /// operation's own host) to `replacement` instead.
    pub fn override_server(mut self, server: &str, replacement: impl Into<String>) -> Self {
        self.server_overrides.insert(
            server.trim_end_matches('/').to_owned(),
            replacement.into().trim_end_matches('/').to_owned(),
        );
        self
    }

    /// How many times a failed idempotent request is retried (default 2).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.retry.max_retries = retries;
        self
    }

    /// Replaces the whole retry policy (retries, backoff, longest delay).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Replaces how the client waits between retries (by default
    /// `tokio::time::sleep`); useful to observe or skip the delays in tests.
    pub fn sleeper(mut self, sleeper: Sleeper) -> Self {
        self.sleeper = sleeper;
        self
    }

    /// Limit on a whole call, from connecting to reading the last byte of
    /// the response (default 60 s). A call can override it.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Limit on establishing a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Limit on the size of a response body (default 16 MiB). A larger
    /// body is not read further: the call fails with
    /// [`Error::ResponseTooLarge`](crate::Error::ResponseTooLarge). A call
    /// can override it. Server-sent events are bounded per event (a larger
    /// one is an error item, and the stream goes on); a body read by
    /// `bytes_stream` is not bounded, since it is never held whole.
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Replaces the default `User-Agent` (`<crate>/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Sends this header with every request (a tenant id, a trace header),
    /// replacing an earlier default of the same name. Headers the call
    /// sets itself (parameters, credentials, `Accept`) and
    /// [`Call::header`](crate::Call::header) take precedence. A name or
    /// value that is not valid in HTTP makes [`build`](Self::build) fail
    /// with [`BuildErrorKind::InvalidHeader`](crate::BuildErrorKind::InvalidHeader).
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.default_headers.push((name.into(), value.into()));
        self
    }

    /// Sends requests with this `reqwest` client instead of one the builder
    /// makes: for a corporate CA, client certificates (mTLS), a proxy or
    /// connection pool settings.
    ///
    /// The client's own settings then apply, and [`connect_timeout`](Self::connect_timeout)
    /// does not. Still applied per request: [`timeout`](Self::timeout) (each
    /// attempt), retries, hooks, the `User-Agent` and default headers.
    /// **Turn redirects off** (`redirect(Policy::none())`): the builder's
    /// own client never follows one, so a 3xx reaches the caller as data
    /// and credentials never travel to another host; a client that follows
    /// redirects would send them there.
    ///
    /// ```no_run
    /// # fn example() -> Result<(), Box<dyn std::error::Error>> {
    /// use kelviq::reqwest;
    ///
    /// let http = reqwest::Client::builder()
    ///     .redirect(reqwest::redirect::Policy::none())
    ///     .pool_max_idle_per_host(4)
    ///     .build()?;
    /// let client = kelviq::Client::builder().http_client(http).build()?;
    /// # let _ = client;
    /// # Ok(())
    /// # }
    /// ```
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Runs `hook` around every HTTP attempt of every call, retries
    /// included, after the hooks registered before it: see [`Hook`].
    pub fn hook(mut self, hook: impl Hook) -> Self {
        self.hooks.push(Arc::new(hook));
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client, BuildError> {
        if let BaseUrl::Server(index) = self.base_url {
            if self.api.servers.get(index).is_none() {
                return Err(BuildError::new(
                    BuildErrorKind::NoServer,
                    "the API lists no server; set one with `base_url`",
                ));
            }
        }
        if let BaseUrl::Custom(url) = &self.base_url {
            reqwest::Url::parse(url).map_err(|e| {
                BuildError::new(
                    BuildErrorKind::InvalidBaseUrl,
                    format!("invalid base URL `{url}`: {e}"),
                )
            })?;
        }
        let default_headers = self.default_headers()?;
        // The client's own HTTP client applies the timeout itself, so that
        // calls that keep it need not set it on each request (which costs
        // each request an allocation); a client given by the caller has
        // limits of its own, so every request carries the timeout.
        let (http, http_timeout) = match self.http_client {
            Some(http) => (http, None),
            None => (
                own_http_client(self.connect_timeout, self.timeout)?,
                Some(self.timeout),
            ),
        };
        Ok(Client {
            inner: Arc::new(ClientInner {
                http,
                http_timeout,
                default_headers,
                hooks: self.hooks.into(),
                api: self.api,
                base_url: self.base_url,
                server_overrides: self.server_overrides,
                credentials: held_credentials(self.credentials, self.api.schemes),
                timeout: self.timeout,
                max_response_bytes: self.max_response_bytes,
                retry: self.retry,
                sleeper: self.sleeper,
            }),
        })
    }
}

/// The credentials given for the API's schemes, each with where it goes
/// and its header; one for a scheme the API does not have is never sent.
///
/// A list rather than a map: a client holds a handful, and a map of them
/// would compile thousands of lines of its own for every generated crate.
fn held_credentials(
    credentials: BTreeMap<&'static str, Credential>,
    schemes: &[SecurityScheme],
) -> Vec<(&'static str, HeldCredential)> {
    let mut held = Vec::with_capacity(credentials.len());
    for (key, credential) in credentials {
        let Some(scheme) = schemes.iter().find(|s| s.key == key) else {
            continue;
        };
        let header = credential.header(scheme.placement).ok().flatten();
        let credential = HeldCredential {
            placement: scheme.placement,
            credential,
            header,
        };
        held.push((key, credential));
    }
    held
}

impl ClientBuilder {
    /// The headers sent with every request: the `User-Agent`, then the
    /// defaults in the order they were given.
    fn default_headers(&self) -> Result<HeaderMap, BuildError> {
        let user_agent = self.user_agent.as_deref().unwrap_or(self.api.user_agent);
        let mut headers = HeaderMap::new();
        let user_agent = HeaderValue::from_str(user_agent)
            .map_err(|_| invalid_header("the `User-Agent` value is not a valid header value"))?;
        headers.insert(USER_AGENT, user_agent);
        for (name, value) in &self.default_headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| invalid_header(format!("`{name}` is not a valid header name")))?;
            let value = HeaderValue::from_str(value).map_err(|_| {
                invalid_header(format!("the value of header `{name}` is not valid"))
            })?;
            headers.insert(name, value);
        }
        Ok(headers)
    }
}

fn invalid_header(message: impl Into<String>) -> BuildError {
    BuildError::new(BuildErrorKind::InvalidHeader, message)
}

/// The client the builder makes when given none. Redirects are never
/// followed: a 3xx is returned to the caller as data, and credentials
/// never travel to a host the caller did not choose.
fn own_http_client(
    connect_timeout: Duration,
    timeout: Duration,
) -> Result<reqwest::Client, BuildError> {
    let builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(connect_timeout)
        .timeout(timeout);
    #[cfg(feature = "rustls-webpki-roots")]
    let builder = builder.tls_backend_preconfigured(webpki_roots_tls()?);
    builder.build().map_err(|e| {
        BuildError::new(
            BuildErrorKind::HttpClient,
            format!("cannot build the HTTP client: {e}"),
        )
    })
}

/// rustls trusting only the bundled Mozilla roots, with the crypto
/// provider and ALPN protocols reqwest would choose.
#[cfg(feature = "rustls-webpki-roots")]
fn webpki_roots_tls() -> Result<rustls::ClientConfig, BuildError> {
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| BuildError::new(BuildErrorKind::HttpClient, format!("TLS: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = if cfg!(feature = "http2") {
        vec![b"h2".to_vec(), b"http/1.1".to_vec()]
    } else {
        vec![b"http/1.1".to_vec()]
    };
    Ok(config)
}

/// A client for the API. Cheap to clone: clones share one connection pool.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<ClientInner>,
}

pub(crate) struct ClientInner {
    pub(crate) http: reqwest::Client,
    /// The timeout `http` applies to every request it sends, when the
    /// client built it: requests with that timeout need not carry it.
    pub(crate) http_timeout: Option<Duration>,
    /// Sent with every request unless the call sets the same header.
    pub(crate) default_headers: HeaderMap,
    /// Empty unless the user registers hooks: then attempts skip them.
    pub(crate) hooks: Arc<[Arc<dyn Hook>]>,
    pub(crate) api: ApiDescription,
    pub(crate) base_url: BaseUrl,
    pub(crate) server_overrides: BTreeMap<String, String>,
    /// In the order of their schemes' names.
    pub(crate) credentials: Vec<(&'static str, HeldCredential)>,
    pub(crate) timeout: Duration,
    pub(crate) max_response_bytes: u64,
    pub(crate) retry: RetryPolicy,
    pub(crate) sleeper: Sleeper,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("credentials", &Credentials(&self.inner.credentials))
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .field("hooks", &self.inner.hooks.len())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// The base URL for an operation with these servers of its own.
    pub(crate) fn base_url_for(&self, operation_servers: &[&'static str]) -> &str {
        match &self.inner.base_url {
            BaseUrl::Custom(url) => url,
            BaseUrl::Server(index) => {
                let servers = if operation_servers.is_empty() {
                    self.inner.api.servers
                } else {
                    operation_servers
                };
                let server = servers
                    .get(*index)
                    .or_else(|| servers.first())
                    .copied()
                    .unwrap_or_default();
                self.inner
                    .server_overrides
                    .get(server)
                    .map_or(server, String::as_str)
            }
        }
    }

    /// The first alternative the client has every credential of; `Err`
    /// names the schemes of the first alternative when none can be met.
    pub(crate) fn credentials_for(
        &self,
        alternatives: &'static [&'static [&'static str]],
    ) -> Result<&'static [&'static str], Vec<&'static str>> {
        if alternatives.is_empty() {
            return Ok(&[]);
        }
        for alternative in alternatives {
            if alternative.iter().all(|key| self.credential(key).is_some()) {
                return Ok(alternative);
            }
        }
        Err(alternatives.first().map(|a| a.to_vec()).unwrap_or_default())
    }

    /// The credential given for a security scheme.
    pub(crate) fn credential(&self, key: &str) -> Option<&HeldCredential> {
        self.inner
            .credentials
            .iter()
            .find(|(held_key, _)| *held_key == key)
            .map(|(_, held)| held)
    }
}
