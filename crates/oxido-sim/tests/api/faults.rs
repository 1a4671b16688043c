//! Fault injection, each kind, seen from a plain HTTP client.

use std::time::{Duration, Instant};

use oxido_sim::Fault;
use serde_json::Value;

use crate::common::*;

const ACTION: &str = "/v2/actions/36804636";
const ROUTE: &str = "/v2/actions/{action_id}";

#[tokio::test]
async fn status_fault_for_the_next_request_then_success() {
    let sim = demo(50).await;
    sim.inject(Fault::status(503).on("GET", ROUTE).times(1))
        .unwrap();
    let first = get(&sim, ACTION).await;
    first.assert_error(503, "service_unavailable");
    assert!(first.header("ratelimit-limit").is_some());
    assert_eq!(get(&sim, ACTION).await.status.as_u16(), 200);
    let seen = sim.requests();
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|r| r.method == "GET" && r.path == ACTION));
}

#[tokio::test]
async fn every_server_error_status_uses_the_api_shape() {
    let sim = demo(50).await;
    for (status, id) in [
        (500, "server_error"),
        (502, "bad_gateway"),
        (503, "service_unavailable"),
        (504, "gateway_timeout"),
    ] {
        sim.inject(Fault::status(status).on("GET", ROUTE).times(1))
            .unwrap();
        get(&sim, ACTION).await.assert_error(status, id);
    }
}

#[tokio::test]
async fn status_faults_on_post_leave_state_untouched() {
    let sim = demo(50).await;
    sim.inject(
        Fault::status(500)
            .on("POST", "/v2/droplets/{droplet_id}/actions")
            .times(1),
    )
    .unwrap();
    let reply = post(
        &sim,
        &format!("/v2/droplets/{DROPLET}/actions"),
        r#"{"type":"power_off"}"#,
    )
    .await;
    reply.assert_error(500, "server_error");
    let list = get(&sim, &format!("/v2/droplets/{DROPLET}/actions"))
        .await
        .json();
    assert_eq!(list["meta"]["total"], 3, "no action was created");
    let seen = sim.requests();
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].body, r#"{"type":"power_off"}"#);
}

#[tokio::test]
async fn rate_limit_faults_carry_retry_after_or_a_far_reset() {
    let sim = demo(50).await;
    sim.inject(Fault::too_many_requests(3).on("GET", ROUTE).times(1))
        .unwrap();
    let reply = get(&sim, ACTION).await;
    reply.assert_error(429, "too_many_requests");
    assert_eq!(reply.header("retry-after"), Some("3"));
    assert_eq!(reply.header("ratelimit-remaining"), Some("0"));

    sim.inject(Fault::rate_limit_exhausted().on("GET", ROUTE).times(1))
        .unwrap();
    let reply = get(&sim, ACTION).await;
    reply.assert_error(429, "too_many_requests");
    assert!(reply.header("retry-after").is_none());
    assert_eq!(reply.header("ratelimit-remaining"), Some("0"));
    let reset: i64 = reply.header("ratelimit-reset").unwrap().parse().unwrap();
    assert!(reset >= jiff::Timestamp::now().as_second() + 3000);
    assert_eq!(get(&sim, ACTION).await.status.as_u16(), 200);
}

#[tokio::test]
async fn html_error_page_like_a_proxy() {
    let sim = demo(50).await;
    sim.inject(Fault::html_status(502).on("GET", ROUTE).times(1))
        .unwrap();
    let reply = get(&sim, ACTION).await;
    assert_eq!(reply.status.as_u16(), 502);
    assert!(
        reply
            .header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(reply.text.contains("502 Bad Gateway"));
}

#[tokio::test]
async fn added_latency_delays_the_reply() {
    let sim = demo(50).await;
    sim.inject(Fault::latency(Duration::from_millis(250)).on("GET", ROUTE))
        .unwrap();
    let started = Instant::now();
    assert_eq!(get(&sim, ACTION).await.status.as_u16(), 200);
    assert!(started.elapsed() >= Duration::from_millis(250));
    sim.clear_faults();
    // A pattern matches exactly one segment per placeholder: the list route is not hit.
    sim.inject(Fault::status(503).on("GET", ROUTE)).unwrap();
    assert_eq!(get(&sim, "/v2/actions").await.status.as_u16(), 200);
    assert_eq!(
        get(&sim, "/v2/droplets/3164444/actions/36804636")
            .await
            .status
            .as_u16(),
        200
    );
    assert_eq!(get(&sim, ACTION).await.status.as_u16(), 503);
}

#[tokio::test]
async fn dropped_connection_gives_the_client_an_error_not_a_response() {
    let sim = demo(50).await;
    sim.inject(Fault::drop_connection().on("GET", ROUTE).times(1))
        .unwrap();
    let client = client();
    let url = format!("{}{ACTION}", sim.base_url());
    let result = client.get(&url).bearer_auth(sim.token()).send().await;
    let error = result.expect_err("the connection must be cut without a response");
    assert!(!error.is_status(), "{error:?}");
    // The same client recovers on a new connection.
    let reply = client
        .get(&url)
        .bearer_auth(sim.token())
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status().as_u16(), 200);
    assert_eq!(sim.requests().len(), 2);
}

#[tokio::test]
async fn dropped_post_is_seen_once_and_changes_nothing() {
    let sim = demo(50).await;
    sim.inject(
        Fault::drop_connection()
            .on("POST", "/v2/droplets/{droplet_id}/actions")
            .times(1),
    )
    .unwrap();
    let result = client()
        .post(format!("{}/v2/droplets/{DROPLET}/actions", sim.base_url()))
        .bearer_auth(sim.token())
        .body(r#"{"type":"reboot"}"#)
        .send()
        .await;
    assert!(result.is_err());
    assert_eq!(sim.requests().len(), 1);
    assert_eq!(
        get(&sim, &format!("/v2/droplets/{DROPLET}/actions"))
            .await
            .json()["meta"]["total"],
        3
    );
}

#[tokio::test]
async fn truncated_and_malformed_bodies_do_not_parse() {
    let sim = demo(50).await;
    let full = get(&sim, ACTION).await.text;
    sim.inject(Fault::truncated_body().on("GET", ROUTE).times(1))
        .unwrap();
    let reply = get(&sim, ACTION).await;
    assert_eq!(reply.status.as_u16(), 200);
    assert_eq!(reply.text, full[..full.len() / 2]);
    assert!(serde_json::from_str::<Value>(&reply.text).is_err());

    sim.inject(Fault::malformed_json().on("GET", ROUTE).times(1))
        .unwrap();
    let reply = get(&sim, ACTION).await;
    assert_eq!(reply.status.as_u16(), 200);
    assert_eq!(reply.text.len(), full.len());
    assert!(serde_json::from_str::<Value>(&reply.text).is_err());
}

#[tokio::test]
async fn body_faults_on_post_still_perform_the_action() {
    let sim = demo(50).await;
    sim.inject(
        Fault::truncated_body()
            .on("POST", "/v2/droplets/{droplet_id}/actions")
            .times(1),
    )
    .unwrap();
    let reply = post(
        &sim,
        &format!("/v2/droplets/{DROPLET}/actions"),
        r#"{"type":"reboot"}"#,
    )
    .await;
    assert_eq!(reply.status.as_u16(), 201);
    assert!(serde_json::from_str::<Value>(&reply.text).is_err());
    let list = get(&sim, &format!("/v2/droplets/{DROPLET}/actions"))
        .await
        .json();
    assert_eq!(list["meta"]["total"], 4);
}

#[tokio::test]
async fn oversized_body_is_valid_json_of_the_requested_size() {
    let sim = demo(50).await;
    sim.inject(Fault::oversized_body(10 << 20).on("GET", ROUTE).times(1))
        .unwrap();
    let reply = get(&sim, ACTION).await;
    assert!(reply.text.len() >= 10 << 20);
    let body = reply.json();
    assert_eq!(body["action"]["id"], 36804636);
}

#[tokio::test]
async fn share_selects_a_fraction_of_requests() {
    let sim = demo(50).await;
    let never = sim.inject(Fault::status(500).share(0.0)).unwrap();
    assert_eq!(get(&sim, ACTION).await.status.as_u16(), 200);
    assert!(sim.remove_fault(never));
    sim.inject(Fault::status(500).on("*", "*").share(0.5))
        .unwrap();
    let mut failed = 0;
    for _ in 0..100 {
        if get(&sim, ACTION).await.status.as_u16() == 500 {
            failed += 1;
        }
    }
    assert!((1..100).contains(&failed), "{failed} of 100 failed");
    sim.clear_faults();
    assert_eq!(get(&sim, ACTION).await.status.as_u16(), 200);
}

#[tokio::test]
async fn invalid_faults_are_refused() {
    let sim = demo(50).await;
    let err = sim.inject(Fault::status(1000)).unwrap_err();
    assert!(err.to_string().contains("status"), "{err}");
    let err = sim.inject(Fault::status(500).share(-0.1)).unwrap_err();
    assert!(err.to_string().contains("share"), "{err}");
    let err = sim
        .inject(Fault::status(500).route("v2/actions"))
        .unwrap_err();
    assert!(err.to_string().contains("route"), "{err}");
}
