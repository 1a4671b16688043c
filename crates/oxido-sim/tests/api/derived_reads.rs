//! Reads that the engine once answered from the documented example, now answered from
//! the objects they describe (issue 16, item 1), and the state behind them: autoscale
//! pool members and accepted image transfers (item 2).

use std::time::{Duration, Instant};

use oxido_sim::Sim;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{conforms, created as create, demo, get, send_json};

/// Reads `path` until `done` holds for its answer (bounded in count and time).
async fn until(sim: &Sim, path: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    for _ in 0..200 {
        let reply = get(sim, path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.text);
        let body = reply.json();
        if done(&body) {
            return body;
        }
        assert!(Instant::now() < deadline, "{path} never settled: {body}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("{path} did not settle within the poll budget");
}

#[tokio::test]
async fn kubernetes_status_messages_and_user_follow_the_cluster() {
    let sim = demo(20).await;
    let cluster = create(
        &sim,
        "/v2/kubernetes/clusters",
        json!({"name": "k1", "region": "nyc1", "version": "latest",
               "node_pools": [{"size": "s-1vcpu-2gb", "name": "p1", "count": 1}]}),
        "kubernetes_cluster",
    )
    .await;
    let id = cluster["id"].as_str().expect("id");
    let messages = get(
        &sim,
        &format!("/v2/kubernetes/clusters/{id}/status_messages"),
    )
    .await;
    assert_eq!(
        messages.json(),
        json!({"messages": []}),
        "no incident, no message"
    );
    let user = get(&sim, &format!("/v2/kubernetes/clusters/{id}/user"))
        .await
        .json();
    let account = get(&sim, "/v2/account").await.json();
    assert_eq!(
        user["kubernetes_cluster_user"]["username"],
        account["account"]["email"]
    );
    assert_eq!(
        user["kubernetes_cluster_user"]["groups"],
        json!(["k8saas:authenticated"])
    );
    for tail in ["status_messages", "user"] {
        let missing = get(
            &sim,
            &format!("/v2/kubernetes/clusters/00000000-0000-4000-8000-000000000000/{tail}"),
        )
        .await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND, "{tail}");
    }
}

#[tokio::test]
async fn database_ca_backups_and_events_describe_the_cluster() {
    let sim = demo(20).await;
    let cluster = create(
        &sim,
        "/v2/databases",
        json!({"name": "events-db", "engine": "pg", "version": "16", "region": "nyc1",
               "size": "db-s-1vcpu-2gb", "num_nodes": 1}),
        "database",
    )
    .await;
    let id = cluster["id"].as_str().expect("id");
    let created = cluster["created_at"]
        .as_str()
        .expect("created_at")
        .to_owned();
    let ca = get(&sim, &format!("/v2/databases/{id}/ca")).await.json();
    let pem = ca["ca"]["certificate"].as_str().expect("certificate");
    assert!(pem.starts_with("LS0tLS1CRUdJTi"), "base64 of a PEM: {pem}");

    let events = get(&sim, &format!("/v2/databases/{id}/events"))
        .await
        .json();
    let events = events["events"].as_array().expect("events");
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["cluster_name"], "events-db");
    assert_eq!(events[0]["event_type"], "cluster_create");
    assert_eq!(events[0]["create_time"].as_str(), Some(created.as_str()));

    until(&sim, &format!("/v2/databases/{id}"), |b| {
        b["database"]["status"] == "online"
    })
    .await;
    let backups = get(&sim, &format!("/v2/databases/{id}/backups"))
        .await
        .json();
    conforms(
        "GET",
        "/v2/databases/{database_cluster_uuid}/backups",
        &backups,
    );
    let list = backups["backups"].as_array().expect("backups");
    assert!(!list.is_empty(), "an online cluster has its first backup");
    for backup in list {
        let at = backup["created_at"].as_str().expect("created_at");
        assert!(
            at >= created.as_str(),
            "backup {at} before the cluster {created}"
        );
    }
    assert_eq!(
        backups["scheduled_backup_time"]["backup_interval_hours"],
        24
    );
}

#[tokio::test]
async fn app_instances_and_log_urls_follow_the_spec() {
    let sim = demo(20).await;
    let app = create(
        &sim,
        "/v2/apps",
        json!({"spec": {"name": "inst", "region": "nyc", "services": [{
            "name": "web", "instance_count": 2,
            "image": {"registry_type": "DOCKER_HUB", "repository": "nginx", "tag": "latest"}}]}}),
        "app",
    )
    .await;
    let id = app["id"].as_str().expect("id");
    let path = format!("/v2/apps/{id}/instances");
    let body = until(&sim, &path, |b| {
        b["instances"].as_array().is_some_and(|i| !i.is_empty())
    })
    .await;
    let instances = body["instances"].as_array().expect("instances");
    assert_eq!(instances.len(), 2, "{body}");
    for (i, instance) in instances.iter().enumerate() {
        assert_eq!(instance["component_name"], "web");
        assert_eq!(instance["component_type"], "SERVICE");
        assert_eq!(instance["instance_alias"], format!("web-{i}"));
        assert!(
            instance["instance_name"]
                .as_str()
                .is_some_and(|n| n.starts_with("web-")),
            "{instance}"
        );
    }
    assert_eq!(get(&sim, &path).await.json(), body, "instances are stable");
    let unknown = get(
        &sim,
        &format!("/v2/apps/{id}/jobs/nightly/invocations/00000000-0000-4000-8000-000000000000/logs?type=JOB_INVOCATION"),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.text);
}

#[tokio::test]
async fn uptime_state_names_the_checks_regions() {
    let sim = demo(20).await;
    let check = create(
        &sim,
        "/v2/uptime/checks",
        json!({"name": "u1", "type": "https", "target": "https://example.com",
               "regions": ["us_east", "eu_west", "se_asia"], "enabled": true}),
        "check",
    )
    .await;
    let id = check["id"].as_str().expect("id");
    let state = get(&sim, &format!("/v2/uptime/checks/{id}/state"))
        .await
        .json();
    let regions = state["state"]["regions"].as_object().expect("regions");
    let mut names: Vec<&str> = regions.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(names, ["eu_west", "se_asia", "us_east"]);
    assert!(regions.values().all(|r| r["status"] == "UP"));
    assert!(
        state["state"].get("previous_outage").is_none(),
        "no outage yet"
    );
}

/// The ids of the Droplets carrying `pool-web`, sorted.
async fn tagged(sim: &Sim) -> Vec<u64> {
    let mut ids: Vec<u64> = get(sim, "/v2/droplets?tag_name=pool-web").await.json()["droplets"]
        .as_array()
        .expect("droplets")
        .iter()
        .filter_map(|d| d["id"].as_u64())
        .collect();
    ids.sort_unstable();
    ids
}

#[tokio::test]
async fn an_autoscale_pool_has_member_droplets_that_follow_its_size() {
    let sim = demo(20).await;
    let template = json!({"size": "c-2", "region": "nyc3", "image": "ubuntu-22-04-x64",
                          "tags": ["pool-web"], "ssh_keys": []});
    let pool = create(
        &sim,
        "/v2/droplets/autoscale",
        json!({"name": "pool1", "config": {"target_number_instances": 2},
               "droplet_template": template}),
        "autoscale_pool",
    )
    .await;
    let id = pool["id"].as_str().expect("id");
    assert_eq!(pool["active_resources_count"], 2);
    let members = get(&sim, &format!("/v2/droplets/autoscale/{id}/members")).await;
    let members = members.json();
    let mut member_ids: Vec<u64> = members["droplets"]
        .as_array()
        .expect("droplets")
        .iter()
        .filter_map(|m| m["droplet_id"].as_u64())
        .collect();
    member_ids.sort_unstable();
    assert_eq!(member_ids.len(), 2, "{members}");
    assert_eq!(
        tagged(&sim).await,
        member_ids,
        "members carry the template's tag"
    );

    let grown = send_json(
        &sim,
        Method::PUT,
        &format!("/v2/droplets/autoscale/{id}"),
        json!({"name": "pool1", "config": {"target_number_instances": 3},
               "droplet_template": template}),
    )
    .await;
    assert_eq!(grown.status, StatusCode::OK, "{}", grown.text);
    let read = get(&sim, &format!("/v2/droplets/autoscale/{id}"))
        .await
        .json();
    assert_eq!(read["autoscale_pool"]["active_resources_count"], 3);
    assert_eq!(tagged(&sim).await.len(), 3);

    let gone = crate::common::call(
        &sim,
        Method::DELETE,
        &format!("/v2/droplets/autoscale/{id}/dangerous"),
        Some(sim.token()),
        None,
    )
    .await;
    assert_eq!(gone.status, StatusCode::ACCEPTED, "{}", gone.text);
    assert!(tagged(&sim).await.is_empty(), "its Droplets went with it");
}

#[tokio::test]
async fn accepting_an_image_transfer_moves_the_image_out() {
    let sim = demo(20).await;
    // The demo's snapshot image, which the image examples transfer.
    let images = get(&sim, "/v2/images?private=true").await.json();
    let image = images["images"]
        .as_array()
        .expect("images")
        .iter()
        .find(|i| i["type"] == "snapshot")
        .and_then(|i| i["id"].as_u64())
        .expect("a snapshot");
    let made = send_json(
        &sim,
        Method::POST,
        &format!("/v2/images/{image}/account_transfer"),
        json!({"recipient_email": "other@example.com"}),
    )
    .await;
    assert!(made.status.is_success(), "{}", made.text);
    let transfer = made.json()["transfer_id"].clone();
    let accepted = send_json(
        &sim,
        Method::POST,
        &format!("/v2/images/{image}/account_transfer/accept"),
        json!({"transfer_id": transfer, "recipient_uuid": "4f6c71e2-1e90-4762-9fee-6cc4a0a9f2cf"}),
    )
    .await;
    assert!(accepted.status.is_success(), "{}", accepted.text);
    let read = get(&sim, &format!("/v2/images/{image}")).await;
    assert_eq!(read.status, StatusCode::NOT_FOUND, "{}", read.text);
    let listed = get(&sim, "/v2/images?private=true").await.json();
    assert!(
        !listed["images"]
            .as_array()
            .expect("images")
            .iter()
            .any(|i| i["id"] == image),
        "the image left the account's list"
    );
}

#[tokio::test]
async fn an_agents_children_are_the_agents_attached_to_it() {
    let sim = demo(20).await;
    let mut ids = Vec::new();
    for name in ["parent", "child"] {
        let agent = create(
            &sim,
            "/v2/gen-ai/agents",
            json!({"name": name, "model_uuid": "12345678-1234-1234-1234-123456789012",
                   "instruction": "answer", "region": "tor1",
                   "project_id": "addb4547-6bab-419a-8542-76263a033cf6"}),
            "agent",
        )
        .await;
        ids.push(agent["uuid"].as_str().expect("uuid").to_owned());
    }
    let children = format!("/v2/gen-ai/agents/{}/child_agents", ids[0]);
    assert_eq!(get(&sim, &children).await.json(), json!({"children": []}));
    let attached = send_json(
        &sim,
        Method::POST,
        &format!("{children}/{}", ids[1]),
        json!({"route_name": "r1", "if_case": "when asked"}),
    )
    .await;
    assert!(attached.status.is_success(), "{}", attached.text);
    let listed = get(&sim, &children).await.json();
    let uuids: Vec<&str> = listed["children"]
        .as_array()
        .expect("children")
        .iter()
        .filter_map(|c| c["uuid"].as_str())
        .collect();
    assert_eq!(uuids, [ids[1].as_str()]);
}

#[tokio::test]
async fn lists_by_parent_hold_only_what_names_the_parent() {
    let sim = demo(20).await;
    let kb = create(
        &sim,
        "/v2/gen-ai/knowledge_bases",
        json!({"name": "kb1", "embedding_model_uuid": "12345678-1234-1234-1234-123456789012",
               "project_id": "addb4547-6bab-419a-8542-76263a033cf6", "region": "tor1",
               "datasources": [{"web_crawler_data_source": {"base_url": "https://example.com"}}]}),
        "knowledge_base",
    )
    .await;
    let uuid = kb["uuid"].as_str().expect("uuid");
    let path = format!("/v2/gen-ai/knowledge_bases/{uuid}/indexing_jobs");
    let before = get(&sim, &path).await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.text);
    let count = |body: &Value| body["jobs"].as_array().map_or(0, Vec::len);
    let had = count(&before.json());
    let started = send_json(
        &sim,
        Method::POST,
        "/v2/gen-ai/indexing_jobs",
        json!({"knowledge_base_uuid": uuid}),
    )
    .await;
    assert!(started.status.is_success(), "{}", started.text);
    let after = get(&sim, &path).await.json();
    assert_eq!(count(&after), had + 1, "{after}");
    assert!(
        after["jobs"]
            .as_array()
            .expect("jobs")
            .iter()
            .all(|j| j["knowledge_base_uuid"] == uuid),
        "{after}"
    );
    let missing = get(
        &sim,
        "/v2/gen-ai/knowledge_bases/00000000-0000-4000-8000-000000000000/indexing_jobs",
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND, "{}", missing.text);
}
