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
    /// Holds the in-process emulator for `--sandbox`; dropping it stops the emulator.
    _sandbox: Option<Sandbox>,
}

impl Session {
    /// Builds the client from the global options, starting the sandbox when asked.
    pub async fn open(global: &GlobalArgs, output: Output) -> Result<Session, CliError> {
        let (sandbox, token, base_url) = if global.sandbox {
            let sandbox = Sandbox::start().await?;
            let token = sandbox.token().to_owned();
            let url = sandbox.base_url();
            (Some(sandbox), token, Some(url))
        } else {
            let found = credentials::resolve(global)?;
            tracing::debug!(target: "oxido_cli", "using the API token from {}", found.source);
            (None, found.token, global.api_url.clone())
        };

        let mut builder = Client::builder()
            .token(token)
            .user_agent_suffix(concat!("oxido-cli/", env!("CARGO_PKG_VERSION")));
        if let Some(url) = base_url {
            builder = builder.base_url(url);
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
            _sandbox: sandbox,
        })
    }
}
