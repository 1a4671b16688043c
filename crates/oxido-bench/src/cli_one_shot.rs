//! The `oxido` CLI as a user runs it once: process start to printed result, and its peak memory.

use std::path::{Path, PathBuf};
use std::process::Command;
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
    /// Peak resident set size of the largest run, KiB (from getrusage of the children).
    pub max_rss_kib: u64,
}

/// The `oxido` binary next to this one (both are built into the same target directory).
pub fn sibling_cli() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let candidate = exe.parent()?.join("oxido");
    candidate.is_file().then_some(candidate)
}

/// Runs `cli --api-url URL --token T droplet-action get D A` `runs` times (after one unmeasured run that
/// warms the page cache) and checks each printed the action.
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
    let run_once = || -> Result<Duration, String> {
        let started = Instant::now();
        let output = Command::new(cli)
            .args(&args)
            .env_remove("DIGITALOCEAN_TOKEN")
            .env_remove("DIGITALOCEAN_ACCESS_TOKEN")
            .output()
            .map_err(|err| format!("running {}: {err}", cli.display()))?;
        let elapsed = started.elapsed();
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() || !stdout.contains(&action_id.to_string()) {
            return Err(format!(
                "{} exited with {} and printed {:?} / {:?}",
                cli.display(),
                output.status,
                stdout.trim(),
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        Ok(elapsed)
    };
    run_once()?;
    let mut times = (0..runs.max(1))
        .map(|_| run_once())
        .collect::<Result<Vec<_>, _>>()?;
    times.sort_unstable();
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
        max_rss_kib: children_peak_rss_kib().unwrap_or(0),
    })
}
