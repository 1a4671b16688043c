//! Resources whose effects and statuses a test against the real API would check,
//! through plain reqwest: volumes and Droplets, reserved IPs, tags, and the
//! long-running Kubernetes clusters, databases and app deployments.

use std::time::{Duration, Instant};

use oxido_sim::Sim;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{DROPLET, HOST, call, conforms, get, post, send_json, start};

const VOLUME: &str = "7724db7c-e098-11e5-b522-000f53304e51";

/// Reads `path` until `pointer` reads `want` (bounded by `limit`).
async fn until(
    sim: &Sim,
    template: &str,
    path: &str,
    pointer: &str,
    want: &str,
    limit: Duration,
) -> Value {
    let deadline = Instant::now() + limit;
    for _ in 0..500 {
        let reply = get(sim, path).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        let body = reply.json();
        if body.pointer(pointer).and_then(Value::as_str) == Some(want) {
            conforms("GET", template, &body);
            return body;
        }
        assert!(
            Instant::now() < deadline,
            "{path} {pointer} never became {want}: {body}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{path} did not settle within the poll budget");
}

#[tokio::test]
async fn volumes_attach_detach_and_grow() {
    let sim = start(Sim::builder()).await;
    let actions = format!("/v2/volumes/{VOLUME}/actions");
    // The demo holds the volume attached to its host.
    let detach = send_json(
        &sim,
        Method::POST,
        &actions,
        json!({"type": "detach", "droplet_id": HOST, "region": "nyc1"}),
    )
    .await;
    assert_eq!(detach.status, StatusCode::ACCEPTED, "{}", detach.text);
    let attach = send_json(
        &sim,
        Method::POST,
        &actions,
        json!({"type": "attach", "droplet_id": HOST, "region": "nyc1"}),
    )
    .await;
    assert_eq!(attach.status, StatusCode::ACCEPTED, "{}", attach.text);
    assert_eq!(attach.json()["action"]["type"], "attach_volume");
    let volume = get(&sim, &format!("/v2/volumes/{VOLUME}")).await.json();
    assert_eq!(volume["volume"]["droplet_ids"], json!([HOST]));
    conforms("GET", "/v2/volumes/{volume_id}", &volume);
    let unknown = send_json(
        &sim,
        Method::POST,
        &actions,
        json!({"type": "attach", "droplet_id": 999, "region": "nyc1"}),
    )
    .await;
    unknown.assert_error(422, "unprocessable_entity");
    let detach = send_json(
        &sim,
        Method::POST,
        &actions,
        json!({"type": "detach", "droplet_id": HOST, "region": "nyc1"}),
    )
    .await;
    assert_eq!(detach.status, StatusCode::ACCEPTED, "{}", detach.text);
    let volume = get(&sim, &format!("/v2/volumes/{VOLUME}")).await.json();
    assert_eq!(volume["volume"]["droplet_ids"], json!([]));
    let grow = send_json(
        &sim,
        Method::POST,
        &actions,
        json!({"type": "resize", "size_gigabytes": 100, "region": "nyc1"}),
    )
    .await;
    assert_eq!(grow.status, StatusCode::ACCEPTED, "{}", grow.text);
    assert_eq!(
        get(&sim, &format!("/v2/volumes/{VOLUME}")).await.json()["volume"]["size_gigabytes"],
        100
    );
    let shrink = send_json(
        &sim,
        Method::POST,
        &actions,
        json!({"type": "resize", "size_gigabytes": 10, "region": "nyc1"}),
    )
    .await;
    shrink.assert_error(422, "unprocessable_entity");
}

#[tokio::test]
async fn reserved_ips_are_assigned_and_unassigned() {
    let sim = start(Sim::builder()).await;
    let created = post(&sim, "/v2/reserved_ips", r#"{"region": "nyc3"}"#).await;
    assert!(created.status.is_success(), "{}", created.text);
    let ip = created.json()["reserved_ip"]["ip"]
        .as_str()
        .expect("ip")
        .to_owned();
    let actions = format!("/v2/reserved_ips/{ip}/actions");
    let assign = send_json(
        &sim,
        Method::POST,
        &actions,
        json!({"type": "assign", "droplet_id": DROPLET}),
    )
    .await;
    assert!(assign.status.is_success(), "{}", assign.text);
    let read = get(&sim, &format!("/v2/reserved_ips/{ip}")).await.json();
    assert_eq!(read["reserved_ip"]["droplet"]["id"], DROPLET);
    conforms("GET", "/v2/reserved_ips/{reserved_ip}", &read);
    let unassign = send_json(&sim, Method::POST, &actions, json!({"type": "unassign"})).await;
    assert!(unassign.status.is_success(), "{}", unassign.text);
    let read = get(&sim, &format!("/v2/reserved_ips/{ip}")).await.json();
    assert!(read["reserved_ip"]["droplet"].is_null(), "{read}");
}

#[tokio::test]
async fn tags_are_applied_to_resources_and_counted() {
    let sim = start(Sim::builder()).await;
    let created = post(&sim, "/v2/tags", r#"{"name": "backup"}"#).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let resources = json!({"resources": [{"resource_id": VOLUME, "resource_type": "volume"}]});
    let tagged = send_json(
        &sim,
        Method::POST,
        "/v2/tags/backup/resources",
        resources.clone(),
    )
    .await;
    assert_eq!(tagged.status, StatusCode::NO_CONTENT, "{}", tagged.text);
    let volume = get(&sim, &format!("/v2/volumes/{VOLUME}")).await.json();
    assert!(
        volume["volume"]["tags"]
            .as_array()
            .expect("tags")
            .contains(&json!("backup")),
        "{volume}"
    );
    assert_eq!(
        get(&sim, "/v2/tags/backup").await.json()["tag"]["resources"]["count"],
        1
    );
    // Tagging again changes nothing.
    let again = send_json(
        &sim,
        Method::POST,
        "/v2/tags/backup/resources",
        resources.clone(),
    )
    .await;
    assert_eq!(again.status, StatusCode::NO_CONTENT, "{}", again.text);
    assert_eq!(
        get(&sim, "/v2/tags/backup").await.json()["tag"]["resources"]["count"],
        1
    );
    let untagged = send_json(&sim, Method::DELETE, "/v2/tags/backup/resources", resources).await;
    assert_eq!(untagged.status, StatusCode::NO_CONTENT, "{}", untagged.text);
    let volume = get(&sim, &format!("/v2/volumes/{VOLUME}")).await.json();
    assert!(
        !volume["volume"]["tags"]
            .as_array()
            .expect("tags")
            .contains(&json!("backup"))
    );
    assert_eq!(
        get(&sim, "/v2/tags/backup").await.json()["tag"]["resources"]["count"],
        0
    );
}

#[tokio::test]
async fn a_kubernetes_cluster_provisions_then_runs_and_has_a_kubeconfig() {
    let sim = start(Sim::builder().action_duration(Duration::from_millis(200))).await;
    let created = post(
        &sim,
        "/v2/kubernetes/clusters",
        r#"{"name": "prod", "region": "nyc1", "version": "1.31.9-do.2", "node_pools": [{"size": "s-1vcpu-2gb", "name": "workers", "count": 3}]}"#,
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let cluster = created.json()["kubernetes_cluster"].clone();
    assert_eq!(cluster["status"]["state"], "provisioning");
    assert_eq!(cluster["name"], "prod");
    let id = cluster["id"].as_str().expect("id").to_owned();
    let path = format!("/v2/kubernetes/clusters/{id}");
    until(
        &sim,
        "/v2/kubernetes/clusters/{cluster_id}",
        &path,
        "/kubernetes_cluster/status/state",
        "running",
        Duration::from_secs(10),
    )
    .await;
    let config = get(&sim, &format!("{path}/kubeconfig")).await;
    assert_eq!(config.status, StatusCode::OK);
    assert!(config.text.contains("apiVersion"), "{}", config.text);
    let deleted = call(&sim, Method::DELETE, &path, Some(sim.token()), None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text);
    get(&sim, &format!("{path}/kubeconfig"))
        .await
        .assert_error(404, "not_found");
}

#[tokio::test]
async fn a_database_is_created_then_online() {
    let sim = start(Sim::builder().action_duration(Duration::from_millis(200))).await;
    let created = post(
        &sim,
        "/v2/databases",
        r#"{"name": "backend", "engine": "pg", "version": "16", "region": "nyc3", "size": "db-s-2vcpu-4gb", "num_nodes": 2}"#,
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let db = created.json()["database"].clone();
    assert_eq!(db["status"], "creating");
    assert_eq!(db["engine"], "pg");
    let id = db["id"].as_str().expect("id").to_owned();
    until(
        &sim,
        "/v2/databases/{database_cluster_uuid}",
        &format!("/v2/databases/{id}"),
        "/database/status",
        "online",
        Duration::from_secs(10),
    )
    .await;
    let users = post(
        &sim,
        &format!("/v2/databases/{id}/users"),
        r#"{"name": "app"}"#,
    )
    .await;
    assert_eq!(users.status, StatusCode::CREATED, "{}", users.text);
    let user = get(&sim, &format!("/v2/databases/{id}/users/app")).await;
    assert_eq!(user.status, StatusCode::OK, "{}", user.text);
    assert_eq!(user.json()["user"]["name"], "app");
}

#[tokio::test]
async fn an_app_deployment_becomes_active() {
    let sim = start(Sim::builder().action_duration(Duration::from_millis(200))).await;
    let app = "4f6c71e2-1e90-4762-9fee-6cc4a0a9f2cf";
    let created = post(
        &sim,
        &format!("/v2/apps/{app}/deployments"),
        r#"{"force_build": true}"#,
    )
    .await;
    assert!(created.status.is_success(), "{}", created.text);
    let deployment = created.json()["deployment"].clone();
    assert_eq!(deployment["phase"], "PENDING_BUILD");
    let id = deployment["id"].as_str().expect("id").to_owned();
    until(
        &sim,
        "/v2/apps/{app_id}/deployments/{deployment_id}",
        &format!("/v2/apps/{app}/deployments/{id}"),
        "/deployment/phase",
        "ACTIVE",
        Duration::from_secs(10),
    )
    .await;
}

#[tokio::test]
async fn firewalls_and_load_balancers_gain_and_lose_droplets_and_rules() {
    let sim = start(Sim::builder()).await;
    let created = post(
        &sim,
        "/v2/firewalls",
        r#"{"name": "web", "inbound_rules": [{"protocol": "tcp", "ports": "80", "sources": {"addresses": ["0.0.0.0/0"]}}], "outbound_rules": [{"protocol": "tcp", "ports": "all", "destinations": {"addresses": ["0.0.0.0/0"]}}]}"#,
    )
    .await;
    assert_eq!(created.status, StatusCode::ACCEPTED, "{}", created.text);
    let id = created.json()["firewall"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let path = format!("/v2/firewalls/{id}");
    let added = send_json(
        &sim,
        Method::POST,
        &format!("{path}/droplets"),
        json!({"droplet_ids": [DROPLET]}),
    )
    .await;
    assert_eq!(added.status, StatusCode::NO_CONTENT, "{}", added.text);
    let rule = json!({"inbound_rules": [{"protocol": "tcp", "ports": "443", "sources": {"addresses": ["0.0.0.0/0"]}}]});
    let ruled = send_json(&sim, Method::POST, &format!("{path}/rules"), rule.clone()).await;
    assert_eq!(ruled.status, StatusCode::NO_CONTENT, "{}", ruled.text);
    let firewall = get(&sim, &path).await.json();
    conforms("GET", "/v2/firewalls/{firewall_id}", &firewall);
    assert!(
        firewall["firewall"]["droplet_ids"]
            .as_array()
            .expect("ids")
            .contains(&json!(DROPLET))
    );
    assert!(
        firewall["firewall"]["inbound_rules"]
            .as_array()
            .expect("rules")
            .contains(&rule["inbound_rules"][0])
    );
    let removed = send_json(
        &sim,
        Method::DELETE,
        &format!("{path}/droplets"),
        json!({"droplet_ids": [DROPLET]}),
    )
    .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT, "{}", removed.text);
    let unruled = send_json(&sim, Method::DELETE, &format!("{path}/rules"), rule.clone()).await;
    assert_eq!(unruled.status, StatusCode::NO_CONTENT, "{}", unruled.text);
    let firewall = get(&sim, &path).await.json();
    assert!(
        !firewall["firewall"]["droplet_ids"]
            .as_array()
            .expect("ids")
            .contains(&json!(DROPLET))
    );
    assert!(
        !firewall["firewall"]["inbound_rules"]
            .as_array()
            .expect("rules")
            .contains(&rule["inbound_rules"][0])
    );
}

#[tokio::test]
async fn projects_hold_the_resources_assigned_to_them() {
    let sim = start(Sim::builder()).await;
    let project = "4de7ac8b-495b-4884-9a69-1050c6793cd6";
    let urns =
        json!({"resources": [format!("do:droplet:{DROPLET}"), format!("do:volume:{VOLUME}")]});
    let assigned = send_json(
        &sim,
        Method::POST,
        &format!("/v2/projects/{project}/resources"),
        urns,
    )
    .await;
    assert_eq!(assigned.status, StatusCode::OK, "{}", assigned.text);
    let listed = get(&sim, &format!("/v2/projects/{project}/resources"))
        .await
        .json();
    conforms("GET", "/v2/projects/{project_id}/resources", &listed);
    assert_eq!(listed["meta"]["total"], 2);
    assert_eq!(
        listed["resources"][0]["urn"],
        format!("do:droplet:{DROPLET}")
    );
    let upgraded = send_json(
        &sim,
        Method::POST,
        "/v2/kubernetes/clusters/bd5f5959-5e1e-4205-a714-a914373942af/upgrade",
        json!({"version": "1.33.1-do.3"}),
    )
    .await;
    assert_eq!(upgraded.status, StatusCode::ACCEPTED, "{}", upgraded.text);
    let cluster = get(
        &sim,
        "/v2/kubernetes/clusters/bd5f5959-5e1e-4205-a714-a914373942af",
    )
    .await
    .json();
    assert_eq!(cluster["kubernetes_cluster"]["version"], "1.33.1-do.3");
}

#[tokio::test]
async fn registry_garbage_collection_moves_through_its_statuses_one_at_a_time() {
    let sim = start(Sim::builder().action_duration(Duration::from_millis(800))).await;
    let base = "/v2/registry/example";
    // The demo registry's documented collection is long finished.
    let old = get(&sim, &format!("{base}/garbage-collection")).await;
    assert_eq!(old.status, StatusCode::OK, "{}", old.text);
    assert_eq!(old.json()["garbage_collection"]["status"], "succeeded");

    let started = send_json(
        &sim,
        Method::POST,
        &format!("{base}/garbage-collection"),
        json!({}),
    )
    .await;
    assert_eq!(started.status, StatusCode::CREATED, "{}", started.text);
    let started = started.json();
    conforms(
        "POST",
        "/v2/registry/{registry_name}/garbage-collection",
        &started,
    );
    assert_eq!(started["garbage_collection"]["status"], "requested");
    let uuid = started["garbage_collection"]["uuid"]
        .as_str()
        .expect("uuid")
        .to_owned();
    // One at a time.
    send_json(
        &sim,
        Method::POST,
        &format!("{base}/garbage-collection"),
        json!({}),
    )
    .await
    .assert_error(409, "conflict");
    // Every status it shows is one of the documented steps, in order, ending `succeeded`.
    let order = [
        "requested",
        "waiting for write JWTs to expire",
        "scanning manifests",
        "deleting unreferenced blobs",
        "succeeded",
    ];
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let body = get(&sim, &format!("{base}/garbage-collection"))
            .await
            .json();
        conforms(
            "GET",
            "/v2/registry/{registry_name}/garbage-collection",
            &body,
        );
        let status = body["garbage_collection"]["status"]
            .as_str()
            .expect("status")
            .to_owned();
        let at = order
            .iter()
            .position(|s| *s == status)
            .expect("a documented status");
        assert!(
            seen.last().is_none_or(|last| *last <= at),
            "{status} after {seen:?}"
        );
        seen.push(at);
        if status == "succeeded" {
            break;
        }
        assert!(Instant::now() < deadline, "never succeeded: {seen:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let listed = get(&sim, &format!("{base}/garbage-collections"))
        .await
        .json();
    conforms(
        "GET",
        "/v2/registry/{registry_name}/garbage-collections",
        &listed,
    );
    assert_eq!(listed["meta"]["total"], 2);
    assert_eq!(listed["garbage_collections"][0]["uuid"], uuid.as_str());

    // A running one can be cancelled; it then stays cancelled.
    let next = send_json(
        &sim,
        Method::POST,
        &format!("{base}/garbage-collection"),
        json!({}),
    )
    .await;
    let next = next.json()["garbage_collection"]["uuid"]
        .as_str()
        .expect("uuid")
        .to_owned();
    let cancelled = send_json(
        &sim,
        Method::PUT,
        &format!("{base}/garbage-collection/{next}"),
        json!({"cancel": true}),
    )
    .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.text);
    assert_eq!(
        cancelled.json()["garbage_collection"]["status"],
        "cancelled"
    );
    tokio::time::sleep(Duration::from_millis(900)).await;
    let later = get(&sim, &format!("{base}/garbage-collections"))
        .await
        .json();
    assert_eq!(later["garbage_collections"][0]["status"], "cancelled");
}

#[tokio::test]
async fn vpc_members_are_the_droplets_and_resources_in_it() {
    let sim = start(Sim::builder()).await;
    // Demo Droplet 3164450 is in this VPC.
    let vpc = "5a4981aa-9653-4bd1-bef5-d6bff52042e4";
    let members = get(&sim, &format!("/v2/vpcs/{vpc}/members")).await;
    assert_eq!(members.status, StatusCode::OK, "{}", members.text);
    let members = members.json();
    conforms("GET", "/v2/vpcs/{vpc_id}/members", &members);
    let urns: Vec<&str> = members["members"]
        .as_array()
        .expect("members")
        .iter()
        .filter_map(|m| m["urn"].as_str())
        .collect();
    assert_eq!(urns, ["do:droplet:3164450"]);
    let made = post(
        &sim,
        "/v2/droplets",
        &json!({"name": "inside", "region": "ams3", "size": "s-1vcpu-1gb",
                "image": "ubuntu-22-04-x64", "vpc_uuid": vpc})
        .to_string(),
    )
    .await;
    assert_eq!(made.status, StatusCode::ACCEPTED, "{}", made.text);
    let id = made.json()["droplet"]["id"].as_u64().expect("id");
    let members = get(
        &sim,
        &format!("/v2/vpcs/{vpc}/members?resource_type=droplet"),
    )
    .await
    .json();
    assert_eq!(members["meta"]["total"], 2, "{members}");
    assert_eq!(members["members"][1]["urn"], format!("do:droplet:{id}"));
    let none = get(
        &sim,
        &format!("/v2/vpcs/{vpc}/members?resource_type=loadbalancer"),
    )
    .await
    .json();
    assert_eq!(none["meta"]["total"], 0, "{none}");
    assert_eq!(
        get(
            &sim,
            "/v2/vpcs/00000000-0000-4000-8000-000000000000/members"
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn node_pools_change_their_cluster_and_new_nodes_come_up() {
    let sim = start(Sim::builder().action_duration(Duration::from_millis(200))).await;
    let cluster = "bd5f5959-5e1e-4205-a714-a914373942af";
    let pools = format!("/v2/kubernetes/clusters/{cluster}/node_pools");
    let added = send_json(
        &sim,
        Method::POST,
        &pools,
        json!({"size": "s-1vcpu-2gb", "count": 1, "name": "burst"}),
    )
    .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text);
    let added = added.json();
    conforms(
        "POST",
        "/v2/kubernetes/clusters/{cluster_id}/node_pools",
        &added,
    );
    let id = added["node_pool"]["id"].as_str().expect("id").to_owned();
    assert_eq!(
        added["node_pool"]["nodes"][0]["status"]["state"],
        "provisioning"
    );
    let read = until(
        &sim,
        "/v2/kubernetes/clusters/{cluster_id}",
        &format!("/v2/kubernetes/clusters/{cluster}"),
        "/kubernetes_cluster/node_pools/2/nodes/0/status/state",
        "running",
        Duration::from_secs(30),
    )
    .await;
    assert_eq!(
        read["kubernetes_cluster"]["node_pools"][2]["id"],
        id.as_str()
    );

    let resized = send_json(
        &sim,
        Method::PUT,
        &format!("{pools}/{id}"),
        json!({"name": "burst", "count": 3}),
    )
    .await;
    assert_eq!(resized.status, StatusCode::ACCEPTED, "{}", resized.text);
    let pool = get(&sim, &format!("{pools}/{id}")).await.json();
    conforms(
        "GET",
        "/v2/kubernetes/clusters/{cluster_id}/node_pools/{node_pool_id}",
        &pool,
    );
    assert_eq!(pool["node_pool"]["count"], 3);
    let nodes = pool["node_pool"]["nodes"]
        .as_array()
        .expect("nodes")
        .clone();
    assert_eq!(nodes.len(), 3);
    let node = nodes[0]["id"].as_str().expect("node id");
    let removed = call(
        &sim,
        Method::DELETE,
        &format!("{pools}/{id}/nodes/{node}"),
        Some(sim.token()),
        None,
    )
    .await;
    assert_eq!(removed.status, StatusCode::ACCEPTED, "{}", removed.text);
    let pool = get(&sim, &format!("{pools}/{id}")).await.json();
    assert_eq!(pool["node_pool"]["count"], 2);

    let gone = call(
        &sim,
        Method::DELETE,
        &format!("{pools}/{id}"),
        Some(sim.token()),
        None,
    )
    .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
    let listed = get(&sim, &pools).await.json();
    conforms(
        "GET",
        "/v2/kubernetes/clusters/{cluster_id}/node_pools",
        &listed,
    );
    assert_eq!(listed["node_pools"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        get(&sim, &format!("{pools}/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_new_app_starts_its_first_deployment() {
    let sim = start(Sim::builder().action_duration(Duration::from_millis(200))).await;
    let created = post(
        &sim,
        "/v2/apps",
        &json!({"spec": {"name": "first-app", "region": "nyc"}}).to_string(),
    )
    .await;
    assert!(created.status.is_success(), "{}", created.text);
    let created = created.json();
    conforms("POST", "/v2/apps", &created);
    let app = created["app"]["id"].as_str().expect("app id").to_owned();
    let pending = created["app"]["pending_deployment"]["id"]
        .as_str()
        .expect("pending deployment id")
        .to_owned();
    let listed = get(&sim, &format!("/v2/apps/{app}/deployments"))
        .await
        .json();
    assert_eq!(listed["meta"]["total"], 1, "{listed}");
    assert_eq!(listed["deployments"][0]["id"], pending.as_str());
    // Every phase it shows is on the documented way, ending ACTIVE.
    let order = [
        "PENDING_BUILD",
        "BUILDING",
        "PENDING_DEPLOY",
        "DEPLOYING",
        "ACTIVE",
    ];
    let mut last = 0;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let body = get(&sim, &format!("/v2/apps/{app}/deployments/{pending}")).await;
        assert_eq!(body.status, StatusCode::OK, "{}", body.text);
        let body = body.json();
        let phase = body["deployment"]["phase"]
            .as_str()
            .expect("phase")
            .to_owned();
        let at = order
            .iter()
            .position(|p| *p == phase)
            .expect("a documented phase");
        assert!(at >= last, "{phase} after {}", order[last]);
        last = at;
        if phase == "ACTIVE" {
            conforms(
                "GET",
                "/v2/apps/{app_id}/deployments/{deployment_id}",
                &body,
            );
            break;
        }
        assert!(Instant::now() < deadline, "never ACTIVE");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn balance_and_invoice_preview_follow_the_droplets_run() {
    let sim = start(Sim::builder().seed(oxido_sim::Seed::Empty)).await;
    let usage = |body: &Value, pointer: &str| -> f64 {
        body.pointer(pointer)
            .and_then(Value::as_str)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("{pointer} in {body}"))
    };
    let idle = get(&sim, "/v2/customers/my/balance").await.json();
    conforms("GET", "/v2/customers/my/balance", &idle);
    assert_eq!(usage(&idle, "/month_to_date_usage"), 0.0);
    let made = post(
        &sim,
        "/v2/droplets",
        r#"{"name":"billed","region":"nyc3","size":"s-2vcpu-4gb","image":"ubuntu-22-04-x64"}"#,
    )
    .await;
    assert_eq!(made.status, StatusCode::ACCEPTED, "{}", made.text);
    let size = &made.json()["droplet"]["size"];
    let hourly = size["price_hourly"].as_f64().expect("hourly");
    let monthly = size["price_monthly"].as_f64().expect("monthly");
    let running = get(&sim, "/v2/customers/my/balance").await.json();
    let spent = usage(&running, "/month_to_date_usage");
    // The first started hour is billed, never more than the month's price.
    assert!(
        spent >= (hourly * 100.0).round() / 100.0 && spent <= monthly,
        "{running}"
    );
    let invoices = get(&sim, "/v2/customers/my/invoices").await.json();
    conforms("GET", "/v2/customers/my/invoices", &invoices);
    assert_eq!(invoices["invoices"], json!([]));
    assert_eq!(usage(&invoices, "/invoice_preview/amount"), spent);
    let history = get(&sim, "/v2/customers/my/billing_history").await.json();
    conforms("GET", "/v2/customers/my/billing_history", &history);
    assert_eq!(history["billing_history"], json!([]));
}

#[tokio::test]
async fn database_connection_pools_are_added_read_and_removed() {
    let sim = start(Sim::builder()).await;
    let db = "9cc10173-e9ea-4176-9dbc-a4cee4c4ff30";
    let pools = format!("/v2/databases/{db}/pools");
    let made = send_json(
        &sim,
        Method::POST,
        &pools,
        json!({"name": "backend", "mode": "transaction", "size": 10, "db": "defaultdb", "user": "doadmin"}),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let read = get(&sim, &format!("{pools}/backend")).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    assert_eq!(read.json()["pool"]["size"], 10);
    let listed = get(&sim, &pools).await.json();
    let names: Vec<&str> = listed["pools"]
        .as_array()
        .expect("pools")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert!(names.contains(&"backend"), "{listed}");
    let gone = call(
        &sim,
        Method::DELETE,
        &format!("{pools}/backend"),
        Some(sim.token()),
        None,
    )
    .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
    assert_eq!(
        get(&sim, &format!("{pools}/backend")).await.status,
        StatusCode::NOT_FOUND
    );
}

/// A load balancer has no address until it is active (godo's recorded create answer
/// has `"ip": ""` with `"status": "new"`), and a global one made without a region has
/// none, rather than an empty region object.
#[tokio::test]
async fn a_load_balancer_is_addressed_once_active_and_a_global_one_has_no_region() {
    let sim = start(Sim::builder().action_duration(Duration::from_millis(300))).await;
    let rules = json!([{"entry_protocol": "http", "entry_port": 80,
                        "target_protocol": "http", "target_port": 80}]);
    for (body, region) in [
        (
            json!({"name": "lb-new", "region": "nyc3", "forwarding_rules": rules}),
            Some("nyc3"),
        ),
        (
            json!({"name": "glb-new", "type": "GLOBAL", "forwarding_rules": rules,
                   "glb_settings": {"target_protocol": "http", "target_port": 80}}),
            None,
        ),
    ] {
        let made = crate::common::created(&sim, "/v2/load_balancers", body, "load_balancer").await;
        assert_eq!(made["status"], "new", "{made}");
        assert_eq!(made["ip"], "", "no address while new: {made}");
        let id = made["id"].as_str().expect("id");
        let path = format!("/v2/load_balancers/{id}");
        let read = get(&sim, &path).await.json();
        if read["load_balancer"]["status"] == "new" {
            assert_eq!(read["load_balancer"]["ip"], "", "{read}");
        }
        let listed = get(&sim, "/v2/load_balancers?per_page=200").await.json();
        let mine = listed["load_balancers"]
            .as_array()
            .and_then(|all| all.iter().find(|l| l["id"] == id))
            .cloned()
            .expect("listed");
        if mine["status"] == "new" {
            assert_eq!(mine["ip"], "", "{mine}");
        }
        let up =
            crate::common::settled(&sim, &path, "load_balancer", |lb| lb["status"] == "active")
                .await;
        let ip: std::net::Ipv4Addr = up["ip"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .expect("an address once active");
        assert!(!ip.is_unspecified(), "{up}");
        match region {
            Some(slug) => assert_eq!(up["region"]["slug"], slug, "{up}"),
            None => assert!(
                up.get("region").is_none(),
                "a global load balancer has no region: {up}"
            ),
        }
        conforms(
            "GET",
            "/v2/load_balancers/{lb_id}",
            &json!({"load_balancer": up}),
        );
    }
}
