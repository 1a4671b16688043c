//! The generated waiters: every action family polls its own action endpoint (or `/v2/actions/{id}`), and
//! `droplets().wait_active` polls the Droplet until it is `active`.

#![cfg(all(
    feature = "droplets",
    feature = "volume_actions",
    feature = "image_actions",
    feature = "floating_ips_action",
    feature = "reserved_ips_actions",
    feature = "reserved_ipv6_actions",
    feature = "nfs"
))]

use std::time::Duration;

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn action(status: &str) -> serde_json::Value {
    json!({"action": {
        "id": 7, "status": status, "type": "attach_volume", "started_at": "2020-11-12T17:51:03Z",
        "completed_at": null, "resource_id": null, "resource_type": "volume", "region": null, "region_slug": "nyc1"
    }})
}

fn client(server: &MockServer) -> oxido::Client {
    oxido::Client::builder()
        .no_proxy()
        .token("dop_v1_waiters")
        .base_url(server.uri())
        .build()
        .expect("client")
}

/// Answers `in-progress` once, then `completed`, on `route`.
async fn serve_action(server: &MockServer, route: &str) {
    Mock::given(method("GET"))
        .and(path(route))
        .respond_with(ResponseTemplate::new(200).set_body_json(action("in-progress")))
        .up_to_n_times(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(route))
        .respond_with(ResponseTemplate::new(200).set_body_json(action("completed")))
        .mount(server)
        .await;
}

const FAST: (Duration, Duration) = (Duration::from_millis(5), Duration::from_millis(10));

#[tokio::test]
async fn every_action_family_waits_on_its_endpoint() {
    let server = MockServer::start().await;
    let client = client(&server);
    let cases: Vec<(&str, oxido::Wait)> = vec![
        (
            "/v2/volumes/vol-1/actions/7",
            client.volume_actions().wait("vol-1", 7),
        ),
        (
            "/v2/images/42/actions/7",
            client.image_actions().wait(42, 7),
        ),
        (
            "/v2/floating_ips/192.0.2.1/actions/7",
            client.floating_ips_action().wait("192.0.2.1", 7),
        ),
        (
            "/v2/reserved_ips/192.0.2.2/actions/7",
            client.reserved_ips_actions().wait("192.0.2.2", 7),
        ),
        ("/v2/actions/7", client.reserved_ipv6_actions().wait(7)),
        ("/v2/actions/7", client.nfs().wait(7)),
    ];
    for (route, wait) in cases {
        server.reset().await;
        serve_action(&server, route).await;
        let done = wait
            .poll_interval(FAST.0, FAST.1)
            .timeout(Duration::from_secs(20))
            .await
            .unwrap_or_else(|err| panic!("{route}: {err}"));
        assert_eq!(done.id, 7);
        let polls = server.received_requests().await.unwrap_or_default();
        assert_eq!(
            polls.len(),
            2,
            "{route}: one in-progress poll, one completed"
        );
        assert!(polls.iter().all(|r| r.url.path() == route));
    }
}

#[tokio::test]
async fn an_empty_id_is_refused_before_polling() {
    let server = MockServer::start().await;
    let err = client(&server)
        .volume_actions()
        .wait("", 7)
        .await
        .expect_err("empty id");
    assert!(err.is_invalid_argument(), "{err}");
    assert!(
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty()
    );
}

fn droplet(status: &str) -> serde_json::Value {
    let spec: serde_json::Value = serde_json::from_slice(
        &std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../spec/digitalocean-openapi.json"
        ))
        .expect("spec"),
    )
    .expect("json");
    let mut example = spec
        .pointer("/components/examples/droplet_single/value")
        .cloned()
        .unwrap_or_else(|| panic!("the spec's single-Droplet example"));
    example["droplet"]["status"] = json!(status);
    example
}

#[tokio::test]
async fn wait_active_polls_until_the_droplet_is_active() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/droplets/3164444"))
        .respond_with(ResponseTemplate::new(200).set_body_json(droplet("new")))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/droplets/3164444"))
        .respond_with(ResponseTemplate::new(200).set_body_json(droplet("active")))
        .mount(&server)
        .await;
    let droplet = client(&server)
        .droplets()
        .wait_active(3164444)
        .poll_interval(FAST.0, FAST.1)
        .timeout(Duration::from_secs(20))
        .await
        .expect("becomes active");
    assert_eq!(droplet.status, oxido::types::DropletStatus::Active);
    assert_eq!(
        server.received_requests().await.unwrap_or_default().len(),
        3
    );
}

#[tokio::test]
async fn an_archived_droplet_ends_the_wait() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(droplet("archive")))
        .mount(&server)
        .await;
    let err = client(&server)
        .droplets()
        .wait_active(3164444)
        .poll_interval(FAST.0, FAST.1)
        .await
        .expect_err("archived");
    assert!(matches!(err, oxido::Error::WaitFailed { .. }), "{err}");
}
