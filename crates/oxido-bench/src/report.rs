//! The whole run's results, as JSON and as a table.

use serde::Serialize;

use crate::cli_one_shot::CliResult;
use crate::client_loops::StreamResult;
use crate::stats::LoopResult;

/// The machine the numbers were measured on.
#[derive(Debug, Clone, Serialize)]
pub struct Machine {
    /// Logical CPUs available to this process.
    pub cpus: usize,
    /// CPU model name from /proc/cpuinfo, when readable.
    pub cpu_model: Option<String>,
}

impl Machine {
    /// Describes the current machine.
    pub fn current() -> Self {
        let cpu_model = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|info| {
                info.lines()
                    .find_map(|line| line.strip_prefix("model name"))
                    .and_then(|rest| rest.split_once(':'))
                    .map(|(_, model)| model.trim().to_owned())
            });
        Self {
            cpus: std::thread::available_parallelism().map_or(1, usize::from),
            cpu_model,
        }
    }
}

/// Everything one run measured.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Where it ran.
    pub machine: Machine,
    /// `in-process emulator` or the external base URL.
    pub server: String,
    /// Time budget of each loop, seconds.
    pub seconds_per_loop: f64,
    /// Client-side loops (SDK and bare reqwest).
    pub scenarios: Vec<LoopResult>,
    /// The SDK's stream over a long action history (in-process runs only).
    pub list_stream: Option<StreamResult>,
    /// Raw load on the emulator (in-process runs only).
    pub emulator: Vec<LoopResult>,
    /// SDK mean latency divided by the bare reqwest loop's.
    pub sdk_overhead_ratio: Option<f64>,
    /// The SDK's sequential loop against each bare loop of the same run.
    pub sdk_vs_bare: Vec<Ratios>,
    /// The CLI one-shot, when the `oxido` binary was found.
    pub cli_one_shot: Option<CliResult>,
    /// Peak resident set size of this process (VmHWM), KiB.
    pub peak_rss_kib: Option<u64>,
    /// Scenarios that could not run, with the reason.
    pub skipped: Vec<String>,
}

/// The SDK's sequential loop against one baseline loop measured in the same run.
#[derive(Debug, Clone, Serialize)]
pub struct Ratios {
    /// The baseline's scenario name.
    pub baseline: String,
    /// SDK process CPU per call over the baseline's (goal: at most 1.15 against the bare loop).
    pub cpu_ratio: Option<f64>,
    /// SDK calls/s over the baseline's (goal: at least 0.9 against the bare loop).
    pub calls_per_sec_ratio: Option<f64>,
}

impl Report {
    /// The SDK's sequential latency, CPU and throughput over the bare loops', once they have run.
    pub fn compute_overhead(&mut self) {
        let find = |name: &str| self.scenarios.iter().find(|s| s.name == name);
        if let Some(sdk) = find("sdk_get_sequential") {
            self.sdk_vs_bare = [
                "bare_reqwest_get_sequential",
                "bare_reqwest_decode_sequential",
            ]
            .into_iter()
            .filter_map(find)
            .map(|base| Ratios {
                baseline: base.name.clone(),
                cpu_ratio: sdk
                    .cpu_us_per_call
                    .zip(base.cpu_us_per_call)
                    .filter(|(_, base)| *base > 0.0)
                    .map(|(sdk, base)| round2(sdk / base)),
                calls_per_sec_ratio: (base.calls_per_sec > 0.0)
                    .then(|| round2(sdk.calls_per_sec / base.calls_per_sec)),
            })
            .collect();
        }
        let mean = |name: &str| {
            self.scenarios
                .iter()
                .find(|s| s.name == name)
                .map(|s| s.mean_us)
        };
        if let (Some(sdk), Some(bare)) = (
            mean("sdk_get_sequential"),
            mean("bare_reqwest_get_sequential"),
        ) {
            if bare > 0.0 {
                self.sdk_overhead_ratio = Some(round2(sdk / bare));
            }
        }
    }

    /// A plain-text table of every figure.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let cpu = self.machine.cpu_model.as_deref().unwrap_or("unknown CPU");
        out += &format!(
            "machine: {} CPUs, {cpu}; server: {}; {} s per loop\n\n",
            self.machine.cpus, self.server, self.seconds_per_loop
        );
        out += &format!(
            "{:<40} {:>10} {:>12} {:>9} {:>9} {:>7}\n",
            "loop", "calls", "calls/s", "p50 us", "p99 us", "errors"
        );
        for row in self.scenarios.iter().chain(&self.emulator) {
            out += &format!(
                "{:<40} {:>10} {:>12.1} {:>9.1} {:>9.1} {:>7}\n",
                row.name, row.calls, row.calls_per_sec, row.p50_us, row.p99_us, row.errors
            );
        }
        if let Some(ratio) = self.sdk_overhead_ratio {
            out += &format!("\nSDK mean latency / bare reqwest mean latency: {ratio:.2}x\n");
        }
        let cpu = |name: &str| {
            self.scenarios
                .iter()
                .find(|row| row.name == name)
                .and_then(|row| row.cpu_us_per_call)
        };
        if let Some(sdk_cpu) = cpu("sdk_get_sequential") {
            out += &format!("process CPU per sequential get: SDK {sdk_cpu:.1} us");
            for ratio in &self.sdk_vs_bare {
                if let Some(base) = cpu(&ratio.baseline) {
                    out += &format!(", {} {base:.1} us", ratio.baseline);
                }
            }
            out += "\n";
        }
        for ratio in &self.sdk_vs_bare {
            let show = |value: Option<f64>| value.map_or("n/a".to_owned(), |v| format!("{v:.2}"));
            out += &format!(
                "SDK / {}: CPU per call {}x, calls/s {}x\n",
                ratio.baseline,
                show(ratio.cpu_ratio),
                show(ratio.calls_per_sec_ratio)
            );
        }
        if let Some(stream) = &self.list_stream {
            out += &format!(
                "stream of {} actions at per_page {}: median {:.1} ms, min {:.1} ms over {} runs ({:.0} actions/s)\n",
                stream.actions,
                stream.per_page,
                stream.median_ms,
                stream.min_ms,
                stream.runs,
                stream.actions_per_sec
            );
        }
        if let Some(cli) = &self.cli_one_shot {
            out += &format!(
                "CLI one-shot get: median {:.1} ms, max {:.1} ms over {} runs, peak RSS {:.1} MiB\n",
                cli.median_wall_ms,
                cli.max_wall_ms,
                cli.runs,
                cli.max_rss_kib as f64 / 1024.0
            );
        }
        if let Some(peak) = self.peak_rss_kib {
            out += &format!("bench process peak RSS: {:.1} MiB\n", peak as f64 / 1024.0);
        }
        for reason in &self.skipped {
            out += &format!("skipped: {reason}\n");
        }
        out
    }
}

fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}
