//! `oxido`: the DigitalOcean droplet actions and actions API from the command line.
//!
//! Layers, outermost first: `cli` (the clap grammar; bad input stops here with exit 2),
//! `app` (dispatch), `commands::*` (one module per command family), `session` (builds the
//! SDK client from the token, URL and retry options, or starts the `--sandbox` emulator),
//! the `oxido` SDK (HTTP, retries, waiting), then `output` (table or JSON on stdout) and
//! `error`/`exit` (one line on stderr and the documented exit status; see `exit.rs`).
//! Every write to stdout or stderr goes through `stdio`, which survives closed pipes and
//! full disks; the lints below keep the panicking print macros out.

#![deny(clippy::print_stdout, clippy::print_stderr)]

mod app;
mod cli;
mod commands;
mod config;
mod credentials;
mod error;
mod exit;
mod generated;
mod labels;
mod ops;
mod output;
mod sandbox;
mod session;
mod stdio;
mod verbose;
mod wait_progress;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use crate::cli::{Cli, Command, GlobalArgs};
use crate::exit::ExitStatus;

fn main() -> ExitCode {
    // `COMPLETE=<shell> oxido …` is a completion request from the shell: answered and exited.
    commands::completion::complete_from_env();
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let words: Vec<String> = argv
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let matches =
        commands::generated::add_handlers(Cli::command(), &words, false).get_matches_from(argv);
    let parsed = GlobalArgs::from_arg_matches(&matches).and_then(|global| {
        if let Some(extra) = commands::extras::selected(&matches) {
            return Ok(app::Selected::Extra { global, extra });
        }
        match commands::generated::selected(&matches) {
            Some((index, op_matches)) => Ok(app::Selected::Generated {
                global,
                index,
                matches: op_matches,
            }),
            None => Command::from_arg_matches(&matches)
                .map(|command| app::Selected::Curated(Cli { global, command })),
        }
    });
    let selected = match parsed {
        Ok(selected) => selected,
        Err(e) => e.exit(),
    };
    // One thread is plenty for one command (and the sandbox emulator beside it), and it
    // starts faster and smaller than a thread pool.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            stdio::err_line(&format!("Error: could not start the async runtime: {e}"));
            return ExitStatus::Failure.into();
        }
    };
    match runtime.block_on(app::run(selected)) {
        Ok(()) => ExitStatus::Success.into(),
        Err(error) => {
            stdio::err_line(&error.line());
            if let Some(hint) = error.hint() {
                stdio::err_line(&format!("Hint: {hint}"));
            }
            error.exit_status().into()
        }
    }
}
