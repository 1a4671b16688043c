//! Client-side loops against one server: the SDK's `droplet_actions().get`, sequential and with many
//! calls in flight, and the same request sent by a bare reqwest client with no SDK layers.

use std::future::Future;
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

/// An SDK client for `target`, with retries off so a failure is counted rather than hidden, and no proxy (the
/// target is on 127.0.0.1).
pub fn sdk_client(target: &Target) -> Result<Client, oxido::Error> {
    Client::builder()
        .no_proxy()
        .token(target.token.clone())
        .base_url(target.base_url.clone())
        .retry(RetryPolicy::disabled())
        .build()
}

/// Rounds the sequential loops alternate in: each side runs `budget / ROUNDS` at a time, in a rotating order,
/// so a burst of load from other processes falls on all sides alike instead of on whichever ran last.
const ROUNDS: u32 = 10;

/// What one side of the sequential comparison has done so far.
#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    errors: u64,
    elapsed: Duration,
    cpu: Duration,
    cpu_known: bool,
}

impl Tally {
    /// Calls `call` back to back for `slice`, or exactly `count` times when given (up to `MAX_CALLS` in all),
    /// counting `false` as an error.
    async fn run<F, Fut>(&mut self, slice: Duration, count: Option<usize>, mut call: F)
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = bool>,
    {
        let cpu_before = process_cpu_time();
        let started = Instant::now();
        let mut done = 0;
        while count.map_or(started.elapsed() < slice, |count| done < count)
            && self.latencies.len() < MAX_CALLS
        {
            done += 1;
            let before = Instant::now();
            if call().await {
                self.latencies.push(before.elapsed());
            } else {
                self.errors += 1;
            }
        }
        self.elapsed += started.elapsed();
        match cpu_spent(cpu_before) {
            Some(cpu) => {
                self.cpu += cpu;
                self.cpu_known = true;
            }
            None => self.cpu_known = false,
        }
    }

    fn result(self, name: &str) -> LoopResult {
        let cpu = self.cpu_known.then_some(self.cpu);
        LoopResult::from_samples(name, self.latencies, self.errors, self.elapsed).with_cpu(cpu)
    }
}

/// The same `GET /v2/droplets/{id}/actions/{id}` three ways, interleaved in [`ROUNDS`] rounds for `budget`
/// each in all, after [`WARMUP_CALLS`] of each:
///
/// - `sdk_get_sequential`: `client.droplet_actions().get(..)`, which checks the ids, builds the request, sends it
///   with the SDK's headers, reads the whole body under the size cap, records the rate-limit headers, and decodes
///   the `Action` (with timestamps and region) from the JSON; retries off.
/// - `bare_reqwest_get_sequential`: one `reqwest::Client` sending the same request line and headers
///   (`Authorization`, `Accept: application/json`, the SDK's `User-Agent`), checking the status and reading the
///   whole body. It does not parse the JSON.
/// - `bare_reqwest_decode_sequential`: the bare loop, then `serde_json::from_slice` of the body into the same
///   `{"action": oxido::Action}` envelope: what a hand-written client that wants a typed answer does at least.
///
/// `plan` can fix the number of calls instead of the time, and run one side alone: for counting instructions
/// under `valgrind --tool=callgrind`, where time means little.
pub async fn sequential_comparison(
    target: &Target,
    plan: &Plan,
) -> Result<Vec<LoopResult>, String> {
    let client = sdk_client(target).map_err(|err| format!("building the client: {err}"))?;
    let (droplet_id, action_id) = target.action;
    let http = reqwest::Client::builder()
        .no_proxy()
        .user_agent(client.user_agent())
        .build()
        .map_err(|err| format!("building the reqwest client: {err}"))?;
    let url = format!(
        "{}/v2/droplets/{droplet_id}/actions/{action_id}",
        target.base_url.trim_end_matches('/')
    );
    let authorization = format!("Bearer {}", target.token);
    let bare = || {
        let request = http
            .get(&url)
            .header(reqwest::header::AUTHORIZATION, authorization.as_str())
            .header(reqwest::header::ACCEPT, "application/json");
        async move {
            let response = request.send().await.ok()?;
            let ok = response.status().is_success();
            let body = response.bytes().await.ok()?;
            (ok && !body.is_empty()).then_some(body)
        }
    };
    let sdk = || {
        let call = client.droplet_actions().get(droplet_id, action_id);
        async move { call.await.is_ok_and(|action| action.id == action_id) }
    };
    let bare_read = || {
        let call = bare();
        async move { call.await.is_some() }
    };
    let bare_decode = || {
        let call = bare();
        async move {
            call.await
                .and_then(|body| serde_json::from_slice::<ActionEnvelope>(&body).ok())
                .is_some_and(|envelope| envelope.action.id == action_id)
        }
    };

    if plan.only == Some(Side::Decode) {
        return decode_only(&bare, action_id, plan).await;
    }
    let runs = |side: Side| plan.only.is_none_or(|only| only == side);
    for _ in 0..WARMUP_CALLS {
        let ok = (!runs(Side::Sdk) || sdk().await)
            && (!runs(Side::Bare) || bare_read().await)
            && (!runs(Side::BareDecode) || bare_decode().await);
        if !ok {
            return Err(format!(
                "a warm-up call to {url} failed (is the server answering the reference action?)"
            ));
        }
    }
    let slice = plan.budget / ROUNDS;
    let count = plan.calls.map(|calls| calls.div_ceil(ROUNDS as usize));
    let mut tallies: [Tally; 3] = Default::default();
    for round in 0..ROUNDS as usize {
        for turn in 0..Side::ALL.len() {
            let index = (round + turn) % Side::ALL.len();
            let side = Side::ALL[index];
            if !runs(side) {
                continue;
            }
            let tally = &mut tallies[index];
            match side {
                Side::Sdk => tally.run(slice, count, sdk).await,
                Side::Bare => tally.run(slice, count, bare_read).await,
                Side::BareDecode => tally.run(slice, count, bare_decode).await,
                // Not in `Side::ALL`: handled by `decode_only` above.
                Side::Decode => {}
            }
        }
    }
    Ok(Side::ALL
        .into_iter()
        .zip(tallies)
        .filter(|(side, _)| runs(*side))
        .map(|(side, tally)| tally.result(side.scenario()))
        .collect())
}

/// One side of the sequential comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Side {
    /// The SDK's `droplet_actions().get`.
    Sdk,
    /// The bare reqwest loop that reads the body.
    Bare,
    /// The bare reqwest loop that also decodes the body into an `Action`.
    BareDecode,
    /// Only `--only decode`: the SDK's decode of the reference body into an `Action`, fetched once, with no
    /// I/O per call; what the typed model alone costs.
    Decode,
}

impl Side {
    const ALL: [Self; 3] = [Self::Sdk, Self::Bare, Self::BareDecode];

    fn scenario(self) -> &'static str {
        match self {
            Self::Sdk => "sdk_get_sequential",
            Self::Bare => "bare_reqwest_get_sequential",
            Self::BareDecode => "bare_reqwest_decode_sequential",
            Self::Decode => "sdk_decode_only",
        }
    }
}

/// How long, or how many calls, and which sides.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Time of each side in all, spread over the rounds.
    pub budget: Duration,
    /// Exact calls of each side instead of `budget`.
    pub calls: Option<usize>,
    /// Run only this side.
    pub only: Option<Side>,
}

/// Fetches the reference body once with `fetch`, then decodes it as the SDK does (and drops the result), in
/// the same rounds and plan as the sequential sides.
async fn decode_only<F, Fut, B>(
    fetch: F,
    action_id: u64,
    plan: &Plan,
) -> Result<Vec<LoopResult>, String>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Option<B>>,
    B: AsRef<[u8]>,
{
    let body = fetch()
        .await
        .ok_or("fetching the reference body failed (is the server answering it?)")?;
    let decode = || {
        let ok =
            oxido::__bench::decode_action(body.as_ref()).is_ok_and(|action| action.id == action_id);
        std::future::ready(ok)
    };
    for _ in 0..WARMUP_CALLS {
        if !decode().await {
            return Err("the reference body does not decode".to_owned());
        }
    }
    let slice = plan.budget / ROUNDS;
    let count = plan.calls.map(|calls| calls.div_ceil(ROUNDS as usize));
    let mut tally = Tally::default();
    for _ in 0..ROUNDS {
        tally.run(slice, count, decode).await;
    }
    Ok(vec![tally.result(Side::Decode.scenario())])
}

/// The reference answer's envelope, for the bare loop that decodes.
#[derive(serde::Deserialize)]
struct ActionEnvelope {
    action: oxido::Action,
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
