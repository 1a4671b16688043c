//! Shell completion, two ways.
//!
//! - Dynamic (the default to install): `source <(COMPLETE=bash oxido)` registers a few lines
//!   that call the binary back on each TAB, through clap_complete's dynamic engine, so
//!   nothing is loaded at shell start. Only the handler being typed is built. When the word
//!   under the cursor is not a flag, flags are left out in favour of subcommands and values,
//!   and ids are listed where that is cheap (Droplets, volumes, SSH keys; contexts from the
//!   config file), with a short time limit and silence on any failure.
//! - Static: `oxido completion <shell>` prints the whole grammar as one script.

use std::ffi::{OsStr, OsString};
use std::sync::Arc;
use std::time::Duration;

use clap::{Arg, CommandFactory, FromArgMatches};
use clap_complete::Shell;
use clap_complete::engine::{ArgValueCompleter, CompletionCandidate};
use oxido::{Client, RetryPolicy};

use crate::cli::{Cli, GlobalArgs};
use crate::error::CliError;
use crate::output::write_stdout;

/// How long one TAB may wait for the API: a slow list must not freeze the shell.
const LOOKUP_TIMEOUT: Duration = Duration::from_millis(1500);

/// Writes the static completion script for `shell` on stdout.
pub fn run(shell: Shell) -> Result<(), CliError> {
    // clap_complete panics when its writer fails (`| head -1`), so the script is built in
    // memory and written through the fallible stdout path.
    let mut script = Vec::new();
    let mut command = super::generated::add_handlers(Cli::command(), &[], true);
    clap_complete::generate(shell, &mut command, "oxido", &mut script);
    let text = String::from_utf8_lossy(&script);
    Ok(write_stdout(&text)?)
}

/// Answers a completion request when `COMPLETE` is set (and exits); otherwise returns at the
/// cost of one environment lookup.
pub fn complete_from_env() {
    clap_complete::CompleteEnv::with_factory(completion_command).complete();
}

/// The words being completed: what follows `--` in this process's arguments.
fn completion_words() -> Vec<OsString> {
    std::env::args_os()
        .skip_while(|a| a != "--")
        .skip(1)
        .collect()
}

/// The grammar for one completion request, with the id completers attached and, when the word
/// under the cursor is not a flag, the flags hidden so subcommands and values come first.
fn completion_command() -> clap::Command {
    if !std::env::args_os().any(|a| a == "--") {
        // No words: the shell asks for its registration script, which needs only the
        // program's name. Building the grammar here would slow every new shell.
        return registration_command();
    }
    let words = completion_words();
    let texts: Vec<String> = words
        .iter()
        .map(|w| w.to_string_lossy().into_owned())
        .collect();
    // bash says which word is under the cursor; the other shells complete the last one.
    let current = std::env::var("_CLAP_COMPLETE_INDEX")
        .ok()
        .and_then(|i| i.parse::<usize>().ok())
        .and_then(|i| texts.get(i))
        .or(texts.last())
        .cloned()
        .unwrap_or_default();
    let base = || super::generated::add_handlers(Cli::command(), &texts, false);
    let global = base()
        .ignore_errors(true)
        .try_get_matches_from(&words)
        .ok()
        .and_then(|m| GlobalArgs::from_arg_matches(&m).ok());
    let lookup = Arc::new(Lookup { global });
    let hide_flags = !current.starts_with('-');
    let mut command = decorate(base(), &lookup, hide_flags);
    if hide_flags {
        command = command.disable_help_flag(true).disable_version_flag(true);
    }
    command
}

/// The grammar clap_complete writes the registration script from: the name alone, which is
/// all the script uses (the root command sets no `bin_name`).
fn registration_command() -> clap::Command {
    clap::Command::new("oxido")
}

fn decorate(command: clap::Command, lookup: &Arc<Lookup>, hide_flags: bool) -> clap::Command {
    let command = command.mut_args(|arg| {
        let arg = match Listed::for_arg(&arg) {
            Some(listed) => {
                let lookup = Arc::clone(lookup);
                arg.add(ArgValueCompleter::new(move |current: &OsStr| {
                    lookup.candidates(listed, current)
                }))
            }
            None => arg,
        };
        if hide_flags && !arg.is_positional() {
            arg.hide(true)
        } else {
            arg
        }
    });
    let command = if hide_flags {
        command.disable_help_flag(true)
    } else {
        command
    };
    command.mut_subcommands(|sub| decorate(sub, lookup, hide_flags))
}

/// What an argument's values can be listed from.
#[derive(Debug, Clone, Copy)]
enum Listed {
    Droplets,
    Volumes,
    SshKeys,
    Contexts,
}

impl Listed {
    fn for_arg(arg: &Arg) -> Option<Listed> {
        match arg.get_id().as_str() {
            "p:droplet_id" | "droplet_id" => Some(Listed::Droplets),
            "p:volume_id" => Some(Listed::Volumes),
            "p:ssh_key_identifier" => Some(Listed::SshKeys),
            "context" => Some(Listed::Contexts),
            _ => None,
        }
    }
}

/// The global options of the line being completed (its token, URL, context).
struct Lookup {
    global: Option<GlobalArgs>,
}

impl Lookup {
    fn candidates(&self, listed: Listed, current: &OsStr) -> Vec<CompletionCandidate> {
        let prefix = current.to_string_lossy();
        let found = match listed {
            Listed::Contexts => contexts(),
            _ => self.listed_by_api(listed).unwrap_or_default(),
        };
        found
            .into_iter()
            .filter(|(value, _)| value.starts_with(prefix.as_ref()))
            .map(|(value, help)| CompletionCandidate::new(value).help(help.map(|h| h.into())))
            .collect()
    }

    /// `(id, name)` of the first page of a list; `None` on any failure (no token, no network,
    /// the time limit), since a completion has nowhere to report one.
    fn listed_by_api(&self, listed: Listed) -> Option<Vec<(String, Option<String>)>> {
        let global = self.global.as_ref()?;
        if global.sandbox {
            // A sandbox lives for one command: there is nothing to list.
            return None;
        }
        let token = crate::credentials::resolve(global).ok()?.token;
        let mut builder = Client::builder()
            .token(token)
            .overall_timeout(LOOKUP_TIMEOUT)
            .retry(RetryPolicy::default().with_max_retries(0));
        if let Some(url) = crate::session::api_url(global, |name| std::env::var(name).ok()) {
            builder = builder.base_url(url);
        }
        let client = builder.build().ok()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .ok()?;
        let (key, answer) = runtime.block_on(async {
            match listed {
                Listed::Droplets => Some(("droplets", client.droplets().list().send_raw().await)),
                Listed::Volumes => Some(("volumes", client.volumes().list().send_raw().await)),
                Listed::SshKeys => Some(("ssh_keys", client.ssh_keys().list().send_raw().await)),
                Listed::Contexts => None,
            }
        })?;
        let items = crate::output::json::member_items(&answer.ok()?.body, key).ok()?;
        Some(
            items
                .iter()
                .filter_map(|raw| {
                    let item: serde_json::Value = serde_json::from_str(raw.get()).ok()?;
                    let id = match item.get("id")? {
                        serde_json::Value::Number(n) => n.to_string(),
                        serde_json::Value::String(s) => s.clone(),
                        _ => return None,
                    };
                    let name = item.get("name").and_then(|n| n.as_str()).map(str::to_owned);
                    Some((id, name))
                })
                .collect(),
        )
    }
}

/// The config file's context names.
fn contexts() -> Vec<(String, Option<String>)> {
    let Ok(path) = crate::config::config_path() else {
        return Vec::new();
    };
    crate::config::Config::load(&path)
        .map(|config| {
            config
                .contexts
                .into_keys()
                .map(|name| (name, None))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registration_grammar_names_the_program_as_the_whole_grammar_does() {
        let mut whole = Cli::command();
        whole.build();
        let mut short = registration_command();
        short.build();
        assert_eq!(short.get_name(), whole.get_name());
        assert_eq!(short.get_bin_name(), whole.get_bin_name());
    }
}
