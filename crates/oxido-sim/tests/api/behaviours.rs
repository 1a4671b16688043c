//! Writes that once answered the documented example alone: each changes state that a
//! later request reads back, or refuses.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::*;

const APP: &str = "4f6c71e2-1e90-4762-9fee-6cc4a0a9f2cf";
const APP_DEPLOYMENT: &str = "3aa4d20e-5527-4c00-b496-601fbd22520a";
const DATABASE: &str = "9cc10173-e9ea-4176-9dbc-a4cee4c4ff30";
const CLUSTER: &str = "bd5f5959-5e1e-4205-a714-a914373942af";
const SHARE: &str = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";

fn ok(reply: &Reply, what: &str) -> Value {
    assert!(
        reply.status.is_success(),
        "{what}: {} {}",
        reply.status,
        reply.text
    );
    if reply.text.is_empty() {
        Value::Null
    } else {
        reply.json()
    }
}

async fn send(sim: &oxido_sim::Sim, method: Method, path: &str, body: Value) -> Reply {
    send_json(sim, method, path, body).await
}

async fn delete(sim: &oxido_sim::Sim, path: &str) -> Reply {
    call(sim, Method::DELETE, path, Some(sim.token()), None).await
}

/// Polls a deployment until its phase is `want` (bounded in count and time).
async fn wait_phase(sim: &oxido_sim::Sim, id: &str, want: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    for _ in 0..500 {
        let reply = get(sim, &format!("/v2/apps/{APP}/deployments/{id}")).await;
        let d = ok(&reply, "deployment")["deployment"].clone();
        if d["phase"] == want {
            return d;
        }
        assert!(
            Instant::now() < deadline,
            "deployment {id} never reached {want}: {d}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("deployment {id} did not reach {want} within the poll budget");
}

#[tokio::test]
async fn an_app_restart_and_a_rollback_start_deployments_that_end() {
    let sim = demo(300).await;
    let restart = send(
        &sim,
        Method::POST,
        &format!("/v2/apps/{APP}/restart"),
        json!({}),
    )
    .await;
    let restart = ok(&restart, "restart");
    conforms("POST", "/v2/apps/{app_id}/restart", &restart);
    let id = restart["deployment"]["id"].as_str().expect("id").to_owned();
    assert_eq!(restart["deployment"]["phase"], "PENDING_BUILD");
    assert_eq!(restart["deployment"]["cause"], "app restart");
    wait_phase(&sim, &id, "ACTIVE").await;

    let target = json!({"deployment_id": APP_DEPLOYMENT});
    let valid = send(
        &sim,
        Method::POST,
        &format!("/v2/apps/{APP}/rollback/validate"),
        target.clone(),
    )
    .await;
    assert_eq!(ok(&valid, "validate")["valid"], true);
    let rollback = send(
        &sim,
        Method::POST,
        &format!("/v2/apps/{APP}/rollback"),
        target.clone(),
    )
    .await;
    let rollback = ok(&rollback, "rollback")["deployment"].clone();
    assert_eq!(rollback["cloned_from"], APP_DEPLOYMENT);
    let app = ok(&get(&sim, &format!("/v2/apps/{APP}")).await, "app");
    assert_eq!(app["app"]["pinned_deployment"]["id"], rollback["id"]);
    // While pinned, another rollback is not valid.
    let pinned = send(
        &sim,
        Method::POST,
        &format!("/v2/apps/{APP}/rollback/validate"),
        target,
    )
    .await;
    let pinned = ok(&pinned, "validate");
    assert_eq!(pinned["valid"], false);
    assert_eq!(pinned["error"]["code"], "app_pinned");
    // Revert: unpinned, and a new deployment of the app's own spec.
    let reverted = send(
        &sim,
        Method::POST,
        &format!("/v2/apps/{APP}/rollback/revert"),
        json!({}),
    )
    .await;
    let reverted = ok(&reverted, "revert")["deployment"].clone();
    assert_ne!(reverted["id"], rollback["id"]);
    let app = ok(&get(&sim, &format!("/v2/apps/{APP}")).await, "app");
    assert!(app["app"].get("pinned_deployment").is_none(), "{app}");
    send(
        &sim,
        Method::POST,
        &format!("/v2/apps/{APP}/rollback/commit"),
        json!({}),
    )
    .await
    .assert_error(409, "conflict");
    // Nothing to roll back to: a deployment the app does not have.
    send(
        &sim,
        Method::POST,
        &format!("/v2/apps/{APP}/rollback"),
        json!({"deployment_id": "00000000-0000-4000-8000-000000000000"}),
    )
    .await
    .assert_error(404, "not_found");
}

#[tokio::test]
async fn a_cancelled_deployment_ends_canceled_and_an_ended_one_cannot_be_cancelled() {
    let sim = demo(60_000).await;
    let made = send(
        &sim,
        Method::POST,
        &format!("/v2/apps/{APP}/restart"),
        json!({}),
    )
    .await;
    let id = ok(&made, "restart")["deployment"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let path = format!("/v2/apps/{APP}/deployments/{id}/cancel");
    let cancelled = ok(&send(&sim, Method::POST, &path, json!({})).await, "cancel");
    conforms(
        "POST",
        "/v2/apps/{app_id}/deployments/{deployment_id}/cancel",
        &cancelled,
    );
    assert_eq!(cancelled["deployment"]["phase"], "CANCELED");
    wait_phase(&sim, &id, "CANCELED").await;
    send(&sim, Method::POST, &path, json!({}))
        .await
        .assert_error(409, "conflict");
}

#[tokio::test]
async fn an_apps_alerts_come_from_its_spec_and_keep_their_destinations() {
    let sim = demo(1000).await;
    let spec = json!({
        "name": "alerting",
        "region": "nyc",
        "alerts": [{"rule": "DEPLOYMENT_LIVE"}],
        "services": [{"name": "web", "image": {"registry_type": "DOCKER_HUB", "repository": "nginx", "tag": "latest"},
                      "alerts": [{"rule": "CPU_UTILIZATION", "operator": "GREATER_THAN", "value": 80, "window": "FIVE_MINUTES"}]}],
    });
    let app = send(&sim, Method::POST, "/v2/apps", json!({"spec": spec})).await;
    let app_id = ok(&app, "app")["app"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let alerts = ok(
        &get(&sim, &format!("/v2/apps/{app_id}/alerts")).await,
        "alerts",
    );
    conforms("GET", "/v2/apps/{app_id}/alerts", &alerts);
    let list = alerts["alerts"].as_array().expect("alerts");
    let rules: Vec<&str> = list
        .iter()
        .filter_map(|a| a["spec"]["rule"].as_str())
        .collect();
    assert_eq!(rules, ["DEPLOYMENT_LIVE", "CPU_UTILIZATION"], "{alerts}");
    assert_eq!(list[1]["component_name"], "web");
    let alert = list[0]["id"].as_str().expect("id");
    let set = send(
        &sim,
        Method::POST,
        &format!("/v2/apps/{app_id}/alerts/{alert}/destinations"),
        json!({"emails": ["ops@example.com"]}),
    )
    .await;
    assert_eq!(
        ok(&set, "destinations")["alert"]["emails"][0],
        "ops@example.com"
    );
    let again = ok(
        &get(&sim, &format!("/v2/apps/{app_id}/alerts")).await,
        "alerts",
    );
    assert_eq!(again["alerts"][0]["emails"], json!(["ops@example.com"]));
    send(
        &sim,
        Method::POST,
        &format!("/v2/apps/{app_id}/alerts/00000000-0000-4000-8000-000000000000/destinations"),
        json!({"emails": []}),
    )
    .await
    .assert_error(404, "not_found");
}

#[tokio::test]
async fn a_promoted_replica_becomes_a_cluster_and_database_settings_persist() {
    let sim = demo(1000).await;
    let replicas = format!("/v2/databases/{DATABASE}/replicas");
    let before = ok(&get(&sim, &replicas).await, "replicas");
    let name = before["replicas"][0]["name"]
        .as_str()
        .expect("replica")
        .to_owned();
    let promoted = send(
        &sim,
        Method::PUT,
        &format!("{replicas}/{name}/promote"),
        json!({}),
    )
    .await;
    assert_eq!(promoted.status, StatusCode::NO_CONTENT, "{}", promoted.text);
    let after = ok(&get(&sim, &replicas).await, "replicas");
    assert!(
        after["replicas"]
            .as_array()
            .expect("list")
            .iter()
            .all(|r| r["name"] != name.as_str())
    );
    let clusters = ok(&get(&sim, "/v2/databases").await, "databases");
    let cluster = clusters["databases"]
        .as_array()
        .expect("list")
        .iter()
        .find(|c| c["name"] == name.as_str())
        .unwrap_or_else(|| panic!("{name} is a cluster: {clusters}"))
        .clone();
    assert_eq!(cluster["status"], "online");
    let id = cluster["id"].as_str().expect("id");
    ok(
        &get(&sim, &format!("/v2/databases/{id}")).await,
        "promoted cluster",
    );
    send(
        &sim,
        Method::PUT,
        &format!("{replicas}/{name}/promote"),
        json!({}),
    )
    .await
    .assert_error(404, "not_found");

    // The pending maintenance update is installed.
    let installed = call(
        &sim,
        Method::PUT,
        &format!("/v2/databases/{DATABASE}/install_update"),
        Some(sim.token()),
        None,
    )
    .await;
    assert_eq!(
        installed.status,
        StatusCode::NO_CONTENT,
        "{}",
        installed.text
    );
    let db = ok(
        &get(&sim, &format!("/v2/databases/{DATABASE}")).await,
        "database",
    );
    assert_eq!(db["database"]["maintenance_window"]["pending"], false);

    // do_settings read back.
    let path = format!("/v2/databases/{DATABASE}/do_settings");
    let set = send(
        &sim,
        Method::PUT,
        &path,
        json!({"do_settings": {"service_cnames": ["db.test.example"]}}),
    )
    .await;
    assert_eq!(set.status, StatusCode::NO_CONTENT, "{}", set.text);
    let read = ok(&get(&sim, &path).await, "do_settings");
    assert_eq!(
        read["do_settings"]["service_cnames"],
        json!(["db.test.example"])
    );

    // An online migration starts, reads back, refuses a second, and stops.
    let path = format!("/v2/databases/{DATABASE}/online-migration");
    let source = json!({"source": {"host": "old.example.com", "port": 5432, "dbname": "app", "username": "u", "password": "p"}});
    let started = ok(
        &send(&sim, Method::PUT, &path, source.clone()).await,
        "migration",
    );
    conforms(
        "PUT",
        "/v2/databases/{database_cluster_uuid}/online-migration",
        &started,
    );
    assert_eq!(started["status"], "syncing");
    let status = ok(&get(&sim, &path).await, "status");
    assert_eq!(status["id"], started["id"]);
    send(&sim, Method::PUT, &path, source)
        .await
        .assert_error(409, "conflict");
    let id = started["id"].as_str().expect("id");
    let stopped = delete(&sim, &format!("{path}/{id}")).await;
    assert_eq!(stopped.status, StatusCode::NO_CONTENT, "{}", stopped.text);
    get(&sim, &path).await.assert_error(404, "not_found");
}

#[tokio::test]
async fn a_cluster_destroyed_with_its_resources_takes_them_and_nothing_else() {
    let sim = demo(1000).await;
    let tag = format!("k8s:{CLUSTER}");
    let mut volumes = Vec::new();
    for name in ["pvc-a", "pvc-b"] {
        let made = send(
            &sim,
            Method::POST,
            "/v2/volumes",
            json!({"name": name, "size_gigabytes": 10, "region": "nyc1", "tags": [tag]}),
        )
        .await;
        volumes.push(
            ok(&made, "volume")["volume"]["id"]
                .as_str()
                .expect("id")
                .to_owned(),
        );
    }
    let other = send(
        &sim,
        Method::POST,
        "/v2/volumes",
        json!({"name": "unrelated", "size_gigabytes": 10, "region": "nyc1"}),
    )
    .await;
    let other = ok(&other, "volume")["volume"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let listed = ok(
        &get(
            &sim,
            &format!("/v2/kubernetes/clusters/{CLUSTER}/destroy_with_associated_resources"),
        )
        .await,
        "associated",
    );
    conforms(
        "GET",
        "/v2/kubernetes/clusters/{cluster_id}/destroy_with_associated_resources",
        &listed,
    );
    assert_eq!(
        listed["volumes"].as_array().expect("volumes").len(),
        2,
        "{listed}"
    );
    // A selective destroy naming something else is refused, and changes nothing.
    send(
        &sim,
        Method::DELETE,
        &format!("/v2/kubernetes/clusters/{CLUSTER}/destroy_with_associated_resources/selective"),
        json!({"volumes": [other]}),
    )
    .await
    .assert_error(422, "unprocessable_entity");
    ok(
        &get(&sim, &format!("/v2/kubernetes/clusters/{CLUSTER}")).await,
        "cluster stays",
    );
    let gone = send(
        &sim,
        Method::DELETE,
        &format!("/v2/kubernetes/clusters/{CLUSTER}/destroy_with_associated_resources/selective"),
        json!({"volumes": [volumes[0]]}),
    )
    .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
    get(&sim, &format!("/v2/kubernetes/clusters/{CLUSTER}"))
        .await
        .assert_error(404, "not_found");
    get(&sim, &format!("/v2/volumes/{}", volumes[0]))
        .await
        .assert_error(404, "not_found");
    ok(
        &get(&sim, &format!("/v2/volumes/{}", volumes[1])).await,
        "an unnamed volume stays",
    );
    ok(
        &get(&sim, &format!("/v2/volumes/{other}")).await,
        "an unrelated volume stays",
    );
}

#[tokio::test]
async fn a_dangerous_cluster_destroy_takes_every_associated_resource() {
    let sim = demo(1000).await;
    let made = send(&sim, Method::POST, "/v2/volumes", json!({"name": "pvc-x", "size_gigabytes": 5, "region": "nyc1", "tags": [format!("k8s:{CLUSTER}")]})).await;
    let volume = ok(&made, "volume")["volume"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let gone = delete(
        &sim,
        &format!("/v2/kubernetes/clusters/{CLUSTER}/destroy_with_associated_resources/dangerous"),
    )
    .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
    get(&sim, &format!("/v2/kubernetes/clusters/{CLUSTER}"))
        .await
        .assert_error(404, "not_found");
    get(&sim, &format!("/v2/volumes/{volume}"))
        .await
        .assert_error(404, "not_found");
}

#[tokio::test]
async fn recycled_nodes_are_replaced_and_clusterlint_results_read_back() {
    let sim = demo(60_000).await;
    let cluster = ok(
        &get(&sim, &format!("/v2/kubernetes/clusters/{CLUSTER}")).await,
        "cluster",
    );
    let pool = cluster["kubernetes_cluster"]["node_pools"][0].clone();
    let pool_id = pool["id"].as_str().expect("pool");
    let node = pool["nodes"][0]["id"].as_str().expect("node").to_owned();
    let path = format!("/v2/kubernetes/clusters/{CLUSTER}/node_pools/{pool_id}/recycle");
    let recycled = send(&sim, Method::POST, &path, json!({"nodes": [node]})).await;
    assert_eq!(recycled.status, StatusCode::ACCEPTED, "{}", recycled.text);
    let pool = ok(
        &get(
            &sim,
            &format!("/v2/kubernetes/clusters/{CLUSTER}/node_pools/{pool_id}"),
        )
        .await,
        "pool",
    );
    let nodes = pool["node_pool"]["nodes"].as_array().expect("nodes");
    assert!(nodes.iter().all(|n| n["id"] != node.as_str()), "{pool}");
    assert_eq!(nodes[0]["status"]["state"], "provisioning");
    send(
        &sim,
        Method::POST,
        &path,
        json!({"nodes": ["no-such-node"]}),
    )
    .await
    .assert_error(422, "unprocessable_entity");

    let lint = format!("/v2/kubernetes/clusters/{CLUSTER}/clusterlint");
    let run = ok(&send(&sim, Method::POST, &lint, json!({})).await, "run");
    let run_id = run["run_id"].as_str().expect("run_id");
    let result = ok(
        &get(&sim, &format!("{lint}?run_id={run_id}")).await,
        "result",
    );
    conforms(
        "GET",
        "/v2/kubernetes/clusters/{cluster_id}/clusterlint",
        &result,
    );
    assert_eq!(result["run_id"], run_id);
    let latest = ok(&get(&sim, &lint).await, "latest");
    assert_eq!(latest["run_id"], run_id);
}

#[tokio::test]
async fn the_registry_subscription_tier_persists_and_names_are_validated() {
    let sim = demo(1000).await;
    let set = send(
        &sim,
        Method::POST,
        "/v2/registry/subscription",
        json!({"tier_slug": "professional"}),
    )
    .await;
    let set = ok(&set, "subscription");
    conforms("POST", "/v2/registry/subscription", &set);
    assert_eq!(set["subscription"]["tier"]["slug"], "professional");
    let read = ok(
        &get(&sim, "/v2/registry/subscription").await,
        "subscription",
    );
    assert_eq!(read["subscription"]["tier"]["slug"], "professional");
    let registry = ok(&get(&sim, "/v2/registry").await, "registry");
    assert_eq!(
        registry["registry"]["subscription"]["tier"]["slug"],
        "professional"
    );
    let name = registry["registry"]["name"].as_str().expect("name");
    post(
        &sim,
        "/v2/registry/validate-name",
        &json!({"name": name}).to_string(),
    )
    .await
    .assert_error(409, "conflict");
    let free = post(
        &sim,
        "/v2/registry/validate-name",
        r#"{"name":"a-free-name"}"#,
    )
    .await;
    assert_eq!(free.status, StatusCode::NO_CONTENT, "{}", free.text);
    post(
        &sim,
        "/v2/registry/validate-name",
        r#"{"name":"Not_Valid"}"#,
    )
    .await
    .assert_error(422, "unprocessable_entity");
}

#[tokio::test]
async fn an_image_transfer_is_pending_until_it_ends_once() {
    let sim = demo(1000).await;
    let images = ok(&get(&sim, "/v2/images?private=true").await, "images");
    let image = images["images"][0]["id"].as_u64().expect("image");
    let path = format!("/v2/images/{image}/account_transfer");
    let made = send(
        &sim,
        Method::POST,
        &path,
        json!({"recipient_email": "friend@example.com"}),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let transfer = made.json()["transfer_id"].as_u64().expect("transfer_id");
    assert!(transfer > 0);
    send(
        &sim,
        Method::POST,
        &path,
        json!({"recipient_email": "friend@example.com"}),
    )
    .await
    .assert_error(409, "conflict");
    let cancelled = send(
        &sim,
        Method::POST,
        &format!("{path}/cancel"),
        json!({"transfer_id": transfer}),
    )
    .await;
    assert!(cancelled.status.is_success(), "{}", cancelled.text);
    send(
        &sim,
        Method::POST,
        &format!("{path}/accept"),
        json!({"transfer_id": transfer, "recipient_uuid": "4f6c71e2-1e90-4762-9fee-6cc4a0a9f2cf"}),
    )
    .await
    .assert_error(409, "conflict");
    send(
        &sim,
        Method::POST,
        &format!("{path}/decline"),
        json!({"transfer_id": 1}),
    )
    .await
    .assert_error(404, "not_found");
    send(
        &sim,
        Method::POST,
        "/v2/images/999999999/account_transfer",
        json!({"recipient_email": "friend@example.com"}),
    )
    .await
    .assert_error(404, "not_found");
}

#[tokio::test]
async fn nfs_access_points_are_created_listed_read_and_deleted() {
    let sim = demo(1000).await;
    let list = format!("/v2/nfs/shares/{SHARE}/access_points");
    // An access point's VPC is one of the share's region (atl1), not ams3's.
    let mut body = json!({"name": "team-a", "path": "/team-a", "vpc_id": "5a4981aa-9653-4bd1-bef5-d6bff52042e4", "access_policy": {"anonuid": 1000, "anongid": 1000, "protocols": ["NFS4"], "squash_config": "ROOT_SQUASH", "identity_enforcement_enabled": false}});
    let refused = send(&sim, Method::POST, &list, body.clone()).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.text);
    assert!(
        refused.text.contains("is in ams3, not in atl1"),
        "{}",
        refused.text
    );
    body["vpc_id"] = json!("3f34cdb2-1e4f-4100-b5c7-f55f2762085f");
    let made = send(&sim, Method::POST, &list, body.clone()).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let made = made.json();
    conforms("POST", "/v2/nfs/shares/{share_id}/access_points", &made);
    let id = made["access_point"]["id"].as_str().expect("id").to_owned();
    assert_eq!(made["access_point"]["share_id"], SHARE);
    let listed = ok(&get(&sim, &list).await, "list");
    assert!(
        listed["access_points"]
            .as_array()
            .expect("list")
            .iter()
            .any(|p| p["id"] == id.as_str()),
        "{listed}"
    );
    let read = ok(
        &get(&sim, &format!("/v2/nfs/access_points/{id}")).await,
        "read",
    );
    assert_eq!(read["access_point"]["path"], "/team-a");
    // The same name again: the documented NFS error shape.
    let again = send(&sim, Method::POST, &list, body).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.text);
    let again = again.json();
    assert!(
        again["code"].is_string() && again["message"].is_string(),
        "{again}"
    );
    let gone = delete(&sim, &format!("/v2/nfs/access_points/{id}")).await;
    assert!(gone.status.is_success(), "{}", gone.text);
    get(&sim, &format!("/v2/nfs/access_points/{id}"))
        .await
        .assert_error(404, "not_found");
    let listed = ok(&get(&sim, &list).await, "list");
    assert!(
        listed["access_points"]
            .as_array()
            .expect("list")
            .iter()
            .all(|p| p["id"] != id.as_str())
    );
}

#[tokio::test]
async fn teams_service_keys_scan_rules_and_plans_read_back() {
    let sim = demo(1000).await;
    let team = send(
        &sim,
        Method::POST,
        "/v2/organizations/team",
        json!({"name": "qa", "invitations": [{"email": "q@example.com", "role": "member"}]}),
    )
    .await;
    assert_eq!(team.status, StatusCode::CREATED, "{}", team.text);
    let team = team.json();
    assert_eq!(team["invitations"]["q@example.com"]["status"], "ok");
    let teams = ok(&get(&sim, "/v2/organizations/teams").await, "teams");
    assert!(
        teams["teams"]
            .as_array()
            .expect("teams")
            .iter()
            .any(|t| t["uuid"] == team["team"]["uuid"])
    );

    let attachments = ok(
        &get(&sim, "/v2/partner_network_connect/attachments").await,
        "attachments",
    );
    let pa = attachments["partner_attachments"][0]["id"]
        .as_str()
        .expect("attachment");
    let key_path = format!("/v2/partner_network_connect/attachments/{pa}/service_key");
    // The demo's attachment has its documented key; a new one replaces it.
    let documented = ok(&get(&sim, &key_path).await, "service key")["service_key"]["value"].clone();
    ok(
        &send(&sim, Method::POST, &key_path, json!({})).await,
        "service key",
    );
    let first = ok(&get(&sim, &key_path).await, "service key")["service_key"]["value"].clone();
    ok(
        &send(&sim, Method::POST, &key_path, json!({})).await,
        "service key",
    );
    let second = ok(&get(&sim, &key_path).await, "service key")["service_key"]["value"].clone();
    assert_ne!(first, second);
    assert_ne!(first, documented);

    let rule = send(
        &sim,
        Method::POST,
        "/v2/security/scans/rules",
        json!({"resource": format!("do:droplet:{DROPLET}")}),
    )
    .await;
    assert!(rule.status.is_success(), "{}", rule.text);
    let malformed = send(
        &sim,
        Method::POST,
        "/v2/security/scans/rules",
        json!({"resource": "droplet-1"}),
    )
    .await;
    malformed.assert_error(422, "unprocessable_entity");
    let plan = send(
        &sim,
        Method::PUT,
        "/v2/security/settings/plan",
        json!({"tier_coverage": {"basic": {"resources": [], "tags": ["prod"]}}}),
    )
    .await;
    assert_eq!(
        ok(&plan, "plan")["tier_coverage"]["basic"]["tags"][0],
        "prod"
    );
    let settings = ok(&get(&sim, "/v2/security/settings").await, "settings");
    conforms("GET", "/v2/security/settings", &settings);
    assert_eq!(settings["tier_coverage"]["basic"]["tags"][0], "prod");
    let droplet = DROPLET.to_string();
    let suppressed = settings["settings"]["suppressions"]["resources"]
        .as_array()
        .expect("list");
    assert!(
        suppressed
            .iter()
            .any(|s| s["resource_id"] == droplet.as_str()),
        "{settings}"
    );
}

#[tokio::test]
async fn genai_keys_regenerate_and_attachments_show_on_the_agent() {
    let sim = demo(1000).await;
    // Two agents of this account: the child joins the parent.
    let mut agents = Vec::new();
    for name in ["parent", "child"] {
        let body = json!({"name": name, "instruction": "be brief", "model_uuid": "00000000-0000-4000-8000-000000000001", "project_id": "00000000-0000-4000-8000-000000000002", "region": "tor1"});
        let made = send(&sim, Method::POST, "/v2/gen-ai/agents", body).await;
        agents.push(
            ok(&made, "agent")["agent"]["uuid"]
                .as_str()
                .expect("uuid")
                .to_owned(),
        );
    }
    // An agent's API key: regenerating changes its secret.
    let keys = format!("/v2/gen-ai/agents/{}/api_keys", agents[0]);
    let made = send(&sim, Method::POST, &keys, json!({"name": "ci"})).await;
    let made = ok(&made, "agent key")["api_key_info"].clone();
    let key = made["uuid"].as_str().expect("uuid").to_owned();
    let regenerated = send(
        &sim,
        Method::PUT,
        &format!("{keys}/{key}/regenerate"),
        json!({}),
    )
    .await;
    let regenerated = ok(&regenerated, "regenerate")["api_key_info"].clone();
    assert_eq!(regenerated["uuid"], key.as_str());
    assert_ne!(regenerated["secret_key"], made["secret_key"]);
    let listed = ok(&get(&sim, &keys).await, "keys");
    let kept = listed["api_key_infos"]
        .as_array()
        .expect("list")
        .iter()
        .find(|k| k["uuid"] == key.as_str())
        .cloned();
    assert_eq!(
        kept.expect("listed")["secret_key"],
        regenerated["secret_key"]
    );
    let attach = format!("/v2/gen-ai/agents/{}/child_agents/{}", agents[0], agents[1]);
    let attached = ok(
        &send(&sim, Method::POST, &attach, json!({"route_name": "r"})).await,
        "attach",
    );
    assert_eq!(attached["child_agent_uuid"], agents[1].as_str());
    let parent = ok(
        &get(&sim, &format!("/v2/gen-ai/agents/{}", agents[0])).await,
        "parent",
    );
    assert_eq!(
        parent["agent"]["child_agents"][0]["uuid"],
        agents[1].as_str(),
        "{parent}"
    );
    let detached = delete(&sim, &attach).await;
    assert!(detached.status.is_success(), "{}", detached.text);
    let parent = ok(
        &get(&sim, &format!("/v2/gen-ai/agents/{}", agents[0])).await,
        "parent",
    );
    assert_eq!(parent["agent"]["child_agents"], json!([]));
    send(
        &sim,
        Method::POST,
        &format!("/v2/gen-ai/agents/{0}/child_agents/{0}", agents[0]),
        json!({}),
    )
    .await
    .assert_error(422, "unprocessable_entity");

    let kbs = ok(
        &get(&sim, "/v2/gen-ai/knowledge_bases").await,
        "knowledge bases",
    );
    let kb = kbs["knowledge_bases"][0]["uuid"].as_str().expect("kb");
    let with_kb = send(
        &sim,
        Method::POST,
        &format!("/v2/gen-ai/agents/{}/knowledge_bases/{kb}", agents[0]),
        json!({}),
    )
    .await;
    let with_kb = ok(&with_kb, "attach kb");
    assert!(
        with_kb["agent"]["knowledge_bases"]
            .as_array()
            .expect("kbs")
            .iter()
            .any(|k| k["uuid"] == kb)
    );

    let version = send(
        &sim,
        Method::PUT,
        &format!("/v2/gen-ai/agents/{}/versions", agents[0]),
        json!({"version_hash": "abc123"}),
    )
    .await;
    assert_eq!(ok(&version, "rollback")["version_hash"], "abc123");
    let agent = ok(
        &get(&sim, &format!("/v2/gen-ai/agents/{}", agents[0])).await,
        "agent",
    );
    assert_eq!(agent["agent"]["version_hash"], "abc123");
}

#[tokio::test]
async fn custom_models_import_and_jobs_cancel() {
    let sim = demo(1000).await;
    let imported = send(&sim, Method::POST, "/v2/gen-ai/custom_models/import", json!({"name": "my-model", "description": "d", "source_ref": {"repo_id": "org/model", "hf_token": "secret"}})).await;
    let imported = ok(&imported, "import");
    let id = imported["model"]["uuid"].as_str().expect("uuid").to_owned();
    assert!(
        imported["model"]["source_ref"].get("hf_token").is_none(),
        "{imported}"
    );
    let read = ok(
        &get(&sim, &format!("/v2/gen-ai/custom_models/{id}")).await,
        "model",
    );
    assert_eq!(read["model"]["name"], "my-model");
    let patched = send(
        &sim,
        Method::PATCH,
        &format!("/v2/gen-ai/custom_models/{id}/metadata"),
        json!({"description": "better"}),
    )
    .await;
    assert_eq!(ok(&patched, "metadata")["model"]["description"], "better");
    let read = ok(
        &get(&sim, &format!("/v2/gen-ai/custom_models/{id}")).await,
        "model",
    );
    assert_eq!(read["model"]["description"], "better");

    let jobs = ok(&get(&sim, "/v2/gen-ai/indexing_jobs").await, "jobs");
    let job = jobs["jobs"][0]["uuid"].as_str().expect("job").to_owned();
    let cancelled = send(
        &sim,
        Method::PUT,
        &format!("/v2/gen-ai/indexing_jobs/{job}/cancel"),
        json!({}),
    )
    .await;
    let cancelled = ok(&cancelled, "cancel");
    assert_eq!(cancelled["job"]["status"], "INDEX_JOB_STATUS_CANCELLED");
    let read = ok(
        &get(&sim, &format!("/v2/gen-ai/indexing_jobs/{job}")).await,
        "job",
    );
    assert_eq!(read["job"]["status"], "INDEX_JOB_STATUS_CANCELLED");
    send(
        &sim,
        Method::PUT,
        &format!("/v2/gen-ai/indexing_jobs/{job}/cancel"),
        json!({}),
    )
    .await
    .assert_error(409, "conflict");
}

#[tokio::test]
async fn vector_databases_resize_and_restore() {
    let sim = demo(200).await;
    let made = send(
        &sim,
        Method::POST,
        "/v2/vector-databases",
        json!({"name": "vec", "region": "tor1", "size": "small"}),
    )
    .await;
    let made = ok(&made, "vector db");
    let id = made["vector_db"]["id"].as_str().expect("id").to_owned();
    let resized = send(
        &sim,
        Method::POST,
        &format!("/v2/vector-databases/{id}/resize"),
        json!({"size": "large"}),
    )
    .await;
    assert_eq!(ok(&resized, "resize")["vector_db"]["size"], "large");
    let read = ok(
        &get(&sim, &format!("/v2/vector-databases/{id}")).await,
        "read",
    );
    assert_eq!(read["vector_db"]["size"], "large");
    send(
        &sim,
        Method::POST,
        &format!("/v2/vector-databases/{id}/resize"),
        json!({"size": "huge"}),
    )
    .await
    .assert_error(422, "unprocessable_entity");
    let backup = "123e4567-e89b-12d3-a456-426614174000";
    let path = format!("/v2/vector-databases/{id}/backups/{backup}/restore");
    let started = ok(&send(&sim, Method::POST, &path, json!({})).await, "restore");
    assert_eq!(started["status"], "STARTED");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let status = ok(&get(&sim, &path).await, "restore status");
        if status["status"] == "SUCCESS" {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "restore never finished: {status}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn inference_answers_echo_the_request() {
    let sim = demo(1000).await;
    let chat = send(&sim, Method::POST, "/v1/chat/completions", json!({"model": "my-model", "n": 3, "messages": [{"role": "user", "content": "ping pong"}]})).await;
    let chat = ok(&chat, "chat");
    conforms("POST", "/v1/chat/completions", &chat);
    assert_eq!(chat["model"], "my-model");
    assert_eq!(chat["choices"].as_array().expect("choices").len(), 3);
    assert!(
        chat["choices"][0]["message"]["content"]
            .as_str()
            .expect("content")
            .contains("ping pong")
    );
    let embeddings = send(
        &sim,
        Method::POST,
        "/v1/embeddings",
        json!({"model": "emb", "input": ["a", "b", "a"]}),
    )
    .await;
    let embeddings = ok(&embeddings, "embeddings");
    conforms("POST", "/v1/embeddings", &embeddings);
    let data = embeddings["data"].as_array().expect("data");
    assert_eq!(data.len(), 3);
    assert_eq!(data[0]["embedding"], data[2]["embedding"]);
    assert_ne!(data[0]["embedding"], data[1]["embedding"]);
    let images = send(
        &sim,
        Method::POST,
        "/v1/images/generations",
        json!({"model": "img", "prompt": "a cat", "n": 2}),
    )
    .await;
    let images = ok(&images, "images");
    conforms("POST", "/v1/images/generations", &images);
    assert_eq!(images["data"].as_array().expect("data").len(), 2);
    let messages = send(&sim, Method::POST, "/v1/messages", json!({"model": "claude", "max_tokens": 5, "messages": [{"role": "user", "content": "hello"}]})).await;
    let messages = ok(&messages, "messages");
    conforms("POST", "/v1/messages", &messages);
    assert_eq!(messages["model"], "claude");
    let response = send(
        &sim,
        Method::POST,
        "/v1/responses",
        json!({"model": "r", "input": "hi"}),
    )
    .await;
    let response = ok(&response, "responses");
    conforms("POST", "/v1/responses", &response);
    assert_eq!(response["model"], "r");
}

#[tokio::test]
async fn errors_take_the_shape_their_endpoint_documents() {
    let sim = demo(1000).await;
    // Messages: Anthropic's envelope, status 400.
    let bad = send(
        &sim,
        Method::POST,
        "/v1/messages",
        json!({"model": "m", "max_tokens": 0, "messages": [{"role": "user", "content": "x"}]}),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.text);
    let body = bad.json();
    assert_eq!(body["type"], "error");
    assert_eq!(body["error"]["type"], "invalid_request_error");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
    // Tags: the documented 400 shape.
    let bad = call(
        &sim,
        Method::POST,
        "/v2/tags",
        Some(sim.token()),
        Some("{not json"),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.text);
    let body = bad.json();
    assert!(
        body["error"].is_string() && body["root_causes"].is_array(),
        "{body}"
    );
    // NFS access points: {code, message}.
    let bad = send(
        &sim,
        Method::POST,
        &format!("/v2/nfs/shares/{SHARE}/access_points"),
        json!({"name": "x"}),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.text);
    let body = bad.json();
    assert!(
        body["code"].is_string() && body["message"].is_string(),
        "{body}"
    );
    // Authentication keeps the standard shape everywhere, and so does every other route.
    call(&sim, Method::POST, "/v1/messages", None, Some("{}"))
        .await
        .assert_error(401, "unauthorized");
    send(
        &sim,
        Method::POST,
        "/v1/chat/completions",
        json!({"model": "m", "messages": []}),
    )
    .await
    .assert_error(422, "unprocessable_entity");
}

#[tokio::test]
async fn a_record_ttl_under_30_and_a_truncated_key_are_refused() {
    let sim = demo(1000).await;
    ok(
        &send(
            &sim,
            Method::POST,
            "/v2/domains",
            json!({"name": "ttl-test.example"}),
        )
        .await,
        "domain",
    );
    let records = "/v2/domains/ttl-test.example/records";
    let low = send(
        &sim,
        Method::POST,
        records,
        json!({"type": "A", "name": "www", "data": "192.0.2.1", "ttl": 29}),
    )
    .await;
    let error = low.assert_error(422, "unprocessable_entity");
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("ttl:")),
        "{error}"
    );
    let made = send(
        &sim,
        Method::POST,
        records,
        json!({"type": "A", "name": "www", "data": "192.0.2.1", "ttl": 30}),
    )
    .await;
    let id = ok(&made, "record")["domain_record"]["id"]
        .as_u64()
        .expect("id");
    send(
        &sim,
        Method::PATCH,
        &format!("{records}/{id}"),
        json!({"ttl": 5}),
    )
    .await
    .assert_error(422, "unprocessable_entity");

    // An ed25519 key whose 32-byte point lost its last bytes.
    let whole = "AAAAC3NzaC1lZDI1NTE5AAAAIDUpI/qA1SrOIoe/PXS/aB9YBSJDdApE9EqkpFtMosjZ";
    let cut = &whole[..whole.len() - 8];
    send(
        &sim,
        Method::POST,
        "/v2/account/keys",
        json!({"name": "cut", "public_key": format!("ssh-ed25519 {cut} x@y")}),
    )
    .await
    .assert_error(422, "unprocessable_entity");
    let kept = send(
        &sim,
        Method::POST,
        "/v2/account/keys",
        json!({"name": "whole", "public_key": format!("ssh-ed25519 {whole} x@y")}),
    )
    .await;
    assert_eq!(kept.status, StatusCode::CREATED, "{}", kept.text);
}

#[tokio::test]
async fn events_and_job_invocations_cancel_only_while_running() {
    let sim = demo(1000).await;
    let events = ok(
        &get(&sim, &format!("/v2/apps/{APP}/events")).await,
        "events",
    );
    let event = events["events"][0]["id"].as_str().expect("event");
    // The demo's deployment event has ended.
    send(
        &sim,
        Method::POST,
        &format!("/v2/apps/{APP}/events/{event}/cancel"),
        json!({}),
    )
    .await
    .assert_error(409, "conflict");
    send(
        &sim,
        Method::POST,
        &format!("/v2/apps/{APP}/events/00000000-0000-4000-8000-000000000000/cancel"),
        json!({}),
    )
    .await
    .assert_error(404, "not_found");
    send(
        &sim,
        Method::POST,
        &format!("/v2/apps/{APP}/job-invocations/00000000-0000-4000-8000-000000000000/cancel"),
        json!({}),
    )
    .await
    .assert_error(404, "not_found");
}

#[tokio::test]
async fn presigned_urls_take_uploads_and_computed_answers_echo_the_request() {
    let sim = demo(1000).await;
    let made = send(
        &sim,
        Method::POST,
        "/v2/gen-ai/knowledge_bases/data_sources/file_upload_presigned_urls",
        json!({"files": [{"file_name": "notes.pdf", "file_size": "5"}]}),
    )
    .await;
    let made = ok(&made, "presigned");
    let upload = &made["uploads"][0];
    assert_eq!(upload["original_file_name"], "notes.pdf");
    let url = upload["presigned_url"].as_str().expect("url");
    assert!(url.starts_with(&sim.base_url()), "{url}");
    let put = client()
        .put(url)
        .body("hello")
        .send()
        .await
        .expect("answered");
    assert!(put.status().is_success(), "{}", put.status());

    let spec = json!({"name": "proposed", "region": "nyc", "services": [{"name": "web", "image": {"registry_type": "DOCKER_HUB", "repository": "nginx", "tag": "latest"}}]});
    let proposed = ok(
        &send(
            &sim,
            Method::POST,
            "/v2/apps/propose",
            json!({"spec": spec}),
        )
        .await,
        "propose",
    );
    conforms("POST", "/v2/apps/propose", &proposed);
    assert_eq!(proposed["spec"]["name"], "proposed");
    assert_eq!(proposed["app_name_available"], true);

    let usage = send(
        &sim,
        Method::POST,
        "/v2/apps/metrics/bandwidth_daily",
        json!({"app_ids": [APP]}),
    )
    .await;
    let usage = ok(&usage, "bandwidth");
    assert_eq!(
        usage["app_bandwidth_usage"].as_array().expect("list").len(),
        1
    );
    assert_eq!(usage["app_bandwidth_usage"][0]["app_id"], APP);
    let unknown = send(
        &sim,
        Method::POST,
        "/v2/apps/metrics/bandwidth_daily",
        json!({"app_ids": ["00000000-0000-4000-8000-000000000000"]}),
    )
    .await;
    assert_eq!(ok(&unknown, "bandwidth")["app_bandwidth_usage"], json!([]));

    let tokens = ok(
        &send(
            &sim,
            Method::POST,
            "/v2/gen-ai/oauth2/dropbox/tokens",
            json!({"code": "abc", "redirect_url": "http://127.0.0.1/cb"}),
        )
        .await,
        "tokens",
    );
    assert_ne!(tokens["token"], tokens["refresh_token"]);
}
