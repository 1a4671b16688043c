//! `oxido auth init|list|switch|remove`: named contexts in the config file.

use std::io::{self, IsTerminal, Read};
use std::path::{Path, PathBuf};

use crate::cli::{AuthCommand, GlobalArgs};
use crate::config::{Config, ConfigError, Context, config_path};
use crate::error::CliError;
use crate::output::{Output, json, write_stdout};
use crate::stdio;

/// Runs an `auth` subcommand.
pub fn run(command: &AuthCommand, global: &GlobalArgs, output: &Output) -> Result<(), CliError> {
    let path = config_path()?;
    match command {
        AuthCommand::Init => {
            let mut config = load_for_init(&path)?;
            let name = config.context_name(global.context.as_deref()).to_owned();
            let token = match &global.token {
                Some(flag) => checked_token(flag.expose())?,
                None => read_token()?,
            };
            config.contexts.insert(name.clone(), Context { token });
            config.current_context = Some(name.clone());
            config.save(&path)?;
            stdio::err_line(&format!(
                "Stored the token as context `{name}` (now current) in {}",
                path.display()
            ));
            Ok(())
        }
        AuthCommand::List => list(&Config::load(&path)?, output),
        AuthCommand::Switch { name } => {
            let mut config = Config::load(&path)?;
            if !config.contexts.contains_key(name) {
                return Err(CliError::Usage(config.unknown_context(name)));
            }
            config.current_context = Some(name.clone());
            config.save(&path)?;
            stdio::err_line(&format!("Switched to context `{name}`"));
            Ok(())
        }
        AuthCommand::Remove { name } => {
            let mut config = Config::load(&path)?;
            if config.contexts.remove(name).is_none() {
                return Err(CliError::Usage(config.unknown_context(name)));
            }
            let was_current = config.current_context.as_deref() == Some(name.as_str());
            if was_current {
                config.current_context = None;
            }
            config.save(&path)?;
            if was_current {
                stdio::err_line(&format!(
                    "Removed context `{name}`; it was the current one, so none is current now \
                     (pick one with `oxido auth switch NAME`)"
                ));
            } else {
                stdio::err_line(&format!("Removed context `{name}`"));
            }
            Ok(())
        }
    }
}

/// Loads the config for `auth init`. A file that does not parse must not lock the user out
/// of fixing it: it is kept beside as `config.toml.bak`, said so, and init starts afresh.
fn load_for_init(path: &Path) -> Result<Config, CliError> {
    match Config::load(path) {
        Err(error @ ConfigError::Parse { .. }) => {
            let backup = backup_path(path);
            std::fs::copy(path, &backup).map_err(|source| ConfigError::Io {
                action: "backing up",
                path: backup.clone(),
                source,
            })?;
            restrict(&backup);
            stdio::err_line(&format!(
                "Warning: {error}; kept it as {} and starting a new config file",
                backup.display()
            ));
            Ok(Config::default())
        }
        other => Ok(other?),
    }
}

fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".bak");
    path.with_file_name(name)
}

/// The backup holds tokens too; `fs::copy` keeps the source's (possibly loose) mode.
fn restrict(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// Reads the token from stdin when it is piped, else prompts without echo.
fn read_token() -> Result<String, CliError> {
    let stdin = io::stdin();
    let token = if stdin.is_terminal() {
        prompted(rpassword::prompt_password("DigitalOcean API token: "))?
    } else {
        let mut text = String::new();
        stdin.lock().read_to_string(&mut text)?;
        text
    };
    checked_token(&token)
}

/// Ctrl-D at the prompt arrives as an end-of-file error; say what happened in plain words.
fn prompted(answer: io::Result<String>) -> Result<String, CliError> {
    match answer {
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Err(CliError::Usage(
            "no token entered (the prompt was closed with end of input)".to_owned(),
        )),
        other => Ok(other?),
    }
}

fn checked_token(token: &str) -> Result<String, CliError> {
    let token = token.trim();
    if token.is_empty() {
        return Err(CliError::Usage(
            "no token given: pass --token, pipe it on stdin, or type it at the prompt".to_owned(),
        ));
    }
    if token.chars().any(char::is_whitespace) {
        return Err(CliError::Usage(
            "the token contains whitespace; give exactly one token".to_owned(),
        ));
    }
    Ok(token.to_owned())
}

fn list(config: &Config, output: &Output) -> Result<(), CliError> {
    let current = config.context_name(None);
    let text: String = if output.is_machine() {
        let entries: Vec<serde_json::Value> = config
            .contexts
            .keys()
            .map(|name| serde_json::json!({ "name": name, "current": name == current }))
            .collect();
        return Ok(output.structured(json::pretty(&entries)?)?);
    } else {
        config
            .contexts
            .keys()
            .map(|name| {
                let mark = if name == current { '*' } else { ' ' };
                format!("{mark} {name}\n")
            })
            .collect()
    };
    Ok(write_stdout(&text)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn end_of_input_at_the_prompt_says_no_token_was_entered() {
        let eof = io::Error::new(io::ErrorKind::UnexpectedEof, "unexpected end of file");
        let err = prompted(Err(eof)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "no token entered (the prompt was closed with end of input)"
        );
        assert_eq!(prompted(Ok("t".into())).unwrap(), "t");
    }

    #[test]
    fn tokens_are_trimmed_and_must_be_one_word() {
        assert_eq!(checked_token(" abc\n").unwrap(), "abc");
        assert!(checked_token(" \n").is_err());
        assert!(checked_token("a b").is_err());
    }
}
