//! Actions of every family with plain reqwest (the SDK twins are in
//! `tests/sdk_lifecycles.rs`): volume, image, floating/reserved IP, reserved IPv6 and
//! NFS actions are real actions under `/v2/actions`, and volume attachments agree on
//! both sides.

use std::time::Duration;

use oxido_sim::{ActionFailure, Sim};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{
    DROPLET, HOST, OTHER_DROPLET, call, conforms, get, send_json, start, wait_action,
};

const VOLUME: &str = "7724db7c-e098-11e5-b522-000f53304e51";
const PATIENCE: Duration = Duration::from_secs(30);

async fn sim(duration_ms: u64) -> Sim {
    start(Sim::builder().action_duration(Duration::from_millis(duration_ms))).await
}

async fn delete(sim: &Sim, path: &str) -> crate::common::Reply {
    call(sim, Method::DELETE, path, Some(sim.token()), None).await
}

/// Detaches the demo volume from its host (the demo holds it attached), so a test can
/// attach it.
async fn detached(sim: &Sim) {
    let reply = send_json(
        sim,
        Method::POST,
        &format!("/v2/volumes/{VOLUME}/actions"),
        json!({"type": "detach", "droplet_id": HOST, "region": "nyc1"}),
    )
    .await;
    assert_eq!(reply.status.as_u16(), 202, "{}", reply.text);
}

/// Posts an action and returns the answer's `action`, asserting the status.
async fn post_action(sim: &Sim, template: &str, path: &str, body: Value, status: u16) -> Value {
    let reply = send_json(sim, Method::POST, path, body).await;
    assert_eq!(reply.status.as_u16(), status, "{}", reply.text);
    let answer = reply.json();
    conforms("POST", template, &answer);
    answer["action"].clone()
}

#[tokio::test]
async fn a_volume_action_is_a_real_action_that_completes() {
    let sim = sim(300).await;
    detached(&sim).await;
    let action = post_action(
        &sim,
        "/v2/volumes/{volume_id}/actions",
        &format!("/v2/volumes/{VOLUME}/actions"),
        json!({"type": "attach", "droplet_id": HOST, "region": "nyc1"}),
        202,
    )
    .await;
    assert_eq!(action["type"], "attach_volume");
    assert_eq!(action["status"], "in-progress");
    assert_eq!(action["resource_type"], "volume");
    assert!(action["resource_id"].is_null(), "{action}");
    let id = action["id"].as_u64().expect("id");
    let seen = get(&sim, &format!("/v2/actions/{id}")).await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.text);
    conforms("GET", "/v2/actions/{action_id}", &seen.json());
    let done = wait_action(&sim, id, PATIENCE).await;
    assert_eq!(done["status"], "completed");
    assert!(done["completed_at"].is_string());
    // Listed under the volume and under the account, newest first.
    let listed = get(&sim, &format!("/v2/volumes/{VOLUME}/actions"))
        .await
        .json();
    conforms("GET", "/v2/volumes/{volume_id}/actions", &listed);
    assert_eq!(listed["actions"][0]["id"], id);
    assert_eq!(listed["meta"]["total"], 2);
    let one = get(&sim, &format!("/v2/volumes/{VOLUME}/actions/{id}")).await;
    assert_eq!(one.json()["action"]["status"], "completed");
    let all = get(&sim, "/v2/actions?per_page=1").await.json();
    assert_eq!(all["actions"][0]["id"], id);
}

#[tokio::test]
async fn attachments_agree_on_both_sides_and_guard_deletion() {
    let sim = sim(0).await;
    detached(&sim).await;
    // By name, as the by-name examples do.
    post_action(
        &sim,
        "/v2/volumes/actions",
        "/v2/volumes/actions",
        json!({"type": "attach", "volume_name": "example", "droplet_id": HOST, "region": "nyc1"}),
        202,
    )
    .await;
    let droplet = get(&sim, &format!("/v2/droplets/{HOST}")).await.json();
    assert_eq!(droplet["droplet"]["volume_ids"], json!([VOLUME]));
    let volume = get(&sim, &format!("/v2/volumes/{VOLUME}")).await.json();
    assert_eq!(volume["volume"]["droplet_ids"], json!([HOST]));
    let listed = get(&sim, "/v2/volumes").await.json();
    conforms("GET", "/v2/volumes", &listed);
    let attached: Vec<&Value> = listed["volumes"]
        .as_array()
        .expect("volumes")
        .iter()
        .filter(|v| v["droplet_ids"] == json!([HOST]))
        .collect();
    assert_eq!(attached.len(), 1, "{listed}");

    // One Droplet at a time.
    let elsewhere = send_json(
        &sim,
        Method::POST,
        &format!("/v2/volumes/{VOLUME}/actions"),
        json!({"type": "attach", "droplet_id": OTHER_DROPLET, "region": "nyc1"}),
    )
    .await;
    elsewhere.assert_error(422, "unprocessable_entity");

    // Attached: neither delete goes through.
    delete(&sim, &format!("/v2/volumes/{VOLUME}"))
        .await
        .assert_error(409, "conflict");
    delete(&sim, "/v2/volumes?name=example&region=nyc1")
        .await
        .assert_error(409, "conflict");
    assert_eq!(
        get(&sim, &format!("/v2/volumes/{VOLUME}")).await.status,
        StatusCode::OK
    );

    // Deleting the Droplet detaches it.
    let gone = delete(&sim, &format!("/v2/droplets/{HOST}")).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
    let volume = get(&sim, &format!("/v2/volumes/{VOLUME}")).await.json();
    assert_eq!(volume["volume"]["droplet_ids"], json!([]));
    let deleted = delete(&sim, "/v2/volumes?name=example&region=nyc1").await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text);
    assert_eq!(
        get(&sim, &format!("/v2/volumes/{VOLUME}")).await.status,
        StatusCode::NOT_FOUND
    );
    // The nyc3 volume of the same name is another volume and stays.
    let left = get(&sim, "/v2/volumes?name=example").await.json();
    assert_eq!(left["meta"]["total"], 1, "{left}");
}

#[tokio::test]
async fn detaching_and_resizing_change_the_volume() {
    let sim = sim(0).await;
    let path = format!("/v2/volumes/{VOLUME}/actions");
    let template = "/v2/volumes/{volume_id}/actions";
    // The demo volume is attached to its host: a second attach is refused.
    let again = send_json(
        &sim,
        Method::POST,
        &path,
        json!({"type": "attach", "droplet_id": HOST, "region": "nyc1"}),
    )
    .await;
    again.assert_error(422, "unprocessable_entity");
    let detach = post_action(
        &sim,
        template,
        &path,
        json!({"type": "detach", "droplet_id": HOST, "region": "nyc1"}),
        202,
    )
    .await;
    assert_eq!(detach["type"], "detach_volume");
    let droplet = get(&sim, &format!("/v2/droplets/{HOST}")).await.json();
    assert_eq!(droplet["droplet"]["volume_ids"], json!([]));
    let resize = post_action(
        &sim,
        template,
        &path,
        json!({"type": "resize", "size_gigabytes": 500, "region": "nyc1"}),
        202,
    )
    .await;
    assert_eq!(resize["type"], "resize_volume");
    let volume = get(&sim, &format!("/v2/volumes/{VOLUME}")).await.json();
    assert_eq!(volume["volume"]["size_gigabytes"], 500);
    let listed = get(&sim, &format!("{path}?per_page=2")).await.json();
    assert_eq!(listed["meta"]["total"], 2);
    assert_eq!(listed["actions"][0]["type"], "resize_volume");
}

#[tokio::test]
async fn ip_actions_of_every_family_are_real_actions() {
    let sim = sim(0).await;
    let v4 = post_action(
        &sim,
        "/v2/reserved_ips/{reserved_ip}/actions",
        "/v2/reserved_ips/45.55.96.47/actions",
        json!({"type": "assign", "droplet_id": DROPLET}),
        201,
    )
    .await;
    assert_eq!(v4["type"], "assign_ip");
    assert_eq!(v4["resource_type"], "reserved_ip");
    // The address as a 32-bit integer, as the API numbers IPv4 resources.
    assert_eq!(
        v4["resource_id"],
        (45u64 << 24) + (55 << 16) + (96 << 8) + 47
    );
    let id = v4["id"].as_u64().expect("id");
    assert_eq!(wait_action(&sim, id, PATIENCE).await["status"], "completed");
    let listed = get(&sim, "/v2/reserved_ips/45.55.96.47/actions")
        .await
        .json();
    conforms("GET", "/v2/reserved_ips/{reserved_ip}/actions", &listed);
    assert_eq!(listed["actions"][0]["id"], id);
    let ip = get(&sim, "/v2/reserved_ips/45.55.96.47").await.json();
    assert_eq!(ip["reserved_ip"]["droplet"]["id"], DROPLET);

    let v6 = post_action(
        &sim,
        "/v2/reserved_ipv6/{reserved_ipv6}/actions",
        "/v2/reserved_ipv6/2409:40d0:f7:1017:74b4:3a96:105e:4c6e/actions",
        json!({"type": "unassign"}),
        201,
    )
    .await;
    assert_eq!(v6["type"], "unassign_ip");
    assert_eq!(v6["resource_type"], "reserved_ipv6");
    let id = v6["id"].as_u64().expect("id");
    assert_eq!(
        wait_action(&sim, id, PATIENCE).await["resource_type"],
        "reserved_ipv6"
    );
}

#[tokio::test]
async fn nfs_and_image_actions_follow_the_action_duration_and_failure_rules() {
    let sim = sim(200).await;
    sim.fail_actions(ActionFailure::of_type("transfer").times(1));
    let share = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";
    // A VPC the account lacks, or one of another region than the share's, is refused.
    for (vpc, says) in [
        ("vpc-2", "no VPC vpc-2"),
        (
            "c33931f2-a26a-4e61-b85c-4e95a2ec431b",
            "is in nyc3, not in atl1",
        ),
    ] {
        let reply = send_json(
            &sim,
            Method::POST,
            &format!("/v2/nfs/{share}/actions"),
            json!({"type": "attach", "region": "atl1", "params": {"vpc_id": vpc}}),
        )
        .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            reply.text
        );
        assert!(
            reply.text.contains("params.vpc_id") && reply.text.contains(says),
            "{}",
            reply.text
        );
    }
    let vpc = "3f34cdb2-1e4f-4100-b5c7-f55f2762085f";
    let reply = send_json(
        &sim,
        Method::POST,
        &format!("/v2/nfs/{share}/actions"),
        json!({"type": "attach", "region": "atl1", "params": {"vpc_id": vpc}}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let answer = reply.json();
    conforms("POST", "/v2/nfs/{nfs_id}/actions", &answer);
    assert_eq!(answer["action"]["status"], "IN_PROGRESS");
    assert_eq!(answer["action"]["type"], "ATTACH_SHARE");
    let id: u64 = answer["action"]["id"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("a /v2/actions id");
    let done = wait_action(&sim, id, PATIENCE).await;
    assert_eq!(done["status"], "completed");
    let got = get(&sim, &format!("/v2/nfs/{share}")).await.json();
    let vpcs = got["share"]["vpc_ids"].as_array().expect("vpc_ids");
    assert!(vpcs.contains(&json!(vpc)), "{got}");

    // A transfer the failure rule catches ends `errored`; only a backup converts.
    let image = 62137902;
    let path = format!("/v2/images/{image}/actions");
    let reply = send_json(
        &sim,
        Method::POST,
        &path,
        json!({"type": "transfer", "region": "lon1"}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let id = reply.json()["action"]["id"].as_u64().expect("id");
    assert_eq!(wait_action(&sim, id, PATIENCE).await["status"], "errored");
    // A custom image is not a backup.
    let custom = send_json(
        &sim,
        Method::POST,
        "/v2/images",
        json!({"name": "custom", "url": "https://example.com/custom.img", "region": "nyc3"}),
    )
    .await;
    assert_eq!(custom.status, StatusCode::ACCEPTED, "{}", custom.text);
    let custom = custom.json()["image"]["id"].as_u64().expect("an id");
    send_json(
        &sim,
        Method::POST,
        &format!("/v2/images/{custom}/actions"),
        json!({"type": "convert"}),
    )
    .await
    .assert_error(422, "unprocessable_entity");
}

#[tokio::test]
async fn resource_action_history_is_bounded_per_account() {
    let sim = start(
        Sim::builder()
            .action_duration(Duration::ZERO)
            .max_actions(3),
    )
    .await;
    let path = format!("/v2/volumes/{VOLUME}/actions");
    let mut ids = Vec::new();
    for size in 200..205 {
        let reply = send_json(
            &sim,
            Method::POST,
            &path,
            json!({"type": "resize", "size_gigabytes": size, "region": "nyc1"}),
        )
        .await;
        assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text);
        ids.push(reply.json()["action"]["id"].as_u64().expect("id"));
    }
    let listed = get(&sim, &path).await.json();
    assert_eq!(listed["meta"]["total"], 3, "{listed}");
    assert_eq!(
        get(&sim, &format!("/v2/actions/{}", ids[0])).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&sim, &format!("/v2/actions/{}", ids[4])).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn volume_snapshots_list_per_volume_and_with_every_snapshot() {
    let sim = sim(0).await;
    let path = format!("/v2/volumes/{VOLUME}/snapshots");
    let before = get(&sim, &path).await.json();
    assert_eq!(before["meta"]["total"], 0, "{before}");
    let made = send_json(
        &sim,
        Method::POST,
        &path,
        json!({"name": "nightly", "tags": ["db"]}),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let made = made.json();
    conforms("POST", "/v2/volumes/{volume_id}/snapshots", &made);
    let snapshot = &made["snapshot"];
    assert_eq!(snapshot["resource_id"], VOLUME);
    assert_eq!(snapshot["resource_type"], "volume");
    assert_eq!(snapshot["name"], "nightly");
    let id = snapshot["id"].as_str().expect("id").to_owned();

    let listed = get(&sim, &path).await.json();
    conforms("GET", "/v2/volumes/{volume_id}/snapshots", &listed);
    assert_eq!(listed["meta"]["total"], 1);
    assert_eq!(listed["snapshots"][0]["id"], id.as_str());
    let everywhere = get(&sim, "/v2/snapshots?resource_type=volume&per_page=200")
        .await
        .json();
    conforms("GET", "/v2/snapshots", &everywhere);
    let ids: Vec<&str> = everywhere["snapshots"]
        .as_array()
        .expect("snapshots")
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert!(ids.contains(&id.as_str()), "{everywhere}");
    let one = get(&sim, &format!("/v2/volumes/snapshots/{id}")).await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.text);
    assert_eq!(one.json()["snapshot"]["name"], "nightly");
    // Another volume's list does not show it.
    let other = send_json(
        &sim,
        Method::POST,
        "/v2/volumes",
        json!({"name": "other", "size_gigabytes": 10, "region": "nyc1"}),
    )
    .await;
    assert_eq!(other.status, StatusCode::CREATED, "{}", other.text);
    let other_id = other.json()["volume"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let theirs = get(&sim, &format!("/v2/volumes/{other_id}/snapshots"))
        .await
        .json();
    assert_eq!(theirs["meta"]["total"], 0, "{theirs}");

    let gone = delete(&sim, &format!("/v2/volumes/snapshots/{id}")).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
    assert_eq!(get(&sim, &path).await.json()["meta"]["total"], 0);
    assert_eq!(
        get(&sim, &format!("/v2/snapshots/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    // An unknown volume has no snapshot list.
    assert_eq!(
        get(
            &sim,
            "/v2/volumes/00000000-0000-4000-8000-000000000000/snapshots"
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_documented_detach_succeeds_once_and_then_is_refused() {
    let sim = sim(0).await;
    let path = format!("/v2/volumes/{VOLUME}/actions");
    let template = "/v2/volumes/{volume_id}/actions";
    // The demo Droplet the examples name holds the documented volume.
    let host = get(&sim, &format!("/v2/droplets/{HOST}")).await.json();
    assert_eq!(host["droplet"]["volume_ids"], json!([VOLUME]));
    let volume = get(&sim, &format!("/v2/volumes/{VOLUME}")).await.json();
    assert_eq!(volume["volume"]["droplet_ids"], json!([HOST]));
    let detach = json!({"type": "detach", "droplet_id": HOST, "region": "nyc1"});
    post_action(&sim, template, &path, detach.clone(), 202).await;
    // Not attached any more: the API answers 422, and nothing is recorded.
    send_json(&sim, Method::POST, &path, detach)
        .await
        .assert_error(422, "unprocessable_entity");
    send_json(
        &sim,
        Method::POST,
        &path,
        json!({"type": "detach", "droplet_id": DROPLET, "region": "nyc1"}),
    )
    .await
    .assert_error(422, "unprocessable_entity");
    send_json(
        &sim,
        Method::POST,
        "/v2/volumes/actions",
        json!({"type": "detach", "volume_name": "example", "droplet_id": HOST, "region": "nyc1"}),
    )
    .await
    .assert_error(422, "unprocessable_entity");
    let listed = get(&sim, &path).await.json();
    assert_eq!(listed["meta"]["total"], 1, "{listed}");
}

#[tokio::test]
async fn the_documented_image_is_a_backup_that_converts_to_a_snapshot() {
    let sim = sim(0).await;
    let image = get(&sim, "/v2/images/62137902").await;
    assert_eq!(image.status, StatusCode::OK, "{}", image.text);
    let image = image.json();
    conforms("GET", "/v2/images/{image_id}", &image);
    assert_eq!(image["image"]["type"], "backup");
    let backups = get(&sim, &format!("/v2/droplets/{HOST}/backups"))
        .await
        .json();
    assert_eq!(backups["backups"][0]["id"], 62137902, "{backups}");
    let action = post_action(
        &sim,
        "/v2/images/{image_id}/actions",
        "/v2/images/62137902/actions",
        json!({"type": "convert"}),
        201,
    )
    .await;
    let done = wait_action(&sim, action["id"].as_u64().expect("id"), PATIENCE).await;
    assert_eq!(done["status"], "completed");
    let image = get(&sim, "/v2/images/62137902").await.json();
    assert_eq!(image["image"]["type"], "snapshot");
}
