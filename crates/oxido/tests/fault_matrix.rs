//! The fault matrix: every failure a server or network can throw at the SDK, injected by oxido-sim, with the
//! outcome the SDK must produce and the number of requests the server must have seen.
//!
//! All cases run concurrently, each against its own emulator on 127.0.0.1, with millisecond backoffs so the
//! file takes seconds. The summary table `case | expected | requests seen | outcome` is written straight to
//! stderr, so it shows with or without `--nocapture`; the test fails listing every case that did not hold.
//! Time bounds below are upper limits that prove "no hang / no long sleep" with wide margins, never speed
//! requirements.

use std::io::Write;
use std::time::{Duration, Instant};

use futures::future::join_all;
use oxido::{Action, ActionStatus, Client, DropletAction, Error, RetryPolicy};
use oxido_sim::{ActionFailure, Fault, Seed, Sim};

const DROPLET: u64 = 3_164_444;
const ACTION: u64 = 36_804_636;
const GET_ROUTE: &str = "/v2/droplets/{droplet_id}/actions/{action_id}";
const POST_ROUTE: &str = "/v2/droplets/{droplet_id}/actions";
/// No single case may take longer than this, whatever the SDK does.
const CASE_LIMIT: Duration = Duration::from_secs(40);

/// What one case observed.
struct Seen {
    requests: String,
    outcome: String,
}

type CaseResult = Result<Seen, String>;

/// Fails the case with a message unless `condition` holds.
macro_rules! ensure {
    ($condition:expr, $($message:tt)+) => {
        if !$condition {
            return Err(format!($($message)+));
        }
    };
}

async fn sim() -> Result<Sim, String> {
    Sim::builder()
        .seed(Seed::Demo)
        .action_duration(Duration::from_millis(50))
        .rate_limit_per_minute(1_000_000)
        .rate_limit_per_hour(1_000_000)
        .start()
        .await
        .map_err(|err| format!("emulator did not start: {err}"))
}

/// Three retries with millisecond backoffs.
fn fast_retry() -> RetryPolicy {
    RetryPolicy::default()
        .with_max_retries(3)
        .with_backoff(Duration::from_millis(5), Duration::from_millis(20))
}

fn client(sim: &Sim, retry: RetryPolicy) -> Result<Client, String> {
    Client::builder()
        .token(sim.token())
        .base_url(sim.base_url())
        .retry(retry)
        .build()
        .map_err(|err| format!("client did not build: {err}"))
}

/// Requests the emulator saw with this method whose path starts with `prefix`.
fn seen(sim: &Sim, method: &str, prefix: &str) -> usize {
    sim.requests()
        .iter()
        .filter(|r| r.method == method && r.path.starts_with(prefix))
        .count()
}

fn get_path() -> String {
    format!("/v2/droplets/{DROPLET}/actions/{ACTION}")
}

fn post_path() -> String {
    format!("/v2/droplets/{DROPLET}/actions")
}

fn describe(result: &Result<Action, Error>) -> String {
    match result {
        Ok(action) => format!("Ok(action {} {})", action.id, action.status),
        Err(err) => format!("Err({err})"),
    }
}

fn inject(sim: &Sim, fault: Fault) -> Result<(), String> {
    sim.inject(fault)
        .map(|_| ())
        .map_err(|err| format!("fault refused: {err}"))
}

/// A GET that must succeed after the injected faults, with exactly `requests` requests.
async fn get_recovers(fault: Fault, requests: usize) -> CaseResult {
    let sim = sim().await?;
    inject(&sim, fault)?;
    let result = client(&sim, fast_retry())?
        .droplet_actions()
        .get(DROPLET, ACTION)
        .await;
    let count = seen(&sim, "GET", &get_path());
    ensure!(
        matches!(&result, Ok(action) if action.id == ACTION),
        "expected the action, got {}",
        describe(&result)
    );
    ensure!(
        count == requests,
        "server saw {count} GETs, expected {requests}"
    );
    Ok(Seen {
        requests: format!("{count} GET"),
        outcome: describe(&result),
    })
}

async fn get_429_retry_after_then_200() -> CaseResult {
    let started = Instant::now();
    let seen = get_recovers(Fault::too_many_requests(1).on("GET", GET_ROUTE).times(1), 2).await?;
    let waited = started.elapsed();
    ensure!(
        waited >= Duration::from_millis(900),
        "retry-after: 1 was not honoured, the retry came after {waited:?}"
    );
    Ok(Seen {
        outcome: format!("{} after {:.1}s", seen.outcome, waited.as_secs_f64()),
        ..seen
    })
}

async fn get_429_far_reset_returns_at_once() -> CaseResult {
    let sim = sim().await?;
    inject(&sim, Fault::rate_limit_exhausted().on("GET", GET_ROUTE))?;
    let started = Instant::now();
    let result = client(&sim, fast_retry())?
        .droplet_actions()
        .get(DROPLET, ACTION)
        .await;
    let took = started.elapsed();
    let count = seen(&sim, "GET", &get_path());
    ensure!(
        matches!(&result, Err(err) if err.is_rate_limited()),
        "expected the 429, got {}",
        describe(&result)
    );
    ensure!(count == 1, "server saw {count} GETs, expected 1");
    ensure!(
        took < Duration::from_secs(10),
        "slept {took:?} for a reset an hour away"
    );
    Ok(Seen {
        requests: format!("{count} GET"),
        outcome: format!("{} in {}ms", describe(&result), took.as_millis()),
    })
}

async fn get_5xx_always_returns_last_error(status: u16) -> CaseResult {
    let sim = sim().await?;
    inject(&sim, Fault::status(status).on("GET", GET_ROUTE))?;
    let result = client(&sim, fast_retry())?
        .droplet_actions()
        .get(DROPLET, ACTION)
        .await;
    let count = seen(&sim, "GET", &get_path());
    let attempts = result
        .as_ref()
        .err()
        .and_then(Error::api_error)
        .map(|api| (api.status, api.attempts));
    ensure!(
        attempts == Some((status, 4)),
        "expected ApiError {status} after 4 attempts, got {}",
        describe(&result)
    );
    ensure!(count == 4, "server saw {count} GETs, expected 4");
    Ok(Seen {
        requests: format!("{count} GET"),
        outcome: describe(&result),
    })
}

/// A POST meeting `fault` must fail after exactly one request and start no action.
async fn post_sent_once(fault: Fault, check: fn(&Error) -> bool, what: &str) -> CaseResult {
    let sim = sim().await?;
    let before = sim.action_count();
    inject(&sim, fault)?;
    let result = client(&sim, fast_retry())?
        .droplet_actions()
        .post(DROPLET, DropletAction::Reboot)
        .await;
    let count = seen(&sim, "POST", &post_path());
    ensure!(
        matches!(&result, Err(err) if check(err)),
        "expected {what}, got {}",
        describe(&result)
    );
    ensure!(count == 1, "server saw {count} POSTs, expected exactly 1");
    ensure!(
        sim.action_count() == before,
        "an action was started although the POST failed"
    );
    Ok(Seen {
        requests: format!("{count} POST"),
        outcome: describe(&result),
    })
}

async fn post_429_retry_after_then_201() -> CaseResult {
    let sim = sim().await?;
    let before = sim.action_count();
    inject(
        &sim,
        Fault::too_many_requests(1).on("POST", POST_ROUTE).times(1),
    )?;
    let result = client(&sim, fast_retry())?
        .droplet_actions()
        .post(DROPLET, DropletAction::Reboot)
        .await;
    let count = seen(&sim, "POST", &post_path());
    ensure!(
        matches!(&result, Ok(action) if action.kind == oxido::ActionType::Reboot),
        "expected the reboot action, got {}",
        describe(&result)
    );
    ensure!(
        count == 2,
        "server saw {count} POSTs, expected 2 (a 429 was not processed)"
    );
    ensure!(
        sim.action_count() == before + 1,
        "expected exactly one new action, store went from {before} to {}",
        sim.action_count()
    );
    Ok(Seen {
        requests: format!("{count} POST"),
        outcome: describe(&result),
    })
}

async fn slow_reply(method: &str) -> CaseResult {
    let sim = sim().await?;
    let route = if method == "GET" {
        GET_ROUTE
    } else {
        POST_ROUTE
    };
    inject(
        &sim,
        Fault::latency(Duration::from_secs(5)).on(method, route),
    )?;
    let client = Client::builder()
        .token(sim.token())
        .base_url(sim.base_url())
        .retry(fast_retry().with_max_retries(1))
        .attempt_timeout(Duration::from_millis(200))
        .build()
        .map_err(|err| format!("client did not build: {err}"))?;
    let started = Instant::now();
    let result = if method == "GET" {
        client.droplet_actions().get(DROPLET, ACTION).await
    } else {
        client
            .droplet_actions()
            .post(DROPLET, DropletAction::Reboot)
            .await
    };
    let took = started.elapsed();
    let (count, expected) = if method == "GET" {
        (seen(&sim, "GET", &get_path()), 2)
    } else {
        (seen(&sim, "POST", &post_path()), 1)
    };
    ensure!(
        matches!(&result, Err(err) if err.is_timeout()),
        "expected a timeout, got {}",
        describe(&result)
    );
    ensure!(
        count == expected,
        "server saw {count} {method}s, expected {expected}"
    );
    ensure!(
        took < Duration::from_secs(4),
        "the 200 ms attempt limit let the call run {took:?}"
    );
    Ok(Seen {
        requests: format!("{count} {method}"),
        outcome: format!("{} in {}ms", describe(&result), took.as_millis()),
    })
}

async fn bad_body(fault: Fault) -> CaseResult {
    let sim = sim().await?;
    inject(&sim, fault)?;
    let result = client(&sim, fast_retry())?
        .droplet_actions()
        .get(DROPLET, ACTION)
        .await;
    let count = seen(&sim, "GET", &get_path());
    ensure!(
        matches!(&result, Err(err @ Error::Decode { .. }) if err.to_string().contains("droplet_actions.get")),
        "expected a decode error naming droplet_actions.get, got {}",
        describe(&result)
    );
    ensure!(count == 1, "server saw {count} GETs, expected 1");
    Ok(Seen {
        requests: format!("{count} GET"),
        outcome: describe(&result),
    })
}

async fn html_error_page() -> CaseResult {
    let sim = sim().await?;
    inject(&sim, Fault::html_status(502).on("GET", GET_ROUTE))?;
    let result = client(&sim, fast_retry().with_max_retries(1))?
        .droplet_actions()
        .get(DROPLET, ACTION)
        .await;
    let count = seen(&sim, "GET", &get_path());
    let api = result.as_ref().err().and_then(Error::api_error);
    ensure!(
        matches!(api, Some(api) if api.status == 502 && api.id == "bad_gateway"
            && !api.message.is_empty() && !api.message.contains('<')),
        "expected ApiError 502 bad_gateway with a text excerpt, got {}",
        describe(&result)
    );
    ensure!(count == 2, "server saw {count} GETs, expected 2");
    Ok(Seen {
        requests: format!("{count} GET"),
        outcome: describe(&result),
    })
}

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kib: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    Some(kib / 1024.0)
}

async fn ten_megabyte_body() -> CaseResult {
    const SIZE: usize = 10 * 1024 * 1024;
    let sim = sim().await?;
    inject(&sim, Fault::oversized_body(SIZE).on("GET", GET_ROUTE))?;
    let result = client(&sim, fast_retry())?
        .droplet_actions()
        .get(DROPLET, ACTION)
        .await;
    let count = seen(&sim, "GET", &get_path());
    // Either the padded document decodes to the action, or the SDK refuses it with an error of its own;
    // never a panic, never a retry loop.
    let acceptable = match &result {
        Ok(action) => action.id == ACTION,
        Err(err) => err.api_error().is_none() && !err.to_string().is_empty(),
    };
    ensure!(
        acceptable,
        "expected the action or a clear error, got {}",
        describe(&result)
    );
    ensure!(count == 1, "server saw {count} GETs, expected 1");
    let peak = peak_rss_mib().map_or_else(String::new, |mib| {
        format!(" (test process peak RSS {mib:.0} MiB)")
    });
    Ok(Seen {
        requests: format!("{count} GET"),
        outcome: format!("{}{peak}", describe(&result)),
    })
}

async fn wait_errored() -> CaseResult {
    let sim = sim().await?;
    sim.fail_actions(ActionFailure::any());
    let client = client(&sim, fast_retry())?;
    let started = client
        .droplet_actions()
        .post(DROPLET, DropletAction::Reboot)
        .await
        .map_err(|err| format!("the POST failed: {err}"))?;
    let result = client
        .actions()
        .wait(started.id)
        .poll_interval(Duration::from_millis(20), Duration::from_millis(50))
        .timeout(Duration::from_secs(10))
        .await;
    let posts = seen(&sim, "POST", &post_path());
    let polls = seen(&sim, "GET", &format!("/v2/actions/{}", started.id));
    let errored = match &result {
        Err(err @ Error::ActionErrored { .. }) => err
            .action()
            .is_some_and(|a| a.id == started.id && a.status == ActionStatus::Errored),
        _ => false,
    };
    ensure!(
        errored,
        "expected ActionErrored carrying the action, got {}",
        describe(&result)
    );
    ensure!(
        posts == 1 && polls >= 1,
        "server saw {posts} POSTs and {polls} polls"
    );
    Ok(Seen {
        requests: format!("{posts} POST + {polls} GET"),
        outcome: describe(&result),
    })
}

async fn wait_never_finishes() -> CaseResult {
    let sim = sim().await?;
    sim.set_action_duration(Duration::from_secs(3600));
    let client = client(&sim, fast_retry())?;
    let started = client
        .droplet_actions()
        .post(DROPLET, DropletAction::Reboot)
        .await
        .map_err(|err| format!("the POST failed: {err}"))?;
    let begun = Instant::now();
    let result = client
        .actions()
        .wait(started.id)
        .poll_interval(Duration::from_millis(20), Duration::from_millis(50))
        .timeout(Duration::from_millis(500))
        .await;
    let took = begun.elapsed();
    let polls = seen(&sim, "GET", &format!("/v2/actions/{}", started.id));
    let timed_out = match &result {
        Err(err @ Error::WaitTimeout { .. }) => err
            .action()
            .is_some_and(|a| a.status == ActionStatus::InProgress),
        _ => false,
    };
    ensure!(
        timed_out,
        "expected WaitTimeout carrying the in-progress action, got {}",
        describe(&result)
    );
    ensure!(polls >= 1, "the waiter never polled");
    ensure!(took < Duration::from_secs(5), "a 500 ms wait took {took:?}");
    Ok(Seen {
        requests: format!("1 POST + {polls} GET"),
        outcome: format!("{} in {}ms", describe(&result), took.as_millis()),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_matrix() {
    type Case = (
        String,
        &'static str,
        futures::future::BoxFuture<'static, CaseResult>,
    );
    let mut cases: Vec<Case> = vec![
        (
            "GET 429 + retry-after 1s, then 200".into(),
            "Ok, 2 requests, waited >= 1s",
            Box::pin(get_429_retry_after_then_200()),
        ),
        (
            "GET 429, remaining 0, reset in 1h".into(),
            "Err 429 at once, 1 request",
            Box::pin(get_429_far_reset_returns_at_once()),
        ),
    ];
    for status in [500, 502, 503, 504] {
        cases.push((
            format!("GET {status} twice, then 200"),
            "Ok, 3 requests",
            Box::pin(get_recovers(
                Fault::status(status).on("GET", GET_ROUTE).times(2),
                3,
            )),
        ));
    }
    for status in [500, 503] {
        cases.push((
            format!("GET {status} always (3 retries)"),
            "Err (last status), 4 requests",
            Box::pin(get_5xx_always_returns_last_error(status)),
        ));
    }
    for status in [500, 502, 503, 504] {
        cases.push((
            format!("POST {status}"),
            "Err, exactly 1 request, no action",
            Box::pin(post_sent_once(
                Fault::status(status).on("POST", POST_ROUTE),
                |err| err.is_server_error(),
                "a server error",
            )),
        ));
    }
    cases.extend([
        (
            "POST 429 + retry-after 1s, then 201".into(),
            "Ok, 2 requests, 1 action",
            Box::pin(post_429_retry_after_then_201()) as futures::future::BoxFuture<'static, _>,
        ),
        (
            "GET connection dropped once".into(),
            "Ok, 2 requests",
            Box::pin(get_recovers(
                Fault::drop_connection().on("GET", GET_ROUTE).times(1),
                2,
            )),
        ),
        (
            "POST connection dropped".into(),
            "Err transport, 1 request, no action",
            Box::pin(post_sent_once(
                Fault::drop_connection().on("POST", POST_ROUTE).times(1),
                Error::is_transport,
                "a transport error",
            )),
        ),
        (
            "GET reply 5s > 200ms attempt limit".into(),
            "Err timeout, 2 requests (1 retry)",
            Box::pin(slow_reply("GET")),
        ),
        (
            "POST reply 5s > 200ms attempt limit".into(),
            "Err timeout, 1 request",
            Box::pin(slow_reply("POST")),
        ),
        (
            "GET truncated JSON body".into(),
            "Err decode naming op, 1 request",
            Box::pin(bad_body(Fault::truncated_body().on("GET", GET_ROUTE))),
        ),
        (
            "GET malformed JSON body".into(),
            "Err decode naming op, 1 request",
            Box::pin(bad_body(Fault::malformed_json().on("GET", GET_ROUTE))),
        ),
        (
            "GET HTML 502 page (1 retry)".into(),
            "ApiError bad_gateway + excerpt, 2 requests",
            Box::pin(html_error_page()),
        ),
        (
            "GET 10 MB body".into(),
            "Ok or clear error, 1 request",
            Box::pin(ten_megabyte_body()),
        ),
        (
            "wait() on an action that errors".into(),
            "Err ActionErrored with the action",
            Box::pin(wait_errored()),
        ),
        (
            "wait() on an action that never ends".into(),
            "Err WaitTimeout with last action",
            Box::pin(wait_never_finishes()),
        ),
    ]);

    let runs = cases.into_iter().map(|(name, expected, case)| async move {
        let result = match tokio::time::timeout(CASE_LIMIT, tokio::spawn(case)).await {
            Ok(Ok(result)) => result,
            Ok(Err(join)) => Err(format!("the case panicked: {join}")),
            Err(_) => Err(format!("no outcome within {CASE_LIMIT:?}")),
        };
        (name, expected, result)
    });
    let results = join_all(runs).await;

    let mut table = String::from("\nfault matrix\n");
    table += &format!(
        "{:<38} | {:<42} | {:<18} | outcome\n",
        "case", "expected", "requests seen"
    );
    table += &format!("{}\n", "-".repeat(130));
    let mut failures = Vec::new();
    for (name, expected, result) in &results {
        let (requests, outcome) = match result {
            Ok(seen) => (seen.requests.clone(), format!("ok: {}", seen.outcome)),
            Err(reason) => {
                failures.push(format!("{name}: {reason}"));
                ("-".to_owned(), format!("FAILED: {reason}"))
            }
        };
        table += &format!("{name:<38} | {expected:<42} | {requests:<18} | {outcome}\n");
    }
    table += &format!(
        "{} cases, {} held, {} failed\n",
        results.len(),
        results.len() - failures.len(),
        failures.len()
    );
    // Written to the stderr handle directly: libtest captures the print macros, not this.
    let _ = std::io::stderr().lock().write_all(table.as_bytes());

    assert!(
        failures.is_empty(),
        "fault matrix cases failed:\n{}",
        failures.join("\n")
    );
}
