//! Everything that can make a command fail, its exit status, and the line printed for it.

use std::fmt;
use std::io;

use oxido::Action;

use crate::config::ConfigError;
use crate::exit::ExitStatus;
use crate::output::describe;

/// A failed command.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The SDK reported a failure (API error, transport, timeout, decoding, ...).
    #[error(transparent)]
    Sdk(#[from] oxido::Error),
    /// Input the grammar could not catch, e.g. an option combination.
    #[error("{0}")]
    Usage(String),
    /// No token anywhere in the documented order.
    #[error("no API token found{}", MissingContext(.context.as_deref()))]
    NoToken {
        /// The context asked for with `--context`, when it does not exist.
        context: Option<String>,
    },
    /// The config file could not be read or written.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Writing the result or reading stdin failed.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// One or more waited-for actions ended `errored` (they were printed already).
    #[error("{}", ErroredLine(.0))]
    ActionsErrored(Vec<Action>),
    /// `--wait` ran out of time; the last states seen were printed already.
    #[error("{}", TimedOutLine(.0))]
    WaitTimedOut(Vec<Action>),
    /// The sandbox emulator could not start.
    #[error("could not start the sandbox: {0}")]
    Sandbox(String),
}

impl CliError {
    /// The exit status documented for this failure.
    pub fn exit_status(&self) -> ExitStatus {
        match self {
            CliError::Sdk(error) => sdk_status(error),
            CliError::Usage(_) => ExitStatus::Usage,
            CliError::NoToken { .. } => ExitStatus::Auth,
            CliError::Config(_) | CliError::Io(_) | CliError::Sandbox(_) => ExitStatus::Failure,
            CliError::ActionsErrored(_) => ExitStatus::ActionErrored,
            CliError::WaitTimedOut(_) => ExitStatus::TimedOut,
        }
    }

    /// The error line, `Error: <status> <id>: <message> (request <id>)` for API errors.
    pub fn line(&self) -> String {
        match self {
            CliError::Sdk(oxido::Error::Api(api)) => {
                let mut line = format!("Error: {} {}: {}", api.status, api.id, api.message);
                if let Some(request_id) = &api.request_id {
                    line.push_str(&format!(" (request {request_id})"));
                }
                line
            }
            other => format!("Error: {other}"),
        }
    }

    /// Advice for the failures where a next step is clear.
    pub fn hint(&self) -> Option<String> {
        let status = match self {
            CliError::NoToken { .. } => {
                return Some(
                    "pass --token, set DIGITALOCEAN_TOKEN, or store one with `oxido auth init`; \
                     add --sandbox to try oxido without an account"
                        .to_owned(),
                );
            }
            CliError::WaitTimedOut(actions) => {
                let commands: Vec<String> = actions
                    .iter()
                    .map(|a| format!("`oxido action wait {}`", a.id))
                    .collect();
                return Some(format!("keep waiting with {}", commands.join(", ")));
            }
            CliError::Sdk(error) => error.status(),
            _ => None,
        }?;
        let hint = match status {
            401 => Some(
                "the token was refused: check it, or set a new one with --token, \
                 DIGITALOCEAN_TOKEN or `oxido auth init`",
            ),
            403 => Some("the token lacks this permission (is it a read-only token?)"),
            429 => Some("the API rate limit is exhausted; try again later or raise --retries"),
            _ => None,
        };
        hint.map(str::to_owned)
    }
}

fn sdk_status(error: &oxido::Error) -> ExitStatus {
    if let Some(status) = error.status() {
        return ExitStatus::for_http_status(status);
    }
    if error.is_timeout() {
        ExitStatus::TimedOut
    } else if error.is_invalid_argument() || matches!(error, oxido::Error::Config { .. }) {
        // The client's settings come from this command line (--api-url, --timeout), so a
        // setting the SDK refuses is bad input.
        ExitStatus::Usage
    } else if matches!(error, oxido::Error::ActionErrored { .. }) {
        ExitStatus::ActionErrored
    } else {
        ExitStatus::Failure
    }
}

struct MissingContext<'a>(Option<&'a str>);

impl fmt::Display for MissingContext<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(name) => write!(f, " (context `{name}` is not in the config file)"),
            None => Ok(()),
        }
    }
}

struct ErroredLine<'a>(&'a [Action]);

impl fmt::Display for ErroredLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ids: Vec<String> = self.0.iter().map(describe).collect();
        write!(f, "{} errored", ids.join(", "))
    }
}

struct TimedOutLine<'a>(&'a [Action]);

impl fmt::Display for TimedOutLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ids: Vec<String> = self
            .0
            .iter()
            .map(|a| format!("{} still {}", describe(a), a.status))
            .collect();
        write!(f, "timed out waiting: {}", ids.join(", "))
    }
}
