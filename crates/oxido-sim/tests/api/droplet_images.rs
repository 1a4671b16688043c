//! A Droplet's snapshots, backups, kernels and neighbors reflect its state, with
//! plain reqwest: a snapshot action's image appears in the Droplet's snapshots, under
//! `/v2/snapshots` and under `/v2/images` once it completes.

use std::time::Duration;

use oxido_sim::Sim;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{
    DROPLET, OTHER_DROPLET, act, call, conforms, droplet, get, post, start, wait_action,
};

const PATIENCE: Duration = Duration::from_secs(30);

async fn delete(sim: &Sim, path: &str) -> crate::common::Reply {
    call(sim, Method::DELETE, path, Some(sim.token()), None).await
}

fn ids(body: &Value, member: &str) -> Vec<Value> {
    body[member]
        .as_array()
        .unwrap_or_else(|| panic!("{member} in {body}"))
        .iter()
        .map(|i| i["id"].clone())
        .collect()
}

#[tokio::test]
async fn the_demo_droplet_lists_its_own_snapshot_and_backup() {
    let sim = start(Sim::builder()).await;
    let snapshots = get(&sim, &format!("/v2/droplets/{DROPLET}/snapshots")).await;
    assert_eq!(snapshots.status, StatusCode::OK, "{}", snapshots.text);
    let snapshots = snapshots.json();
    conforms("GET", "/v2/droplets/{droplet_id}/snapshots", &snapshots);
    assert_eq!(ids(&snapshots, "snapshots"), vec![json!(67512819)]);
    assert_eq!(snapshots["snapshots"][0]["type"], "snapshot");
    let backups = get(&sim, &format!("/v2/droplets/{DROPLET}/backups"))
        .await
        .json();
    conforms("GET", "/v2/droplets/{droplet_id}/backups", &backups);
    assert_eq!(ids(&backups, "backups"), vec![json!(53893572)]);
    // A Droplet without any has empty lists; an unknown one is a 404.
    let none = get(&sim, &format!("/v2/droplets/{OTHER_DROPLET}/snapshots"))
        .await
        .json();
    assert_eq!(none["meta"]["total"], 0);
    assert_eq!(
        get(&sim, "/v2/droplets/999/backups").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_snapshot_action_adds_an_image_everywhere_once_it_completes() {
    let sim = start(Sim::builder().action_duration(Duration::from_millis(300))).await;
    let id = act(
        &sim,
        OTHER_DROPLET,
        r#"{"type":"snapshot","name":"before-upgrade"}"#,
    )
    .await;
    let path = format!("/v2/droplets/{OTHER_DROPLET}/snapshots");
    // Not yet: the action is still in progress.
    assert_eq!(get(&sim, &path).await.json()["meta"]["total"], 0);
    assert_eq!(wait_action(&sim, id, PATIENCE).await["status"], "completed");
    let listed = get(&sim, &path).await.json();
    conforms("GET", "/v2/droplets/{droplet_id}/snapshots", &listed);
    assert_eq!(listed["meta"]["total"], 1, "{listed}");
    let snapshot = &listed["snapshots"][0];
    assert_eq!(snapshot["name"], "before-upgrade");
    let image_id = snapshot["id"].as_u64().expect("id");
    assert_eq!(
        droplet(&sim, OTHER_DROPLET).await["snapshot_ids"],
        json!([image_id])
    );

    let all = get(&sim, "/v2/snapshots?resource_type=droplet&per_page=200")
        .await
        .json();
    conforms("GET", "/v2/snapshots", &all);
    assert!(
        ids(&all, "snapshots").contains(&json!(image_id.to_string())),
        "{all}"
    );
    let one = get(&sim, &format!("/v2/snapshots/{image_id}")).await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.text);
    let one = one.json();
    conforms("GET", "/v2/snapshots/{snapshot_id}", &one);
    assert_eq!(one["snapshot"]["resource_id"], OTHER_DROPLET.to_string());
    let image = get(&sim, &format!("/v2/images/{image_id}")).await;
    assert_eq!(image.status, StatusCode::OK, "{}", image.text);
    let image = image.json();
    conforms("GET", "/v2/images/{image_id}", &image);
    assert_eq!(image["image"]["type"], "snapshot");
    let images = get(&sim, "/v2/images?per_page=200").await.json();
    conforms("GET", "/v2/images", &images);
    assert!(
        ids(&images, "images").contains(&json!(image_id)),
        "{images}"
    );

    let gone = delete(&sim, &format!("/v2/snapshots/{image_id}")).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
    assert_eq!(
        droplet(&sim, OTHER_DROPLET).await["snapshot_ids"],
        json!([])
    );
    assert_eq!(get(&sim, &path).await.json()["meta"]["total"], 0);
}

#[tokio::test]
async fn deleting_a_droplet_keeps_its_snapshots_and_drops_its_backups() {
    let sim = start(Sim::builder()).await;
    let gone = delete(&sim, &format!("/v2/droplets/{DROPLET}")).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
    assert_eq!(
        get(&sim, "/v2/snapshots/67512819").await.status,
        StatusCode::OK
    );
    assert_eq!(
        get(&sim, "/v2/images/53893572").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn neighbors_share_a_region_and_kernels_include_the_running_one() {
    let sim = start(Sim::builder().action_duration(Duration::from_millis(100))).await;
    let alone = get(&sim, &format!("/v2/droplets/{DROPLET}/neighbors")).await;
    assert_eq!(alone.status, StatusCode::OK, "{}", alone.text);
    conforms("GET", "/v2/droplets/{droplet_id}/neighbors", &alone.json());
    assert_eq!(alone.json()["droplets"], json!([]));
    let made = post(
        &sim,
        "/v2/droplets",
        r#"{"name":"near","region":"nyc3","size":"s-1vcpu-1gb","image":"ubuntu-22-04-x64"}"#,
    )
    .await;
    assert_eq!(made.status, StatusCode::ACCEPTED, "{}", made.text);
    let near = made.json()["droplet"]["id"].as_u64().expect("id");
    let together = get(&sim, &format!("/v2/droplets/{DROPLET}/neighbors"))
        .await
        .json();
    assert_eq!(ids(&together, "droplets"), vec![json!(near)]);
    let report = get(&sim, "/v2/reports/droplet_neighbors_ids").await.json();
    conforms("GET", "/v2/reports/droplet_neighbors_ids", &report);
    // nyc1 holds the volume's host and the demo Kubernetes nodes' workers; sfo3 db-1 and
    // the Droplets the firewall, load balancer, reserved IP and project examples name.
    let workers: Vec<u64> = (205_545_370..205_545_380).collect();
    assert_eq!(
        report["neighbor_ids"],
        json!([
            std::iter::once(crate::common::HOST)
                .chain(workers)
                .collect::<Vec<u64>>(),
            [DROPLET, near],
            [2457247, 3164445, 3164494, 8043964, 13457723]
        ])
    );

    let kernels = get(&sim, &format!("/v2/droplets/{DROPLET}/kernels"))
        .await
        .json();
    conforms("GET", "/v2/droplets/{droplet_id}/kernels", &kernels);
    assert_eq!(kernels["meta"]["total"], 3);
    let id = act(&sim, DROPLET, r#"{"type":"change_kernel","kernel":424242}"#).await;
    wait_action(&sim, id, PATIENCE).await;
    let kernels = get(&sim, &format!("/v2/droplets/{DROPLET}/kernels"))
        .await
        .json();
    assert_eq!(kernels["meta"]["total"], 4);
    assert!(
        ids(&kernels, "kernels").contains(&json!(424242)),
        "{kernels}"
    );
}

/// Polls the Droplet's backups until there are at least `n` (bounded).
async fn backups_at_least(sim: &Sim, id: u64, n: usize) -> Value {
    let deadline = std::time::Instant::now() + PATIENCE;
    loop {
        let body = get(sim, &format!("/v2/droplets/{id}/backups")).await.json();
        if body["backups"].as_array().map_or(0, Vec::len) >= n {
            return body;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "fewer than {n} backups after {PATIENCE:?}: {body}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn backups_come_every_24_action_durations_once_enabled_and_stop_when_disabled() {
    // An action duration of 10 ms is the schedule's hour: a daily backup every 240 ms.
    let sim = start(Sim::builder().action_duration(Duration::from_millis(10))).await;
    let none = get(&sim, &format!("/v2/droplets/{OTHER_DROPLET}/backups"))
        .await
        .json();
    assert_eq!(none["meta"]["total"], 0);
    let enable = act(&sim, OTHER_DROPLET, r#"{"type":"enable_backups"}"#).await;
    assert_eq!(
        wait_action(&sim, enable, PATIENCE).await["status"],
        "completed"
    );
    let policy = get(
        &sim,
        &format!("/v2/droplets/{OTHER_DROPLET}/backups/policy"),
    )
    .await;
    assert_eq!(policy.status, StatusCode::OK, "{}", policy.text);
    let policy = policy.json();
    conforms("GET", "/v2/droplets/{droplet_id}/backups/policy", &policy);
    assert_eq!(policy["policy"]["droplet_id"], OTHER_DROPLET);
    assert_eq!(policy["policy"]["backup_enabled"], true);
    assert_eq!(policy["policy"]["backup_policy"]["plan"], "daily");

    let backups = backups_at_least(&sim, OTHER_DROPLET, 2).await;
    conforms("GET", "/v2/droplets/{droplet_id}/backups", &backups);
    let listed = backups["backups"].as_array().expect("backups").clone();
    assert!(listed.len() <= 7, "a daily plan keeps 7: {backups}");
    assert!(listed.iter().all(|b| b["type"] == "backup"));
    // Oldest first, each at its own tick.
    let times: Vec<&str> = listed
        .iter()
        .map(|b| b["created_at"].as_str().expect("time"))
        .collect();
    let mut sorted = times.clone();
    sorted.sort_unstable();
    assert_eq!(times, sorted);
    let first = listed[0]["id"].as_u64().expect("id");
    let image = get(&sim, &format!("/v2/images/{first}")).await.json();
    assert_eq!(image["image"]["type"], "backup");
    let on_droplet = droplet(&sim, OTHER_DROPLET).await;
    assert!(
        on_droplet["backup_ids"]
            .as_array()
            .expect("ids")
            .contains(&json!(first))
    );

    // Past the retention the oldest go: never more than 7.
    tokio::time::sleep(Duration::from_millis(240 * 9)).await;
    let later = get(&sim, &format!("/v2/droplets/{OTHER_DROPLET}/backups"))
        .await
        .json();
    assert!(
        later["meta"]["total"].as_u64().expect("total") <= 7,
        "{later}"
    );

    let disable = act(&sim, OTHER_DROPLET, r#"{"type":"disable_backups"}"#).await;
    assert_eq!(
        wait_action(&sim, disable, PATIENCE).await["status"],
        "completed"
    );
    let kept = get(&sim, &format!("/v2/droplets/{OTHER_DROPLET}/backups"))
        .await
        .json()["meta"]["total"]
        .clone();
    tokio::time::sleep(Duration::from_millis(600)).await;
    let after = get(&sim, &format!("/v2/droplets/{OTHER_DROPLET}/backups"))
        .await
        .json();
    assert_eq!(after["meta"]["total"], kept, "no backups once disabled");
    let policy = get(
        &sim,
        &format!("/v2/droplets/{OTHER_DROPLET}/backups/policy"),
    )
    .await
    .json();
    assert_eq!(policy["policy"]["backup_enabled"], false);
}

#[tokio::test]
async fn without_an_action_duration_there_are_no_scheduled_backups() {
    let sim = start(Sim::builder().action_duration(Duration::ZERO)).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let backups = get(&sim, &format!("/v2/droplets/{DROPLET}/backups"))
        .await
        .json();
    assert_eq!(ids(&backups, "backups"), vec![json!(53893572)]);
    let policies = get(&sim, "/v2/droplets/backups/policies").await.json();
    conforms("GET", "/v2/droplets/backups/policies", &policies);
    assert_eq!(
        policies["policies"][DROPLET.to_string()]["backup_enabled"],
        true
    );
    assert_eq!(
        policies["policies"][OTHER_DROPLET.to_string()]["backup_enabled"],
        false
    );
}
