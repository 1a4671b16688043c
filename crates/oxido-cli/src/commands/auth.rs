//! `oxido auth init|list|switch`: named contexts in the config file.

use std::io::{self, IsTerminal, Read};

use crate::cli::{AuthCommand, GlobalArgs};
use crate::config::{Config, Context, config_path};
use crate::error::CliError;
use crate::output::{Output, json, write_stdout};

/// Runs an `auth` subcommand.
pub fn run(command: &AuthCommand, global: &GlobalArgs, output: &Output) -> Result<(), CliError> {
    let path = config_path()?;
    let mut config = Config::load(&path)?;
    match command {
        AuthCommand::Init => {
            let name = config.context_name(global.context.as_deref()).to_owned();
            let token = read_token()?;
            config.contexts.insert(name.clone(), Context { token });
            config.current_context = Some(name.clone());
            config.save(&path)?;
            eprintln!(
                "Stored the token as context `{name}` (now current) in {}",
                path.display()
            );
            Ok(())
        }
        AuthCommand::List => list(&config, output),
        AuthCommand::Switch { name } => {
            if !config.contexts.contains_key(name) {
                return Err(CliError::Usage(unknown_context(&config, name)));
            }
            config.current_context = Some(name.clone());
            config.save(&path)?;
            eprintln!("Switched to context `{name}`");
            Ok(())
        }
    }
}

/// Reads the token from stdin when it is piped, else prompts without echo.
fn read_token() -> Result<String, CliError> {
    let stdin = io::stdin();
    let token = if stdin.is_terminal() {
        rpassword::prompt_password("DigitalOcean API token: ")?
    } else {
        let mut text = String::new();
        stdin.lock().read_to_string(&mut text)?;
        text
    };
    let token = token.trim();
    if token.is_empty() {
        return Err(CliError::Usage(
            "no token given: pipe it on stdin or type it at the prompt".to_owned(),
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
    let text = if output.is_json() {
        let entries: Vec<serde_json::Value> = config
            .contexts
            .keys()
            .map(|name| serde_json::json!({ "name": name, "current": name == current }))
            .collect();
        json::pretty(&entries)?
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

fn unknown_context(config: &Config, name: &str) -> String {
    if config.contexts.is_empty() {
        return format!("no context named `{name}`; none is stored yet (run `oxido auth init`)");
    }
    let known: Vec<&str> = config.contexts.keys().map(String::as_str).collect();
    format!(
        "no context named `{name}`; stored contexts: {}",
        known.join(", ")
    )
}
