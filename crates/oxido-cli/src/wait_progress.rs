//! `--wait`: polls actions to the end while showing progress on stderr.
//!
//! A spinner per action when stderr is a terminal, one plain line per status change when it
//! is not (logs, CI), and nothing at all with `-o json` so machine output stays clean.
//! Spinners draw through indicatif, which drops failed terminal writes; of its calls only
//! `suspend` and `set_tab_width` unwrap a draw, and neither is used here. Plain lines go
//! through `stdio`, so a closed or full stderr never stops a wait.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::future::join_all;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use oxido::{Action, ActionStatus, Client};

use crate::error::CliError;
use crate::labels::describe;
use crate::output::Output;
use crate::stdio;

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Display {
    /// Animated spinners (stderr is a terminal).
    Spinner,
    /// One line per status change (stderr is a file or a pipe).
    Lines,
    /// Nothing (`-o json`).
    Quiet,
}

impl Display {
    /// Picks the display for this process's stderr and output format.
    pub fn detect(output: &Output) -> Display {
        if output.is_machine() {
            Display::Quiet
        } else if std::io::stderr().is_terminal() {
            Display::Spinner
        } else {
            Display::Lines
        }
    }
}

/// Waits for every action, then returns their final states in the same order.
///
/// An action that ends `errored` makes the result [`CliError::ActionsErrored`], one still
/// running at the deadline [`CliError::WaitTimedOut`], a poll that fails
/// [`CliError::WaitFailed`] (naming every action whose end was not seen); either way the
/// final states are returned alongside so they can be printed first. `sandbox` tells the
/// errors that the actions die with this command.
pub async fn wait_all(
    client: &Client,
    actions: Vec<Action>,
    limit: Duration,
    display: Display,
    sandbox: bool,
) -> (Vec<Action>, Result<(), CliError>) {
    let board = (display == Display::Spinner)
        .then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr()));
    let waits = actions.into_iter().map(|action| {
        let tracker = Arc::new(Mutex::new(Tracker::new(&action, display, board.as_ref())));
        let progress = Arc::clone(&tracker);
        let client = client.clone();
        async move {
            let result = client
                .actions()
                .wait(action.id)
                .timeout(limit)
                .on_progress(move |seen: &Action| {
                    if let Ok(mut tracker) = progress.lock() {
                        tracker.update(seen);
                    }
                })
                .await;
            let outcome = Outcome::from_result(result, action);
            if let Ok(mut tracker) = tracker.lock() {
                tracker.finish(&outcome);
            }
            outcome
        }
    });
    let outcomes = join_all(waits).await;
    if board.is_some() {
        // The finished spinners leave the cursor at the end of their last line; move on so
        // the result starts on a line of its own.
        stdio::err_line("");
    }

    let mut finals = Vec::with_capacity(outcomes.len());
    let mut errored = Vec::new();
    let mut timed_out = Vec::new();
    let mut failure = None;
    let mut unfinished = Vec::new();
    for outcome in outcomes {
        match outcome {
            Outcome::Done(action) => finals.push(action),
            Outcome::Errored(action) => {
                errored.push(action.clone());
                finals.push(action);
            }
            Outcome::TimedOut(action) => {
                timed_out.push(action.clone());
                unfinished.push(action.clone());
                finals.push(action);
            }
            Outcome::Failed(error, last) => {
                unfinished.push(last.clone());
                finals.push(last);
                failure.get_or_insert(error);
            }
        }
    }
    let result = if let Some(error) = failure {
        Err(CliError::WaitFailed {
            error,
            actions: unfinished,
            sandbox,
        })
    } else if !errored.is_empty() {
        Err(CliError::ActionsErrored(errored))
    } else if !timed_out.is_empty() {
        Err(CliError::WaitTimedOut {
            actions: timed_out,
            sandbox,
        })
    } else {
        Ok(())
    };
    (finals, result)
}

/// How one wait ended.
enum Outcome {
    Done(Action),
    Errored(Action),
    TimedOut(Action),
    /// Polling itself failed; carries the last state known.
    Failed(oxido::Error, Action),
}

impl Outcome {
    fn from_result(result: Result<Action, oxido::Error>, started: Action) -> Outcome {
        match result {
            Ok(action) => Outcome::Done(action),
            Err(oxido::Error::ActionErrored { action }) => Outcome::Errored(*action),
            Err(oxido::Error::WaitTimeout { last, .. }) => {
                Outcome::TimedOut(last.map(|a| *a).unwrap_or(started))
            }
            Err(error) => Outcome::Failed(error, started),
        }
    }

    fn action(&self) -> &Action {
        match self {
            Outcome::Done(a)
            | Outcome::Errored(a)
            | Outcome::TimedOut(a)
            | Outcome::Failed(_, a) => a,
        }
    }
}

/// Shows one action's progress.
struct Tracker {
    label: String,
    started: Instant,
    last_status: Option<ActionStatus>,
    display: Display,
    spinner: Option<ProgressBar>,
}

impl Tracker {
    fn new(action: &Action, display: Display, board: Option<&MultiProgress>) -> Tracker {
        let label = describe(action);
        let spinner = board.map(|board| spinner(board, format!("{label}: {}", action.status)));
        if display == Display::Lines && !action.status.is_terminal() {
            stdio::err_line(&format!("Waiting for {label}: {}", action.status));
        }
        Tracker {
            label,
            started: Instant::now(),
            last_status: Some(action.status.clone()),
            display,
            spinner,
        }
    }

    fn update(&mut self, action: &Action) {
        if let Some(bar) = &self.spinner {
            bar.set_message(format!("{}: {}", self.label, action.status));
        }
        if self.last_status.as_ref() != Some(&action.status) {
            if self.display == Display::Lines && !action.status.is_terminal() {
                stdio::err_line(&format!(
                    "{}: {} after {}",
                    self.label,
                    action.status,
                    self.elapsed()
                ));
            }
            self.last_status = Some(action.status.clone());
        }
    }

    fn finish(&mut self, outcome: &Outcome) {
        let action = outcome.action();
        let ending = match outcome {
            Outcome::Done(_) | Outcome::Errored(_) => action.status.to_string(),
            Outcome::TimedOut(_) => format!("still {} when the wait ran out", action.status),
            Outcome::Failed(..) => "could not be polled".to_owned(),
        };
        let line = format!("{}: {ending} after {}", self.label, self.elapsed());
        finish_line(self.spinner.as_ref(), self.display, line);
    }

    fn elapsed(&self) -> String {
        format!("{:.1}s", self.started.elapsed().as_secs_f64())
    }
}

/// A ticking spinner on `board` showing `message`, for one wait (actions or resources).
pub fn spinner(board: &MultiProgress, message: String) -> ProgressBar {
    let bar = board.add(ProgressBar::new_spinner());
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
        bar.set_style(style);
    }
    bar.set_message(message);
    bar.enable_steady_tick(Duration::from_millis(100));
    bar
}

/// Ends one wait's progress with `line`: the spinner becomes that line, or with plain lines it is
/// printed; quiet output shows nothing.
pub fn finish_line(spinner: Option<&ProgressBar>, display: Display, line: String) {
    match (spinner, display) {
        (Some(bar), _) => {
            if let Ok(style) = ProgressStyle::with_template("  {msg}") {
                bar.set_style(style);
            }
            bar.finish_with_message(line);
        }
        (None, Display::Lines) => stdio::err_line(&line),
        _ => {}
    }
}
