//! Many clients at once never see torn state.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_posts_start_exactly_one_action() {
    let sim = Arc::new(demo(60_000).await);
    let mut tasks = Vec::new();
    for i in 0..32 {
        let sim = sim.clone();
        tasks.push(tokio::spawn(async move {
            let kind = if i % 2 == 0 { "reboot" } else { "power_off" };
            post(
                &sim,
                &format!("/v2/droplets/{DROPLET}/actions"),
                &format!(r#"{{"type":"{kind}"}}"#),
            )
            .await
            .status
            .as_u16()
        }));
    }
    let mut counts: HashMap<u16, usize> = HashMap::new();
    for task in tasks {
        *counts.entry(task.await.unwrap()).or_default() += 1;
    }
    assert_eq!(counts.get(&201), Some(&1), "{counts:?}");
    assert_eq!(counts.get(&422), Some(&31), "{counts:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_posters_and_readers_never_see_two_in_progress_or_a_second_completion() {
    let sim = Arc::new(
        start(
            oxido_sim::Sim::builder()
                .action_duration(Duration::from_millis(15))
                .rate_limit_per_minute(100_000)
                .rate_limit_per_hour(100_000),
        )
        .await,
    );
    let mut posters = Vec::new();
    for _ in 0..8 {
        let sim = sim.clone();
        posters.push(tokio::spawn(async move {
            let mut created = 0;
            for _ in 0..40 {
                let reply = post(
                    &sim,
                    &format!("/v2/droplets/{DROPLET}/actions"),
                    r#"{"type":"power_cycle"}"#,
                )
                .await;
                match reply.status.as_u16() {
                    201 => created += 1,
                    422 => {}
                    other => panic!("unexpected {other}: {}", reply.text),
                }
                tokio::time::sleep(Duration::from_millis(3)).await;
            }
            created
        }));
    }
    let reader = {
        let sim = sim.clone();
        tokio::spawn(async move {
            // Once seen completed, an action's completion time never changes.
            let mut completed: HashMap<u64, String> = HashMap::new();
            for _ in 0..60 {
                let page = get(
                    &sim,
                    &format!("/v2/droplets/{DROPLET}/actions?per_page=200"),
                )
                .await
                .json();
                let actions = page["actions"].as_array().unwrap();
                let in_progress = actions
                    .iter()
                    .filter(|a| a["status"] == "in-progress")
                    .count();
                assert!(in_progress <= 1, "{in_progress} in progress at once");
                for a in actions {
                    let id = a["id"].as_u64().unwrap();
                    if a["status"] == "completed" {
                        let at = a["completed_at"].as_str().unwrap().to_owned();
                        if let Some(previous) = completed.insert(id, at.clone()) {
                            assert_eq!(previous, at, "action {id} completed twice");
                        }
                    } else if completed.contains_key(&id) {
                        panic!("action {id} went back to {}", a["status"]);
                    }
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };
    let mut created = 0;
    for poster in posters {
        created += poster.await.unwrap();
    }
    reader.await.unwrap();
    assert!(created >= 1);
    let page: Value = get(&sim, &format!("/v2/droplets/{DROPLET}/actions?per_page=1"))
        .await
        .json();
    assert_eq!(page["meta"]["total"], 3 + created);
}

/// Readers take the read lock and upgrade only to settle a finished action: many
/// readers racing to upgrade (single GETs and lists) still apply a snapshot once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_readers_settle_a_finished_action_exactly_once() {
    let sim = demo(50).await;
    let before = droplet(&sim, DROPLET).await["snapshot_ids"]
        .as_array()
        .unwrap()
        .len();
    let id = act(&sim, DROPLET, r#"{"type":"snapshot"}"#).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let sim = Arc::new(sim);
    let mut readers = tokio::task::JoinSet::new();
    for i in 0..32 {
        let sim = Arc::clone(&sim);
        readers.spawn(async move {
            let path = if i % 2 == 0 {
                format!("/v2/droplets/{DROPLET}")
            } else {
                "/v2/droplets?per_page=200".to_owned()
            };
            get(&sim, &path).await.status.as_u16()
        });
    }
    while let Some(status) = readers.join_next().await {
        assert_eq!(status.unwrap(), 200);
    }
    let action = wait_action(&sim, id, Duration::from_secs(5)).await;
    assert_eq!(action["status"], "completed");
    let d = droplet(&sim, DROPLET).await;
    assert_eq!(
        d["snapshot_ids"].as_array().unwrap().len(),
        before + 1,
        "{d}"
    );
}
