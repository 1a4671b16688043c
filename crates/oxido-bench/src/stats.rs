//! Latency samples and the summary figures reported for them.

use std::time::Duration;

use tokio::task::JoinHandle;

use serde::Serialize;

/// Waits for every load task and merges their latency samples and error counts.
pub async fn join_samples(
    tasks: Vec<JoinHandle<(Vec<Duration>, u64)>>,
) -> Result<(Vec<Duration>, u64), String> {
    let mut latencies = Vec::new();
    let mut errors = 0;
    for task in tasks {
        let (mut task_latencies, task_errors) = task
            .await
            .map_err(|err| format!("a load task failed: {err}"))?;
        latencies.append(&mut task_latencies);
        errors += task_errors;
    }
    Ok((latencies, errors))
}

/// The outcome of one timed loop: how many operations in how long, and their latency spread.
#[derive(Debug, Clone, Serialize)]
pub struct LoopResult {
    /// Scenario name, stable across runs (used as the JSON key by bench/peers_report.py).
    pub name: String,
    /// Operations completed inside the measured window.
    pub calls: u64,
    /// Length of the measured window.
    pub seconds: f64,
    /// Completed operations per second.
    pub calls_per_sec: f64,
    /// Mean latency of one operation, microseconds.
    pub mean_us: f64,
    /// Median latency, microseconds.
    pub p50_us: f64,
    /// 99th percentile latency, microseconds.
    pub p99_us: f64,
    /// Operations that failed (any error); a healthy run reports 0.
    pub errors: u64,
    /// Process CPU time (user + system) per completed operation, microseconds, for the sequential client
    /// loops. Against `--base-url` the process is the client alone; with the in-process emulator it
    /// includes the emulator's share of each call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_us_per_call: Option<f64>,
}

impl LoopResult {
    /// Summarises `latencies` (one per successful operation) measured over `elapsed`.
    pub fn from_samples(
        name: &str,
        mut latencies: Vec<Duration>,
        errors: u64,
        elapsed: Duration,
    ) -> Self {
        latencies.sort_unstable();
        let calls = latencies.len() as u64;
        let seconds = elapsed.as_secs_f64();
        let total: Duration = latencies.iter().sum();
        let mean_us = if calls == 0 {
            0.0
        } else {
            total.as_secs_f64() * 1e6 / calls as f64
        };
        Self {
            name: name.to_owned(),
            calls,
            seconds: round(seconds, 3),
            calls_per_sec: round(
                if seconds > 0.0 {
                    calls as f64 / seconds
                } else {
                    0.0
                },
                1,
            ),
            mean_us: round(mean_us, 1),
            p50_us: round(percentile_us(&latencies, 0.50), 1),
            p99_us: round(percentile_us(&latencies, 0.99), 1),
            errors,
            cpu_us_per_call: None,
        }
    }

    /// Records `cpu` (process CPU time spent in the measured window) as a per-call figure.
    #[must_use]
    pub fn with_cpu(mut self, cpu: Option<Duration>) -> Self {
        self.cpu_us_per_call = cpu
            .filter(|_| self.calls > 0)
            .map(|cpu| round(cpu.as_secs_f64() * 1e6 / self.calls as f64, 1));
        self
    }
}

/// Nearest-rank percentile of an ascending slice, in microseconds (0 for an empty slice).
fn percentile_us(sorted: &[Duration], fraction: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (fraction * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)].as_secs_f64() * 1e6
}

fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_one_to_hundred_micros() {
        let samples: Vec<Duration> = (1..=100).rev().map(Duration::from_micros).collect();
        let result = LoopResult::from_samples("t", samples, 2, Duration::from_secs(2));
        assert_eq!(result.calls, 100);
        assert_eq!(result.calls_per_sec, 50.0);
        assert_eq!(result.p50_us, 51.0);
        assert_eq!(result.p99_us, 99.0);
        assert_eq!(result.mean_us, 50.5);
        assert_eq!(result.errors, 2);
    }

    #[test]
    fn empty_loop_reports_zeroes() {
        let result = LoopResult::from_samples("t", Vec::new(), 0, Duration::from_secs(1));
        assert_eq!((result.calls, result.p50_us, result.mean_us), (0, 0.0, 0.0));
    }
}
