//! Dispatch: from parsed arguments to the command that runs them.

use clap::ArgMatches;

use crate::cli::{Cli, Command, GlobalArgs};
use crate::commands::{action, auth, completion, droplet_action, extras, generated, search};
use crate::error::CliError;
use crate::output::Output;
use crate::session::Session;
use crate::verbose;

/// A parsed command line: a curated command (the clap derive grammar) or a generated one
/// (the builder grammar from the operation table).
pub enum Selected<'a> {
    /// `droplet-action`, `action`, `auth`, `completion`.
    Curated(Cli),
    /// Generated command `index` of the table.
    Generated {
        /// The global options.
        global: GlobalArgs,
        /// Its index in `generated::table::OPS`.
        index: usize,
        /// Its own arguments.
        matches: &'a ArgMatches,
    },
    /// A hand-written command inside a generated group (`account ratelimit`, ...).
    Extra {
        /// The global options.
        global: GlobalArgs,
        /// Which one.
        extra: extras::Extra,
    },
}

/// Runs the parsed command line.
pub async fn run(selected: Selected<'_>) -> Result<(), CliError> {
    let global = match &selected {
        Selected::Curated(cli) => &cli.global,
        Selected::Generated { global, .. } | Selected::Extra { global, .. } => global,
    };
    if global.format.is_some() && global.output != crate::cli::OutputKind::Table {
        return Err(CliError::Usage(
            "--format picks table columns; it does not apply to -o json or -o yaml".to_owned(),
        ));
    }
    verbose::install(global.verbose);
    let output = Output::from_args(global);
    let (global, command) = match selected {
        Selected::Generated {
            global,
            index,
            matches,
        } => {
            return generated::run(index, matches, &global, output).await;
        }
        Selected::Extra { global, extra } => {
            let session = Session::open(&global, output, true).await?;
            return extras::run(extra, &session).await;
        }
        Selected::Curated(Cli { global, command }) => (global, command),
    };
    if matches!(
        command,
        Command::DropletAction(_) | Command::Action(_) | Command::Auth(_)
    ) {
        output.check_action_columns()?;
    }
    match command {
        Command::Completion { shell } => completion::run(shell),
        Command::Search { words } => search::run(&words, &output),
        Command::Auth(_) if global.sandbox => Err(CliError::Usage(
            "`auth` manages the real config file and --sandbox never reads it (the emulator \
             brings its own token); run `auth` without --sandbox"
                .to_owned(),
        )),
        Command::Auth(command) => auth::run(&command, &global, &output),
        Command::DropletAction(command) => {
            droplet_action::check_before_sending(&command)?;
            let session = Session::open(&global, output, true).await?;
            droplet_action::run(command, &session).await
        }
        Command::Action(command) => {
            let session = Session::open(&global, output, true).await?;
            action::run(command, &session).await
        }
    }
}
