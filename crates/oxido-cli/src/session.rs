//! A ready-to-use API client for one command: token, URL, retries and timeouts applied, and
//! the sandbox emulator kept alive for as long as the command runs.

use oxido::{Client, RetryPolicy};

use crate::cli::GlobalArgs;
use crate::credentials;
use crate::error::CliError;
use crate::output::Output;
use crate::sandbox::Sandbox;

/// What a command that talks to the API needs.
pub struct Session {
    /// The SDK client.
    pub client: Client,
    /// How to print results.
    pub output: Output,
    /// Whether the client talks to the in-process `--sandbox` emulator.
    pub sandbox: bool,
    /// Holds the in-process emulator for `--sandbox`; dropping it stops the emulator.
    _sandbox: Option<Sandbox>,
}

impl Session {
    /// Builds the client from the global options, starting the sandbox when asked.
    /// `api_host_only` says the command reaches no host but the API's (not inference or agents).
    pub async fn open(
        global: &GlobalArgs,
        output: Output,
        api_host_only: bool,
    ) -> Result<Session, CliError> {
        let (sandbox, token, base_url) = if global.sandbox {
            let sandbox = Sandbox::start().await?;
            let token = sandbox.token().to_owned();
            let url = sandbox.base_url();
            (Some(sandbox), token, Some(url))
        } else {
            let found = credentials::resolve(global)?;
            tracing::debug!(target: "oxido_cli", "using the API token from {}", found.source);
            (
                None,
                found.token,
                api_url(global, |name| std::env::var(name).ok()),
            )
        };

        let mut builder = Client::builder()
            .token(token.clone())
            .user_agent_suffix(concat!("oxido-cli/", env!("CARGO_PKG_VERSION")));
        // An ambient SSL_CERT_FILE cannot matter when every request is plain HTTP, and parsing a
        // system bundle (~140 certificates) would double a one-shot command's CPU time.
        let plain_http = sandbox.is_some()
            || (api_host_only
                && base_url
                    .as_deref()
                    .is_some_and(|url| url.trim_start().starts_with("http://")));
        if let Some(url) = base_url {
            if sandbox.is_some() {
                // Nothing a sandboxed command sends may leave the machine, whatever its host.
                builder = builder
                    .inference_base_url(url.clone())
                    .agent_base_url(url.clone())
                    .agent_access_key(token.clone());
            }
            builder = builder.base_url(url);
        }
        let ca = ca_file(global, |name| std::env::var_os(name))
            .filter(|(source, _)| !(plain_http && *source == CA_FILE_ENV));
        if let Some((source, path)) = ca {
            let pem = std::fs::read(&path).map_err(|e| {
                CliError::Usage(format!("{source} {}: cannot read it: {e}", path.display()))
            })?;
            if !pem.windows(27).any(|w| w == b"-----BEGIN CERTIFICATE-----") {
                return Err(CliError::Usage(format!(
                    "{source} {}: holds no PEM certificate",
                    path.display()
                )));
            }
            builder = builder.add_root_certificate_pem(&pem);
        }
        if let Some(retries) = global.retries {
            builder = builder.retry(RetryPolicy::default().with_max_retries(retries));
        }
        if let Some(limit) = global.timeout {
            builder = builder.overall_timeout(limit);
        }
        Ok(Session {
            client: builder.build()?,
            output,
            sandbox: sandbox.is_some(),
            _sandbox: sandbox,
        })
    }
}

/// The variable read when `--api-url` is absent.
pub const API_URL_ENV: &str = "DIGITALOCEAN_API_URL";

/// `--api-url`, else a non-blank `DIGITALOCEAN_API_URL`; an empty variable counts as unset,
/// as the token variables do.
pub fn api_url(global: &GlobalArgs, env: impl Fn(&str) -> Option<String>) -> Option<String> {
    global
        .api_url
        .clone()
        .or_else(|| env(API_URL_ENV).filter(|url| !url.trim().is_empty()))
}

/// The variable read when `--cacert` is absent, as OpenSSL-based tools do.
pub const CA_FILE_ENV: &str = "SSL_CERT_FILE";

/// `--cacert`, else a non-empty `SSL_CERT_FILE`, with the name of where it came from.
/// The file's CAs are trusted besides the built-in roots.
fn ca_file(
    global: &GlobalArgs,
    env: impl Fn(&str) -> Option<std::ffi::OsString>,
) -> Option<(&'static str, std::path::PathBuf)> {
    match &global.cacert {
        Some(path) => Some(("--cacert", path.clone())),
        None => env(CA_FILE_ENV)
            .filter(|v| !v.is_empty())
            .map(|v| (CA_FILE_ENV, v.into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Cli;
    use clap::Parser;

    fn global(args: &[&str]) -> GlobalArgs {
        let mut argv = vec!["oxido"];
        argv.extend_from_slice(args);
        argv.extend_from_slice(&["action", "get", "1"]);
        Cli::try_parse_from(argv).unwrap().global
    }

    #[test]
    fn cacert_flag_wins_over_ssl_cert_file_and_an_empty_variable_is_unset() {
        let env = |value: &'static str| move |_: &str| Some(std::ffi::OsString::from(value));
        assert_eq!(ca_file(&global(&[]), env("")), None);
        assert_eq!(
            ca_file(&global(&[]), env("/env.pem")),
            Some((CA_FILE_ENV, "/env.pem".into()))
        );
        assert_eq!(
            ca_file(&global(&["--cacert", "/flag.pem"]), env("/env.pem")),
            Some(("--cacert", "/flag.pem".into()))
        );
    }

    #[test]
    fn an_empty_api_url_variable_is_unset_and_the_flag_wins() {
        let env = |value: &'static str| move |_: &str| Some(value.to_owned());
        assert_eq!(api_url(&global(&[]), env("")), None);
        assert_eq!(api_url(&global(&[]), env("  ")), None);
        assert_eq!(
            api_url(&global(&[]), env("http://127.0.0.1:1")).as_deref(),
            Some("http://127.0.0.1:1")
        );
        assert_eq!(
            api_url(&global(&["--api-url", "http://flag"]), env("http://env")).as_deref(),
            Some("http://flag")
        );
        assert!(Cli::try_parse_from(["oxido", "--api-url", "", "action", "get", "1"]).is_err());
    }
}
