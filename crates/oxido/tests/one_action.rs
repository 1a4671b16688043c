//! Every action-shaped answer is `oxido::Action`, and a call that starts an action chains its wait:
//! `client.volume_actions().post_by_id(…).wait().await`. Against the emulator, whose actions finish after
//! the configured action duration.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use oxido::types::VolumeActionsPostByIdBody;
use oxido::{Action, ActionStatus, Client, Error};
use oxido_sim::{ActionFailure, Seed, Sim};
use serde_json::json;

/// The volume the demo seed attaches to Droplet 11612190.
const VOLUME: &str = "7724db7c-e098-11e5-b522-000f53304e51";
const DROPLET: u64 = 11612190;

async fn start() -> (Sim, Client) {
    let sim = Sim::builder()
        .seed(Seed::Demo)
        .action_duration(Duration::from_millis(300))
        .start()
        .await
        .expect("emulator starts");
    let client = Client::builder()
        .no_proxy()
        .token(sim.token())
        .base_url(sim.base_url())
        .overall_timeout(Duration::from_secs(20))
        .build()
        .expect("client");
    (sim, client)
}

fn volume_body(kind: &str) -> VolumeActionsPostByIdBody {
    serde_json::from_value(json!({"type": kind, "droplet_id": DROPLET})).expect("a volume action")
}

#[tokio::test]
async fn a_volume_action_is_an_action_and_its_wait_chains_on_the_call() {
    let (sim, client) = start().await;
    // The call's own answer: the one `Action` type, with a plain id and a typed start time.
    let started: Action = client
        .volume_actions()
        .post_by_id(VOLUME, volume_body("detach"))
        .await
        .expect("detach starts");
    assert!(started.id >= 1);
    assert_eq!(started.kind.to_string(), "detach_volume");
    assert!(started.started_at.as_second() > 0);
    let same: Action = client
        .volume_actions()
        .get(VOLUME, started.id)
        .await
        .expect("read back");
    assert_eq!(same.id, started.id);

    sim.clear_requests();
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&seen);
    let done = client
        .volume_actions()
        .post_by_id(VOLUME, volume_body("attach"))
        .wait()
        .timeout(Duration::from_secs(10))
        .on_progress(move |_| {
            counter.fetch_add(1, Ordering::Relaxed);
        })
        .await
        .expect("attach completes");
    assert_eq!(done.status, ActionStatus::Completed);
    assert!(done.completed_at.is_some());
    assert!(seen.load(Ordering::Relaxed) >= 2, "the start and a poll");
    // Polled on the family's own endpoint, with the action id the POST answered.
    let requests = sim.requests();
    assert_eq!(requests[0].method, "POST");
    let poll = format!("/v2/volumes/{VOLUME}/actions/{}", done.id);
    assert!(
        requests[1..]
            .iter()
            .all(|r| r.method == "GET" && r.path == poll),
        "{:?}",
        requests.iter().map(|r| &r.path).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn an_action_started_without_its_resource_id_is_polled_on_v2_actions() {
    let (sim, client) = start().await;
    let body = serde_json::from_value(json!({
        "type": "detach", "droplet_id": DROPLET, "volume_name": "example", "region": "nyc1"
    }))
    .expect("a by-name body");
    sim.clear_requests();
    let done = client
        .volume_actions()
        .post(body)
        .wait()
        .await
        .expect("detach by name completes");
    assert_eq!(done.status, ActionStatus::Completed);
    let requests = sim.requests();
    assert_eq!(requests[0].path, "/v2/volumes/actions");
    let poll = format!("/v2/actions/{}", done.id);
    assert!(requests.len() >= 2);
    assert!(requests[1..].iter().all(|r| r.path == poll));
}

#[tokio::test]
async fn an_errored_action_ends_the_chained_wait_with_the_action() {
    let (sim, client) = start().await;
    sim.fail_actions(ActionFailure::any());
    let err = client
        .volume_actions()
        .post_by_id(VOLUME, volume_body("detach"))
        .wait()
        .timeout(Duration::from_secs(10))
        .await
        .expect_err("the action errors");
    assert!(matches!(err, Error::ActionErrored { .. }), "{err}");
    assert_eq!(
        err.action().map(|a| a.status.clone()),
        Some(ActionStatus::Errored)
    );
}

#[tokio::test]
async fn bad_wait_settings_are_refused_before_anything_is_sent() {
    let (sim, client) = start().await;
    sim.clear_requests();
    let err = client
        .volume_actions()
        .post_by_id(VOLUME, volume_body("detach"))
        .wait()
        .timeout(Duration::ZERO)
        .await
        .expect_err("zero timeout");
    assert!(err.to_string().contains("timeout"), "{err}");
    assert!(sim.requests().is_empty());
}
