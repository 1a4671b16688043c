//! The `oxido` CLI as a user runs it once: process start to printed result, and its peak memory.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::memory::children_peak_rss_kib;
use crate::target::Target;

/// Timings of repeated one-shot `oxido droplet-action get` runs.
#[derive(Debug, Clone, Serialize)]
pub struct CliResult {
    /// The command line measured, with the token replaced by `<token>`.
    pub command: String,
    /// Runs measured.
    pub runs: usize,
    /// Median wall time from spawn to exit with the result printed, milliseconds.
    pub median_wall_ms: f64,
    /// Slowest run, milliseconds.
    pub max_wall_ms: f64,
    /// Peak resident set size of the largest run, KiB (getrusage of the children, taken by a small spawner).
    pub max_rss_kib: u64,
}

/// The `oxido` binary next to this one (both are built into the same target directory).
pub fn sibling_cli() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let candidate = exe.parent()?.join("oxido");
    candidate.is_file().then_some(candidate)
}

/// First argument that turns oxido-bench into the small spawner [`spawner_main`] instead of the benchmark.
pub const SPAWNER_FLAG: &str = "--spawn-and-measure";

/// Runs `cli --api-url URL --token T droplet-action get D A` `runs` times (after one unmeasured run that
/// warms the page cache) and checks each printed the action.
///
/// Each run goes through a fresh, small oxido-bench process ([`spawner_main`]): Linux folds the spawning
/// process's peak RSS into a child's `ru_maxrss` at exec, so spawning from this (large) process would report
/// our own size instead of the CLI's.
pub fn measure(cli: &Path, target: &Target, runs: usize) -> Result<CliResult, String> {
    let (droplet_id, action_id) = target.action;
    let args = [
        "--api-url".to_owned(),
        target.base_url.clone(),
        "--token".to_owned(),
        target.token.clone(),
        "droplet-action".to_owned(),
        "get".to_owned(),
        droplet_id.to_string(),
        action_id.to_string(),
    ];
    let spawner = std::env::current_exe().map_err(|err| format!("locating oxido-bench: {err}"))?;
    let run_once = || -> Result<(Duration, u64), String> {
        let output = Command::new(&spawner)
            .arg(SPAWNER_FLAG)
            .arg(cli)
            .args(&args)
            .env_remove("DIGITALOCEAN_TOKEN")
            .env_remove("DIGITALOCEAN_ACCESS_TOKEN")
            .output()
            .map_err(|err| format!("running the spawner for {}: {err}", cli.display()))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let (figures, printed) = stdout.split_once('\n').unwrap_or((&stdout, ""));
        let mut fields = figures.split_whitespace().map(str::parse::<u64>);
        let (Some(Ok(wall_us)), Some(Ok(rss_kib))) = (fields.next(), fields.next()) else {
            return Err(format!(
                "the spawner printed no figures: {:?} / {:?}",
                stdout.trim(),
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        };
        if !output.status.success() || !printed.contains(&action_id.to_string()) {
            return Err(format!(
                "{} exited with {} and printed {:?} / {:?}",
                cli.display(),
                output.status,
                printed.trim(),
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        Ok((Duration::from_micros(wall_us), rss_kib))
    };
    run_once()?;
    let measured = (0..runs.max(1))
        .map(|_| run_once())
        .collect::<Result<Vec<_>, _>>()?;
    let mut times: Vec<Duration> = measured.iter().map(|(time, _)| *time).collect();
    times.sort_unstable();
    let max_rss_kib = measured.iter().map(|(_, rss)| *rss).max().unwrap_or(0);
    let ms = |d: Duration| (d.as_secs_f64() * 1e4).round() / 10.0;
    let shown_args: Vec<&str> = args
        .iter()
        .map(|arg| {
            if *arg == target.token {
                "<token>"
            } else {
                arg.as_str()
            }
        })
        .collect();
    Ok(CliResult {
        command: format!("{} {}", cli.display(), shown_args.join(" ")),
        runs: times.len(),
        median_wall_ms: ms(times[times.len() / 2]),
        max_wall_ms: ms(times[times.len() - 1]),
        max_rss_kib,
    })
}

/// The spawner: runs `program args...` once, then prints `<wall microseconds> <child peak RSS KiB>` on the
/// first line and the child's stdout after it; exits with the child's success. Kept free of the runtime and
/// the emulator so its own memory stays below the CLI's.
pub fn spawner_main(mut args: impl Iterator<Item = OsString>) -> ExitCode {
    let Some(program) = args.next() else {
        eprintln!("oxido-bench {SPAWNER_FLAG}: no program given");
        return ExitCode::from(2);
    };
    let started = Instant::now();
    let output = match Command::new(&program).args(args).output() {
        Ok(output) => output,
        Err(err) => {
            eprintln!("oxido-bench {SPAWNER_FLAG}: running {program:?}: {err}");
            return ExitCode::FAILURE;
        }
    };
    let wall_us = started.elapsed().as_micros();
    let rss_kib = children_peak_rss_kib().unwrap_or(0);
    let mut stdout = std::io::stdout().lock();
    let written = writeln!(stdout, "{wall_us} {rss_kib}")
        .and_then(|()| stdout.write_all(&output.stdout))
        .and_then(|()| std::io::stderr().write_all(&output.stderr));
    if written.is_err() || !output.status.success() {
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
