//! The fault matrix: every failure a server or network can throw at the SDK, injected by oxido-sim, with the
//! outcome the SDK must produce and the number of requests the server must have seen.
//!
//! All cases run concurrently, each against its own emulator on 127.0.0.1, with millisecond backoffs so the
//! file takes seconds. The summary table `case | expected | requests seen | outcome` is written straight to
//! stderr, so it shows with or without `--nocapture`; the test fails listing every case that did not hold.
//! Time bounds below are upper limits that prove "no hang / no long sleep" with wide margins, never speed
//! requirements.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::future::join_all;
use futures::{StreamExt, TryStreamExt};
use oxido::{Action, ActionStatus, Client, DropletAction, Error, RetryPolicy};
use oxido_sim::{ActionFailure, Fault, Seed, Sim};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

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
        .no_proxy()
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

/// A reply 30 s late against a 1 s attempt limit: the call must time out well before the reply, and a POST
/// must never be sent twice. Counts and times are bounds, not exact values, so a loaded machine cannot fail it.
async fn slow_reply(method: &str) -> CaseResult {
    let sim = sim().await?;
    let route = if method == "GET" {
        GET_ROUTE
    } else {
        POST_ROUTE
    };
    inject(
        &sim,
        Fault::latency(Duration::from_secs(30)).on(method, route),
    )?;
    let client = Client::builder()
        .no_proxy()
        .token(sim.token())
        .base_url(sim.base_url())
        .retry(fast_retry().with_max_retries(1))
        .attempt_timeout(Duration::from_secs(1))
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
    let (count, allowed) = if method == "GET" {
        (seen(&sim, "GET", &get_path()), 1..=2)
    } else {
        (seen(&sim, "POST", &post_path()), 1..=1)
    };
    ensure!(
        matches!(&result, Err(err) if err.is_timeout()),
        "expected a timeout, got {}",
        describe(&result)
    );
    ensure!(
        allowed.contains(&count),
        "server saw {count} {method}s, expected {allowed:?}"
    );
    ensure!(
        took < Duration::from_secs(20),
        "the 1 s attempt limit let the call run {took:?} against a 30 s reply"
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
    // 10 MB is well under the default 32 MiB cap: the padded document must decode to the action.
    ensure!(
        matches!(&result, Ok(action) if action.id == ACTION),
        "expected the action under the default cap, got {}",
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

async fn ten_megabyte_body_over_a_one_mib_cap() -> CaseResult {
    const SIZE: usize = 10 * 1024 * 1024;
    const CAP: usize = 1024 * 1024;
    let sim = sim().await?;
    inject(&sim, Fault::oversized_body(SIZE).on("GET", GET_ROUTE))?;
    let client = Client::builder()
        .no_proxy()
        .token(sim.token())
        .base_url(sim.base_url())
        .retry(fast_retry())
        .max_response_bytes(CAP)
        .build()
        .map_err(|err| format!("client did not build: {err}"))?;
    let result = client.droplet_actions().get(DROPLET, ACTION).await;
    let count = seen(&sim, "GET", &get_path());
    ensure!(
        matches!(
            &result,
            Err(Error::ResponseTooLarge {
                limit: CAP,
                status: 200,
                ..
            })
        ),
        "expected ResponseTooLarge at the 1 MiB cap, got {}",
        describe(&result)
    );
    ensure!(
        count == 1,
        "server saw {count} GETs, expected 1 (never retried)"
    );
    Ok(Seen {
        requests: format!("{count} GET"),
        outcome: describe(&result),
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
        .timeout(Duration::from_secs(1))
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
    ensure!(took < Duration::from_secs(20), "a 1 s wait took {took:?}");
    Ok(Seen {
        requests: format!("1 POST + {polls} GET"),
        outcome: format!("{} in {}ms", describe(&result), took.as_millis()),
    })
}

/// One answer of a scripted server: status, extra headers, body, and an optional pause between each tenth of
/// the body (a slow body).
struct Scripted {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: String,
    pace: Option<Duration>,
}

impl Scripted {
    fn json(status: u16, body: String) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body,
            pace: None,
        }
    }

    fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
}

/// What a scripted server answers to a request target (path and query) and the request's number (0-based).
type Script = fn(&str, usize) -> Scripted;

/// A hand-rolled HTTP/1.1 server on 127.0.0.1 for behaviours the emulator cannot produce; it answers each
/// request by `script`, closes each connection after one answer, and counts requests.
struct ScriptedServer {
    base_url: String,
    requests: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for ScriptedServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl ScriptedServer {
    async fn start(script: Script) -> Result<Self, String> {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|err| format!("bind: {err}"))?;
        let address = listener
            .local_addr()
            .map_err(|err| format!("address: {err}"))?;
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(serve_one(socket, script, Arc::clone(&seen)));
            }
        });
        Ok(Self {
            base_url: format!("http://{address}"),
            requests,
            task,
        })
    }

    fn count(&self) -> usize {
        self.requests.lock().map_or(0, |requests| requests.len())
    }

    fn targets(&self) -> Vec<String> {
        self.requests
            .lock()
            .map(|requests| requests.clone())
            .unwrap_or_default()
    }
}

async fn serve_one(
    mut socket: tokio::net::TcpStream,
    script: Script,
    seen: Arc<Mutex<Vec<String>>>,
) {
    let mut head = Vec::new();
    let mut buffer = [0u8; 4096];
    while !head.windows(4).any(|window| window == b"\r\n\r\n") {
        match socket.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buffer[..n]),
        }
        if head.len() > 64 * 1024 {
            return;
        }
    }
    let text = String::from_utf8_lossy(&head);
    let target = text
        .lines()
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .unwrap_or("/")
        .to_owned();
    let number = match seen.lock() {
        Ok(mut requests) => {
            requests.push(target.clone());
            requests.len() - 1
        }
        Err(_) => return,
    };
    let answer = script(&target, number);
    let mut reply = format!(
        "HTTP/1.1 {} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
        answer.status,
        answer.body.len()
    );
    for (name, value) in &answer.headers {
        reply.push_str(&format!("{name}: {value}\r\n"));
    }
    reply.push_str("\r\n");
    if socket.write_all(reply.as_bytes()).await.is_err() {
        return;
    }
    match answer.pace {
        None => {
            let _ = socket.write_all(answer.body.as_bytes()).await;
        }
        Some(pause) => {
            let body = answer.body.as_bytes();
            for piece in body.chunks(body.len().div_ceil(10).max(1)) {
                let _ = socket.flush().await;
                tokio::time::sleep(pause).await;
                if socket.write_all(piece).await.is_err() {
                    return;
                }
            }
        }
    }
    let _ = socket.shutdown().await;
}

fn action_body(id: u64) -> serde_json::Value {
    serde_json::json!({
        "id": id, "status": "completed", "type": "reboot",
        "started_at": "2020-11-14T16:29:21Z", "completed_at": "2020-11-14T16:30:06Z",
        "resource_id": DROPLET, "resource_type": "droplet", "region_slug": "nyc3"
    })
}

fn scripted_client(server: &ScriptedServer, retry: RetryPolicy) -> Result<Client, String> {
    Client::builder()
        .no_proxy()
        .token("scripted-token")
        .base_url(&server.base_url)
        .retry(retry)
        .build()
        .map_err(|err| format!("client did not build: {err}"))
}

async fn endless_empty_pages() -> CaseResult {
    let server = ScriptedServer::start(|target, _| {
        let page: u64 = target
            .split("page=")
            .nth(1)
            .and_then(|rest| rest.split('&').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(1);
        let next = format!(
            "https://api.digitalocean.com/v2/actions?page={}",
            page.saturating_add(1)
        );
        Scripted::json(
            200,
            serde_json::json!({"actions": [], "links": {"pages": {"next": next}}, "meta": {"total": 5}})
                .to_string(),
        )
    })
    .await?;
    let client = scripted_client(&server, fast_retry())?;
    let results: Vec<Result<Action, Error>> = client
        .actions()
        .list()
        .into_stream()
        .take(1_000)
        .collect()
        .await;
    let count = server.count();
    ensure!(
        matches!(results.as_slice(), [Err(Error::PaginationStopped { .. })]),
        "expected one PaginationStopped error, got {} results, first {:?}",
        results.len(),
        results.first().map(|r| r.as_ref().map(|a| a.id))
    );
    ensure!(count == 1, "server saw {count} GETs, expected 1");
    Ok(Seen {
        requests: format!("{count} GET"),
        outcome: format!(
            "Err({})",
            results[0]
                .as_ref()
                .err()
                .map(ToString::to_string)
                .unwrap_or_default()
        ),
    })
}

async fn retry_after_u64_max_with_unlimited_cap() -> CaseResult {
    let sim = sim().await?;
    inject(
        &sim,
        Fault::too_many_requests(u64::MAX).on("GET", GET_ROUTE),
    )?;
    let started = Instant::now();
    let result = client(&sim, fast_retry().with_rate_limit_wait_cap(Duration::MAX))?
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
    ensure!(took < Duration::from_secs(20), "took {took:?}");
    Ok(Seen {
        requests: format!("{count} GET"),
        outcome: describe(&result),
    })
}

async fn rate_limited(script: Script) -> CaseResult {
    let server = ScriptedServer::start(script).await?;
    let started = Instant::now();
    let result = scripted_client(
        &server,
        fast_retry().with_rate_limit_wait_cap(Duration::MAX),
    )?
    .droplet_actions()
    .get(DROPLET, ACTION)
    .await;
    let took = started.elapsed();
    let count = server.count();
    ensure!(
        matches!(&result, Err(err) if err.is_rate_limited()),
        "expected the 429, got {}",
        describe(&result)
    );
    ensure!(count == 1, "server saw {count} GETs, expected 1");
    ensure!(took < Duration::from_secs(20), "took {took:?}");
    Ok(Seen {
        requests: format!("{count} GET"),
        outcome: describe(&result),
    })
}

async fn relative_next_link() -> CaseResult {
    let server = ScriptedServer::start(|target, _| {
        let second = target
            .split(['?', '&'])
            .skip(1)
            .any(|pair| pair == "page=2");
        let body = if second {
            serde_json::json!({"actions": [action_body(3)], "links": {}, "meta": {"total": 3}})
        } else {
            serde_json::json!({"actions": [action_body(1), action_body(2)],
                "links": {"pages": {"next": "?page=2&per_page=2"}}, "meta": {"total": 3}})
        };
        Scripted::json(200, body.to_string())
    })
    .await?;
    let client = scripted_client(&server, fast_retry())?;
    let result: Result<Vec<Action>, Error> = client
        .droplet_actions()
        .list(DROPLET)
        .per_page(2)
        .into_stream()
        .try_collect()
        .await;
    let targets = server.targets();
    let ids: Vec<u64> = result
        .as_ref()
        .map(|actions| actions.iter().map(|a| a.id).collect())
        .unwrap_or_default();
    ensure!(ids == [1, 2, 3], "expected actions 1, 2, 3, got {result:?}");
    ensure!(
        targets.get(1).map(String::as_str)
            == Some(&format!("/v2/droplets/{DROPLET}/actions?page=2&per_page=2")[..]),
        "the relative link was not resolved against the current page: {targets:?}"
    );
    Ok(Seen {
        requests: format!("{} GET", targets.len()),
        outcome: format!("Ok({} actions)", ids.len()),
    })
}

/// A slow-body answer overlapping a fast one on the same client: both succeed, the fast one is not held up,
/// and the rate-limit snapshot ends at the newest state (lower remaining), not the slow answer's older one.
async fn slow_body_overlapping_a_fast_one() -> CaseResult {
    let server = ScriptedServer::start(|target, _| {
        let slow = target.ends_with("/1");
        let id = if slow { 1 } else { 2 };
        Scripted {
            status: 200,
            headers: vec![
                ("ratelimit-limit", "5000".to_owned()),
                (
                    "ratelimit-remaining",
                    if slow { "4999" } else { "4998" }.to_owned(),
                ),
                ("ratelimit-reset", "2000000000".to_owned()),
            ],
            body: serde_json::json!({"action": action_body(id)}).to_string(),
            pace: slow.then_some(Duration::from_millis(150)),
        }
    })
    .await?;
    let client = scripted_client(&server, fast_retry())?;
    let order = Arc::new(Mutex::new(Vec::new()));
    let slow = {
        let (client, order) = (client.clone(), Arc::clone(&order));
        tokio::spawn(async move {
            let result = client.actions().get(1).await;
            if let Ok(mut order) = order.lock() {
                order.push(1);
            }
            result
        })
    };
    // The fast request starts once the slow one has reached the server (bounded wait, not a timing).
    for _ in 0..400 {
        if server.count() >= 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let fast = client.actions().get(2).await;
    if let Ok(mut order) = order.lock() {
        order.push(2);
    }
    let slow = slow
        .await
        .map_err(|err| format!("slow call panicked: {err}"))?;
    let order = order.lock().map(|o| o.clone()).unwrap_or_default();
    let remaining = client.rate_limit().map(|limit| limit.remaining);
    ensure!(
        matches!(&slow, Ok(a) if a.id == 1) && matches!(&fast, Ok(a) if a.id == 2),
        "expected both actions, got {} and {}",
        describe(&slow),
        describe(&fast)
    );
    ensure!(
        order == [2, 1],
        "the fast call waited for the slow body: {order:?}"
    );
    ensure!(
        remaining == Some(4998),
        "the snapshot went backwards to {remaining:?}"
    );
    Ok(Seen {
        requests: format!("{} GET", server.count()),
        outcome: format!("Ok both, fast first, remaining {remaining:?}"),
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
            "GET reply 30s > 1s attempt limit".into(),
            "Err timeout, 1-2 requests (1 retry)",
            Box::pin(slow_reply("GET")),
        ),
        (
            "POST reply 30s > 1s attempt limit".into(),
            "Err timeout, exactly 1 request",
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
            "GET 10 MB body, default 32 MiB cap".into(),
            "Ok, 1 request",
            Box::pin(ten_megabyte_body()),
        ),
        (
            "GET 10 MB body, 1 MiB cap".into(),
            "Err ResponseTooLarge, 1 request",
            Box::pin(ten_megabyte_body_over_a_one_mib_cap()),
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
        (
            "list: endless empty pages (scripted)".into(),
            "Err PaginationStopped, 1 request",
            Box::pin(endless_empty_pages()),
        ),
        (
            "GET 429 retry-after u64::MAX, cap MAX".into(),
            "Err 429 at once, 1 request, no panic",
            Box::pin(retry_after_u64_max_with_unlimited_cap()),
        ),
        (
            "GET 429 retry-after > u64 (scripted)".into(),
            "Err 429 at once, 1 request",
            Box::pin(rate_limited(|_, _| {
                Scripted::json(429, "{}".into()).header("retry-after", "99999999999999999999999")
            })),
        ),
        (
            "GET 429 reset u64::MAX, cap MAX (scripted)".into(),
            "Err 429 at once, 1 request, no panic",
            Box::pin(rate_limited(|_, _| {
                Scripted::json(429, "{}".into())
                    .header("ratelimit-limit", "5000")
                    .header("ratelimit-remaining", "0")
                    .header("ratelimit-reset", u64::MAX.to_string())
            })),
        ),
        (
            "list: relative next link (scripted)".into(),
            "Ok 3 items, 2nd request from current page",
            Box::pin(relative_next_link()),
        ),
        (
            "slow body overlapping a fast one (scripted)".into(),
            "Ok both, fast first, newest snapshot",
            Box::pin(slow_body_overlapping_a_fast_one()),
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
