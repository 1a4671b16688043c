//! Client-side loops against one server: the SDK's `droplet_actions().get`, sequential and with many
//! calls in flight, and the same request sent by a bare reqwest client with no SDK layers.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use oxido::{Client, RetryPolicy};

use crate::memory::process_cpu_time;
use crate::stats::{LoopResult, join_samples};
use crate::target::Target;

/// Calls before timing starts, so connection set-up and first-touch costs are not measured.
const WARMUP_CALLS: usize = 200;
/// Upper bound on measured calls per loop, whatever the time budget.
const MAX_CALLS: usize = 5_000_000;

/// Process CPU time used since `before`.
fn cpu_spent(before: Option<Duration>) -> Option<Duration> {
    process_cpu_time()?.checked_sub(before?)
}

/// An SDK client for `target`, with retries off so a failure is counted rather than hidden.
pub fn sdk_client(target: &Target) -> Result<Client, oxido::Error> {
    Client::builder()
        .token(target.token.clone())
        .base_url(target.base_url.clone())
        .retry(RetryPolicy::disabled())
        .build()
}

/// Sequential `droplet_actions().get` calls for `budget`.
pub async fn sdk_get_sequential(target: &Target, budget: Duration) -> Result<LoopResult, String> {
    let client = sdk_client(target).map_err(|err| format!("building the client: {err}"))?;
    let (droplet_id, action_id) = target.action;
    for _ in 0..WARMUP_CALLS {
        client
            .droplet_actions()
            .get(droplet_id, action_id)
            .await
            .map_err(|err| format!("warm-up call failed: {err}"))?;
    }
    let mut latencies = Vec::new();
    let mut errors = 0;
    let cpu_before = process_cpu_time();
    let started = Instant::now();
    while started.elapsed() < budget && latencies.len() < MAX_CALLS {
        let before = Instant::now();
        match client.droplet_actions().get(droplet_id, action_id).await {
            Ok(action) if action.id == action_id => latencies.push(before.elapsed()),
            _ => errors += 1,
        }
    }
    let elapsed = started.elapsed();
    let cpu = cpu_spent(cpu_before);
    Ok(LoopResult::from_samples("sdk_get_sequential", latencies, errors, elapsed).with_cpu(cpu))
}

/// `in_flight` tasks sharing one `Client`, each calling `droplet_actions().get` back to back for `budget`.
pub async fn sdk_get_concurrent(
    target: &Target,
    in_flight: usize,
    budget: Duration,
) -> Result<LoopResult, String> {
    let client = sdk_client(target).map_err(|err| format!("building the client: {err}"))?;
    let (droplet_id, action_id) = target.action;
    let handler = client.droplet_actions();
    let warmups = (0..in_flight).map(|_| handler.get(droplet_id, action_id));
    futures::future::try_join_all(warmups)
        .await
        .map_err(|err| format!("warm-up call failed: {err}"))?;

    let started = Instant::now();
    let per_task_cap = MAX_CALLS / in_flight.max(1);
    let tasks: Vec<_> = (0..in_flight)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut errors = 0u64;
                while started.elapsed() < budget && latencies.len() < per_task_cap {
                    let before = Instant::now();
                    match client.droplet_actions().get(droplet_id, action_id).await {
                        Ok(action) if action.id == action_id => latencies.push(before.elapsed()),
                        _ => errors += 1,
                    }
                }
                (latencies, errors)
            })
        })
        .collect();
    let (latencies, errors) = join_samples(tasks).await?;
    let name = format!("sdk_get_concurrent_{in_flight}");
    Ok(LoopResult::from_samples(
        &name,
        latencies,
        errors,
        started.elapsed(),
    ))
}

/// The same GET as [`sdk_get_sequential`], sent by a bare reqwest client: no retries, no decoding, no
/// rate-limit bookkeeping. The ratio of the two is the SDK's overhead.
pub async fn bare_reqwest_get_sequential(
    target: &Target,
    budget: Duration,
) -> Result<LoopResult, String> {
    let http = reqwest::Client::builder()
        .build()
        .map_err(|err| format!("building the reqwest client: {err}"))?;
    let (droplet_id, action_id) = target.action;
    let url = format!(
        "{}/v2/droplets/{droplet_id}/actions/{action_id}",
        target.base_url.trim_end_matches('/')
    );
    let authorization = Arc::new(format!("Bearer {}", target.token));
    let call = || {
        let request = http
            .get(&url)
            .header(reqwest::header::AUTHORIZATION, authorization.as_str());
        async move {
            let response = request.send().await.ok()?;
            let ok = response.status().is_success();
            let body = response.bytes().await.ok()?;
            (ok && !body.is_empty()).then_some(())
        }
    };
    for _ in 0..WARMUP_CALLS {
        call().await.ok_or("bare reqwest warm-up call failed")?;
    }
    let mut latencies = Vec::new();
    let mut errors = 0;
    let cpu_before = process_cpu_time();
    let started = Instant::now();
    while started.elapsed() < budget && latencies.len() < MAX_CALLS {
        let before = Instant::now();
        match call().await {
            Some(()) => latencies.push(before.elapsed()),
            None => errors += 1,
        }
    }
    let elapsed = started.elapsed();
    let cpu = cpu_spent(cpu_before);
    Ok(
        LoopResult::from_samples("bare_reqwest_get_sequential", latencies, errors, elapsed)
            .with_cpu(cpu),
    )
}

/// The outcome of streaming a whole action history through the SDK.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StreamResult {
    /// Scenario name.
    pub name: String,
    /// Actions received per full listing (the same every run).
    pub actions: usize,
    /// Page size asked for.
    pub per_page: u32,
    /// Full listings completed.
    pub runs: u32,
    /// Median wall time of one full listing, milliseconds.
    pub median_ms: f64,
    /// Fastest listing, milliseconds.
    pub min_ms: f64,
    /// Actions decoded per second, from the median listing.
    pub actions_per_sec: f64,
}

/// Lists every action of `droplet_id` through the SDK's stream, repeatedly for `budget` (at least once).
pub async fn sdk_list_stream(
    target: &Target,
    droplet_id: u64,
    per_page: u32,
    expected: usize,
    budget: Duration,
) -> Result<StreamResult, String> {
    let client = sdk_client(target).map_err(|err| format!("building the client: {err}"))?;
    let mut times = Vec::new();
    let started = Instant::now();
    while times.is_empty() || (started.elapsed() < budget && times.len() < 1_000) {
        let before = Instant::now();
        let all: Vec<oxido::Action> = client
            .droplet_actions()
            .list(droplet_id)
            .per_page(per_page)
            .into_stream()
            .try_collect()
            .await
            .map_err(|err| format!("listing the actions of droplet {droplet_id}: {err}"))?;
        times.push(before.elapsed());
        if all.len() != expected {
            return Err(format!(
                "the stream returned {} actions, expected {expected}",
                all.len()
            ));
        }
    }
    times.sort_unstable();
    let median = times[times.len() / 2].as_secs_f64();
    Ok(StreamResult {
        name: format!("sdk_list_stream_{expected}_per_page_{per_page}"),
        actions: expected,
        per_page,
        runs: u32::try_from(times.len()).unwrap_or(u32::MAX),
        median_ms: (median * 1e4).round() / 10.0,
        min_ms: (times[0].as_secs_f64() * 1e4).round() / 10.0,
        actions_per_sec: (expected as f64 / median).round(),
    })
}
