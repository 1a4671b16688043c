//! Any method, path, query string, host, token and body handled by the emulator's full request pipeline
//! (in-process, through its doc(hidden) fuzz hook): it never panics, never answers 500, and every error it
//! produces is the API's JSON shape `{"id", "message", ...}` (or, on the few endpoints that document their
//! own, that endpoint's shape) with an `x-request-id` header (405s also carry
//! `allow`); absolute links it builds stay on the host the request named; a `text/event-stream` answer
//! is JSON `data:` lines ending with `data: [DONE]`. The prefixes reach the hand-written
//! routes and the generic engine that serves the rest of the description.
#![no_main]

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use oxido_fuzz::block_on;
use oxido_sim::__fuzz::InProcess;

/// Starting points that reach each route family, so the fuzzer spends its time inside the handlers.
const PREFIXES: &[&str] = &[
    "/v2/droplets/3164444/actions/36804636",
    "/v2/droplets/3164444/actions",
    "/v2/droplets/actions",
    "/v2/droplets/",
    "/v2/droplets",
    "/v2/actions/",
    "/v2/actions",
    // The generic engine: collections, nested items, actions, non-JSON answers, other hosts.
    "/v2/volumes/7724db7c-e098-11e5-b522-000f53304e51",
    "/v2/volumes/7724db7c-e098-11e5-b522-000f53304e51/actions",
    "/v2/volumes",
    "/v2/domains/example.com/records/",
    "/v2/domains/",
    "/v2/account/keys/",
    "/v2/tags/awesome/resources",
    "/v2/reserved_ips/45.55.96.47/actions",
    "/v2/kubernetes/clusters/bd5f5959-5e1e-4205-a714-a914373942af/kubeconfig",
    "/v2/kubernetes/clusters",
    "/v2/databases/9cc10173-e9ea-4176-9dbc-a4cee4c4ff30/users/",
    "/v2/apps/4f6c71e2-1e90-4762-9fee-6cc4a0a9f2cf/deployments",
    "/v2/customers/my/invoices/",
    "/v2/monitoring/metrics/droplet/cpu",
    "/v1/chat/completions",
    "/v1/messages",
    "/v1/responses",
    "/v1/images/generations",
    "/v1/batches/files",
    "/api/v1/chat/completions",
    "/_sim/uploads/",
    "/_sim/",
    "/",
];
const METHODS: &[&str] = &["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];
/// State is reset this often so droplets and actions created by the fuzzer do not pile up.
const RESET_EVERY: u64 = 5_000;

#[derive(Debug, Arbitrary)]
struct Request {
    method: u8,
    custom_method: Option<Vec<u8>>,
    prefix: u8,
    path: Vec<u8>,
    query: Option<Vec<u8>>,
    host: Option<Vec<u8>>,
    auth: u8,
    json_content_type: bool,
    body: Vec<u8>,
}

fn sim() -> &'static InProcess {
    static SIM: OnceLock<InProcess> = OnceLock::new();
    SIM.get_or_init(|| {
        oxido_sim::Sim::builder()
            .seed(oxido_sim::Seed::Demo)
            .action_duration(Duration::from_millis(5))
            .rate_limit_per_minute(u32::MAX)
            .rate_limit_per_hour(u32::MAX)
            .request_log_capacity(16)
            .in_process()
            .expect("the emulator builds")
    })
}

/// Bytes allowed in a request target; everything else is dropped (the HTTP layer would refuse them).
fn target_bytes(raw: &[u8]) -> String {
    raw.iter()
        .filter(|b| b.is_ascii_graphic() && !matches!(b, b'#'))
        .map(|b| char::from(*b))
        .collect()
}

fn build(input: &Request) -> Option<http::Request<Bytes>> {
    let method = match &input.custom_method {
        Some(raw) => http::Method::from_bytes(raw).ok()?,
        None => {
            http::Method::from_bytes(METHODS[usize::from(input.method) % METHODS.len()].as_bytes())
                .ok()?
        }
    };
    let mut target = PREFIXES[usize::from(input.prefix) % PREFIXES.len()].to_owned();
    target.push_str(&target_bytes(&input.path));
    if let Some(query) = &input.query {
        target.push('?');
        target.push_str(&target_bytes(query));
    }
    let mut request = http::Request::builder().method(method).uri(target);
    if let Some(host) = &input.host {
        request = request.header(
            http::header::HOST,
            http::HeaderValue::from_bytes(host).ok()?,
        );
    }
    let authorization = match input.auth % 4 {
        0 => None,
        1 => Some(format!("Bearer {}", oxido_sim::DEMO_TOKEN)),
        2 => Some("Bearer not-a-known-token".to_owned()),
        _ => Some("Basic Zm9vOmJhcg==".to_owned()),
    };
    if let Some(value) = authorization {
        request = request.header(http::header::AUTHORIZATION, value);
    }
    if input.json_content_type {
        request = request.header(http::header::CONTENT_TYPE, "application/json");
    }
    request.body(Bytes::from(input.body.clone())).ok()
}

/// The API's usual error body.
fn standard_error(json: &serde_json::Value) -> bool {
    json["id"].is_string() && json["message"].is_string()
}

/// The few endpoints that document an error body of their own (the emulator's
/// `engine::handwritten::error_shapes`), each only on its own path and status.
fn documented_error(path: &str, status: u16, json: &serde_json::Value) -> bool {
    let anthropic = path.starts_with("/v1/messages")
        && status == 400
        && json["type"] == "error"
        && json["error"]["type"].is_string()
        && json["error"]["message"].is_string();
    let nfs = path.starts_with("/v2/nfs")
        && matches!(status, 400 | 409)
        && json["code"].is_string()
        && json["message"].is_string();
    let tags = path.starts_with("/v2/tags")
        && status == 400
        && json["error"].is_string()
        && json["root_causes"].is_array();
    anthropic || nfs || tags
}

fn check(
    request_method: &http::Method,
    path: &str,
    host: Option<&[u8]>,
    response: &http::Response<Bytes>,
) {
    let status = response.status().as_u16();
    let body = response.body();
    assert_ne!(status, 500, "a 500: {:?}", String::from_utf8_lossy(body));
    if status == 405 {
        assert!(
            response.headers().contains_key(http::header::ALLOW),
            "405 without allow"
        );
    }
    let headless = request_method == http::Method::HEAD && body.is_empty();
    if status >= 400 && !headless {
        let json: serde_json::Value = serde_json::from_slice(body).unwrap_or_else(|err| {
            panic!(
                "error {status} with a non-JSON body ({err}): {:?}",
                String::from_utf8_lossy(body)
            )
        });
        assert!(
            standard_error(&json) || documented_error(path, status, &json),
            "error body {json}"
        );
        assert!(
            response.headers().contains_key("x-request-id"),
            "error {status} without x-request-id"
        );
    }
    // A streamed answer is server-sent events: JSON data lines ending with `[DONE]`.
    let event_stream = response
        .headers()
        .get(http::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"));
    if event_stream {
        let text = std::str::from_utf8(body).expect("an event stream is UTF-8");
        assert!(
            text.ends_with("data: [DONE]\n\n"),
            "stream without [DONE]: {text:?}"
        );
        for line in text.lines().filter_map(|l| l.strip_prefix("data: ")) {
            if line != "[DONE]" {
                serde_json::from_str::<serde_json::Value>(line)
                    .unwrap_or_else(|e| panic!("event data is not JSON ({e}): {line:?}"));
            }
        }
        return;
    }
    // Absolute pagination links are built from the request's host: they must parse as URLs.
    if status == 200 {
        if let Ok(json) = serde_json::from_slice::<serde_json::Value>(body) {
            if let Some(pages) = json["links"]["pages"].as_object() {
                for link in pages.values() {
                    let link = link.as_str().expect("page links are strings");
                    assert!(link.starts_with("http"), "link {link:?} (host {host:?})");
                }
            }
        }
    }
}

fuzz_target!(|input: Request| {
    static EXECUTIONS: AtomicU64 = AtomicU64::new(0);
    let sim = sim();
    if EXECUTIONS.fetch_add(1, Ordering::Relaxed) % RESET_EVERY == RESET_EVERY - 1 {
        sim.reset();
    }
    let Some(request) = build(&input) else {
        return;
    };
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = block_on(sim.call(request));
    check(&method, &path, input.host.as_deref(), &response);
});
