//! `oxido-sim`: run the DigitalOcean API emulator as a local server.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use oxido_sim::{ActionFailure, Fault, Seed, Sim};

/// A stateful local emulator of the DigitalOcean API v2.
#[derive(Debug, Parser)]
#[command(name = "oxido-sim", version, about)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:3000")]
    listen: SocketAddr,
    /// Extra read-write token for the demo account (repeatable). The demo token always works.
    #[arg(long = "token", value_name = "TOKEN")]
    tokens: Vec<String>,
    /// Read-only token for the demo account (repeatable).
    #[arg(long = "read-token", value_name = "TOKEN")]
    read_tokens: Vec<String>,
    /// Read-write token for a separate empty account (repeatable; one account each).
    #[arg(long = "other-account-token", value_name = "TOKEN")]
    other_account_tokens: Vec<String>,
    /// Token guarding the /_sim/ admin routes (default: a random one, printed at start).
    #[arg(long, value_name = "TOKEN", env = "OXIDO_SIM_ADMIN_TOKEN")]
    admin_token: Option<String>,
    /// State file: loaded at start if it exists, written on SIGTERM/SIGINT and on POST /_sim/save.
    #[arg(long, value_name = "FILE")]
    state: Option<std::path::PathBuf>,
    /// Initial data: demo or empty.
    #[arg(long, default_value = "demo", value_parser = parse_seed)]
    seed: Seed,
    /// How long actions stay in-progress, e.g. 250ms or 3s.
    #[arg(long, default_value = "3s", value_parser = humantime::parse_duration)]
    action_duration: Duration,
    /// Per-token burst limit per rolling minute.
    #[arg(long, default_value_t = oxido_sim::DEFAULT_RATE_LIMIT_PER_MINUTE)]
    rate_limit_per_minute: u32,
    /// Per-token limit per rolling hour.
    #[arg(long, default_value_t = oxido_sim::DEFAULT_RATE_LIMIT_PER_HOUR)]
    rate_limit_per_hour: u32,
    /// Keep at most this many actions per account; past it the account's oldest are forgotten.
    #[arg(long, default_value_t = oxido_sim::DEFAULT_MAX_ACTIONS)]
    max_actions: usize,
    /// Connections served at once; more wait unaccepted until one closes.
    #[arg(long, default_value_t = oxido_sim::DEFAULT_MAX_CONNECTIONS)]
    max_connections: usize,
    /// How long a client may take to send a request's body, e.g. 10s (then 408).
    #[arg(long, default_value = "10s", value_parser = humantime::parse_duration)]
    body_timeout: Duration,
    /// How long a connection may wait for a request head, idle or slow, e.g. 60s.
    #[arg(long, default_value = "60s", value_parser = humantime::parse_duration)]
    idle_timeout: Duration,
    /// A fault rule as JSON (repeatable), e.g.
    /// '{"method":"GET","route":"/v2/actions/{action_id}","share":0.1,"effect":{"kind":"status","status":503}}'.
    /// Effects: latency{millis}, status{status,retry_after,exhaust_rate_limit,html},
    /// drop_connection, truncated_body, malformed_json, oversized_body{bytes}.
    #[arg(long = "fault", value_name = "JSON", value_parser = parse_fault)]
    faults: Vec<Fault>,
    /// Make actions of this type end errored (repeatable; "any" for every type).
    #[arg(long = "fail-action", value_name = "TYPE")]
    fail_actions: Vec<String>,
    /// Serve HTTPS instead of HTTP on --listen, with a certificate for localhost,
    /// 127.0.0.1 and ::1 made at start (or --tls-cert/--tls-key).
    #[arg(long)]
    tls: bool,
    /// Also serve HTTPS on this address, next to HTTP on --listen.
    #[arg(long, value_name = "ADDR")]
    tls_listen: Option<SocketAddr>,
    /// Your own certificate chain (PEM) instead of a generated one; needs --tls-key.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The private key (PEM) of --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Where to write the generated CA certificate (PEM) that clients should trust
    /// [default: oxido-sim-ca-<port>.pem in the temp directory].
    #[arg(long, value_name = "FILE")]
    ca_out: Option<PathBuf>,
}

fn parse_seed(s: &str) -> Result<Seed, String> {
    s.parse().map_err(|e: oxido_sim::Error| e.to_string())
}

fn parse_fault(s: &str) -> Result<Fault, String> {
    s.parse().map_err(|e: oxido_sim::Error| e.to_string())
}

fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(args) => args,
        // Help, version and usage errors, printed without panicking on a closed stream.
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            complain(&format!("oxido-sim: cannot start the async runtime: {e}"));
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(args))
}

async fn run(args: Args) -> ExitCode {
    let mut builder = Sim::builder()
        .listen(args.listen)
        .seed(args.seed)
        .action_duration(args.action_duration)
        .rate_limit_per_minute(args.rate_limit_per_minute)
        .rate_limit_per_hour(args.rate_limit_per_hour)
        .max_actions(args.max_actions)
        .max_connections(args.max_connections)
        .body_timeout(args.body_timeout)
        .idle_timeout(args.idle_timeout);
    if let Some(token) = args.admin_token {
        builder = builder.admin_token(token);
    }
    if let Some(path) = args.state {
        builder = builder.state_file(path);
    }
    for token in args.tokens {
        builder = builder.token(token);
    }
    for token in args.read_tokens {
        builder = builder.read_token(token);
    }
    for token in args.other_account_tokens {
        builder = builder.other_account_token(token);
    }
    for fault in args.faults {
        builder = builder.fault(fault);
    }
    let https = args.tls || args.tls_listen.is_some();
    if !https && (args.tls_cert.is_some() || args.ca_out.is_some()) {
        complain("oxido-sim: --tls-cert, --tls-key and --ca-out need --tls or --tls-listen");
        return ExitCode::from(2);
    }
    builder = builder.tls(args.tls);
    if let Some(addr) = args.tls_listen {
        builder = builder.tls_listen(addr);
    }
    if let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) {
        let (cert, key) = match (read(cert), read(key)) {
            (Ok(cert), Ok(key)) => (cert, key),
            (Err(e), _) | (_, Err(e)) => {
                complain(&format!("oxido-sim: {e}"));
                return ExitCode::FAILURE;
            }
        };
        builder = builder.tls_cert_and_key(cert, key);
    }
    for kind in args.fail_actions {
        builder = builder.fail_actions(if kind == "any" {
            ActionFailure::any()
        } else {
            ActionFailure::of_type(kind)
        });
    }
    // Registered before the banner: a script may send SIGINT as soon as it reads it.
    let stop = match StopSignal::register() {
        Ok(stop) => stop,
        Err(e) => {
            complain(&format!("oxido-sim: cannot listen for Ctrl-C: {e}"));
            return ExitCode::FAILURE;
        }
    };
    let sim = match builder.start().await {
        Ok(sim) => sim,
        Err(e) => {
            complain(&format!("oxido-sim: {e}"));
            return ExitCode::FAILURE;
        }
    };
    let mut banner = format!("oxido-sim listening on {}", sim.base_url());
    if let (Some(_), Some(url)) = (args.tls_listen, sim.tls_url()) {
        banner.push_str(&format!("\noxido-sim listening on {url}"));
    }
    if let Some(ca) = sim.ca_pem() {
        let path = args.ca_out.unwrap_or_else(|| {
            let port = sim
                .tls_url()
                .and_then(|u| u.rsplit(':').next().map(str::to_owned));
            std::env::temp_dir().join(format!("oxido-sim-ca-{}.pem", port.unwrap_or_default()))
        });
        if let Err(e) = write_ca(&path, ca) {
            complain(&format!(
                "oxido-sim: cannot write the CA certificate to {}: {e}",
                path.display()
            ));
            return ExitCode::FAILURE;
        }
        banner.push_str(&format!("\nCA certificate: {}", path.display()));
    }
    // The demo token is a fixed, public test value, and the admin token is for whoever
    // started this process, so printing them is intended.
    say(&format!(
        "{banner}\ndemo token: {}\nadmin token: {}\nadmin routes: {}/_sim/ (Authorization: Bearer <admin token>)",
        sim.token(),
        sim.admin_token(),
        sim.base_url()
    ));
    stop.wait().await;
    say("oxido-sim: shutting down");
    match sim.shutdown_and_save().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            complain(&format!("oxido-sim: {e}"));
            ExitCode::FAILURE
        }
    }
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Writes the CA whole or not at all: a reader polling for the file never sees half of it.
fn write_ca(path: &Path, pem: &str) -> std::io::Result<()> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(format!(".{}.tmp", std::process::id()));
    std::fs::write(&partial, pem)?;
    std::fs::rename(&partial, path)
}

/// Prints a line on stdout. A reader that went away (a closed pipe, a full disk)
/// must not stop the server, so write errors are ignored.
fn say(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}").and_then(|()| out.flush());
}

/// Diagnostics on stderr, ignoring a closed stderr for the same reason.
fn complain(text: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// Ctrl-C (and, on Unix, SIGTERM), listened for from the moment it is registered.
struct StopSignal {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl StopSignal {
    #[cfg(unix)]
    fn register() -> std::io::Result<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Self {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
        })
    }

    #[cfg(not(unix))]
    fn register() -> std::io::Result<Self> {
        Ok(Self {})
    }

    #[cfg(unix)]
    async fn wait(mut self) {
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
    }

    #[cfg(not(unix))]
    async fn wait(self) {
        if let Err(e) = tokio::signal::ctrl_c().await {
            complain(&format!("oxido-sim: cannot wait for Ctrl-C: {e}"));
        }
    }
}
