//! Finding the API token: `--token`, then the context named by `--context`, then
//! `DIGITALOCEAN_TOKEN`, `DIGITALOCEAN_ACCESS_TOKEN`, then the config file's current context.
//! An explicit flag always beats the environment, so `--context staging` can never silently
//! act on the account of an exported token. Only where the token came from is ever shown.

use std::fmt;

use crate::cli::GlobalArgs;
use crate::config::{Config, config_path};
use crate::error::CliError;

/// Environment variables holding a token, in the order they are tried.
pub const TOKEN_ENV_VARS: [&str; 2] = ["DIGITALOCEAN_TOKEN", "DIGITALOCEAN_ACCESS_TOKEN"];

/// A token and where it was found.
pub struct Credentials {
    /// The token; kept out of `Debug`.
    pub token: String,
    /// Where it came from, safe to print.
    pub source: TokenSource,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("token", &"<redacted>")
            .field("source", &self.source)
            .finish()
    }
}

/// Where a token was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenSource {
    /// `--token`.
    Flag,
    /// An environment variable.
    Env(&'static str),
    /// A context of the config file.
    Context(String),
}

impl fmt::Display for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenSource::Flag => f.write_str("--token"),
            TokenSource::Env(name) => f.write_str(name),
            TokenSource::Context(name) => write!(f, "config context `{name}`"),
        }
    }
}

/// Resolves the token in the documented order; blank values count as absent.
pub fn resolve(global: &GlobalArgs) -> Result<Credentials, CliError> {
    resolve_with(
        global,
        |name| std::env::var(name).ok(),
        || Ok(Config::load(&config_path()?)?),
    )
}

fn resolve_with(
    global: &GlobalArgs,
    env: impl Fn(&str) -> Option<String>,
    load_config: impl FnOnce() -> Result<Config, CliError>,
) -> Result<Credentials, CliError> {
    let flag = present(
        global
            .token
            .as_ref()
            .map(|secret| secret.expose().to_owned()),
    );
    let Some(name) = &global.context else {
        if let Some(token) = flag {
            return Ok(Credentials {
                token,
                source: TokenSource::Flag,
            });
        }
        return from_env_or_current(env, load_config);
    };
    // A named context must exist even when --token makes it moot: a typo in it is a
    // mistake worth hearing about before anything is sent.
    let config = load_config()?;
    let Some(context) = config.contexts.get(name) else {
        return Err(CliError::Usage(config.unknown_context(name)));
    };
    if let Some(token) = flag {
        return Ok(Credentials {
            token,
            source: TokenSource::Flag,
        });
    }
    match present(Some(context.token.clone())) {
        Some(token) => Ok(Credentials {
            token,
            source: TokenSource::Context(name.clone()),
        }),
        None => Err(CliError::NoToken {
            context: Some(name.clone()),
        }),
    }
}

/// Without --token or --context: the token variables, then the current context.
fn from_env_or_current(
    env: impl Fn(&str) -> Option<String>,
    load_config: impl FnOnce() -> Result<Config, CliError>,
) -> Result<Credentials, CliError> {
    for name in TOKEN_ENV_VARS {
        if let Some(token) = present(env(name)) {
            return Ok(Credentials {
                token,
                source: TokenSource::Env(name),
            });
        }
    }
    let config = load_config()?;
    if let Some(current) = &config.current_context {
        if !config.contexts.contains_key(current) {
            return Err(CliError::DanglingContext(current.clone()));
        }
    }
    let name = config.context_name(None);
    match config.contexts.get(name) {
        Some(context) if !context.token.trim().is_empty() => Ok(Credentials {
            token: context.token.clone(),
            source: TokenSource::Context(name.to_owned()),
        }),
        _ => Err(CliError::NoToken { context: None }),
    }
}

/// Blank values count as absent.
fn present(value: Option<String>) -> Option<String> {
    value.filter(|t| !t.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Cli;
    use crate::config::Context;
    use clap::Parser;

    fn global(args: &[&str]) -> GlobalArgs {
        let mut argv = vec!["oxido"];
        argv.extend_from_slice(args);
        argv.extend_from_slice(&["action", "get", "1"]);
        Cli::try_parse_from(argv).unwrap().global
    }

    fn config(current: Option<&str>, contexts: &[(&str, &str)]) -> Config {
        let mut config = Config {
            current_context: current.map(str::to_owned),
            ..Config::default()
        };
        for (name, token) in contexts {
            config.contexts.insert(
                (*name).to_owned(),
                Context {
                    token: (*token).to_owned(),
                },
            );
        }
        config
    }

    fn no_config() -> Result<Config, CliError> {
        Ok(Config::default())
    }

    #[test]
    fn the_flag_wins_over_the_environment() {
        let found = resolve_with(
            &global(&["--token", "flag"]),
            |_| Some("env".into()),
            no_config,
        )
        .unwrap();
        assert_eq!(found.token, "flag");
        assert_eq!(found.source, TokenSource::Flag);
    }

    #[test]
    fn an_explicit_context_wins_over_the_environment() {
        let stored = || Ok(config(Some("work"), &[("work", "w"), ("staging", "s")]));
        let found = resolve_with(
            &global(&["--context", "staging"]),
            |_| Some("env".into()),
            stored,
        )
        .unwrap();
        assert_eq!(found.token, "s");
        assert_eq!(found.source, TokenSource::Context("staging".into()));
        // Without --context, the environment still comes before the current context.
        let implicit = resolve_with(&global(&[]), |_| Some("env".into()), stored).unwrap();
        assert_eq!(implicit.token, "env");
    }

    #[test]
    fn an_unknown_context_is_an_error_even_with_a_token_in_the_environment() {
        let stored = || Ok(config(None, &[("work", "w")]));
        let err = resolve_with(
            &global(&["--context", "nope"]),
            |_| Some("env".into()),
            stored,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "no context named `nope`; stored contexts: work"
        );
        assert_eq!(err.exit_status(), crate::exit::ExitStatus::Usage);
        let with_flag = resolve_with(
            &global(&["--context", "nope", "--token", "t"]),
            |_| None,
            stored,
        );
        assert!(with_flag.is_err(), "a typo in --context is reported");
    }

    #[test]
    fn a_dangling_current_context_is_named() {
        let stored = || Ok(config(Some("gone"), &[("work", "w")]));
        let err = resolve_with(&global(&[]), |_| None, stored).unwrap_err();
        assert!(err.to_string().contains("`gone`"), "{err}");
        assert_eq!(err.exit_status(), crate::exit::ExitStatus::Auth);
    }

    #[test]
    fn digitalocean_token_wins_over_the_access_token_and_blank_is_absent() {
        let both = resolve_with(&global(&[]), |name| Some(name.to_lowercase()), no_config).unwrap();
        assert_eq!(both.source, TokenSource::Env("DIGITALOCEAN_TOKEN"));
        let blank_first = resolve_with(
            &global(&[]),
            |name| {
                (name == "DIGITALOCEAN_TOKEN")
                    .then(|| " ".to_owned())
                    .or_else(|| Some("access".to_owned()))
            },
            no_config,
        )
        .unwrap();
        assert_eq!(blank_first.token, "access");
        assert_eq!(
            blank_first.source,
            TokenSource::Env("DIGITALOCEAN_ACCESS_TOKEN")
        );
    }

    #[test]
    fn debug_never_shows_the_token() {
        let args = global(&["--token", "dop_v1_secret"]);
        assert!(!format!("{args:?}").contains("dop_v1_secret"));
        let found = resolve_with(&args, |_| None, no_config).unwrap();
        assert!(!format!("{found:?}").contains("dop_v1_secret"));
    }
}
