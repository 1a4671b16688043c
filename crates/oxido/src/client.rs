//! The client handle and its builder.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use http::HeaderValue;
use url::Url;

use crate::error::Error;
use crate::hooks::{Interceptor, Interceptors};
use crate::resources::{Actions, DropletActions};
use crate::transport::{RateLimit, RetryPolicy, Timeouts};

/// The API's production address.
pub const DEFAULT_BASE_URL: &str = "https://api.digitalocean.com";

/// The environment variables [`Client::from_env`] reads the token from, in order.
pub const TOKEN_ENV_VARS: [&str; 2] = ["DIGITALOCEAN_TOKEN", "DIGITALOCEAN_ACCESS_TOKEN"];

/// The environment variable [`Client::from_env`] reads an alternative base URL from.
pub const BASE_URL_ENV_VAR: &str = "DIGITALOCEAN_API_URL";

/// The largest response body a client reads by default: 32 MiB, far above any page of 200 objects.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// Where the serverless and batch inference and embeddings operations go by default.
pub const DEFAULT_INFERENCE_BASE_URL: &str = "https://inference.do-ai.run";

/// The largest single server-sent event a client accepts by default: 1 MiB.
pub const DEFAULT_MAX_EVENT_BYTES: usize = 1024 * 1024;

/// A handle to the API.
///
/// Cloning is cheap (one reference count) and every clone shares one pooled keep-alive HTTP connection pool and
/// the last rate-limit snapshot. `Debug` never shows the token.
///
/// ```no_run
/// # async fn run() -> Result<(), oxido::Error> {
/// let client = oxido::Client::builder()
///     .token("dop_v1_example")
///     .base_url("http://127.0.0.1:3000")
///     .build()?;
/// let action = client.droplet_actions().get(3164444, 36804636).await?;
/// println!("{} is {}", action.kind, action.status);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<ClientInner>,
}

pub(crate) struct ClientInner {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: Url,
    /// The `Authorization` header, marked sensitive so `http` never prints it.
    pub(crate) authorization: HeaderValue,
    /// Where [`Host::Inference`](crate::transport::Host) requests go.
    pub(crate) inference_base_url: Url,
    /// The bearer for inference requests: the inference access key when one was set, else the token.
    pub(crate) inference_authorization: HeaderValue,
    /// Where [`Host::Agent`](crate::transport::Host) requests go, when configured.
    pub(crate) agent_base_url: Option<Url>,
    /// The bearer for agent requests: the agent access key, when configured.
    pub(crate) agent_authorization: Option<HeaderValue>,
    pub(crate) max_event_bytes: usize,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeouts: Timeouts,
    pub(crate) user_agent: String,
    pub(crate) max_response_bytes: usize,
    /// The default page limit of list streams.
    pub(crate) max_pages: u32,
    pub(crate) last_rate_limit: Mutex<Option<RateLimit>>,
    /// Run around every attempt.
    pub(crate) interceptors: Interceptors,
}

impl ClientInner {
    /// Keeps the newest snapshot: answers to overlapping requests arrive in any order, so a later reset wins,
    /// and within the same reset the lower remaining count (the one that counted more requests).
    pub(crate) fn record_rate_limit(&self, snapshot: RateLimit) {
        let mut last = self
            .last_rate_limit
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let newer = match *last {
            None => true,
            Some(old) => {
                snapshot.reset > old.reset
                    || (snapshot.reset == old.reset && snapshot.remaining <= old.remaining)
            }
        };
        if newer {
            *last = Some(snapshot);
        }
    }
}

impl Client {
    /// A builder, for anything beyond the defaults.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client with default settings talking to the production API.
    ///
    /// # Errors
    /// [`Error::Config`] when the token is empty or not a valid header value.
    pub fn new(token: impl Into<String>) -> Result<Self, Error> {
        Self::builder().token(token).build()
    }

    /// A client whose token comes from `DIGITALOCEAN_TOKEN`, else `DIGITALOCEAN_ACCESS_TOKEN`, and whose base
    /// URL comes from `DIGITALOCEAN_API_URL` when that is set.
    ///
    /// # Errors
    /// [`Error::Config`] when neither token variable is set to a non-empty value, or the URL is invalid.
    pub fn from_env() -> Result<Self, Error> {
        Self::builder_from_lookup(|name| std::env::var(name).ok())?.build()
    }

    /// The builder [`Client::from_env`] makes, with variables read through `lookup`: the first token variable
    /// set to a non-blank value wins, and a blank base URL counts as unset.
    pub(crate) fn builder_from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<ClientBuilder, Error> {
        let token = TOKEN_ENV_VARS
            .iter()
            .filter_map(|name| lookup(name))
            .find(|value| !value.trim().is_empty())
            .ok_or_else(|| {
                Error::config(format!(
                    "no API token: set {} or {}",
                    TOKEN_ENV_VARS[0], TOKEN_ENV_VARS[1]
                ))
            })?;
        let mut builder = Self::builder().token(token);
        if let Some(url) = lookup(BASE_URL_ENV_VAR).filter(|url| !url.trim().is_empty()) {
            builder = builder.base_url(url);
        }
        Ok(builder)
    }

    /// The Droplet Actions family: get, list and start actions on Droplets.
    pub fn droplet_actions(&self) -> DropletActions {
        DropletActions::new(self.clone())
    }

    /// The Actions family: get, list and wait for actions on any resource.
    pub fn actions(&self) -> Actions {
        Actions::new(self.clone())
    }

    /// The rate-limit headers of the most recent response that carried them, success or error.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        *self
            .inner
            .last_rate_limit
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// The base URL of the inference operations (serverless and batch inference, embeddings).
    pub fn inference_base_url(&self) -> &Url {
        &self.inner.inference_base_url
    }

    /// The base URL of the agent inference operations, when one was configured.
    pub fn agent_base_url(&self) -> Option<&Url> {
        self.inner.agent_base_url.as_ref()
    }

    /// The retry policy in use.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The time limits in use.
    pub fn timeouts(&self) -> Timeouts {
        self.inner.timeouts
    }

    /// The `User-Agent` sent with every request.
    pub fn user_agent(&self) -> &str {
        &self.inner.user_agent
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field(
                "inference_base_url",
                &self.inner.inference_base_url.as_str(),
            )
            .field(
                "agent_base_url",
                &self.inner.agent_base_url.as_ref().map(Url::as_str),
            )
            .field("token", &"<redacted>")
            .field(
                "agent_access_key",
                &self
                    .inner
                    .agent_authorization
                    .as_ref()
                    .map(|_| "<redacted>"),
            )
            .field("retry", &self.inner.retry)
            .field("timeouts", &self.inner.timeouts)
            .field("user_agent", &self.inner.user_agent)
            .field("interceptors", &self.inner.interceptors)
            .finish()
    }
}

/// Configures a [`Client`].
///
/// ```
/// use std::time::Duration;
/// use oxido::{Client, RetryPolicy};
///
/// let client = Client::builder()
///     .token("dop_v1_example")
///     .base_url("http://127.0.0.1:3000")
///     .retry(RetryPolicy::default().with_max_retries(3).with_backoff(Duration::from_millis(200), Duration::from_secs(5)))
///     .connect_timeout(Duration::from_secs(5))
///     .attempt_timeout(Duration::from_secs(20))
///     .overall_timeout(Duration::from_secs(60))
///     .user_agent_suffix("my-tool/1.0")
///     .build()?;
/// assert!(client.user_agent().ends_with("my-tool/1.0"));
/// assert!(!format!("{client:?}").contains("dop_v1_example"));
/// # Ok::<(), oxido::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct ClientBuilder {
    token: Option<String>,
    base_url: Option<String>,
    retry: RetryPolicy,
    timeouts: Timeouts,
    user_agent_suffix: Option<String>,
    max_response_bytes: Option<usize>,
    max_event_bytes: Option<usize>,
    no_proxy: bool,
    inference_base_url: Option<String>,
    inference_access_key: Option<String>,
    agent_base_url: Option<String>,
    agent_access_key: Option<String>,
    /// PEM documents of extra CAs to trust, parsed by `build`.
    root_certificates: Vec<Vec<u8>>,
    max_pages: Option<u32>,
    http_client: Option<reqwest::Client>,
    interceptors: Interceptors,
}

impl ClientBuilder {
    /// Sets the API token (required).
    #[must_use]
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Sets where requests go; default `https://api.digitalocean.com`. A path prefix is kept.
    #[must_use]
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Sets the retry policy; default [`RetryPolicy::default`].
    #[must_use]
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Sets all time limits at once.
    #[must_use]
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Sets the limit for establishing a connection; default 10 s.
    #[must_use]
    pub fn connect_timeout(mut self, limit: Duration) -> Self {
        self.timeouts.connect = limit;
        self
    }

    /// Sets the limit for one attempt; default 30 s.
    #[must_use]
    pub fn attempt_timeout(mut self, limit: Duration) -> Self {
        self.timeouts.attempt = limit;
        self
    }

    /// Sets the limit across all attempts of one call; default 120 s.
    #[must_use]
    pub fn overall_timeout(mut self, limit: Duration) -> Self {
        self.timeouts.overall = limit;
        self
    }

    /// Appends text to the `User-Agent` (`oxido/<version> <suffix>`).
    #[must_use]
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Sets the largest response body the client reads; default [`DEFAULT_MAX_RESPONSE_BYTES`]. A larger
    /// body ends the call with [`Error::ResponseTooLarge`] instead of being buffered.
    #[must_use]
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = Some(limit);
        self
    }

    /// Sets the largest single server-sent event a streaming operation accepts; default
    /// [`DEFAULT_MAX_EVENT_BYTES`]. A larger event ends the stream with [`Error::ResponseTooLarge`].
    #[must_use]
    pub fn max_event_bytes(mut self, limit: usize) -> Self {
        self.max_event_bytes = Some(limit);
        self
    }

    /// Ignores the proxy environment variables (`HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY`) and connects
    /// directly. By default they are honoured, as in most HTTP clients; a client for a local server
    /// (an emulator on 127.0.0.1) should not send its requests, token included, to a proxy.
    #[must_use]
    pub fn no_proxy(mut self) -> Self {
        self.no_proxy = true;
        self
    }

    /// Sets where the inference operations go (serverless and batch inference, embeddings); default
    /// [`DEFAULT_INFERENCE_BASE_URL`]. A path prefix is kept.
    #[must_use]
    pub fn inference_base_url(mut self, url: impl Into<String>) -> Self {
        self.inference_base_url = Some(url.into());
        self
    }

    /// Sets the model access key sent to the inference host instead of the API token. As secret as the
    /// token: never shown.
    #[must_use]
    pub fn inference_access_key(mut self, key: impl Into<String>) -> Self {
        self.inference_access_key = Some(key.into());
        self
    }

    /// Sets the URL of the agent that the agent inference operations talk to (each agent has its own).
    #[must_use]
    pub fn agent_base_url(mut self, url: impl Into<String>) -> Self {
        self.agent_base_url = Some(url.into());
        self
    }

    /// Sets the agent's access key, sent as the bearer to the agent URL. As secret as the token: never shown.
    #[must_use]
    pub fn agent_access_key(mut self, key: impl Into<String>) -> Self {
        self.agent_access_key = Some(key.into());
        self
    }

    /// Trusts the CA certificates in this PEM document as well as the public roots: for a server with a
    /// private CA, such as `oxido-sim --tls`. Repeatable. [`build`](Self::build) fails with
    /// [`Error::Config`] if the PEM holds no certificate or one that does not parse.
    #[must_use]
    pub fn add_root_certificate_pem(mut self, pem: &[u8]) -> Self {
        self.root_certificates.push(pem.to_vec());
        self
    }

    /// Sets how many pages a list stream fetches at most before it stops with
    /// [`Error::PaginationStopped`](crate::Error::PaginationStopped); default
    /// [`DEFAULT_MAX_PAGES`](crate::DEFAULT_MAX_PAGES). One list can raise or lower it with
    /// [`ListBuilder::max_pages`](crate::ListBuilder::max_pages).
    #[must_use]
    pub fn max_pages(mut self, max_pages: u32) -> Self {
        self.max_pages = Some(max_pages);
        self
    }

    /// Sends every request through `client` (your own connection pool, proxy, TLS roots or middleware-free
    /// tuning) instead of one the builder makes. The builder's `connect_timeout`, `no_proxy` and User-Agent
    /// are then not applied to it: set them on `client`. Configure it not to follow redirects
    /// (`reqwest::redirect::Policy::none()`), as the SDK's own client does, so a redirect can never replay a
    /// `POST`. The token is still added by the SDK to each request, never stored in `client`.
    #[must_use]
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Runs `interceptor` around every attempt of every request (custom headers, metrics): see
    /// [`Interceptor`]. Repeatable; they run in the order added. None of them sees the token.
    #[must_use]
    pub fn interceptor(self, interceptor: impl Interceptor) -> Self {
        self.interceptor_arc(Arc::new(interceptor))
    }

    /// Like [`interceptor`](Self::interceptor), for one you keep a handle to (to read its counters).
    #[must_use]
    pub fn interceptor_arc(mut self, interceptor: Arc<dyn Interceptor>) -> Self {
        self.interceptors.0.push(interceptor);
        self
    }

    /// Checks the settings and creates the client.
    ///
    /// # Errors
    /// [`Error::Config`] naming the setting that is missing or invalid. The token's value is never included.
    pub fn build(self) -> Result<Client, Error> {
        let token = self.token.as_deref().map(str::trim).unwrap_or_default();
        if token.is_empty() {
            return Err(Error::config("token: no API token was given"));
        }
        let authorization = bearer("token", token)?;
        let base_url = parse_base_url(
            "base_url",
            self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL),
        )?;
        let inference_base_url = parse_base_url(
            "inference_base_url",
            self.inference_base_url
                .as_deref()
                .unwrap_or(DEFAULT_INFERENCE_BASE_URL),
        )?;
        let inference_authorization = match self.inference_access_key.as_deref().map(str::trim) {
            Some(key) => bearer("inference_access_key", key)?,
            None => authorization.clone(),
        };
        let agent_base_url = self
            .agent_base_url
            .as_deref()
            .map(|url| parse_base_url("agent_base_url", url))
            .transpose()?;
        let agent_authorization = self
            .agent_access_key
            .as_deref()
            .map(|key| bearer("agent_access_key", key.trim()))
            .transpose()?;
        for (name, limit) in [
            ("connect_timeout", self.timeouts.connect),
            ("attempt_timeout", self.timeouts.attempt),
            ("overall_timeout", self.timeouts.overall),
        ] {
            if limit.is_zero() {
                return Err(Error::config(format!("{name}: must be longer than zero")));
            }
        }

        let max_response_bytes = self
            .max_response_bytes
            .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES);
        if max_response_bytes == 0 {
            return Err(Error::config("max_response_bytes: must be at least 1"));
        }
        let max_pages = self.max_pages.unwrap_or(crate::DEFAULT_MAX_PAGES);
        if max_pages == 0 {
            return Err(Error::config("max_pages: must be at least 1"));
        }
        let max_event_bytes = self.max_event_bytes.unwrap_or(DEFAULT_MAX_EVENT_BYTES);
        if max_event_bytes == 0 {
            return Err(Error::config("max_event_bytes: must be at least 1"));
        }

        let mut user_agent = format!("oxido/{}", env!("CARGO_PKG_VERSION"));
        if let Some(suffix) = self
            .user_agent_suffix
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            user_agent.push(' ');
            user_agent.push_str(suffix);
        }
        HeaderValue::try_from(user_agent.as_str()).map_err(|_| {
            Error::config("user_agent_suffix: contains characters not allowed in a header")
        })?;

        let http = match self.http_client {
            Some(_) if !self.root_certificates.is_empty() => {
                // A built reqwest client cannot take more roots; saying so beats a silent mismatch.
                return Err(Error::config(
                    "add_root_certificate_pem: cannot be combined with http_client; add the CA to that client",
                ));
            }
            Some(http) => http,
            None => {
                let mut http = reqwest::Client::builder();
                if self.no_proxy {
                    http = http.no_proxy();
                }
                for (n, pem) in self.root_certificates.iter().enumerate() {
                    let certs = reqwest::Certificate::from_pem_bundle(pem).map_err(|err| {
                        Error::config(format!("root certificate {}: {err}", n + 1))
                    })?;
                    if certs.is_empty() {
                        return Err(Error::config(format!(
                            "root certificate {}: holds no PEM CERTIFICATE block",
                            n + 1
                        )));
                    }
                    for cert in certs {
                        http = http.add_root_certificate(cert);
                    }
                }
                http.user_agent(user_agent.clone())
                    .connect_timeout(self.timeouts.connect)
                    // The API never redirects; following one could replay a POST or carry the token elsewhere.
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .map_err(|err| {
                        Error::config(format!("could not create the HTTP client: {err}"))
                    })?
            }
        };

        Ok(Client {
            inner: Arc::new(ClientInner {
                http,
                base_url,
                authorization,
                inference_base_url,
                inference_authorization,
                agent_base_url,
                agent_authorization,
                max_event_bytes,
                retry: self.retry,
                timeouts: self.timeouts,
                user_agent,
                max_response_bytes,
                max_pages,
                last_rate_limit: Mutex::new(None),
                interceptors: self.interceptors,
            }),
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redacted = |secret: &Option<String>| secret.as_ref().map(|_| "<redacted>");
        let url = |url: &Option<String>| url.as_deref().map(redact_url_credentials);
        f.debug_struct("ClientBuilder")
            .field("token", &redacted(&self.token))
            .field("base_url", &url(&self.base_url))
            .field("inference_base_url", &url(&self.inference_base_url))
            .field(
                "inference_access_key",
                &redacted(&self.inference_access_key),
            )
            .field("agent_base_url", &url(&self.agent_base_url))
            .field("agent_access_key", &redacted(&self.agent_access_key))
            .field("retry", &self.retry)
            .field("timeouts", &self.timeouts)
            .field("user_agent_suffix", &self.user_agent_suffix)
            .field("no_proxy", &self.no_proxy)
            .field("root_certificates", &self.root_certificates.len())
            .field("interceptors", &self.interceptors)
            .finish()
    }
}

/// A sensitive `Bearer` header, so `http` never prints it.
fn bearer(setting: &str, secret: &str) -> Result<HeaderValue, Error> {
    if secret.is_empty() {
        return Err(Error::config(format!("{setting}: must not be empty")));
    }
    let mut value = HeaderValue::try_from(format!("Bearer {secret}")).map_err(|_| {
        Error::config(format!(
            "{setting}: contains characters that cannot be sent in an HTTP header"
        ))
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// `text` with any `user:password@` of a URL replaced by `<redacted>@`, for errors and `Debug`.
pub(crate) fn redact_url_credentials(text: &str) -> String {
    let Some(scheme_end) = text.find("://") else {
        return text.to_owned();
    };
    let authority_start = scheme_end + 3;
    let authority_end = text[authority_start..]
        .find(['/', '?', '#'])
        .map_or(text.len(), |offset| authority_start + offset);
    match text[authority_start..authority_end].rfind('@') {
        Some(at) => format!(
            "{}<redacted>@{}",
            &text[..authority_start],
            &text[authority_start + at + 1..]
        ),
        None => text.to_owned(),
    }
}

fn parse_base_url(setting: &str, text: &str) -> Result<Url, Error> {
    let shown = redact_url_credentials(text);
    let url = Url::parse(text.trim())
        .map_err(|err| Error::config(format!("{setting} `{shown}`: {err}")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::config(format!(
            "{setting}: must not carry credentials; use .token()"
        )));
    }
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::config(format!(
            "{setting} `{shown}`: the scheme must be http or https"
        )));
    }
    if url.host_str().is_none() {
        return Err(Error::config(format!("{setting} `{shown}`: has no host")));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::config(format!(
            "{setting} `{shown}`: must not have a query or fragment"
        )));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_is_clone_send_sync() {
        fn assert_traits<T: Clone + Send + Sync + 'static>() {}
        assert_traits::<Client>();
        assert_traits::<crate::ListBuilder<crate::Action>>();
        fn assert_error<T: std::error::Error + Send + Sync + 'static>() {}
        assert_error::<Error>();
        assert_error::<crate::ApiError>();
    }

    #[test]
    fn missing_token_is_a_config_error() {
        let err = Client::builder().build().expect_err("no token");
        assert!(matches!(err, Error::Config { .. }));
        assert!(err.to_string().contains("token"));
        assert!(Client::new("   ").is_err());
    }

    #[test]
    fn bad_base_urls_are_refused_by_name() {
        for url in [
            "not a url",
            "ftp://example.com",
            "http://127.0.0.1:3000/?x=1",
            "http://user:pw@127.0.0.1",
        ] {
            let err = Client::builder()
                .token("t")
                .base_url(url)
                .build()
                .expect_err(url);
            assert!(err.to_string().contains("base_url"), "{err}");
            assert!(!err.to_string().contains("pw@"), "{err}");
        }
    }

    #[test]
    fn zero_timeouts_are_refused() {
        let err = Client::builder()
            .token("t")
            .attempt_timeout(Duration::ZERO)
            .build()
            .expect_err("zero");
        assert!(err.to_string().contains("attempt_timeout"));
    }

    #[test]
    fn a_zero_response_limit_is_refused() {
        let err = Client::builder()
            .token("t")
            .max_response_bytes(0)
            .build()
            .expect_err("zero");
        assert!(err.to_string().contains("max_response_bytes"), "{err}");
    }

    fn from_vars(vars: &[(&str, &str)]) -> Result<Client, Error> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect();
        Client::builder_from_lookup(|name| {
            vars.iter()
                .find(|(var, _)| var == name)
                .map(|(_, value)| value.clone())
        })?
        .build()
    }

    fn bearer_of(client: &Client) -> String {
        String::from_utf8_lossy(client.inner.authorization.as_bytes()).into_owned()
    }

    #[test]
    fn from_env_reads_the_token_variables_in_order_and_the_base_url() {
        let both = from_vars(&[
            ("DIGITALOCEAN_ACCESS_TOKEN", "second"),
            ("DIGITALOCEAN_TOKEN", "first"),
        ])
        .expect("valid");
        assert_eq!(bearer_of(&both), "Bearer first");
        assert_eq!(both.base_url().as_str(), "https://api.digitalocean.com/");
        let blank_first = from_vars(&[
            ("DIGITALOCEAN_TOKEN", "  "),
            ("DIGITALOCEAN_ACCESS_TOKEN", "second"),
            ("DIGITALOCEAN_API_URL", "http://127.0.0.1:3000/sim"),
        ])
        .expect("valid");
        assert_eq!(bearer_of(&blank_first), "Bearer second");
        assert_eq!(blank_first.base_url().as_str(), "http://127.0.0.1:3000/sim");
        let blank_url = from_vars(&[("DIGITALOCEAN_TOKEN", "t"), ("DIGITALOCEAN_API_URL", " ")])
            .expect("a blank URL counts as unset");
        assert_eq!(
            blank_url.base_url().as_str(),
            "https://api.digitalocean.com/"
        );
        let err =
            from_vars(&[("DIGITALOCEAN_API_URL", "http://127.0.0.1:1")]).expect_err("no token");
        let text = err.to_string();
        assert!(
            text.contains("DIGITALOCEAN_TOKEN") && text.contains("DIGITALOCEAN_ACCESS_TOKEN"),
            "{text}"
        );
        let err = from_vars(&[
            ("DIGITALOCEAN_TOKEN", "t"),
            ("DIGITALOCEAN_API_URL", "ftp://x"),
        ])
        .expect_err("bad url");
        assert!(err.to_string().contains("base_url"), "{err}");
    }

    #[test]
    fn the_rate_limit_snapshot_never_goes_backwards() {
        let client = Client::new("t").expect("valid");
        let snapshot = |remaining, reset| RateLimit {
            limit: 5000,
            remaining,
            reset,
        };
        client.inner.record_rate_limit(snapshot(4990, 100));
        client.inner.record_rate_limit(snapshot(4995, 100));
        assert_eq!(
            client.rate_limit(),
            Some(snapshot(4990, 100)),
            "higher remaining, same reset"
        );
        client.inner.record_rate_limit(snapshot(4000, 99));
        assert_eq!(
            client.rate_limit(),
            Some(snapshot(4990, 100)),
            "earlier reset"
        );
        client.inner.record_rate_limit(snapshot(4999, 160));
        assert_eq!(
            client.rate_limit(),
            Some(snapshot(4999, 160)),
            "later reset wins"
        );
        client.inner.record_rate_limit(snapshot(4980, 160));
        assert_eq!(client.rate_limit(), Some(snapshot(4980, 160)));
    }

    #[test]
    fn credentials_in_a_base_url_are_never_echoed() {
        for (url, setting) in [
            ("http://user:hunter2@[::1", "base_url"),
            ("ftp://user:hunter2@127.0.0.1", "base_url"),
            ("http://user:hunter2@127.0.0.1/?q", "base_url"),
            ("http://user:hunter2@127.0.0.1", "base_url"),
        ] {
            let builder = Client::builder().token("t").base_url(url);
            let shown = format!("{builder:?}");
            assert!(!shown.contains("hunter2"), "{shown}");
            let err = builder.build().expect_err(url);
            let shown = format!("{err} {err:?}");
            assert!(shown.contains(setting), "{shown}");
            assert!(!shown.contains("hunter2"), "{shown}");
        }
        let err = Client::builder()
            .token("t")
            .agent_base_url("https://k:hunter2@agent.example/x y%")
            .build()
            .expect_err("credentials");
        assert!(!err.to_string().contains("hunter2"), "{err}");
        assert_eq!(
            redact_url_credentials("https://a:b@c@host:1/p?u=x@y"),
            "https://<redacted>@host:1/p?u=x@y"
        );
        assert_eq!(redact_url_credentials("no url"), "no url");
    }

    #[test]
    fn debug_redacts_token() {
        let secret = "dop_v1_supersecretvalue";
        let builder = Client::builder().token(secret);
        assert!(!format!("{builder:?}").contains(secret));
        let client = builder.build().expect("valid");
        let shown = format!("{client:?}");
        assert!(!shown.contains(secret));
        assert!(shown.contains("<redacted>"));
        assert_eq!(client.base_url().as_str(), "https://api.digitalocean.com/");
        assert!(client.user_agent().starts_with("oxido/"));
    }
}
