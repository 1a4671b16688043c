//! Any method, path, query string, token and body sent to the emulator over real HTTP: it answers (never
//! drops the connection or panics), never with a 500, and every error it produces is the API's JSON shape
//! `{"id", "message", ...}` with an `x-request-id` header (405s also carry `allow`).
#![no_main]

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use oxido_fuzz::{RawResponse, block_on, raw_exchange};

/// Starting points that reach each route family, so the fuzzer spends its time inside the handlers.
const PREFIXES: &[&str] = &[
    "/v2/droplets/3164444/actions/36804636",
    "/v2/droplets/3164444/actions",
    "/v2/droplets/actions",
    "/v2/droplets/",
    "/v2/droplets",
    "/v2/actions/",
    "/v2/actions",
    "/_sim/",
    "/",
];
const METHODS: &[&str] = &["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];
/// State is reset this often so droplets and actions created by the fuzzer do not pile up.
const RESET_EVERY: u64 = 5_000;

#[derive(Debug, Arbitrary)]
struct Request {
    method: u8,
    prefix: u8,
    path: Vec<u8>,
    query: Option<Vec<u8>>,
    auth: u8,
    json_content_type: bool,
    body: Vec<u8>,
}

fn sim() -> &'static oxido_sim::Sim {
    static SIM: OnceLock<oxido_sim::Sim> = OnceLock::new();
    SIM.get_or_init(|| {
        block_on(
            oxido_sim::Sim::builder()
                .seed(oxido_sim::Seed::Demo)
                .action_duration(Duration::from_millis(5))
                .rate_limit_per_minute(u32::MAX)
                .rate_limit_per_hour(u32::MAX)
                .request_log_capacity(16)
                .start(),
        )
        .expect("the emulator starts")
    })
}

/// Bytes allowed in a request target by the HTTP parser; everything else is dropped.
fn target_bytes(raw: &[u8]) -> String {
    raw.iter()
        .filter(|b| b.is_ascii_graphic() && !matches!(b, b'#'))
        .map(|b| char::from(*b))
        .collect()
}

fn check(method: &str, response: &RawResponse) {
    let header = |name: &str| {
        response
            .headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    assert_ne!(response.status, 500, "a 500: {:?}", String::from_utf8_lossy(&response.body));
    if response.status == 405 {
        assert!(header("allow").is_some(), "405 without allow");
    }
    // The HTTP parser itself answers 400 with an empty body to requests it cannot read; HEAD has no body.
    let framework_400 = response.status == 400 && response.body.is_empty();
    if response.status >= 400 && method != "HEAD" && !framework_400 {
        let body: serde_json::Value = serde_json::from_slice(&response.body).unwrap_or_else(|err| {
            panic!(
                "error {} with a non-JSON body ({err}): {:?}",
                response.status,
                String::from_utf8_lossy(&response.body)
            )
        });
        assert!(body["id"].is_string() && body["message"].is_string(), "error body {body}");
        assert!(header("x-request-id").is_some(), "error {} without x-request-id", response.status);
    }
}

fuzz_target!(|input: Request| {
    static EXECUTIONS: AtomicU64 = AtomicU64::new(0);
    let sim = sim();
    if EXECUTIONS.fetch_add(1, Ordering::Relaxed) % RESET_EVERY == RESET_EVERY - 1 {
        sim.reset();
    }
    let method = METHODS[usize::from(input.method) % METHODS.len()];
    let mut target = PREFIXES[usize::from(input.prefix) % PREFIXES.len()].to_owned();
    target.push_str(&target_bytes(&input.path));
    if let Some(query) = &input.query {
        target.push('?');
        target.push_str(&target_bytes(query));
    }
    let authorization = match input.auth % 4 {
        0 => String::new(),
        1 => format!("authorization: Bearer {}\r\n", sim.token()),
        2 => "authorization: Bearer not-a-known-token\r\n".to_owned(),
        _ => "authorization: Basic Zm9vOmJhcg==\r\n".to_owned(),
    };
    let content_type = if input.json_content_type { "content-type: application/json\r\n" } else { "" };
    let mut request = format!(
        "{method} {target} HTTP/1.1\r\nhost: {}\r\n{authorization}{content_type}content-length: {}\r\nconnection: close\r\n\r\n",
        sim.addr(),
        input.body.len()
    )
    .into_bytes();
    request.extend_from_slice(&input.body);

    let response = block_on(raw_exchange(sim.addr(), &request))
        .unwrap_or_else(|| panic!("no reply to {method} {target}"));
    check(method, &response);
});
