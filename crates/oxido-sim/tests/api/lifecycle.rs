//! Actions start in-progress, complete after the configured duration, and change the droplet.

use std::time::Duration;

use oxido_sim::ActionFailure;
use serde_json::Value;

use crate::common::*;

const LIMIT: Duration = Duration::from_secs(5);

async fn run(sim: &oxido_sim::Sim, droplet_id: u64, body: &str) -> Value {
    let id = act(sim, droplet_id, body).await;
    let action = wait_action(sim, id, LIMIT).await;
    assert_eq!(action["status"], "completed", "{body}: {action}");
    assert!(action["completed_at"].is_string());
    assert_eq!(action["resource_id"], droplet_id);
    droplet(sim, droplet_id).await
}

fn features(d: &Value) -> Vec<String> {
    d["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn power_actions_change_the_status() {
    let sim = demo(30).await;
    for (body, status) in [
        (r#"{"type":"power_off"}"#, "off"),
        (r#"{"type":"power_on"}"#, "active"),
        (r#"{"type":"shutdown"}"#, "off"),
        (r#"{"type":"reboot"}"#, "active"),
        (r#"{"type":"power_off"}"#, "off"),
        (r#"{"type":"power_cycle"}"#, "active"),
    ] {
        let d = run(&sim, DROPLET, body).await;
        assert_eq!(d["status"], status, "{body}");
    }
}

#[tokio::test]
async fn the_droplet_changes_only_when_the_action_completes() {
    // Long enough that the immediate read below cannot race the completion.
    let sim = demo(1500).await;
    let id = act(&sim, DROPLET, r#"{"type":"power_off"}"#).await;
    assert_eq!(droplet(&sim, DROPLET).await["status"], "active");
    let action = wait_action(&sim, id, LIMIT).await;
    assert_eq!(action["status"], "completed");
    assert_eq!(droplet(&sim, DROPLET).await["status"], "off");
    assert!(action["completed_at"].as_str().unwrap() >= action["started_at"].as_str().unwrap());
}

#[tokio::test]
async fn rename_resize_rebuild_restore_kernel() {
    let sim = demo(30).await;
    let d = run(
        &sim,
        DROPLET,
        r#"{"type":"rename","name":"renamed.example"}"#,
    )
    .await;
    assert_eq!(d["name"], "renamed.example");

    let d = run(&sim, DROPLET, r#"{"type":"resize","size":"s-2vcpu-4gb"}"#).await;
    assert_eq!(d["size_slug"], "s-2vcpu-4gb");
    assert_eq!(d["memory"], 4096);
    assert_eq!(d["vcpus"], 2);
    assert_eq!(d["disk"], 25, "disk stays without disk=true");

    let d = run(
        &sim,
        DROPLET,
        r#"{"type":"resize","size":"s-2vcpu-4gb","disk":true}"#,
    )
    .await;
    assert_eq!(d["disk"], 80);
    // A plan with a smaller disk is refused once the disk has grown.
    let reply = post(
        &sim,
        &format!("/v2/droplets/{DROPLET}/actions"),
        r#"{"type":"resize","size":"s-1vcpu-1gb"}"#,
    )
    .await;
    reply.assert_error(422, "unprocessable_entity");

    let d = run(
        &sim,
        DROPLET,
        r#"{"type":"rebuild","image":"debian-12-x64"}"#,
    )
    .await;
    assert_eq!(d["image"]["slug"], "debian-12-x64");
    let d = run(&sim, DROPLET, r#"{"type":"rebuild","image":63663980}"#).await;
    assert_eq!(d["image"]["slug"], "ubuntu-20-04-x64");

    let d = run(&sim, DROPLET, r#"{"type":"power_off"}"#).await;
    assert_eq!(d["status"], "off");
    let d = run(&sim, DROPLET, r#"{"type":"restore","image":53893572}"#).await;
    assert_eq!(d["status"], "active");

    let d = run(&sim, DROPLET, r#"{"type":"change_kernel","kernel":7515}"#).await;
    assert_eq!(d["kernel"]["id"], 7515);

    // Scheduled backups keep coming meanwhile (one per action duration); nothing else moves.
    let mut before = droplet(&sim, DROPLET).await;
    let mut after = run(&sim, DROPLET, r#"{"type":"password_reset"}"#).await;
    before["backup_ids"] = Value::Null;
    after["backup_ids"] = Value::Null;
    assert_eq!(before, after);
}

#[tokio::test]
async fn snapshots_backups_and_ipv6() {
    let sim = demo(30).await;
    let d = run(
        &sim,
        OTHER_DROPLET,
        r#"{"type":"snapshot","name":"before-upgrade"}"#,
    )
    .await;
    assert_eq!(d["snapshot_ids"].as_array().unwrap().len(), 1);
    let d = run(&sim, OTHER_DROPLET, r#"{"type":"snapshot"}"#).await;
    let ids = d["snapshot_ids"].as_array().unwrap();
    assert_eq!(ids.len(), 2);
    assert_ne!(ids[0], ids[1]);

    assert!(!features(&d).contains(&"backups".to_owned()));
    let d = run(
        &sim,
        OTHER_DROPLET,
        r#"{"type":"enable_backups","backup_policy":{"plan":"weekly","weekday":"TUE","hour":4}}"#,
    )
    .await;
    assert!(features(&d).contains(&"backups".to_owned()));
    assert!(
        d["next_backup_window"]["start"]
            .as_str()
            .unwrap()
            .contains("T04:")
    );
    let d = run(
        &sim,
        OTHER_DROPLET,
        r#"{"type":"change_backup_policy","backup_policy":{"plan":"daily","hour":8}}"#,
    )
    .await;
    assert!(
        d["next_backup_window"]["start"]
            .as_str()
            .unwrap()
            .contains("T08:")
    );
    let d = run(&sim, OTHER_DROPLET, r#"{"type":"disable_backups"}"#).await;
    assert!(!features(&d).contains(&"backups".to_owned()));
    assert!(d["next_backup_window"].is_null());

    assert!(d["networks"]["v6"].as_array().unwrap().is_empty());
    let d = run(&sim, OTHER_DROPLET, r#"{"type":"enable_ipv6"}"#).await;
    assert!(features(&d).contains(&"ipv6".to_owned()));
    assert_eq!(d["networks"]["v6"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn actions_by_tag_make_one_action_per_tagged_droplet() {
    let sim = demo(30).await;
    let reply = post(
        &sim,
        "/v2/droplets/actions?tag_name=web",
        r#"{"type":"power_off"}"#,
    )
    .await;
    assert_eq!(reply.status.as_u16(), 201, "{}", reply.text);
    let actions = reply.json()["actions"].as_array().unwrap().clone();
    let mut droplets: Vec<u64> = actions
        .iter()
        .map(|a| a["resource_id"].as_u64().unwrap())
        .collect();
    droplets.sort_unstable();
    assert_eq!(droplets, vec![DROPLET, OTHER_DROPLET]);
    for a in &actions {
        assert_eq!(a["type"], "power_off");
        wait_action(&sim, a["id"].as_u64().unwrap(), LIMIT).await;
    }
    for id in droplets {
        assert_eq!(droplet(&sim, id).await["status"], "off");
    }
    // db-1 (tag db) was untouched.
    assert_eq!(droplet(&sim, 3164494).await["status"], "off");
    assert_eq!(droplet(&sim, 3164510).await["status"], "active");
}

#[tokio::test]
async fn every_action_type_is_accepted_by_tag() {
    let sim = demo(20).await;
    for kind in [
        "enable_backups",
        "disable_backups",
        "power_cycle",
        "shutdown",
        "power_off",
        "power_on",
        "enable_ipv6",
        "snapshot",
    ] {
        let reply = post(
            &sim,
            "/v2/droplets/actions?tag_name=db",
            &format!(r#"{{"type":"{kind}"}}"#),
        )
        .await;
        assert_eq!(reply.status.as_u16(), 201, "{kind}: {}", reply.text);
        let actions = reply.json()["actions"].as_array().unwrap().clone();
        assert_eq!(actions.len(), 1);
        wait_action(&sim, actions[0]["id"].as_u64().unwrap(), LIMIT).await;
    }
}

#[tokio::test]
async fn create_and_delete_a_droplet() {
    let sim = demo(50).await;
    let reply = post(
        &sim,
        "/v2/droplets",
        r#"{"name":"api-1","region":"fra1","size":"s-1vcpu-2gb","image":"ubuntu-22-04-x64","tags":["api"],"ipv6":true}"#,
    )
    .await;
    assert_eq!(reply.status.as_u16(), 202, "{}", reply.text);
    let body = reply.json();
    let d = &body["droplet"];
    assert_eq!(d["status"], "new");
    assert_eq!(d["region"]["slug"], "fra1");
    let link = &body["links"]["actions"][0];
    assert_eq!(link["rel"], "create");
    let action_id = link["id"].as_u64().unwrap();
    assert_eq!(
        link["href"],
        format!("{}/v2/actions/{action_id}", sim.base_url())
    );
    let action = wait_action(&sim, action_id, LIMIT).await;
    assert_eq!(action["type"], "create");
    assert_eq!(action["status"], "completed");
    let id = d["id"].as_u64().unwrap();
    let d = droplet(&sim, id).await;
    assert_eq!(d["status"], "active");
    assert!(!d["networks"]["v4"].as_array().unwrap().is_empty());
    let tagged = get(&sim, "/v2/droplets?tag_name=api").await.json();
    assert_eq!(tagged["meta"]["total"], 1);

    let reply = crate::common::call(
        &sim,
        reqwest::Method::DELETE,
        &format!("/v2/droplets/{id}"),
        Some(sim.token()),
        None,
    )
    .await;
    assert_eq!(reply.status.as_u16(), 204);
    assert!(reply.text.is_empty());
    get(&sim, &format!("/v2/droplets/{id}"))
        .await
        .assert_error(404, "not_found");
    // Its actions stay readable.
    assert_eq!(
        get(&sim, &format!("/v2/actions/{action_id}"))
            .await
            .status
            .as_u16(),
        200
    );
}

#[tokio::test]
async fn failure_rules_make_actions_end_errored_without_effect() {
    let sim = demo(30).await;
    sim.fail_actions(ActionFailure::of_type("power_off").times(1));
    let id = act(&sim, DROPLET, r#"{"type":"power_off"}"#).await;
    let action = wait_action(&sim, id, LIMIT).await;
    assert_eq!(action["status"], "errored");
    assert!(action["completed_at"].is_string());
    assert_eq!(droplet(&sim, DROPLET).await["status"], "active");
    // The rule was used up: the next one completes.
    let d = run(&sim, DROPLET, r#"{"type":"power_off"}"#).await;
    assert_eq!(d["status"], "off");
    // Other types are unaffected by a typed rule.
    sim.fail_actions(ActionFailure::of_type("rename"));
    let d = run(&sim, DROPLET, r#"{"type":"power_on"}"#).await;
    assert_eq!(d["status"], "active");
}

#[tokio::test]
async fn actions_can_be_made_to_never_complete() {
    let sim = demo(30).await;
    sim.set_action_duration(Duration::MAX);
    let id = act(&sim, DROPLET, r#"{"type":"reboot"}"#).await;
    tokio::time::sleep(Duration::from_millis(150)).await;
    let action = get(&sim, &format!("/v2/actions/{id}")).await.json();
    assert_eq!(action["action"]["status"], "in-progress");
    assert!(action["action"]["completed_at"].is_null());
}
