//! The emulator under sustained mixed load: 32 connections, each starting an action on its own droplet and
//! reading it back, for a minute; errors are counted by status and resident memory is sampled, to show the
//! emulator stays correct and its memory flat once warm.

use std::collections::BTreeMap;

use std::time::{Duration, Instant};

use serde::Serialize;

use crate::emulator_load;
use crate::memory;
use crate::target::Target;

/// What the soak observed.
#[derive(Debug, Clone, Serialize)]
pub struct SoakResult {
    /// Connections held open, each alternating POST and GET.
    pub connections: usize,
    /// Length of the run, seconds.
    pub seconds: f64,
    /// Requests answered as expected (200 for GET, 201 for POST).
    pub ok: u64,
    /// Requests answered otherwise or not at all.
    pub errors: u64,
    /// Errors by status (0 for a transport failure).
    pub errors_by_status: BTreeMap<u16, u64>,
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
            let authorization = authorization.clone();
            tokio::spawn(async move {
                let client = reqwest::Client::builder()
                    .pool_max_idle_per_host(1)
                    .build()
                    .map_err(|err| format!("building a soak client: {err}"))?;
                let mut ok = 0u64;
                let mut errors = BTreeMap::<u16, u64>::new();
                while started.elapsed() < duration {
                    match post(&client, &post_url, &authorization).await {
                        Ok(action_id) => {
                            ok += 1;
                            let get_url = format!("{post_url}/{action_id}");
                            match get(&client, &get_url, &authorization).await {
                                Ok(()) => ok += 1,
                                Err(status) => *errors.entry(status).or_default() += 1,
                            }
                        }
                        Err(status) => *errors.entry(status).or_default() += 1,
                    }
                }
                Ok::<_, String>((ok, errors))
            })
        })
        .collect();
    let mut ok = 0;
    let mut errors_by_status = BTreeMap::<u16, u64>::new();
    for task in tasks {
        let (task_ok, task_errors) = task
            .await
            .map_err(|err| format!("a soak task failed: {err}"))??;
        ok += task_ok;
        for (status, count) in task_errors {
            *errors_by_status.entry(status).or_default() += count;
        }
    }
    let errors = errors_by_status.values().sum();
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
        errors_by_status,
        requests_per_sec: ((ok + errors) as f64 / elapsed).round(),
        rss_after_warmup_kib: samples.get(warm).copied().unwrap_or(0),
        rss_at_end_kib: samples.last().copied().unwrap_or(0),
        rss_samples_kib: samples,
    })
}

/// Starts a reboot; the new action's id, or the status (0 for a transport failure).
async fn post(client: &reqwest::Client, url: &str, authorization: &str) -> Result<u64, u16> {
    #[derive(serde::Deserialize)]
    struct Started {
        action: StartedAction,
    }
    #[derive(serde::Deserialize)]
    struct StartedAction {
        id: u64,
    }

    let response = client
        .post(url)
        .header(reqwest::header::AUTHORIZATION, authorization)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(r#"{"type":"reboot"}"#)
        .send()
        .await
        .map_err(|_| 0u16)?;
    let status = response.status().as_u16();
    let body = response.bytes().await.map_err(|_| 0u16)?;
    if status != 201 {
        return Err(status);
    }
    serde_json::from_slice::<Started>(&body)
        .map(|started| started.action.id)
        .map_err(|_| status)
}

/// Reads an action back; `Err` carries the status (0 for a transport failure).
async fn get(client: &reqwest::Client, url: &str, authorization: &str) -> Result<(), u16> {
    let response = client
        .get(url)
        .header(reqwest::header::AUTHORIZATION, authorization)
        .send()
        .await
        .map_err(|_| 0u16)?;
    let status = response.status().as_u16();
    // The body is read in full so the connection can be reused.
    response.bytes().await.map_err(|_| 0u16)?;
    if status == 200 { Ok(()) } else { Err(status) }
}
