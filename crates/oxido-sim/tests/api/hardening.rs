//! Regression tests for the emulator's hardening: bounded memory, body and
//! connection limits, honest rate-limit headers, and strict request checks.

use std::time::Duration;

use oxido_sim::{Fault, Sim};
use reqwest::Method;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::common::*;

const MIB: usize = 1 << 20;

/// Sends raw bytes on a new connection, optionally closes the write side, and
/// reads the reply until the server closes the connection or `limit` passes.
async fn raw(sim: &Sim, request: &[u8], half_close: bool, limit: Duration) -> String {
    let mut stream = TcpStream::connect(sim.addr()).await.unwrap();
    stream.write_all(request).await.unwrap();
    if half_close {
        stream.shutdown().await.unwrap();
    }
    let mut reply = Vec::new();
    tokio::time::timeout(limit, stream.read_to_end(&mut reply))
        .await
        .expect("the server answers and closes within the limit")
        .expect("the connection reads cleanly");
    String::from_utf8_lossy(&reply).into_owned()
}

fn json_body(reply: &str) -> Value {
    let (_, body) = reply.split_once("\r\n\r\n").expect("a complete response");
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {reply}"))
}

#[tokio::test]
async fn bodies_without_a_valid_token_are_not_kept() {
    let sim = demo(50).await;
    let big = "x".repeat(MIB);
    for token in [None, Some("not-a-token")] {
        let reply = call(&sim, Method::POST, "/v2/droplets", token, Some(&big)).await;
        reply.assert_error(401, "unauthorized");
    }
    let seen = sim.requests();
    assert_eq!(seen.len(), 2);
    for request in &seen {
        assert_eq!(request.body, "", "a refused body is not logged");
        assert_eq!(request.body_len, MIB as u64);
        assert!(request.body_truncated);
    }
}

#[tokio::test]
async fn an_accepted_body_is_logged_as_a_bounded_prefix() {
    let sim = demo(50).await;
    let body = json!({"type": "reboot", "padding": "y".repeat(100_000)}).to_string();
    post(&sim, "/v2/droplets/3164444/actions", &body).await;
    let seen = &sim.requests()[0];
    assert_eq!(seen.body.len(), oxido_sim::REQUEST_LOG_BODY_BYTES);
    assert!(body.starts_with(&seen.body));
    assert_eq!(seen.body_len, body.len() as u64);
    assert!(seen.body_truncated);
}

#[tokio::test]
async fn the_request_log_is_bounded_in_bytes() {
    let sim = start(Sim::builder().request_log_bytes(64 * 1024)).await;
    let body = json!({"type": "reboot", "padding": "z".repeat(8000)}).to_string();
    for _ in 0..40 {
        post(&sim, "/v2/droplets/3164444/actions", &body).await;
    }
    let seen = sim.requests();
    let held: usize = seen.iter().map(|r| r.body.len() + r.path.len()).sum();
    assert!(held <= 64 * 1024, "{held} bytes in {} entries", seen.len());
    assert!(seen.len() < 40 && !seen.is_empty());
}

fn create_body(overrides: Value) -> String {
    let mut body = json!({
        "name": "bounded",
        "region": "nyc3",
        "size": "s-1vcpu-1gb",
        "image": "ubuntu-22-04-x64",
    });
    for (key, value) in overrides.as_object().unwrap() {
        body[key] = value.clone();
    }
    body.to_string()
}

#[tokio::test]
async fn droplet_create_bounds_every_stored_field() {
    let sim = demo(50).await;
    let long_tag = "t".repeat(256);
    let cases = [
        (json!({"tags": vec!["a"; 65]}), "tags"),
        (json!({"tags": [long_tag]}), "tags"),
        (json!({"tags": ["has space"]}), "tags"),
        (json!({"vpc_uuid": "v".repeat(100_000)}), "vpc_uuid"),
        (
            json!({"vpc_uuid": "760e09ef-dc84-11e8-981e-3cfdfeaae00"}),
            "vpc_uuid",
        ),
        (json!({"name": "n".repeat(256)}), "name"),
        (json!({"user_data": "u".repeat(64 * 1024 + 1)}), "user_data"),
        (json!({"ssh_keys": vec![1; 65]}), "ssh_keys"),
        (json!({"ssh_keys": [{"id": 1}]}), "ssh_keys"),
        (json!({"volumes": ["not-a-uuid"]}), "volumes"),
        (json!({"with_droplet_agent": "yes"}), "with_droplet_agent"),
    ];
    for (overrides, field) in cases {
        let reply = post(&sim, "/v2/droplets", &create_body(overrides.clone())).await;
        let body = reply.assert_error(422, "unprocessable_entity");
        let message = body["message"].as_str().unwrap();
        assert!(message.contains(field), "{overrides}: {message}");
        assert!(message.len() < 300, "the error does not echo the value");
    }
    // The largest create the API allows is accepted and stored as sent.
    let tags: Vec<String> = (0..64).map(|n| format!("{n:0>255}")).collect();
    let maximal = create_body(json!({
        "name": "m".repeat(255),
        "tags": tags,
        "vpc_uuid": "760e09ef-dc84-11e8-981e-3cfdfeaae000",
        "user_data": "u".repeat(64 * 1024),
        // Keys must exist: the demo's documented key, named 64 times.
        "ssh_keys": vec![289_794; 64],
        "volumes": ["12e97116-7280-11ed-b3d0-0a58ac146812"],
    }));
    let reply = post(&sim, "/v2/droplets", &maximal).await;
    assert_eq!(reply.status.as_u16(), 202, "{}", reply.text);
    let droplet = &reply.json()["droplet"];
    assert_eq!(droplet["tags"].as_array().unwrap().len(), 64);
    assert_eq!(droplet["vpc_uuid"], "760e09ef-dc84-11e8-981e-3cfdfeaae000");
}

#[tokio::test]
async fn an_account_holds_a_bounded_number_of_droplets() {
    let sim = Sim::builder()
        .seed(oxido_sim::Seed::Empty)
        .rate_limit_per_minute(100_000)
        .rate_limit_per_hour(100_000)
        .in_process()
        .unwrap();
    let create = |n: usize| {
        http::Request::post("/v2/droplets")
            .header("authorization", format!("Bearer {}", oxido_sim::DEMO_TOKEN))
            .body(bytes::Bytes::from(create_body(
                json!({"name": format!("d{n}")}),
            )))
            .unwrap()
    };
    for n in 0..1000 {
        let reply = sim.call(create(n)).await;
        assert_eq!(reply.status().as_u16(), 202, "create {n}");
    }
    let refused = sim.call(create(1000)).await;
    assert_eq!(refused.status().as_u16(), 422);
    let body: Value = serde_json::from_slice(refused.body()).unwrap();
    assert!(
        body["message"].as_str().unwrap().contains("droplets"),
        "{body}"
    );
}

#[tokio::test]
async fn max_actions_is_per_account() {
    let sim = start(
        Sim::builder()
            .max_actions(12)
            .other_account_token("other")
            .action_duration(Duration::ZERO),
    )
    .await;
    for n in 0..20 {
        let body = create_body(json!({"name": format!("other-{n}")}));
        let reply = call(
            &sim,
            Method::POST,
            "/v2/droplets",
            Some("other"),
            Some(&body),
        )
        .await;
        assert_eq!(reply.status.as_u16(), 202, "{}", reply.text);
    }
    let other = call(&sim, Method::GET, "/v2/actions", Some("other"), None).await;
    assert_eq!(other.json()["meta"]["total"], 12);
    // The demo account's history is untouched by the other account's traffic.
    let reply = get(&sim, "/v2/actions/36804636").await;
    assert_eq!(reply.status.as_u16(), 200, "{}", reply.text);
    assert_eq!(sim.action_count(), 12 + 9);
}

#[tokio::test]
async fn a_short_or_badly_chunked_body_is_a_400() {
    let sim = demo(50).await;
    let head = |extra: &str| {
        format!(
            "POST /v2/droplets/3164444/actions HTTP/1.1\r\nHost: sim\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\n{extra}\r\n",
            sim.token()
        )
    };
    let short = format!("{}{{\"type\"", head("Content-Length: 100\r\n"));
    let chunked = format!(
        "{}ZZ\r\nnot a chunk\r\n",
        head("Transfer-Encoding: chunked\r\n")
    );
    for request in [short, chunked] {
        let reply = raw(&sim, request.as_bytes(), true, Duration::from_secs(10)).await;
        assert!(reply.starts_with("HTTP/1.1 400"), "{reply}");
        let body = json_body(&reply);
        assert_eq!(body["id"], "bad_request", "{reply}");
        assert!(reply.contains("x-request-id"), "{reply}");
    }
    // A declared length over the cap is refused before any of it is read.
    let huge = head(&format!("Content-Length: {}\r\n", 2 * MIB));
    let reply = raw(&sim, huge.as_bytes(), false, Duration::from_secs(10)).await;
    assert!(reply.starts_with("HTTP/1.1 413"), "{reply}");
}

#[tokio::test]
async fn a_body_that_never_arrives_times_out() {
    let sim = start(Sim::builder().body_timeout(Duration::from_millis(300))).await;
    let request = format!(
        "POST /v2/droplets/3164444/actions HTTP/1.1\r\nHost: sim\r\nAuthorization: Bearer {}\r\nContent-Length: 100\r\n\r\n",
        sim.token()
    );
    // The write side stays open: only the server's timeout can end this.
    let reply = raw(&sim, request.as_bytes(), false, Duration::from_secs(20)).await;
    assert!(reply.starts_with("HTTP/1.1 408"), "{reply}");
    assert_eq!(json_body(&reply)["id"], "request_timeout");
    assert_eq!(sim.action_count(), 9, "nothing was started");
}

#[tokio::test]
async fn an_idle_connection_is_closed_after_the_idle_timeout() {
    let sim = start(Sim::builder().idle_timeout(Duration::from_millis(300))).await;
    let reply = raw(&sim, b"", false, Duration::from_secs(20)).await;
    assert_eq!(reply, "", "closed without an answer");
}

#[tokio::test]
async fn connections_beyond_the_cap_wait_for_a_free_slot() {
    let sim = start(Sim::builder().max_connections(2)).await;
    let held_a = TcpStream::connect(sim.addr()).await.unwrap();
    let _held_b = TcpStream::connect(sim.addr()).await.unwrap();
    // Give the server the chance to accept the first two.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let waiting = tokio::spawn({
        let addr = sim.addr();
        let request = format!(
            "GET /v2/actions/36804636 HTTP/1.1\r\nHost: sim\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
            sim.token()
        );
        async move {
            let mut stream = TcpStream::connect(addr).await.unwrap();
            stream.write_all(request.as_bytes()).await.unwrap();
            let mut reply = Vec::new();
            stream.read_to_end(&mut reply).await.unwrap();
            String::from_utf8_lossy(&reply).into_owned()
        }
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!waiting.is_finished(), "a third connection was served");
    drop(held_a);
    let reply = tokio::time::timeout(Duration::from_secs(10), waiting)
        .await
        .expect("served once a slot is free")
        .unwrap();
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
}

#[tokio::test]
async fn uncounted_answers_report_the_tokens_real_rate_limit_state() {
    let sim = demo(50).await;
    for _ in 0..3 {
        get(&sim, "/v2/actions/36804636").await;
    }
    let counted = get(&sim, "/v2/actions/36804636").await;
    assert_eq!(counted.header("ratelimit-remaining"), Some("4996"));
    let reset = counted.header("ratelimit-reset").unwrap().to_owned();

    let too_large = post(&sim, "/v2/droplets/3164444/actions", &"x".repeat(MIB + 1)).await;
    too_large.assert_error(413, "request_entity_too_large");
    assert_eq!(too_large.header("ratelimit-remaining"), Some("4996"));
    assert_eq!(too_large.header("ratelimit-reset"), Some(reset.as_str()));

    sim.inject(Fault::status(503).times(1)).unwrap();
    let faulted = get(&sim, "/v2/actions/36804636").await;
    faulted.assert_error(503, "service_unavailable");
    assert_eq!(faulted.header("ratelimit-remaining"), Some("4996"));
    assert_eq!(faulted.header("ratelimit-reset"), Some(reset.as_str()));

    // Without a valid token there is no state to report.
    let anonymous = call(
        &sim,
        Method::POST,
        "/v2/droplets",
        None,
        Some(&"x".repeat(MIB + 1)),
    )
    .await;
    anonymous.assert_error(413, "request_entity_too_large");
    assert!(anonymous.header("ratelimit-remaining").is_none());
    sim.inject(Fault::status(503).times(1)).unwrap();
    let anonymous = call(&sim, Method::GET, "/v2/actions", None, None).await;
    assert_eq!(anonymous.status.as_u16(), 503);
    assert!(anonymous.header("ratelimit-remaining").is_none());
}

#[tokio::test]
async fn an_http11_request_without_host_is_a_400() {
    let sim = demo(50).await;
    let request = format!(
        "GET /v2/actions HTTP/1.1\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
        sim.token()
    );
    let reply = raw(&sim, request.as_bytes(), false, Duration::from_secs(10)).await;
    assert!(reply.starts_with("HTTP/1.1 400"), "{reply}");
    let body = json_body(&reply);
    assert!(body["message"].as_str().unwrap().contains("Host"), "{body}");
}

#[tokio::test]
async fn huge_latency_faults_delay_without_panicking() {
    let sim = demo(50).await;
    let huge: Fault =
        r#"{"route":"/v2/actions","effect":{"kind":"latency","millis":18446744073709551615}}"#
            .parse()
            .unwrap();
    // 1001 such rules summed to more than a Duration holds: the handler panicked.
    let added: Vec<_> = (0..=oxido_sim::MAX_RULES)
        .filter_map(|_| sim.inject(huge.clone()).ok())
        .collect();
    assert_eq!(
        added.len(),
        oxido_sim::MAX_RULES,
        "the rule table is capped"
    );
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(1))
        .build()
        .unwrap();
    let err = client
        .get(format!("{}/v2/actions", sim.base_url()))
        .bearer_auth(sim.token())
        .send()
        .await
        .expect_err("the reply is delayed past the client's timeout");
    // A panicking handler would drop the connection instead.
    assert!(err.is_timeout(), "{err:?}");
    sim.clear_faults();
    assert_eq!(get(&sim, "/v2/actions").await.status.as_u16(), 200);
}

#[tokio::test]
async fn a_weekly_backup_window_falls_on_its_weekday() {
    let sim = demo(20).await;
    let body =
        r#"{"type":"enable_backups","backup_policy":{"plan":"weekly","weekday":"SAT","hour":20}}"#;
    let id = act(&sim, OTHER_DROPLET, body).await;
    wait_action(&sim, id, Duration::from_secs(10)).await;
    let window = &droplet(&sim, OTHER_DROPLET).await["next_backup_window"];
    let start: jiff::Timestamp = window["start"]
        .as_str()
        .expect("start")
        .parse()
        .expect("time");
    let end: jiff::Timestamp = window["end"].as_str().expect("end").parse().expect("time");
    let second = start.as_second();
    // The Unix epoch was a Thursday: Saturday is 6 counted from Sunday.
    assert_eq!((second.div_euclid(86_400) + 4).rem_euclid(7), 6, "{window}");
    assert_eq!(second.rem_euclid(86_400), 20 * 3600, "{window}");
    assert_eq!(end.as_second() - second, 4 * 3600, "{window}");
    let now = jiff::Timestamp::now().as_second();
    assert!(
        end.as_second() > now && second <= now + 7 * 86_400,
        "{window}"
    );
}

#[tokio::test]
async fn faults_set_on_the_builder_apply_from_the_start() {
    let sim = start(
        Sim::builder().fault(
            Fault::status(502)
                .on("GET", "/v2/actions/{action_id}")
                .times(1),
        ),
    )
    .await;
    get(&sim, "/v2/actions/36804636")
        .await
        .assert_error(502, "bad_gateway");
    assert_eq!(get(&sim, "/v2/actions/36804636").await.status.as_u16(), 200);
}

async fn admin(sim: &Sim, method: Method, path: &str, body: Option<&str>) -> Reply {
    call(
        sim,
        method,
        &format!("/_sim{path}"),
        Some(sim.admin_token()),
        body,
    )
    .await
}

#[tokio::test]
async fn the_admin_delete_routes_remove_what_they_name() {
    let sim = demo(20).await;
    let added = admin(
        &sim,
        Method::POST,
        "/faults",
        Some(r#"{"route":"/v2/actions","effect":{"kind":"status","status":500}}"#),
    )
    .await;
    assert_eq!(added.status.as_u16(), 201, "{}", added.text);
    let id = added.json()["id"].as_u64().unwrap();
    assert_eq!(get(&sim, "/v2/actions").await.status.as_u16(), 500);
    let path = format!("/faults/{id}");
    assert_eq!(
        admin(&sim, Method::DELETE, &path, None)
            .await
            .status
            .as_u16(),
        204
    );
    assert_eq!(get(&sim, "/v2/actions").await.status.as_u16(), 200);
    admin(&sim, Method::DELETE, &path, None)
        .await
        .assert_error(404, "not_found");
    admin(&sim, Method::DELETE, &format!("/faults/0{id}"), None)
        .await
        .assert_error(404, "not_found");

    let added = admin(
        &sim,
        Method::POST,
        "/action-failures",
        Some(r#"{"type":"reboot"}"#),
    )
    .await;
    assert_eq!(added.status.as_u16(), 204);
    let cleared = admin(&sim, Method::DELETE, "/action-failures", None).await;
    assert_eq!(cleared.status.as_u16(), 204);
    let id = act(&sim, DROPLET, r#"{"type":"reboot"}"#).await;
    let action = wait_action(&sim, id, Duration::from_secs(10)).await;
    assert_eq!(action["status"], "completed");

    assert!(!sim.requests().is_empty());
    let cleared = admin(&sim, Method::DELETE, "/requests", None).await;
    assert_eq!(cleared.status.as_u16(), 204);
    assert!(sim.requests().is_empty());
    let listed = admin(&sim, Method::GET, "/requests", None).await.json();
    assert_eq!(listed["requests"], json!([]));

    // Without the admin token nothing is removed.
    admin(
        &sim,
        Method::POST,
        "/action-failures",
        Some(r#"{"type":"reboot"}"#),
    )
    .await;
    let refused = call(
        &sim,
        Method::DELETE,
        "/_sim/action-failures",
        Some(sim.token()),
        None,
    )
    .await;
    refused.assert_error(401, "unauthorized");
    let id = act(&sim, DROPLET, r#"{"type":"reboot"}"#).await;
    let action = wait_action(&sim, id, Duration::from_secs(10)).await;
    assert_eq!(action["status"], "errored");
}

#[tokio::test]
async fn errors_raised_by_the_http_layer_have_the_api_shape() {
    let sim = demo(50).await;
    let long_uri = format!(
        "GET /v2/actions?q={} HTTP/1.1\r\nHost: sim\r\n\r\n",
        "a".repeat(70_000)
    );
    let big_header = format!(
        "GET /v2/actions HTTP/1.1\r\nHost: sim\r\nX-Big: {}\r\n\r\n",
        "b".repeat(100_000)
    );
    let many_headers = format!(
        "GET /v2/actions HTTP/1.1\r\nHost: sim\r\n{}\r\n",
        (0..150)
            .map(|n| format!("X-H{n}: v\r\n"))
            .collect::<String>()
    );
    let cases = [
        ("BLAH\u{1}/ nonsense\r\n\r\n".to_owned(), 400, "bad_request"),
        (
            "GET /v2/actions HTTP/1.1\r\nHost: sim\r\nBad Header: x\r\n\r\n".to_owned(),
            400,
            "bad_request",
        ),
        (long_uri, 414, "uri_too_long"),
        (big_header, 431, "request_header_fields_too_large"),
        (many_headers, 431, "request_header_fields_too_large"),
    ];
    for (request, status, id) in cases {
        let reply = raw(&sim, request.as_bytes(), false, Duration::from_secs(10)).await;
        assert!(
            reply.starts_with(&format!("HTTP/1.1 {status} ")),
            "{status}: {}",
            &reply[..reply.len().min(300)]
        );
        let body = json_body(&reply);
        assert_eq!(body["id"], id, "{reply}");
        let request_id = body["request_id"].as_str().unwrap();
        assert!(
            reply.contains(&format!("x-request-id: {request_id}\r\n")),
            "{reply}"
        );
        assert!(reply.contains("content-type: application/json"), "{reply}");
    }
    // The server still serves normally afterwards.
    assert_eq!(get(&sim, "/v2/actions").await.status.as_u16(), 200);
}
