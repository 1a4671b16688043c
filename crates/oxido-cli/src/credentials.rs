//! Finding the API token: `--token`, `DIGITALOCEAN_TOKEN`, `DIGITALOCEAN_ACCESS_TOKEN`, then the
//! config file's context. Only where it came from is ever shown, never the token itself.

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

/// A token given on the command line; `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretArg(String);

impl SecretArg {
    /// The clap value parser for `--token`.
    pub fn parse(value: &str) -> Result<SecretArg, String> {
        Ok(SecretArg(value.to_owned()))
    }
}

impl fmt::Debug for SecretArg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Resolves the token in the documented order; blank values count as absent.
pub fn resolve(global: &GlobalArgs) -> Result<Credentials, CliError> {
    resolve_with(global, |name| std::env::var(name).ok())
}

fn resolve_with(
    global: &GlobalArgs,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Credentials, CliError> {
    let present = |value: Option<String>| value.filter(|t| !t.trim().is_empty());

    if let Some(token) = present(global.token.as_ref().map(|secret| secret.0.clone())) {
        return Ok(Credentials {
            token,
            source: TokenSource::Flag,
        });
    }
    for name in TOKEN_ENV_VARS {
        if let Some(token) = present(env(name)) {
            return Ok(Credentials {
                token,
                source: TokenSource::Env(name),
            });
        }
    }
    let config = Config::load(&config_path()?)?;
    let name = config.context_name(global.context.as_deref());
    match config.contexts.get(name) {
        Some(context) if !context.token.trim().is_empty() => Ok(Credentials {
            token: context.token.clone(),
            source: TokenSource::Context(name.to_owned()),
        }),
        _ => Err(CliError::NoToken {
            context: global.context.clone(),
        }),
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
    fn the_flag_wins_over_the_environment() {
        let found = resolve_with(&global(&["--token", "flag"]), |_| Some("env".into())).unwrap();
        assert_eq!(found.token, "flag");
        assert_eq!(found.source, TokenSource::Flag);
    }

    #[test]
    fn digitalocean_token_wins_over_the_access_token_and_blank_is_absent() {
        let both = resolve_with(&global(&[]), |name| Some(name.to_lowercase())).unwrap();
        assert_eq!(both.source, TokenSource::Env("DIGITALOCEAN_TOKEN"));
        let blank_first = resolve_with(&global(&[]), |name| {
            (name == "DIGITALOCEAN_TOKEN")
                .then(|| " ".to_owned())
                .or_else(|| Some("access".to_owned()))
        })
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
        let found = resolve_with(&args, |_| None).unwrap();
        assert!(!format!("{found:?}").contains("dop_v1_secret"));
    }
}
