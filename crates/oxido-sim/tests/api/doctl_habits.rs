//! What doctl (and the godo it is built on) sends, found by running doctl's commands
//! against the emulator: each request here is the body doctl sends for the command named.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::{DROPLET, demo, get, send_json, wait_action};

/// `doctl compute droplet-action enable-private-networking` (godo's EnablePrivateNetworking,
/// which the Terraform provider also sends): every Droplet already has a private address,
/// so the action completes and the Droplet keeps it.
#[tokio::test]
async fn enable_private_networking_is_an_action_that_completes() {
    let sim = demo(0).await;
    let path = format!("/v2/droplets/{DROPLET}/actions");
    let reply = send_json(
        &sim,
        Method::POST,
        &path,
        json!({"type": "enable_private_networking"}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let action = reply.json()["action"].clone();
    assert_eq!(action["type"], "enable_private_networking");
    let id = action["id"].as_u64().expect("action id");
    let done = wait_action(&sim, id, Duration::from_secs(10)).await;
    assert_eq!(done["status"], "completed", "{done}");
    let droplet = get(&sim, &format!("/v2/droplets/{DROPLET}")).await.json()["droplet"].clone();
    assert!(
        droplet["networks"]["v4"]
            .as_array()
            .is_some_and(|v4| v4.iter().any(|n| n["type"] == "private")),
        "{droplet}"
    );

    // By tag too (godo's EnablePrivateNetworkingByTag).
    let by_tag = send_json(
        &sim,
        Method::POST,
        "/v2/droplets/actions?tag_name=web",
        json!({"type": "enable_private_networking"}),
    )
    .await;
    assert_eq!(by_tag.status, StatusCode::CREATED, "{}", by_tag.text);
    assert!(
        by_tag.json()["actions"]
            .as_array()
            .is_some_and(|a| !a.is_empty())
    );

    // A type that does not exist is still refused, and the refusal lists the new one.
    let bad = send_json(&sim, Method::POST, &path, json!({"type": "enable_magic"})).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text);
    assert!(
        bad.text.contains("enable_private_networking"),
        "{}",
        bad.text
    );
}

/// `doctl projects update ID --name N` sends godo's UpdateProjectRequest: the members not
/// given go as null, and the API leaves them as they are.
#[tokio::test]
async fn a_project_patch_with_null_members_changes_only_what_is_given() {
    let sim = demo(0).await;
    let made = send_json(
        &sim,
        Method::POST,
        "/v2/projects",
        json!({"name": "p1", "description": "d1", "purpose": "Web Application", "environment": "Development"}),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let id = made.json()["project"]["id"].as_str().unwrap().to_owned();
    let path = format!("/v2/projects/{id}");
    let reply = send_json(
        &sim,
        Method::PATCH,
        &path,
        json!({"name": "p2", "description": null, "purpose": null, "environment": null, "is_default": null}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let stored = get(&sim, &path).await.json()["project"].clone();
    assert_eq!(stored["name"], "p2");
    assert_eq!(stored["description"], "d1");
    assert_eq!(stored["purpose"], "Web Application");
    assert_eq!(stored["environment"], "Development");
    assert_eq!(stored["is_default"], false);

    // The default project takes the same body.
    let default = send_json(
        &sim,
        Method::PATCH,
        "/v2/projects/default",
        json!({"name": null, "description": "everything", "purpose": null, "environment": null, "is_default": null}),
    )
    .await;
    assert_eq!(default.status, StatusCode::OK, "{}", default.text);
    let project = default.json()["project"].clone();
    assert_eq!(project["description"], "everything");
    assert!(
        project["name"].as_str().is_some_and(|n| !n.is_empty()),
        "{project}"
    );

    // A member of the wrong type is still refused.
    let bad = send_json(&sim, Method::PATCH, &path, json!({"name": 5})).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text);
}

/// `doctl databases create` sends godo's DatabaseCreateRequest, whose `project_id` and
/// `rules` have no omitempty: `""` and `null` when not given. The cluster joins the
/// default project.
#[tokio::test]
async fn a_database_create_with_an_empty_project_and_null_rules_joins_the_default_project() {
    let sim = demo(0).await;
    let reply = send_json(
        &sim,
        Method::POST,
        "/v2/databases",
        json!({"name": "pg1", "engine": "pg", "size": "db-s-1vcpu-1gb", "region": "nyc3",
               "num_nodes": 1, "private_network_uuid": "", "project_id": "", "rules": null}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let db = reply.json()["database"].clone();
    let default = get(&sim, "/v2/projects/default").await.json()["project"]["id"].clone();
    assert_eq!(db["project_id"], default, "{db}");
    assert!(
        db["private_network_uuid"]
            .as_str()
            .is_some_and(|v| !v.is_empty()),
        "{db}"
    );
    // A project id that is not a uuid is still refused.
    let bad = send_json(
        &sim,
        Method::POST,
        "/v2/databases",
        json!({"name": "pg2", "engine": "pg", "size": "db-s-1vcpu-1gb", "region": "nyc3",
               "num_nodes": 1, "project_id": "nope"}),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text);
}

/// `doctl kubernetes cluster update --tag` and `node-pool update --count` send godo's
/// update requests, whose `name` is omitempty: the cluster and pool keep their names.
#[tokio::test]
async fn kubernetes_updates_without_a_name_keep_the_name() {
    let sim = demo(0).await;
    let made = send_json(
        &sim,
        Method::POST,
        "/v2/kubernetes/clusters",
        json!({"name": "k1", "region": "nyc1", "version": "latest",
               "node_pools": [{"name": "p1", "size": "s-2vcpu-4gb", "count": 1}]}),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let cluster = made.json()["kubernetes_cluster"].clone();
    let id = cluster["id"].as_str().unwrap().to_owned();
    let pool = cluster["node_pools"][0]["id"].as_str().unwrap().to_owned();

    let path = format!("/v2/kubernetes/clusters/{id}");
    let reply = send_json(
        &sim,
        Method::PUT,
        &path,
        json!({"tags": ["t1"], "auto_upgrade": true, "surge_upgrade": true}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text);
    let read = get(&sim, &path).await.json()["kubernetes_cluster"].clone();
    assert_eq!(read["name"], "k1");
    assert_eq!(read["auto_upgrade"], true);

    let pool_path = format!("{path}/node_pools/{pool}");
    let reply = send_json(&sim, Method::PUT, &pool_path, json!({"count": 2})).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text);
    let read = get(&sim, &pool_path).await.json()["node_pool"].clone();
    assert_eq!(
        (&read["name"], &read["count"]),
        (&json!("p1"), &json!(2)),
        "{read}"
    );
}

/// `doctl serverless namespaces create` wraps the namespace in `namespace` and spells
/// `Region`; godo sends it bare. Both create the same namespace.
#[tokio::test]
async fn a_namespace_create_is_taken_wrapped_or_bare() {
    let sim = demo(0).await;
    for (label, body) in [
        (
            "wrapped",
            // doctl's own spelling: `inputNamespace` tags the region `json:"Region"`.
            json!({"namespace": {"label": "wrapped", "Region": "nyc1"}}),
        ),
        ("bare", json!({"label": "bare", "region": "nyc1"})),
    ] {
        let reply = send_json(&sim, Method::POST, "/v2/functions/namespaces", body).await;
        assert!(reply.status.is_success(), "{label}: {}", reply.text);
        let ns = reply.json()["namespace"].clone();
        assert_eq!(ns["label"], label, "{ns}");
        assert_eq!(ns["region"], "nyc1", "{ns}");
    }
    let listed = get(&sim, "/v2/functions/namespaces").await.json();
    for label in ["wrapped", "bare"] {
        assert!(
            listed["namespaces"]
                .as_array()
                .is_some_and(|all| all.iter().any(|n| n["label"] == label)),
            "{listed}"
        );
    }
}

/// `doctl apps create --wait` follows the new deployment's `progress` until every step
/// succeeded; the steps and component summaries are the app's own.
#[tokio::test]
async fn an_app_deployment_reports_progress_that_follows_its_phase() {
    let sim = demo(0).await;
    let made = send_json(
        &sim,
        Method::POST,
        "/v2/apps",
        json!({"spec": {"name": "web-app", "region": "nyc", "services": [{
            "name": "api", "instance_count": 1, "instance_size_slug": "apps-s-1vcpu-1gb",
            "github": {"repo": "digitalocean/sample-golang", "branch": "main"}}]}}),
    )
    .await;
    assert!(made.status.is_success(), "{}", made.text);
    let app = made.json()["app"].clone();
    let id = app["id"].as_str().unwrap().to_owned();
    let pending = app["pending_deployment"]["id"].as_str().unwrap().to_owned();
    let path = format!("/v2/apps/{id}/deployments/{pending}");
    let mut deployment = json!(null);
    for _ in 0..100 {
        deployment = get(&sim, &path).await.json()["deployment"].clone();
        if deployment["phase"] == "ACTIVE" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(deployment["phase"], "ACTIVE", "{deployment}");
    let progress = &deployment["progress"];
    assert_eq!(
        progress["success_steps"], progress["total_steps"],
        "{progress}"
    );
    assert_eq!(progress["error_steps"], 0, "{progress}");
    assert!(progress["total_steps"].as_u64().unwrap() > 0);
    assert_eq!(deployment["services"][0]["name"], "api", "{deployment}");
    let built = &progress["steps"][0]["steps"][1]["steps"][0];
    assert_eq!(built["component_name"], "api", "{progress}");
    // The app reads the same deployment as its active one.
    let app = get(&sim, &format!("/v2/apps/{id}")).await.json()["app"].clone();
    assert_eq!(app["active_deployment"]["id"], pending.as_str());
    assert_eq!(
        app["active_deployment"]["progress"]["success_steps"],
        progress["total_steps"]
    );
}

/// Every timestamp in the demo apps' answers carries its zone: godo reads them into
/// `time.Time`, and `doctl apps list` fails on one that has none.
#[tokio::test]
async fn every_timestamp_of_the_demo_apps_has_a_zone() {
    fn walk(value: &serde_json::Value, path: &str, bad: &mut Vec<String>) {
        match value {
            serde_json::Value::String(s)
                if s.len() >= 19
                    && s.as_bytes()[10] == b'T'
                    && s[..4].parse::<u16>().is_ok()
                    && s.parse::<jiff::Timestamp>().is_err() =>
            {
                bad.push(format!("{path}: {s}"));
            }
            serde_json::Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    walk(v, &format!("{path}/{i}"), bad);
                }
            }
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    walk(v, &format!("{path}/{k}"), bad);
                }
            }
            _ => {}
        }
    }
    let sim = demo(0).await;
    let mut bad = Vec::new();
    walk(&get(&sim, "/v2/apps").await.json(), "", &mut bad);
    assert!(bad.is_empty(), "{bad:#?}");
}

/// The database clusters the Terraform provider's acceptance tests create (engine,
/// version, size, node count as `database/*_test.go` write them) are all accepted, and a
/// major-only version reports its line's full release.
#[tokio::test]
async fn the_database_clusters_terraform_tests_create_are_accepted() {
    let sim = demo(0).await;
    for (i, (engine, version, size, nodes)) in [
        ("pg", "15", "db-s-1vcpu-1gb", 1),
        ("pg", "15", "db-s-1vcpu-2gb", 1),
        ("mysql", "8", "db-s-1vcpu-1gb", 1),
        ("valkey", "8", "db-s-1vcpu-1gb", 1),
        ("mongodb", "6", "db-s-1vcpu-1gb", 1),
        ("mongodb", "7", "db-s-1vcpu-1gb", 1),
        ("kafka", "3.5", "db-s-2vcpu-2gb", 3),
        ("kafka", "3.5", "db-s-1vcpu-1gb", 3),
        ("opensearch", "2", "db-s-2vcpu-4gb", 3),
        ("opensearch", "2", "db-s-1vcpu-2gb", 1),
    ]
    .into_iter()
    .enumerate()
    {
        let reply = send_json(
            &sim,
            Method::POST,
            "/v2/databases",
            json!({"name": format!("tf-{i}"), "engine": engine, "version": version,
                   "size": size, "num_nodes": nodes, "region": "nyc1"}),
        )
        .await;
        assert_eq!(
            reply.status,
            StatusCode::CREATED,
            "{engine} {version}: {}",
            reply.text
        );
        let db = reply.json()["database"].clone();
        assert_eq!(db["version"], version, "{db}");
        if engine == "mongodb" {
            let full = db["semantic_version"].as_str().unwrap_or_default();
            assert!(full.starts_with(&format!("{version}.")), "{db}");
        }
    }
    // A version of no line is still refused.
    let bad = send_json(
        &sim,
        Method::POST,
        "/v2/databases",
        json!({"name": "tf-bad", "engine": "mongodb", "version": "9",
               "size": "db-s-1vcpu-1gb", "num_nodes": 1, "region": "nyc1"}),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text);
}

/// atl1 is a region like any other: the Terraform provider's acceptance tests create VPCs
/// and NFS shares there (`vpc/*_test.go`, `nfs/*_test.go`), and Droplets and volumes too.
#[tokio::test]
async fn atl1_takes_vpcs_nfs_shares_droplets_and_volumes() {
    let sim = demo(0).await;
    let regions = get(&sim, "/v2/regions?per_page=200").await.json();
    assert!(
        regions["regions"].as_array().is_some_and(|all| all
            .iter()
            .any(|r| r["slug"] == "atl1" && r["available"] == true)),
        "{regions}"
    );
    let vpc = send_json(
        &sim,
        Method::POST,
        "/v2/vpcs",
        json!({"name": "atl-vpc", "region": "atl1"}),
    )
    .await;
    assert_eq!(vpc.status, StatusCode::CREATED, "{}", vpc.text);
    let vpc_id = vpc.json()["vpc"]["id"].as_str().unwrap().to_owned();
    let share = send_json(
        &sim,
        Method::POST,
        "/v2/nfs",
        json!({"name": "share", "region": "atl1", "size_gib": 50, "vpc_ids": [vpc_id]}),
    )
    .await;
    assert!(share.status.is_success(), "{}", share.text);
    let volume = send_json(
        &sim,
        Method::POST,
        "/v2/volumes",
        json!({"name": "atl-vol", "region": "atl1", "size_gigabytes": 10}),
    )
    .await;
    assert_eq!(volume.status, StatusCode::CREATED, "{}", volume.text);
    assert_eq!(volume.json()["volume"]["region"]["slug"], "atl1");
    let droplet = send_json(
        &sim,
        Method::POST,
        "/v2/droplets",
        json!({"name": "atl-1", "region": "atl1", "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64"}),
    )
    .await;
    assert_eq!(droplet.status, StatusCode::ACCEPTED, "{}", droplet.text);
    assert_eq!(droplet.json()["droplet"]["region"]["slug"], "atl1");
}

/// What the Terraform provider and doctl wait for after a create: a VPC peering, an NFS
/// share, a NAT gateway and a partner attachment each leave their first state.
#[tokio::test]
async fn network_resources_settle_into_the_state_clients_wait_for() {
    let sim = demo(0).await;
    let vpc = |name: &'static str| {
        let sim = &sim;
        async move {
            let reply = send_json(
                sim,
                Method::POST,
                "/v2/vpcs",
                json!({"name": name, "region": "atl1"}),
            )
            .await;
            assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
            reply.json()["vpc"]["id"].as_str().unwrap().to_owned()
        }
    };
    let (a, b) = (vpc("pa").await, vpc("pb").await);
    for (path, body, member, pointer, done) in [
        (
            "/v2/vpc_peerings",
            json!({"name": "peer", "vpc_ids": [a, b]}),
            "vpc_peering",
            "/status",
            "ACTIVE",
        ),
        (
            "/v2/nfs",
            json!({"name": "share", "region": "atl1", "size_gib": 50, "vpc_ids": [a]}),
            "share",
            "/status",
            "ACTIVE",
        ),
        (
            "/v2/vpc_nat_gateways",
            json!({"name": "nat", "type": "PUBLIC", "region": "atl1", "size": 1,
                   "vpcs": [{"vpc_uuid": b}]}),
            "vpc_nat_gateway",
            "/state",
            "ACTIVE",
        ),
        (
            "/v2/partner_network_connect/attachments",
            json!({"name": "pa", "connection_bandwidth_in_mbps": 1000, "region": "nyc",
                   "naas_provider": "MEGAPORT", "vpc_ids": [a]}),
            "partner_attachment",
            "/state",
            "CREATED",
        ),
    ] {
        let made = send_json(&sim, Method::POST, path, body).await;
        assert!(made.status.is_success(), "{path}: {}", made.text);
        let id = made.json()[member]["id"].as_str().unwrap().to_owned();
        let read = get(&sim, &format!("{path}/{id}")).await;
        assert_eq!(read.status, StatusCode::OK, "{path}: {}", read.text);
        assert_eq!(
            read.json()[member].pointer(pointer),
            Some(&json!(done)),
            "{path}: {}",
            read.text
        );
    }
}

/// `doctl compute firewall create --outbound-rules protocol:icmp,address:0.0.0.0/0` (and
/// the Terraform provider's ICMP rules) send no ports; the API stores and answers `"0"`.
#[tokio::test]
async fn an_icmp_rule_needs_no_ports_and_reads_back_with_port_zero() {
    let sim = demo(0).await;
    let made = send_json(
        &sim,
        Method::POST,
        "/v2/firewalls",
        json!({"name": "fw-icmp",
               "inbound_rules": [{"protocol": "icmp", "sources": {"addresses": ["0.0.0.0/0"]}}],
               "outbound_rules": [{"protocol": "icmp", "destinations": {"addresses": ["0.0.0.0/0"]}}]}),
    )
    .await;
    assert!(made.status.is_success(), "{}", made.text);
    let fw = made.json()["firewall"].clone();
    assert_eq!(fw["inbound_rules"][0]["ports"], "0", "{fw}");
    assert_eq!(fw["outbound_rules"][0]["ports"], "0", "{fw}");
    let id = fw["id"].as_str().unwrap().to_owned();
    // Removing the rule as doctl names it (no ports) takes it out.
    let removed = send_json(
        &sim,
        Method::DELETE,
        &format!("/v2/firewalls/{id}/rules"),
        json!({"outbound_rules": [{"protocol": "icmp", "destinations": {"addresses": ["0.0.0.0/0"]}}]}),
    )
    .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT, "{}", removed.text);
    let read = get(&sim, &format!("/v2/firewalls/{id}")).await.json()["firewall"].clone();
    assert!(
        read["outbound_rules"]
            .as_array()
            .is_none_or(|rules| rules.is_empty()),
        "{read}"
    );
}
