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
    let command = [
        "droplet-action".to_owned(),
        "get".to_owned(),
        droplet_id.to_string(),
        action_id.to_string(),
    ];
    measure_command(cli, Some(target), &command, &action_id.to_string(), runs)
}

/// Times `cli [--api-url URL --token T] command...` `runs` times (after one unmeasured warm-up run), each
/// through the small spawner, and checks every run succeeded and printed `expect`.
pub fn measure_command(
    cli: &Path,
    target: Option<&Target>,
    command: &[String],
    expect: &str,
    runs: usize,
) -> Result<CliResult, String> {
    let mut args: Vec<String> = match target {
        Some(target) => vec![
            "--api-url".to_owned(),
            target.base_url.clone(),
            "--token".to_owned(),
            target.token.clone(),
        ],
        None => Vec::new(),
    };
    args.extend(command.iter().cloned());
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
        if !output.status.success() || !printed.contains(expect) {
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
        .map(|arg| match target {
            Some(target) if *arg == target.token => "<token>",
            _ => arg.as_str(),
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

/// First argument that runs only the CLI budgets ([`mode_main`]).
pub const MODE_FLAG: &str = "--cli-one-shot";

/// `oxido-bench --cli-one-shot [--cli PATH] [--base-url URL --token T] [--runs N]`: the CLI's start-up
/// budgets, each as a median over `--runs` one-shot runs with the largest peak RSS: `oxido droplets get`
/// and `oxido droplet-action get` against an emulator (a running `oxido-sim` given by `--base-url`, else one
/// started in this process), and `oxido --help`.
pub fn mode_main(mut args: impl Iterator<Item = OsString>) -> ExitCode {
    let mut cli = sibling_cli();
    let mut base_url = None;
    let mut token = None;
    let mut runs = 20usize;
    while let Some(arg) = args.next() {
        let value = args.next().map(|v| v.to_string_lossy().into_owned());
        match (arg.to_string_lossy().as_ref(), value) {
            ("--cli", Some(v)) => cli = Some(PathBuf::from(v)),
            ("--base-url", Some(v)) => base_url = Some(v),
            ("--token", Some(v)) => token = Some(v),
            ("--runs", Some(v)) => match v.parse::<usize>() {
                Ok(n) if (1..=1000).contains(&n) => runs = n,
                _ => return usage(&format!("--runs {v}: expected 1 to 1000")),
            },
            (other, _) => return usage(&format!("unexpected argument {other:?}")),
        }
    }
    let Some(cli) = cli else {
        return usage("no `oxido` binary next to oxido-bench; pass --cli PATH");
    };
    // Kept alive until the measurements end.
    let mut _emulator = None;
    let target = match base_url {
        Some(url) => Target::loopback(&url, token.as_deref().unwrap_or("oxido-sim-demo-token")),
        None => match start_emulator() {
            Ok((runtime, sim)) => {
                let target = Target::loopback(&sim.base_url(), sim.token());
                _emulator = Some((runtime, sim));
                target
            }
            Err(err) => Err(err),
        },
    };
    let target = match target {
        Ok(target) => target,
        Err(err) => return usage(&err),
    };
    let (droplet, _) = target.action;
    let cases: [(Option<&Target>, Vec<String>, String); 3] = [
        (
            Some(&target),
            vec!["droplets".into(), "get".into(), droplet.to_string()],
            droplet.to_string(),
        ),
        (
            Some(&target),
            vec![
                "droplet-action".into(),
                "get".into(),
                droplet.to_string(),
                target.action.1.to_string(),
            ],
            target.action.1.to_string(),
        ),
        (None, vec!["--help".into()], "Usage".into()),
    ];
    println!("| command | median | max | peak RSS |\n|---|---:|---:|---:|");
    for (target, command, expect) in &cases {
        match measure_command(&cli, *target, command, expect, runs) {
            Ok(r) => println!(
                "| `{}` | {:.1} ms | {:.1} ms | {:.1} MiB |",
                r.command,
                r.median_wall_ms,
                r.max_wall_ms,
                r.max_rss_kib as f64 / 1024.0
            ),
            Err(err) => {
                eprintln!("oxido-bench {MODE_FLAG}: {err}");
                return ExitCode::FAILURE;
            }
        }
    }
    println!("({runs} measured runs each, after one warm-up run)");
    ExitCode::SUCCESS
}

fn usage(message: &str) -> ExitCode {
    eprintln!(
        "oxido-bench {MODE_FLAG}: {message}\nusage: oxido-bench {MODE_FLAG} [--cli PATH] [--base-url URL --token T] [--runs N]"
    );
    ExitCode::from(2)
}

/// An emulator with the demo data on its own runtime thread.
fn start_emulator() -> Result<(tokio::runtime::Runtime, oxido_sim::Sim), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|err| format!("starting a runtime: {err}"))?;
    let sim = runtime
        .block_on(
            oxido_sim::Sim::builder()
                .seed(oxido_sim::Seed::Demo)
                .rate_limit_per_minute(u32::MAX)
                .rate_limit_per_hour(u32::MAX)
                .request_log_capacity(1)
                .start(),
        )
        .map_err(|err| format!("starting the emulator: {err}"))?;
    Ok((runtime, sim))
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
