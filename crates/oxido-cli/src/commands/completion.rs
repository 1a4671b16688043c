//! `oxido completion <shell>`: prints a completion script generated from the grammar.

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;
use crate::error::CliError;
use crate::output::write_stdout;

/// Writes the completion script for `shell` on stdout.
pub fn run(shell: Shell) -> Result<(), CliError> {
    // clap_complete panics when its writer fails (`| head -1`), so the script is built in
    // memory and written through the fallible stdout path.
    let mut script = Vec::new();
    let mut command = super::generated::add_handlers(Cli::command(), &[], true);
    clap_complete::generate(shell, &mut command, "oxido", &mut script);
    let text = String::from_utf8_lossy(&script);
    Ok(write_stdout(&text)?)
}
