//! Dispatch: from parsed arguments to the command that runs them.

use crate::cli::{Cli, Command};
use crate::commands::{action, auth, completion, droplet_action};
use crate::error::CliError;
use crate::output::Output;
use crate::session::Session;
use crate::verbose;

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> Result<(), CliError> {
    let Cli { global, command } = cli;
    if global.format.is_some() && global.output == crate::cli::OutputKind::Json {
        return Err(CliError::Usage(
            "--format picks table columns; it does not apply to -o json".to_owned(),
        ));
    }
    verbose::install(global.verbose);
    let output = Output::from_args(&global);
    match command {
        Command::Completion { shell } => completion::run(shell),
        Command::Auth(_) if global.sandbox => Err(CliError::Usage(
            "`auth` manages the real config file and --sandbox never reads it (the emulator \
             brings its own token); run `auth` without --sandbox"
                .to_owned(),
        )),
        Command::Auth(command) => auth::run(&command, &global, &output),
        Command::DropletAction(command) => {
            let session = Session::open(&global, output).await?;
            droplet_action::run(command, &session).await
        }
        Command::Action(command) => {
            let session = Session::open(&global, output).await?;
            action::run(command, &session).await
        }
    }
}
