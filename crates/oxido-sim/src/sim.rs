//! The library handle: build, start, control and stop a simulator.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::app::App;
use crate::auth::{Auth, PRIMARY_ACCOUNT, valid_token};
use crate::error::Error;
use crate::faults::{ActionFailure, Fault, FaultId};
use crate::journal::{Journal, SeenRequest};
use crate::rate_limit::RateLimiter;
use crate::seed::Seed;
use crate::state::model::AccountId;
use crate::{router, server};

/// The read-write token of the demo account, always accepted.
pub const DEMO_TOKEN: &str = "oxido-sim-demo-token";
/// How long actions run unless configured otherwise.
pub const DEFAULT_ACTION_DURATION: Duration = Duration::from_secs(3);
/// The API's documented per-minute burst limit.
pub const DEFAULT_RATE_LIMIT_PER_MINUTE: u32 = 250;
/// The API's documented hourly limit.
pub const DEFAULT_RATE_LIMIT_PER_HOUR: u32 = 5000;
/// How many actions each account keeps before its oldest are forgotten.
pub const DEFAULT_MAX_ACTIONS: usize = 1_000_000;
/// How many recent requests the request log keeps.
pub const DEFAULT_REQUEST_LOG_CAPACITY: usize = 10_000;
/// How many bytes the request log may hold (paths, body prefixes and bookkeeping).
pub const DEFAULT_REQUEST_LOG_BYTES: usize = 8 << 20;
/// How many connections are served at once unless configured otherwise.
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;
/// How long a client may take to send a request's body.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a connection may wait for a request head, idle or slowly sent. Longer
/// than the SDK's longest default poll interval (10 s), so a waiting client's
/// kept-alive connection is not closed under it.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// Configures a simulator; see [`Sim::builder`].
#[derive(Debug, Clone)]
#[must_use]
pub struct SimBuilder {
    seed: Seed,
    action_duration: Duration,
    tokens: Vec<String>,
    read_tokens: Vec<String>,
    other_account_tokens: Vec<String>,
    /// `None`: a random one per start.
    admin_token: Option<String>,
    state_file: Option<std::path::PathBuf>,
    per_minute: u32,
    per_hour: u32,
    listen: SocketAddr,
    faults: Vec<Fault>,
    failures: Vec<ActionFailure>,
    request_log_capacity: usize,
    request_log_bytes: usize,
    max_actions: usize,
    max_connections: usize,
    body_timeout: Duration,
    idle_timeout: Duration,
    tls: bool,
    tls_listen: Option<SocketAddr>,
    tls_identity: Option<TlsIdentity>,
}

/// A user's certificate chain and private key (PEM); `Debug` shows neither.
#[derive(Clone)]
struct TlsIdentity {
    cert_pem: Vec<u8>,
    key_pem: Vec<u8>,
}

impl std::fmt::Debug for TlsIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TlsIdentity { .. }")
    }
}

impl Default for SimBuilder {
    fn default() -> Self {
        Self {
            seed: Seed::Demo,
            action_duration: DEFAULT_ACTION_DURATION,
            tokens: Vec::new(),
            read_tokens: Vec::new(),
            other_account_tokens: Vec::new(),
            admin_token: None,
            state_file: None,
            per_minute: DEFAULT_RATE_LIMIT_PER_MINUTE,
            per_hour: DEFAULT_RATE_LIMIT_PER_HOUR,
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            faults: Vec::new(),
            failures: Vec::new(),
            request_log_capacity: DEFAULT_REQUEST_LOG_CAPACITY,
            request_log_bytes: DEFAULT_REQUEST_LOG_BYTES,
            max_actions: DEFAULT_MAX_ACTIONS,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            body_timeout: DEFAULT_BODY_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            tls: false,
            tls_listen: None,
            tls_identity: None,
        }
    }
}

impl SimBuilder {
    /// Initial data (default [`Seed::Demo`]).
    pub fn seed(mut self, seed: Seed) -> Self {
        self.seed = seed;
        self
    }

    /// How long a posted action stays `in-progress` (default 3 s). A duration too
    /// long for the calendar means actions never complete.
    pub fn action_duration(mut self, duration: Duration) -> Self {
        self.action_duration = duration;
        self
    }

    /// An extra read-write token for the demo account (besides [`DEMO_TOKEN`]).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.tokens.push(token.into());
        self
    }

    /// A read-only token for the demo account: reads work, writes get 403.
    pub fn read_token(mut self, token: impl Into<String>) -> Self {
        self.read_tokens.push(token.into());
        self
    }

    /// A read-write token for a separate, empty account that cannot see the demo
    /// account's resources (each such token gets its own account).
    pub fn other_account_token(mut self, token: impl Into<String>) -> Self {
        self.other_account_tokens.push(token.into());
        self
    }

    /// The token guarding `/_sim/` routes (default: a random one per start, which
    /// [`Sim::admin_token`] returns).
    pub fn admin_token(mut self, token: impl Into<String>) -> Self {
        self.admin_token = Some(token.into());
        self
    }

    /// A state file: loaded at start if it exists (a file that cannot be read or used
    /// stops the start with [`Error::State`], and nothing of it is loaded), and written by
    /// [`Sim::save_state`] and `POST /_sim/save`. Loading replaces the seed data of
    /// every account the file holds.
    pub fn state_file(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.state_file = Some(path.into());
        self
    }

    /// Burst limit per token per rolling minute (default 250).
    pub fn rate_limit_per_minute(mut self, limit: u32) -> Self {
        self.per_minute = limit;
        self
    }

    /// Limit per token per rolling hour (default 5000).
    pub fn rate_limit_per_hour(mut self, limit: u32) -> Self {
        self.per_hour = limit;
        self
    }

    /// Address to listen on (default `127.0.0.1:0`, an ephemeral port).
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// Serve HTTPS instead of HTTP on the [`listen`](Self::listen) address (default
    /// off). Unless [`tls_cert_and_key`](Self::tls_cert_and_key) gives a certificate,
    /// the simulator makes a CA and a certificate for `localhost`, `127.0.0.1` and
    /// `::1` at start; clients trust [`Sim::ca_pem`].
    pub fn tls(mut self, on: bool) -> Self {
        self.tls = on;
        self
    }

    /// Also serve HTTPS on `addr`, next to HTTP on the [`listen`](Self::listen)
    /// address; [`Sim::tls_url`] gives its URL.
    pub fn tls_listen(mut self, addr: SocketAddr) -> Self {
        self.tls_listen = Some(addr);
        self
    }

    /// Serve HTTPS with this certificate chain and private key (both PEM) instead of
    /// a generated one; needs [`tls`](Self::tls) or [`tls_listen`](Self::tls_listen).
    /// [`Sim::ca_pem`] is then `None`.
    pub fn tls_cert_and_key(
        mut self,
        cert_pem: impl Into<Vec<u8>>,
        key_pem: impl Into<Vec<u8>>,
    ) -> Self {
        self.tls_identity = Some(TlsIdentity {
            cert_pem: cert_pem.into(),
            key_pem: key_pem.into(),
        });
        self
    }

    /// A fault active from the start.
    pub fn fault(mut self, fault: Fault) -> Self {
        self.faults.push(fault);
        self
    }

    /// An action-failure rule active from the start.
    pub fn fail_actions(mut self, rule: ActionFailure) -> Self {
        self.failures.push(rule);
        self
    }

    /// How many recent requests [`Sim::requests`] keeps (default 10,000).
    pub fn request_log_capacity(mut self, capacity: usize) -> Self {
        self.request_log_capacity = capacity;
        self
    }

    /// How many bytes the request log may hold (default 8 MiB); past it the oldest
    /// entries are forgotten. Each entry keeps at most the first
    /// [`REQUEST_LOG_BODY_BYTES`](crate::journal::REQUEST_LOG_BODY_BYTES) of its body.
    pub fn request_log_bytes(mut self, bytes: usize) -> Self {
        self.request_log_bytes = bytes;
        self
    }

    /// How many connections are served at once (default 512); more wait, unaccepted,
    /// until one closes.
    pub fn max_connections(mut self, max: usize) -> Self {
        self.max_connections = max;
        self
    }

    /// How long a client may take to send a request's body once its head has
    /// arrived (default 10 s); past it the answer is a 408 and the connection closes.
    pub fn body_timeout(mut self, timeout: Duration) -> Self {
        self.body_timeout = timeout;
        self
    }

    /// How long a connection may wait for a request head, whether idle between
    /// requests or sending one slowly (default 60 s); past it the connection closes
    /// without an answer.
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// How many actions each account keeps (default 1,000,000, about 150 MB); past it
    /// that account's oldest action is forgotten, so a long load test stays within
    /// bounded memory and one account's traffic never evicts another's history.
    pub fn max_actions(mut self, max: usize) -> Self {
        self.max_actions = max;
        self
    }

    fn validate(&self) -> Result<(), Error> {
        let all = self
            .tokens
            .iter()
            .chain(&self.read_tokens)
            .chain(&self.other_account_tokens)
            .chain(self.admin_token.as_ref());
        for token in all {
            if !valid_token(token) {
                return Err(Error::InvalidConfig(
                    "tokens must be 1-512 visible ASCII characters without spaces".into(),
                ));
            }
        }
        let api_tokens = self
            .tokens
            .iter()
            .chain(&self.read_tokens)
            .chain(&self.other_account_tokens);
        if let Some(admin) = &self.admin_token
            && (api_tokens.clone().any(|t| t == admin) || admin == DEMO_TOKEN)
        {
            return Err(Error::InvalidConfig(
                "the admin token must differ from every API token".into(),
            ));
        }
        if self.max_actions == 0 {
            return Err(Error::InvalidConfig(
                "max_actions must be at least 1".into(),
            ));
        }
        if self.max_connections == 0 {
            return Err(Error::InvalidConfig(
                "max_connections must be at least 1".into(),
            ));
        }
        if self.body_timeout.is_zero() || self.idle_timeout.is_zero() {
            return Err(Error::InvalidConfig(
                "body_timeout and idle_timeout must be longer than zero".into(),
            ));
        }
        if self.per_minute == 0 || self.per_hour == 0 {
            return Err(Error::InvalidConfig(
                "rate limits must be at least 1 request".into(),
            ));
        }
        if self.tls_identity.is_some() && !self.tls && self.tls_listen.is_none() {
            return Err(Error::InvalidConfig(
                "a TLS certificate and key need tls(true) or a tls_listen address".into(),
            ));
        }
        for fault in &self.faults {
            fault.validate()?;
        }
        Ok(())
    }

    fn auth(&self) -> Auth {
        let mut auth = Auth::default();
        auth.add(DEMO_TOKEN, PRIMARY_ACCOUNT, true);
        for token in &self.tokens {
            auth.add(token, PRIMARY_ACCOUNT, true);
        }
        for token in &self.read_tokens {
            auth.add(token, PRIMARY_ACCOUNT, false);
        }
        for (n, token) in self.other_account_tokens.iter().enumerate() {
            let account = AccountId(PRIMARY_ACCOUNT.0 + 1 + n as u32);
            auth.add(token, account, true);
        }
        auth
    }

    /// Validates the settings and builds the shared state for a server at `addr`.
    fn build_app(&self, addr: SocketAddr, admin_token: String) -> Result<Arc<App>, Error> {
        self.validate()?;
        // The route table and collections are built here so the first request pays nothing.
        let _ = crate::engine::catalog::get();
        let mut app = App::new(
            self.seed,
            self.auth(),
            RateLimiter::new(self.per_minute, self.per_hour),
            Journal::new(self.request_log_capacity, self.request_log_bytes),
            admin_token,
            addr,
            self.action_duration,
            self.max_actions,
        );
        app.state_file.clone_from(&self.state_file);
        if let Some(path) = &self.state_file {
            crate::snapshot::load(&app, path).map_err(Error::State)?;
        }
        let app = Arc::new(app);
        for fault in &self.faults {
            app.faults.add(fault.clone())?;
        }
        for rule in &self.failures {
            app.failures.add(rule.clone());
        }
        Ok(app)
    }

    /// Builds the simulator without a socket, for fuzzing request handling in-process.
    /// Not a stable API.
    #[doc(hidden)]
    pub fn in_process(self) -> Result<crate::in_process::InProcess, Error> {
        let admin_token = self.admin_token.clone().unwrap_or_else(random_token);
        let app = self.build_app(self.listen, admin_token)?;
        Ok(crate::in_process::InProcess::new(app))
    }

    /// Binds the socket and starts serving in the background of the current Tokio runtime.
    pub async fn start(self) -> Result<Sim, Error> {
        self.validate()?;
        let tls = match (&self.tls_identity, self.tls || self.tls_listen.is_some()) {
            (_, false) => None,
            (Some(id), true) => Some(server::tls::from_pem(&id.cert_pem, &id.key_pem)?),
            (None, true) => Some(server::tls::generate()?),
        };
        let listener = server::bind(self.listen).await?;
        let addr = listener.local_addr().map_err(|source| Error::Bind {
            addr: self.listen,
            source,
        })?;
        let tls_listener = match self.tls_listen {
            Some(want) => {
                let listener = server::bind(want).await?;
                let bound = listener
                    .local_addr()
                    .map_err(|source| Error::Bind { addr: want, source })?;
                Some((listener, bound))
            }
            None => None,
        };
        let admin_token = self.admin_token.clone().unwrap_or_else(random_token);
        let app = self.build_app(addr, admin_token.clone())?;
        let (shutdown, signal) = watch::channel(false);
        let config = server::ServerConfig {
            max_connections: self.max_connections,
            idle_timeout: self.idle_timeout,
            body_timeout: self.body_timeout,
        };
        let router = router::router(app.clone());
        let main_tls = if self.tls {
            tls.as_ref().map(|t| t.config.clone())
        } else {
            None
        };
        let main = server::serve(listener, router.clone(), config, main_tls, signal.clone());
        let tls_addr = tls_listener.as_ref().map(|(_, bound)| *bound);
        let task = match (tls_listener, &tls) {
            (Some((tls_listener, _)), Some(t)) => {
                let extra =
                    server::serve(tls_listener, router, config, Some(t.config.clone()), signal);
                tokio::spawn(async move {
                    futures::future::join(main, extra).await;
                })
            }
            _ => tokio::spawn(main),
        };
        let scheme = if self.tls { "https" } else { "http" };
        Ok(Sim {
            addr,
            base_url: format!("{scheme}://{addr}"),
            tls_url: tls_addr
                .map(|a| format!("https://{a}"))
                .or_else(|| self.tls.then(|| format!("https://{addr}"))),
            ca_pem: tls.and_then(|t| t.ca_pem),
            admin_token,
            app,
            shutdown,
            task: Some(task),
        })
    }
}

/// A running simulator. Dropping it stops the server.
///
/// ```no_run
/// # async fn demo() -> Result<(), oxido_sim::Error> {
/// use std::time::Duration;
/// let sim = oxido_sim::Sim::builder()
///     .action_duration(Duration::from_millis(200))
///     .start()
///     .await?;
/// println!("{} with token {}", sim.base_url(), sim.token());
/// sim.shutdown().await;
/// # Ok(()) }
/// ```
pub struct Sim {
    addr: SocketAddr,
    base_url: String,
    tls_url: Option<String>,
    ca_pem: Option<String>,
    admin_token: String,
    app: Arc<App>,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Sim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sim")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Sim {
    /// A builder with the defaults (demo seed, 3 s actions, API rate limits, ephemeral port).
    pub fn builder() -> SimBuilder {
        SimBuilder::default()
    }

    /// `http://127.0.0.1:PORT` (`https://` with [`SimBuilder::tls`]), without a
    /// trailing slash.
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// The HTTPS URL, `https://127.0.0.1:PORT`: the [`tls_listen`](SimBuilder::tls_listen)
    /// address if there is one, else the main address with [`tls`](SimBuilder::tls);
    /// `None` without TLS.
    pub fn tls_url(&self) -> Option<String> {
        self.tls_url.clone()
    }

    /// The CA that signed the generated server certificate, as PEM, for clients to
    /// trust (`reqwest::Certificate::from_pem`, `oxido::ClientBuilder::add_root_certificate_pem`).
    /// `None` without TLS or with the caller's own certificate.
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The demo account's read-write token ([`DEMO_TOKEN`]).
    pub fn token(&self) -> &str {
        DEMO_TOKEN
    }

    /// The token for `/_sim/` routes.
    pub fn admin_token(&self) -> &str {
        &self.admin_token
    }

    /// Adds a fault rule; the error names an invalid field.
    pub fn inject(&self, fault: Fault) -> Result<FaultId, Error> {
        self.app.faults.add(fault)
    }

    /// Removes one fault rule; false if it was already gone.
    pub fn remove_fault(&self, id: FaultId) -> bool {
        self.app.faults.remove(id)
    }

    /// Removes every fault rule and action-failure rule.
    pub fn clear_faults(&self) {
        self.app.faults.clear();
        self.app.failures.clear();
    }

    /// Makes matching new actions end `errored`.
    pub fn fail_actions(&self, rule: ActionFailure) {
        self.app.failures.add(rule);
    }

    /// Changes how long new actions run (e.g. `Duration::MAX` for never).
    pub fn set_action_duration(&self, duration: Duration) {
        self.app.set_action_duration(duration);
    }

    /// The API requests received so far (oldest first, faulted ones included).
    pub fn requests(&self) -> Vec<SeenRequest> {
        self.app.journal.snapshot()
    }

    /// Forgets the requests received so far.
    pub fn clear_requests(&self) {
        self.app.journal.clear();
    }

    /// Number of actions stored (all accounts).
    pub fn action_count(&self) -> usize {
        self.app.worlds.lock().action_count()
    }

    /// Writes every account's state to the [state file](SimBuilder::state_file) now,
    /// atomically (a temporary file in the same directory, synced, then renamed).
    pub fn save_state(&self) -> Result<(), Error> {
        let path = self
            .app
            .state_file
            .as_deref()
            .ok_or_else(|| Error::State("this simulator has no state file".into()))?;
        crate::snapshot::save(&self.app, path).map_err(Error::State)
    }

    /// Back to the seed data; clears faults, failure rules, the request log and rate counts.
    pub fn reset(&self) {
        self.app.reset();
    }

    /// Stops accepting, lets in-flight requests finish (up to 2 s), then returns.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Sim {
    /// [`shutdown`](Sim::shutdown), then writes the state file, if there is one, with
    /// everything the drained requests did.
    pub async fn shutdown_and_save(mut self) -> Result<(), Error> {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        match &self.app.state_file {
            Some(_) => self.save_state(),
            None => Ok(()),
        }
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// A fresh admin token: 128 bits from the operating system.
fn random_token() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // std seeds its hash keys from the operating system too.
        use std::hash::{BuildHasher, Hasher};
        for chunk in bytes.chunks_mut(8) {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u64(u64::from(std::process::id()));
            chunk.copy_from_slice(&h.finish().to_le_bytes());
        }
    }
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("oxido-sim-admin-{hex}")
}
