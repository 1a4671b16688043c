//! `oxido completion <shell>`: prints a completion script generated from the grammar.

use std::io;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;

/// Writes the completion script for `shell` on stdout.
pub fn run(shell: Shell) {
    clap_complete::generate(shell, &mut Cli::command(), "oxido", &mut io::stdout());
}
