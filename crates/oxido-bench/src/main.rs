//! oxido-bench: end-to-end benchmarks of the oxido SDK, the `oxido` CLI and the oxido-sim emulator.
//!
//! `cargo run --release -p oxido-bench -- [--seconds N] [--json]` starts oxido-sim in-process and measures
//! the SDK's `droplet_actions().get` (sequential and with 16 and 64 in flight), the same GET through a bare
//! reqwest loop, a 10,000-action listing through the SDK's stream, the emulator's own requests per second,
//! the CLI one-shot, and peak memory. With `--base-url` it measures only the client side against a server
//! already running on 127.0.0.1 (bench/peers.sh uses this). Results print as a table and as JSON.
//! `--nginx` measures only the sequential SDK and bare-reqwest loops against a static nginx it starts on
//! 127.0.0.1, so the process CPU time is the client's alone (the "CPU per call" budget).
//! `--soak 60` instead holds 32 connections of mixed GET/POST on the emulator for a minute and reports errors
//! and resident memory over time.

mod cli_one_shot;
mod client_loops;
mod emulator_load;
mod memory;
mod nginx;
mod report;
mod soak;
mod stats;
mod target;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;

use crate::emulator_load::Load;
use crate::report::{Machine, Report};
use crate::target::{REFERENCE_ACTION, Target};

/// Actions listed by the stream scenario.
const STREAM_ACTIONS: usize = 10_000;
/// Page size of the stream scenario (the API's maximum).
const STREAM_PER_PAGE: u32 = 200;
/// Connections held by the soak.
const SOAK_CONNECTIONS: usize = 32;
/// Action store cap during the soak: reached within seconds, after which the store stops growing.
const SOAK_MAX_ACTIONS: usize = 20_000;

#[derive(Debug, Parser)]
#[command(about = "End-to-end benchmarks of the oxido SDK, CLI and emulator (127.0.0.1 only)")]
struct Args {
    /// Time budget of each measured loop, in seconds (1-600).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=600))]
    seconds: u64,
    /// Print only the JSON report.
    #[arg(long)]
    json: bool,
    /// Measure the client side against this already running server instead of an in-process emulator
    /// (http on 127.0.0.1 or localhost only).
    #[arg(long, requires = "token")]
    base_url: Option<String>,
    /// Token the server at --base-url accepts.
    #[arg(long)]
    token: Option<String>,
    /// Measure only the sequential client loops (SDK against bare reqwest) against a static nginx that this
    /// run starts on 127.0.0.1, serving the reference action. Fails if nginx is not installed.
    #[arg(long, conflicts_with_all = ["base_url", "soak"])]
    nginx: bool,
    /// The nginx binary for --nginx (default: `nginx` on PATH, else /usr/sbin/nginx).
    #[arg(long, requires = "nginx")]
    nginx_bin: Option<PathBuf>,
    /// With --nginx: make exactly this many calls per side instead of timing them (for instruction counts).
    #[arg(long, requires = "nginx", value_parser = clap::value_parser!(u64).range(1..=5_000_000))]
    calls: Option<u64>,
    /// With --nginx: run only this side of the comparison (for instruction counts under callgrind).
    #[arg(long, requires = "nginx", value_enum)]
    only: Option<client_loops::Side>,
    /// The `oxido` CLI binary for the one-shot measurement (default: next to this binary).
    #[arg(long)]
    cli: Option<PathBuf>,
    /// Instead of the benchmarks: hold 32 connections of mixed GET/POST on an in-process emulator for this
    /// many seconds, then report errors and resident memory over time (fault injection off).
    #[arg(long, conflicts_with = "base_url", value_parser = clap::value_parser!(u64).range(10..=3600))]
    soak: Option<u64>,
    /// How many CLI one-shot runs to time.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=1000))]
    cli_runs: u64,
}

fn main() -> ExitCode {
    let mut raw = std::env::args_os().skip(1).peekable();
    if raw
        .peek()
        .is_some_and(|first| first == cli_one_shot::SPAWNER_FLAG)
    {
        raw.next();
        return cli_one_shot::spawner_main(raw);
    }
    if raw
        .peek()
        .is_some_and(|first| first == cli_one_shot::MODE_FLAG)
    {
        raw.next();
        return cli_one_shot::mode_main(raw);
    }
    let args = Args::parse();
    // Against an external server this process is only a client, so it runs on one thread like pydo's loop
    // (and like the `oxido` CLI): no cross-thread wake-ups between the caller and the connection task.
    // In-process, the emulator needs worker threads of its own.
    let mut builder = if args.base_url.is_some() || args.nginx {
        tokio::runtime::Builder::new_current_thread()
    } else {
        tokio::runtime::Builder::new_multi_thread()
    };
    let runtime = match builder.enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("oxido-bench: cannot start the Tokio runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(seconds) = args.soak {
        return match runtime.block_on(run_soak(Duration::from_secs(seconds))) {
            Ok(result) => match serde_json::to_string_pretty(&result) {
                Ok(json) => {
                    if !args.json {
                        eprintln!(
                            "soak: {} requests ok, {} errors, {:.0} req/s; RSS {:.1} MiB after warm-up, {:.1} MiB at the end",
                            result.ok,
                            result.errors,
                            result.requests_per_sec,
                            result.rss_after_warmup_kib as f64 / 1024.0,
                            result.rss_at_end_kib as f64 / 1024.0
                        );
                    }
                    println!("{json}");
                    if result.errors == 0 {
                        ExitCode::SUCCESS
                    } else {
                        ExitCode::FAILURE
                    }
                }
                Err(err) => {
                    eprintln!("oxido-bench: cannot encode the soak result: {err}");
                    ExitCode::FAILURE
                }
            },
            Err(err) => {
                eprintln!("oxido-bench: {err}");
                ExitCode::FAILURE
            }
        };
    }
    match runtime.block_on(run(&args)) {
        Ok(report) => {
            if !args.json {
                println!("{}", report.table());
            }
            match serde_json::to_string_pretty(&report) {
                Ok(json) => println!("{json}"),
                Err(err) => {
                    eprintln!("oxido-bench: cannot encode the report: {err}");
                    return ExitCode::FAILURE;
                }
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("oxido-bench: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: &Args) -> Result<Report, String> {
    let budget = Duration::from_secs(args.seconds);
    let mut report = Report {
        machine: Machine::current(),
        server: String::new(),
        seconds_per_loop: budget.as_secs_f64(),
        scenarios: Vec::new(),
        list_stream: None,
        emulator: Vec::new(),
        sdk_overhead_ratio: None,
        sdk_vs_bare: Vec::new(),
        cli_one_shot: None,
        peak_rss_kib: None,
        skipped: Vec::new(),
    };

    if args.nginx {
        let server = nginx::Nginx::start(args.nginx_bin.as_deref())?;
        report.server = format!("{} at {} (static file)", server.version, server.base_url);
        let target = Target::loopback(&server.base_url, "bench-token")?;
        progress(
            args,
            "sequential gets against nginx: SDK, bare reqwest, bare reqwest + decode (interleaved)",
        );
        let plan = client_loops::Plan {
            budget,
            calls: args.calls.and_then(|calls| usize::try_from(calls).ok()),
            only: args.only,
        };
        report
            .scenarios
            .extend(client_loops::sequential_comparison(&target, &plan).await?);
        report.compute_overhead();
        report.peak_rss_kib = memory::peak_rss_kib();
        drop(server);
        return Ok(report);
    }

    // The emulator handle must outlive every loop that talks to it.
    let (target, sim) = match (&args.base_url, &args.token) {
        (Some(url), Some(token)) => {
            report.server = url.clone();
            (Target::loopback(url, token)?, None)
        }
        _ => {
            let sim = oxido_sim::Sim::builder()
                .seed(oxido_sim::Seed::Demo)
                // Zero-length actions let POST loops and seeding run without the pending-event 422.
                .action_duration(Duration::ZERO)
                .rate_limit_per_minute(u32::MAX)
                .rate_limit_per_hour(u32::MAX)
                .request_log_capacity(1)
                .start()
                .await
                .map_err(|err| format!("starting the emulator: {err}"))?;
            report.server = format!("in-process oxido-sim at {}", sim.base_url());
            (Target::loopback(&sim.base_url(), sim.token())?, Some(sim))
        }
    };
    let in_process = sim.is_some();

    progress(
        args,
        "sequential gets: SDK, bare reqwest, bare reqwest + decode (interleaved)",
    );
    let plan = client_loops::Plan {
        budget,
        calls: None,
        only: None,
    };
    report
        .scenarios
        .extend(client_loops::sequential_comparison(&target, &plan).await?);
    report.compute_overhead();

    if in_process {
        for in_flight in [16, 64] {
            progress(args, &format!("SDK get, {in_flight} in flight"));
            report
                .scenarios
                .push(client_loops::sdk_get_concurrent(&target, in_flight, budget).await?);
        }

        for (load, connections) in [
            (Load::GetAction, 1),
            (Load::GetAction, 32),
            (Load::PostReboot, 1),
            (Load::PostReboot, 32),
        ] {
            progress(
                args,
                &format!("emulator {load:?} at {connections} connections"),
            );
            report
                .emulator
                .push(emulator_load::run(&target, load, connections, budget).await?);
        }

        // Back to the seed data, so the POST loops' actions do not inflate the history being listed.
        if let Some(sim) = &sim {
            sim.reset();
        }
        let stream_droplet = REFERENCE_ACTION.0;
        progress(args, &format!("seeding {STREAM_ACTIONS} actions"));
        let existing = existing_actions(&target, stream_droplet).await?;
        let to_seed = STREAM_ACTIONS.saturating_sub(existing);
        emulator_load::seed_actions(&target, stream_droplet, to_seed).await?;
        progress(args, "SDK stream over the history");
        report.list_stream = Some(
            client_loops::sdk_list_stream(
                &target,
                stream_droplet,
                STREAM_PER_PAGE,
                existing + to_seed,
                budget,
            )
            .await?,
        );
    }

    match args.cli.clone().or_else(cli_one_shot::sibling_cli) {
        Some(cli) => {
            progress(args, "CLI one-shot");
            let runs = usize::try_from(args.cli_runs).unwrap_or(20);
            match cli_one_shot::measure(&cli, &target, runs) {
                Ok(result) => report.cli_one_shot = Some(result),
                Err(err) => report.skipped.push(format!("CLI one-shot: {err}")),
            }
        }
        None => report.skipped.push(
            "CLI one-shot: no `oxido` binary next to oxido-bench (build it with `cargo build --release -p oxido-cli`, or pass --cli)".to_owned(),
        ),
    }

    report.peak_rss_kib = memory::peak_rss_kib();
    Ok(report)
}

/// The soak: an in-process emulator whose action store is capped, so memory can only grow by a leak.
async fn run_soak(duration: Duration) -> Result<soak::SoakResult, String> {
    let sim = oxido_sim::Sim::builder()
        .seed(oxido_sim::Seed::Demo)
        .action_duration(Duration::ZERO)
        .rate_limit_per_minute(u32::MAX)
        .rate_limit_per_hour(u32::MAX)
        .request_log_capacity(1_000)
        .max_actions(SOAK_MAX_ACTIONS)
        .start()
        .await
        .map_err(|err| format!("starting the emulator: {err}"))?;
    let target = Target::loopback(&sim.base_url(), sim.token())?;
    soak::run(&target, SOAK_CONNECTIONS, duration).await
}

/// Actions already on `droplet_id`, from the first page's `meta.total`.
async fn existing_actions(target: &Target, droplet_id: u64) -> Result<usize, String> {
    let client = client_loops::sdk_client(target).map_err(|err| err.to_string())?;
    let page = client
        .droplet_actions()
        .list(droplet_id)
        .per_page(1)
        .send()
        .await
        .map_err(|err| format!("counting the actions of droplet {droplet_id}: {err}"))?;
    let total = page.total().unwrap_or(page.items.len() as u64);
    usize::try_from(total).map_err(|_| format!("meta.total {total} does not fit in memory"))
}

fn progress(args: &Args, what: &str) {
    if !args.json {
        eprintln!("oxido-bench: {what}");
    }
}
