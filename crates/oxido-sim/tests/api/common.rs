//! Helpers shared by the tests: a sim per test, a plain client, bounded polling.

use std::time::{Duration, Instant};

use oxido_sim::{Sim, SimBuilder};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::Value;

pub const DROPLET: u64 = 3164444;
pub const OTHER_DROPLET: u64 = 3164450;
/// The demo Droplet the volume examples name, holding the documented volume.
pub const HOST: u64 = 11612190;

pub async fn start(builder: SimBuilder) -> Sim {
    builder.start().await.expect("sim starts")
}

pub async fn demo(action_duration_ms: u64) -> Sim {
    start(Sim::builder().action_duration(Duration::from_millis(action_duration_ms))).await
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client builds")
}

#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.text))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts the API error shape and returns the error id.
    pub fn assert_error(&self, status: u16, id: &str) -> Value {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.text);
        let body = self.json();
        assert_eq!(body["id"], id, "body: {}", self.text);
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "message: {body}"
        );
        let request_id = body["request_id"].as_str().expect("request_id present");
        assert_eq!(self.header("x-request-id"), Some(request_id));
        assert!(
            self.header("content-type")
                .is_some_and(|c| c.starts_with("application/json")),
            "content-type: {:?}",
            self.header("content-type")
        );
        body
    }
}

pub async fn call(
    sim: &Sim,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> Reply {
    let mut request = client().request(method, format!("{}{}", sim.base_url(), path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_owned());
    }
    let response = request.send().await.expect("request is answered");
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.expect("body is read");
    Reply {
        status,
        headers,
        text,
    }
}

pub async fn get(sim: &Sim, path: &str) -> Reply {
    call(sim, Method::GET, path, Some(sim.token()), None).await
}

pub async fn post(sim: &Sim, path: &str, body: &str) -> Reply {
    call(sim, Method::POST, path, Some(sim.token()), Some(body)).await
}

/// Posts an action and returns its id, asserting 201.
pub async fn act(sim: &Sim, droplet: u64, body: &str) -> u64 {
    let reply = post(sim, &format!("/v2/droplets/{droplet}/actions"), body).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let action = reply.json();
    assert_eq!(action["action"]["status"], "in-progress");
    assert!(action["action"]["completed_at"].is_null());
    action["action"]["id"].as_u64().expect("action id")
}

/// Polls an action until it leaves `in-progress` (bounded by `limit`).
pub async fn wait_action(sim: &Sim, id: u64, limit: Duration) -> Value {
    let deadline = Instant::now() + limit;
    for _ in 0..1000 {
        let body = get(sim, &format!("/v2/actions/{id}")).await.json();
        if body["action"]["status"] != "in-progress" {
            return body["action"].clone();
        }
        assert!(
            Instant::now() < deadline,
            "action {id} still in progress after {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("action {id} did not finish within the poll budget");
}

pub async fn droplet(sim: &Sim, id: u64) -> Value {
    let reply = get(sim, &format!("/v2/droplets/{id}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.json()["droplet"].clone()
}

/// Asserts that `body` is valid for the response schema of `method path`.
pub fn conforms(method: &str, path: &str, body: &Value) {
    let schema = oxido_sim::__spec::response_schema(method, path).expect("documented");
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("compiles");
    if let Err(error) = validator.validate(body) {
        panic!(
            "{method} {path} answer invalid at {}: {error}",
            error.instance_path()
        );
    }
}

/// Sends `body` as JSON with the demo token.
pub async fn send_json(sim: &Sim, method: Method, path: &str, body: Value) -> Reply {
    call(
        sim,
        method,
        path,
        Some(sim.token()),
        Some(&body.to_string()),
    )
    .await
}

/// POSTs `body` to `path`, requires a success, and gives the answer's `member`.
pub async fn created(sim: &Sim, path: &str, body: Value, member: &str) -> Value {
    let reply = send_json(sim, Method::POST, path, body).await;
    assert!(reply.status.is_success(), "{path}: {}", reply.text);
    reply.json()[member].clone()
}

/// Reads `path` until `done` holds for its answer's `member` (bounded in count and time),
/// as clients' waits for a create do.
pub async fn settled(sim: &Sim, path: &str, member: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    for _ in 0..400 {
        let reply = get(sim, path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.text);
        let object = reply.json()[member].clone();
        if done(&object) {
            return object;
        }
        assert!(Instant::now() < deadline, "{path} never settled: {object}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("{path} did not settle within the poll budget");
}
