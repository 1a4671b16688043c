//! Details that came from the spec's examples rather than from the objects themselves:
//! a fixed 2030 backup window, all-empty standby connections, one engine's user carrying
//! another engine's settings, a second attach answered 202, a volume past the product's
//! 16 TiB, a regional load balancer with a zeroed global one's settings.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::*;

/// The weekday (0 is Sunday) and hour of a UTC time.
fn day_and_hour(at: &Value) -> (i64, i64) {
    let at: jiff::Timestamp = at.as_str().expect("a time").parse().expect("RFC 3339");
    let second = at.as_second();
    (
        (second.div_euclid(86_400) + 4).rem_euclid(7),
        second.rem_euclid(86_400) / 3600,
    )
}

#[tokio::test]
async fn a_droplets_next_backup_window_follows_its_policy_from_now_and_is_null_without_backups() {
    let sim = demo(20).await;
    let body =
        r#"{"type":"enable_backups","backup_policy":{"plan":"weekly","weekday":"TUE","hour":8}}"#;
    let id = act(&sim, OTHER_DROPLET, body).await;
    wait_action(&sim, id, Duration::from_secs(10)).await;
    let window = droplet(&sim, OTHER_DROPLET).await["next_backup_window"].clone();
    assert_eq!(day_and_hour(&window["start"]), (2, 8), "{window}");
    assert_eq!(day_and_hour(&window["end"]), (2, 12), "{window}");
    let now = jiff::Timestamp::now().as_second();
    let end: jiff::Timestamp = window["end"].as_str().expect("end").parse().expect("time");
    assert!(
        end.as_second() > now && end.as_second() <= now + 7 * 86_400 + 4 * 3600,
        "{window} is not the next one"
    );
    assert!(!window.to_string().contains("2030"), "{window}");
    // The policy route shows the same window.
    let policy = get(
        &sim,
        &format!("/v2/droplets/{OTHER_DROPLET}/backups/policy"),
    )
    .await
    .json();
    assert_eq!(policy["policy"]["next_backup_window"], window, "{policy}");

    let id = act(&sim, OTHER_DROPLET, r#"{"type":"disable_backups"}"#).await;
    wait_action(&sim, id, Duration::from_secs(10)).await;
    assert!(
        droplet(&sim, OTHER_DROPLET).await["next_backup_window"].is_null(),
        "no backups, no window"
    );
}

async fn cluster(sim: &oxido_sim::Sim, engine: &str, nodes: u64) -> String {
    let size = if engine == "mongodb" {
        "db-s-1vcpu-1gb"
    } else {
        "db-s-2vcpu-4gb"
    };
    let made = post(
        sim,
        "/v2/databases",
        &json!({"name": format!("{engine}-{nodes}"), "engine": engine, "region": "nyc3",
                "size": size, "num_nodes": nodes})
        .to_string(),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    made.json()["database"]["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

#[tokio::test]
async fn a_pools_standby_connection_is_the_pools_own_through_the_standby_node_or_absent() {
    let sim = start(oxido_sim::Sim::builder()).await;
    let pool = json!({"name": "backend", "mode": "transaction", "size": 10, "db": "defaultdb"});
    let with_standby = cluster(&sim, "pg", 2).await;
    let made = post(
        &sim,
        &format!("/v2/databases/{with_standby}/pools"),
        &pool.to_string(),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let read = get(&sim, &format!("/v2/databases/{with_standby}/pools/backend"))
        .await
        .json();
    conforms(
        "GET",
        "/v2/databases/{database_cluster_uuid}/pools/{pool_name}",
        &read,
    );
    let p = &read["pool"];
    for (standby, primary) in [
        ("standby_connection", "connection"),
        ("standby_private_connection", "private_connection"),
    ] {
        let s = &p[standby];
        for member in ["host", "uri", "user", "password", "database"] {
            assert!(
                s[member].as_str().is_some_and(|v| !v.is_empty()),
                "{standby}.{member} is empty: {p}"
            );
        }
        assert_eq!(s["port"], p[primary]["port"], "{p}");
        assert_ne!(s["host"], p[primary]["host"], "{p}");
        assert_eq!(s["password"], p[primary]["password"], "{p}");
    }
    // A cluster without a standby node has no standby connection.
    let single = cluster(&sim, "pg", 1).await;
    let made = post(
        &sim,
        &format!("/v2/databases/{single}/pools"),
        &pool.to_string(),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let p = &made.json()["pool"];
    assert!(p.get("standby_connection").is_none(), "{p}");
    assert!(p.get("standby_private_connection").is_none(), "{p}");
}

#[tokio::test]
async fn a_demo_pool_shows_no_empty_standby_connection() {
    let sim = demo(0).await;
    let clusters = get(&sim, "/v2/databases").await.json();
    let mut seen = 0;
    for db in clusters["databases"].as_array().expect("databases") {
        let id = db["id"].as_str().expect("id");
        let reply = get(&sim, &format!("/v2/databases/{id}/pools")).await;
        if reply.status != StatusCode::OK {
            continue;
        }
        for p in reply.json()["pools"].as_array().into_iter().flatten() {
            seen += 1;
            for standby in ["standby_connection", "standby_private_connection"] {
                if let Some(s) = p.get(standby) {
                    assert!(
                        s["host"].as_str().is_some_and(|h| !h.is_empty()),
                        "{standby} of {id}: {p}"
                    );
                }
            }
        }
    }
    assert!(seen > 0, "the demo has pools");
}

#[tokio::test]
async fn a_database_user_carries_only_its_engines_settings() {
    let sim = start(oxido_sim::Sim::builder()).await;
    let foreign = ["mongo_user_settings", "opensearch_acl", "acl"];
    let pg = cluster(&sim, "pg", 1).await;
    let made = post(
        &sim,
        &format!("/v2/databases/{pg}/users"),
        r#"{"name":"app-01"}"#,
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    for user in [
        made.json()["user"].clone(),
        get(&sim, &format!("/v2/databases/{pg}/users/app-01"))
            .await
            .json()["user"]
            .clone(),
    ] {
        for member in foreign {
            assert!(user["settings"].get(member).is_none(), "{member}: {user}");
        }
        // Replication is granted only when asked for.
        assert_eq!(user["settings"]["pg_allow_replication"], false, "{user}");
        assert!(user.get("mysql_settings").is_none(), "{user}");
        assert!(user.get("access_cert").is_none(), "{user}");
    }
    let kafka = cluster(&sim, "kafka", 3).await;
    let made = post(
        &sim,
        &format!("/v2/databases/{kafka}/users"),
        r#"{"name":"app-02","settings":{"acl":[{"topic":"t.*","permission":"consume"}]}}"#,
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let user = &made.json()["user"];
    assert!(user["settings"]["acl"].is_array(), "{user}");
    for member in [
        "mongo_user_settings",
        "opensearch_acl",
        "pg_allow_replication",
    ] {
        assert!(user["settings"].get(member).is_none(), "{member}: {user}");
    }
    // The demo's PostgreSQL users, each read and listed in its cluster, too.
    let demo = demo(0).await;
    let clusters = get(&demo, "/v2/databases").await.json();
    let mut seen = 0;
    for db in clusters["databases"].as_array().expect("databases") {
        let (id, engine) = (db["id"].as_str().expect("id"), &db["engine"]);
        let listed = get(&demo, &format!("/v2/databases/{id}/users")).await;
        let users: Vec<Value> = listed
            .json()
            .get("users")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .chain(db["users"].as_array().cloned().unwrap_or_default())
            .collect();
        for user in users {
            seen += 1;
            if engine != "mongodb" {
                assert!(
                    user["settings"].get("mongo_user_settings").is_none(),
                    "{engine}: {user}"
                );
            }
            if engine != "opensearch" {
                assert!(
                    user["settings"].get("opensearch_acl").is_none(),
                    "{engine}: {user}"
                );
            }
            if engine != "mysql" {
                assert!(user.get("mysql_settings").is_none(), "{engine}: {user}");
            }
        }
    }
    assert!(seen > 0, "the demo has users");
}

async fn volume(sim: &oxido_sim::Sim, name: &str, size: u64) -> reqwest::StatusCode {
    let made = post(
        sim,
        "/v2/volumes",
        &json!({"name": name, "region": "nyc1", "size_gigabytes": size}).to_string(),
    )
    .await;
    made.status
}

#[tokio::test]
async fn attaching_a_volume_already_attached_to_that_droplet_is_refused() {
    let sim = demo(0).await;
    let made = post(
        &sim,
        "/v2/volumes",
        r#"{"name":"twice","region":"nyc1","size_gigabytes":10}"#,
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let id = made.json()["volume"]["id"].as_str().expect("id").to_owned();
    let attach = json!({"type": "attach", "droplet_id": HOST, "region": "nyc1"});
    let first = send_json(
        &sim,
        Method::POST,
        &format!("/v2/volumes/{id}/actions"),
        attach.clone(),
    )
    .await;
    assert_eq!(first.status, StatusCode::ACCEPTED, "{}", first.text);
    let again = send_json(
        &sim,
        Method::POST,
        &format!("/v2/volumes/{id}/actions"),
        attach,
    )
    .await;
    let body = again.assert_error(422, "unprocessable_entity");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("This volume is already attached")),
        "{body}"
    );
    // The one attachment stands.
    let read = get(&sim, &format!("/v2/volumes/{id}")).await.json();
    assert_eq!(read["volume"]["droplet_ids"], json!([HOST]), "{read}");
}

#[tokio::test]
async fn a_volume_is_at_most_16_tib_and_never_shrinks() {
    let sim = demo(0).await;
    let over = post(
        &sim,
        "/v2/volumes",
        r#"{"name":"huge","region":"nyc1","size_gigabytes":20000}"#,
    )
    .await;
    let body = over.assert_error(422, "unprocessable_entity");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("size_gigabytes")),
        "{body}"
    );
    assert_eq!(volume(&sim, "largest", 16_384).await, StatusCode::CREATED);
    let made = post(
        &sim,
        "/v2/volumes",
        r#"{"name":"grows","region":"nyc1","size_gigabytes":100}"#,
    )
    .await;
    let id = made.json()["volume"]["id"].as_str().expect("id").to_owned();
    let resize = |size: u64| json!({"type": "resize", "size_gigabytes": size, "region": "nyc1"});
    let path = format!("/v2/volumes/{id}/actions");
    let past = send_json(&sim, Method::POST, &path, resize(16_385)).await;
    let body = past.assert_error(422, "unprocessable_entity");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("size_gigabytes"))
    );
    let down = send_json(&sim, Method::POST, &path, resize(50)).await;
    let body = down.assert_error(422, "unprocessable_entity");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("size_gigabytes"))
    );
    let up = send_json(&sim, Method::POST, &path, resize(200)).await;
    assert_eq!(up.status, StatusCode::ACCEPTED, "{}", up.text);
    let read = get(&sim, &format!("/v2/volumes/{id}")).await.json();
    assert_eq!(read["volume"]["size_gigabytes"], 200, "{read}");
}

#[tokio::test]
async fn a_regional_load_balancer_has_no_global_settings() {
    let sim = demo(0).await;
    let body = json!({"name": "lb-regional", "region": "nyc3", "forwarding_rules": [
        {"entry_protocol": "http", "entry_port": 80, "target_protocol": "http", "target_port": 80}]});
    let made = post(&sim, "/v2/load_balancers", &body.to_string()).await;
    assert_eq!(made.status, StatusCode::ACCEPTED, "{}", made.text);
    let lb = made.json()["load_balancer"].clone();
    assert!(lb.get("glb_settings").is_none(), "{lb}");
    let id = lb["id"].as_str().expect("id");
    let read = get(&sim, &format!("/v2/load_balancers/{id}")).await.json();
    conforms("GET", "/v2/load_balancers/{lb_id}", &read);
    assert!(
        read["load_balancer"].get("glb_settings").is_none(),
        "{read}"
    );
    // A global one keeps what it asks for.
    let global = json!({"name": "lb-global", "type": "GLOBAL", "region": "nyc3",
        "forwarding_rules": [{"entry_protocol": "http", "entry_port": 80,
                              "target_protocol": "http", "target_port": 80}],
        "glb_settings": {"target_protocol": "http", "target_port": 80}});
    let made = post(&sim, "/v2/load_balancers", &global.to_string()).await;
    assert_eq!(made.status, StatusCode::ACCEPTED, "{}", made.text);
    assert_eq!(
        made.json()["load_balancer"]["glb_settings"]["target_port"],
        80,
        "{}",
        made.text
    );
}
