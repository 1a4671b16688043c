//! The `/_sim/` admin routes.

use reqwest::Method;
use serde_json::Value;

use crate::common::*;

async fn admin(sim: &oxido_sim::Sim, method: Method, path: &str, body: Option<&str>) -> Reply {
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
async fn faults_through_the_admin_route() {
    let sim = demo(50).await;
    let reply = admin(
        &sim,
        Method::POST,
        "/faults",
        Some(r#"{"method":"GET","route":"/v2/actions/{action_id}","times":1,"effect":{"kind":"status","status":503,"retry_after":2}}"#),
    )
    .await;
    assert_eq!(reply.status.as_u16(), 201, "{}", reply.text);
    let listed = admin(&sim, Method::GET, "/faults", None).await.json();
    assert_eq!(listed["faults"].as_array().unwrap().len(), 1);
    let faulted = get(&sim, "/v2/actions/36804636").await;
    assert_eq!(faulted.status.as_u16(), 503);
    assert_eq!(faulted.header("retry-after"), Some("2"));
    assert_eq!(get(&sim, "/v2/actions/36804636").await.status.as_u16(), 200);

    let bad = admin(
        &sim,
        Method::POST,
        "/faults",
        Some(r#"{"effect":{"kind":"status","status":42}}"#),
    )
    .await;
    let body = bad.assert_error(422, "unprocessable_entity");
    assert!(body["message"].as_str().unwrap().contains("status"));
    let bad = admin(
        &sim,
        Method::POST,
        "/faults",
        Some(r#"{"effect":{"kind":"melt"}}"#),
    )
    .await;
    bad.assert_error(422, "unprocessable_entity");

    admin(
        &sim,
        Method::POST,
        "/faults",
        Some(r#"{"effect":{"kind":"status","status":500}}"#),
    )
    .await;
    assert_eq!(
        admin(&sim, Method::DELETE, "/faults", None)
            .await
            .status
            .as_u16(),
        204
    );
    assert_eq!(get(&sim, "/v2/actions/36804636").await.status.as_u16(), 200);
}

#[tokio::test]
async fn requests_are_listed_and_reset_restores_the_seed() {
    let sim = demo(20).await;
    post(
        &sim,
        "/v2/droplets/3164444/actions",
        r#"{"type":"power_off"}"#,
    )
    .await;
    get(&sim, "/v2/actions?page=2").await;
    let listed: Value = admin(&sim, Method::GET, "/requests", None).await.json();
    let requests = listed["requests"].as_array().unwrap();
    assert_eq!(requests.len(), 2, "admin calls are not logged: {listed}");
    assert_eq!(requests[0]["method"], "POST");
    assert_eq!(requests[0]["body"], r#"{"type":"power_off"}"#);
    assert_eq!(requests[1]["path"], "/v2/actions?page=2");

    assert_eq!(
        admin(&sim, Method::POST, "/reset", None)
            .await
            .status
            .as_u16(),
        204
    );
    assert!(sim.requests().is_empty());
    let list = get(&sim, "/v2/droplets/3164444/actions").await.json();
    assert_eq!(list["meta"]["total"], 3);
    assert_eq!(droplet(&sim, DROPLET).await["status"], "active");
}

#[tokio::test]
async fn action_failures_and_duration_through_the_admin_route() {
    let sim = demo(20).await;
    let reply = admin(
        &sim,
        Method::POST,
        "/action-failures",
        Some(r#"{"type":"reboot","times":1}"#),
    )
    .await;
    assert_eq!(reply.status.as_u16(), 204, "{}", reply.text);
    let id = act(&sim, DROPLET, r#"{"type":"reboot"}"#).await;
    let action = wait_action(&sim, id, std::time::Duration::from_secs(5)).await;
    assert_eq!(action["status"], "errored");

    let reply = admin(
        &sim,
        Method::PUT,
        "/action-duration",
        Some(r#"{"duration":"1h"}"#),
    )
    .await;
    assert_eq!(reply.status.as_u16(), 204);
    let id = act(&sim, DROPLET, r#"{"type":"reboot"}"#).await;
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let action = get(&sim, &format!("/v2/actions/{id}")).await.json();
    assert_eq!(action["action"]["status"], "in-progress");
    let bad = admin(
        &sim,
        Method::PUT,
        "/action-duration",
        Some(r#"{"duration":"soon"}"#),
    )
    .await;
    bad.assert_error(422, "unprocessable_entity");
}

#[tokio::test]
async fn shutdown_lets_in_flight_requests_finish_then_closes_the_port() {
    let sim = demo(50).await;
    let addr = sim.addr();
    sim.inject(oxido_sim::Fault::latency(std::time::Duration::from_millis(
        300,
    )))
    .unwrap();
    let url = format!("{}/v2/actions/36804636", sim.base_url());
    let token = sim.token().to_owned();
    let in_flight = tokio::spawn(async move { client().get(url).bearer_auth(token).send().await });
    // Let the request reach the server before shutting down.
    for _ in 0..100 {
        if !sim.requests().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    sim.shutdown().await;
    let reply = in_flight
        .await
        .unwrap()
        .expect("the in-flight request is answered");
    assert_eq!(reply.status().as_u16(), 200);
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn dropping_the_handle_stops_the_server() {
    let sim = demo(50).await;
    let addr = sim.addr();
    drop(sim);
    let mut closed = false;
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            closed = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(closed, "port {addr} still accepts after drop");
}
