//! Everything that can make a command fail, its exit status, and the line printed for it.

use std::fmt;
use std::io;
use std::time::Duration;

use oxido::Action;

use crate::config::ConfigError;
use crate::exit::ExitStatus;
use crate::labels::describe;

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
        /// The context asked for with `--context`, when it holds a blank token.
        context: Option<String>,
    },
    /// The config file could not be read or written.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Writing the result or reading stdin failed.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// The config file's current context names a context it does not hold.
    #[error("the current context `{0}` is not in the config file")]
    DanglingContext(String),
    /// One or more waited-for actions ended `errored` (they were printed already).
    #[error("{}", ErroredLine(.0))]
    ActionsErrored(Vec<Action>),
    /// `--wait` ran out of time; the last states seen were printed already.
    #[error("{}", TimedOutLine(.actions))]
    WaitTimedOut {
        /// The actions still running, as last seen.
        actions: Vec<Action>,
        /// Whether they ran in the `--sandbox` emulator (gone when the command ends).
        sandbox: bool,
    },
    /// Polling failed after the actions were started; they may still be running.
    #[error("{error}")]
    WaitFailed {
        /// Why polling failed.
        error: oxido::Error,
        /// The started actions whose end was not seen.
        actions: Vec<Action>,
        /// Whether they ran in the `--sandbox` emulator (gone when the command ends).
        sandbox: bool,
    },
    /// Waited-for resources ended in a state they never leave (printed already).
    #[error("{}", ResourceLine::new(.0, "ended"))]
    ResourceFailed(Vec<Unfinished>),
    /// `--wait` ran out of time before the resources got where they were going.
    #[error("timed out waiting: {}", ResourceLine::new(.resources, "still"))]
    ResourceTimedOut {
        /// The resources not there yet, with their last state.
        resources: Vec<Unfinished>,
        /// Whether they live in the `--sandbox` emulator (gone when the command ends).
        sandbox: bool,
    },
    /// An answer of an unexpected shape: JSON that could not be taken apart for `-o json`,
    /// or a list whose pages do not add up.
    #[error("unexpected answer from the API: {0}")]
    Unexpected(String),
    /// The sandbox emulator could not start.
    #[error("could not start the sandbox: {0}")]
    Sandbox(String),
}

impl CliError {
    /// The exit status documented for this failure.
    pub fn exit_status(&self) -> ExitStatus {
        match self {
            CliError::Sdk(error) | CliError::WaitFailed { error, .. } => sdk_status(error),
            CliError::Usage(_) => ExitStatus::Usage,
            CliError::NoToken { .. } | CliError::DanglingContext(_) => ExitStatus::Auth,
            CliError::Config(_)
            | CliError::Io(_)
            | CliError::Sandbox(_)
            | CliError::Unexpected(_) => ExitStatus::Failure,
            CliError::ActionsErrored(_) | CliError::ResourceFailed(_) => ExitStatus::ActionErrored,
            CliError::WaitTimedOut { .. } | CliError::ResourceTimedOut { .. } => {
                ExitStatus::TimedOut
            }
        }
    }

    /// The error line, `Error: <status> <id>: <message> (request <id>)` for API errors.
    pub fn line(&self) -> String {
        match self {
            CliError::Sdk(oxido::Error::Api(api))
            | CliError::WaitFailed {
                error: oxido::Error::Api(api),
                ..
            } => {
                let mut line = format!("Error: {} {}: {}", api.status, api.id, api.message);
                if let Some(request_id) = &api.request_id {
                    line.push_str(&format!(" (request {request_id})"));
                }
                line
            }
            other => format!("Error: {other}"),
        }
    }

    /// Advice for the failures where a next step is clear (may hold more `Hint:` lines).
    pub fn hint(&self) -> Option<String> {
        match self {
            CliError::NoToken { .. } => Some(
                "pass --token, set DIGITALOCEAN_TOKEN, or store one with `oxido auth init`; \
                     add --sandbox to try oxido without an account"
                    .to_owned(),
            ),
            CliError::DanglingContext(name) => Some(format!(
                "pick a stored context with `oxido auth switch NAME` (see `oxido auth list`), \
                     or store one named `{name}` with `oxido auth init --context {name}`"
            )),
            CliError::WaitTimedOut { actions, sandbox } => {
                Some(resume_hint("keep waiting with", actions, *sandbox))
            }
            CliError::WaitFailed {
                error,
                actions,
                sandbox,
            } => {
                let started: Vec<String> = actions.iter().map(describe).collect();
                let resume = resume_hint("follow it with", actions, *sandbox);
                Some(match sdk_hint(error) {
                    Some(more) => {
                        format!("{more}\nHint: {} was started; {resume}", started.join(", "))
                    }
                    None => format!("{} was started; {resume}", started.join(", ")),
                })
            }
            CliError::ResourceTimedOut { resources, sandbox } => Some(if *sandbox {
                resume_hint("", &[], true)
            } else {
                let commands: Vec<String> =
                    resources.iter().map(|r| format!("`{}`", r.get)).collect();
                format!("see where it stands with {}", commands.join(", "))
            }),
            CliError::Sdk(error) => sdk_hint(error),
            _ => None,
        }
    }
}

/// Advice for an SDK failure with a final HTTP status.
fn sdk_hint(error: &oxido::Error) -> Option<String> {
    if error.is_rate_limited() {
        return Some(rate_limit_hint(error, jiff::Timestamp::now()));
    }
    let hint = match error.status()? {
        401 => Some(
            "the token was refused: check it, or set a new one with --token, \
                 DIGITALOCEAN_TOKEN or `oxido auth init`",
        ),
        403 => Some("the token lacks this permission (is it a read-only token?)"),
        _ => None,
    };
    hint.map(str::to_owned)
}

/// How to go on waiting for actions this command started. A sandbox's emulator stops with
/// the command, so there is nothing to resume there.
fn resume_hint(lead: &str, actions: &[Action], sandbox: bool) -> String {
    if sandbox {
        return "the sandbox's state ends with this command, so it cannot be waited for \
                later; for state that lasts, run the `oxido-sim` binary and point --api-url \
                at it"
            .to_owned();
    }
    let commands: Vec<String> = actions
        .iter()
        .map(|a| format!("`oxido action wait {}`", a.id))
        .collect();
    format!("{lead} {}", commands.join(", "))
}

/// Advice after a final 429: more retries help only if the limit frees up within the wait
/// the SDK is willing to make; otherwise say when it resets.
fn rate_limit_hint(error: &oxido::Error, now: jiff::Timestamp) -> String {
    let Some(api) = error.api_error() else {
        return "the API rate limit is exhausted; try again later".to_owned();
    };
    let now_secs = u64::try_from(now.as_second()).unwrap_or(0);
    let wait = api.retry_after.or_else(|| {
        api.rate_limit
            .filter(oxido::RateLimit::is_exhausted)
            .map(|limit| Duration::from_secs(limit.reset.saturating_sub(now_secs)))
    });
    let cap = oxido::RetryPolicy::default().rate_limit_wait_cap();
    match wait {
        Some(wait) if wait > cap => {
            let at = now
                .checked_add(jiff::SignedDuration::from_secs(
                    i64::try_from(wait.as_secs()).unwrap_or(i64::MAX),
                ))
                .map(|at| format!(" at {}", at.round(jiff::Unit::Second).unwrap_or(at)))
                .unwrap_or_default();
            let rounded = Duration::from_secs(wait.as_secs().div_ceil(60).saturating_mul(60));
            format!(
                "the API rate limit is used up and resets{at} (in about {}); \
                 more retries cannot help before then",
                humantime::format_duration(rounded)
            )
        }
        _ => "the API rate limit is exhausted; try again later or raise --retries".to_owned(),
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
            Some(name) => write!(f, " (context `{name}` holds a blank token)"),
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

struct ResourceLine<'a> {
    resources: &'a [Unfinished],
    ending: &'static str,
}

impl<'a> ResourceLine<'a> {
    fn new(resources: &'a [Unfinished], ending: &'static str) -> Self {
        ResourceLine { resources, ending }
    }
}

impl fmt::Display for ResourceLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let each: Vec<String> = self
            .resources
            .iter()
            .map(|r| format!("{} {} {}", r.what, self.ending, r.state))
            .collect();
        write!(f, "{}", each.join(", "))
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

/// A resource still waited for, after the wait ended short of its goal.
#[derive(Debug, Clone)]
pub struct Unfinished {
    /// `droplet 3164444`.
    pub what: String,
    /// Its last state seen.
    pub state: String,
    /// The command that reads it again.
    pub get: String,
}
