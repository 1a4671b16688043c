//! The emulator under sustained mixed load: 32 connections alternating GET and POST for a minute, counting
//! errors and sampling resident memory, to show it stays correct and its memory flat once warm.

use std::time::{Duration, Instant};

use serde::Serialize;

use crate::emulator_load;
use crate::memory;
use crate::target::Target;

/// What the soak observed.
#[derive(Debug, Clone, Serialize)]
pub struct SoakResult {
    /// Connections held open, each alternating GET and POST.
    pub connections: usize,
    /// Length of the run, seconds.
    pub seconds: f64,
    /// Requests answered as expected (200 for GET, 201 for POST).
    pub ok: u64,
    /// Requests answered otherwise or not at all.
    pub errors: u64,
    /// Requests per second over the run.
    pub requests_per_sec: f64,
    /// Resident memory of the process once per second, KiB.
    pub rss_samples_kib: Vec<u64>,
    /// RSS at the end of the warm-up (the first fifth of the run), KiB.
    pub rss_after_warmup_kib: u64,
    /// RSS at the end, KiB.
    pub rss_at_end_kib: u64,
}

/// Runs the mixed load for `duration` on `connections` connections, one fresh droplet each.
pub async fn run(
    target: &Target,
    connections: usize,
    duration: Duration,
) -> Result<SoakResult, String> {
    let urls = emulator_load::droplet_urls(target, connections).await?;
    let authorization = format!("Bearer {}", target.token);
    let (droplet_id, action_id) = target.action;
    let get_url = format!(
        "{}/v2/droplets/{droplet_id}/actions/{action_id}",
        target.base_url.trim_end_matches('/')
    );
    let started = Instant::now();
    let sampler = tokio::spawn(async move {
        let mut samples = Vec::new();
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        while started.elapsed() < duration {
            tick.tick().await;
            samples.push(memory::current_rss_kib().unwrap_or(0));
        }
        samples
    });
    let tasks: Vec<_> = urls
        .into_iter()
        .map(|post_url| {
            let get_url = get_url.clone();
            let authorization = authorization.clone();
            tokio::spawn(async move {
                let client = reqwest::Client::builder()
                    .pool_max_idle_per_host(1)
                    .build()
                    .map_err(|err| format!("building a soak client: {err}"))?;
                let (mut ok, mut errors) = (0u64, 0u64);
                let mut post = false;
                while started.elapsed() < duration {
                    let outcome = if post {
                        emulator_load::post_reboot(&client, &post_url, &authorization).await
                    } else {
                        emulator_load::get_action(&client, &get_url, &authorization).await
                    };
                    match outcome {
                        Ok(()) => ok += 1,
                        Err(_) => errors += 1,
                    }
                    post = !post;
                }
                Ok::<_, String>((ok, errors))
            })
        })
        .collect();
    let (mut ok, mut errors) = (0, 0);
    for task in tasks {
        let (task_ok, task_errors) = task
            .await
            .map_err(|err| format!("a soak task failed: {err}"))??;
        ok += task_ok;
        errors += task_errors;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let samples = sampler
        .await
        .map_err(|err| format!("the memory sampler failed: {err}"))?;
    let warm = samples.len() / 5;
    Ok(SoakResult {
        connections,
        seconds: (elapsed * 10.0).round() / 10.0,
        ok,
        errors,
        requests_per_sec: ((ok + errors) as f64 / elapsed).round(),
        rss_after_warmup_kib: samples.get(warm).copied().unwrap_or(0),
        rss_at_end_kib: samples.last().copied().unwrap_or(0),
        rss_samples_kib: samples,
    })
}
