//! Database flows as suites written against the real API drive them: create with what
//! people send, wait for `online`, then read back, filter, resize, move, and connect to
//! what the cluster says. Each test is a defect the platform probes found.

use std::time::{Duration, Instant};

use oxido_sim::Sim;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{demo, get, send_json};

async fn cluster(sim: &Sim, body: Value) -> Value {
    let made = send_json(sim, Method::POST, "/v2/databases", body).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    made.json()["database"].clone()
}

/// Reads the cluster until `done` holds (bounded), as a client's wait does.
async fn wait_until(sim: &Sim, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let reply = get(sim, &format!("/v2/databases/{id}")).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        let db = reply.json()["database"].clone();
        if done(&db) {
            return db;
        }
        assert!(Instant::now() < deadline, "never settled: {db}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn pg(name: &str) -> Value {
    json!({"name": name, "engine": "pg", "version": "16", "region": "nyc1",
           "size": "db-s-1vcpu-1gb", "num_nodes": 1})
}

#[tokio::test]
async fn databases_list_filters_by_tag_name() {
    let sim = demo(50).await;
    let mut body = pg("tagged");
    body["tags"] = json!(["probe", "env:test"]);
    let tagged = cluster(&sim, body).await;
    cluster(&sim, pg("untagged")).await;
    let listed = get(&sim, "/v2/databases?tag_name=probe").await.json();
    let ids: Vec<&Value> = listed["databases"]
        .as_array()
        .expect("list")
        .iter()
        .map(|d| &d["id"])
        .collect();
    assert_eq!(ids, vec![&tagged["id"]], "{listed}");
    let none = get(&sim, "/v2/databases?tag_name=absent").await.json();
    assert_eq!(none["databases"], json!([]), "{none}");
}

#[tokio::test]
async fn maintenance_window_update_persists() {
    let sim = demo(50).await;
    let db = cluster(&sim, pg("mw")).await;
    let id = db["id"].as_str().expect("id");
    let reply = send_json(
        &sim,
        Method::PUT,
        &format!("/v2/databases/{id}/maintenance"),
        json!({"day": "tuesday", "hour": "14:00"}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text);
    let read = get(&sim, &format!("/v2/databases/{id}")).await.json();
    assert_eq!(read["database"]["maintenance_window"]["day"], "tuesday");
    assert_eq!(read["database"]["maintenance_window"]["hour"], "14:00");
}

#[tokio::test]
async fn resize_and_migrate_show_their_status_then_come_back_online() {
    let sim = demo(300).await;
    let db = cluster(&sim, pg("busy")).await;
    let id = db["id"].as_str().expect("id").to_owned();
    wait_until(&sim, &id, |d| d["status"] == "online").await;
    let resize = send_json(
        &sim,
        Method::PUT,
        &format!("/v2/databases/{id}/resize"),
        json!({"size": "db-s-2vcpu-4gb", "num_nodes": 2}),
    )
    .await;
    assert_eq!(resize.status, StatusCode::ACCEPTED, "{}", resize.text);
    let now = get(&sim, &format!("/v2/databases/{id}")).await.json();
    assert_eq!(now["database"]["status"], "resizing", "{now}");
    let done = wait_until(&sim, &id, |d| d["status"] == "online").await;
    assert_eq!(done["size"], "db-s-2vcpu-4gb");
    assert_eq!(done["num_nodes"], 2);
    let migrate = send_json(
        &sim,
        Method::PUT,
        &format!("/v2/databases/{id}/migrate"),
        json!({"region": "lon1"}),
    )
    .await;
    assert_eq!(migrate.status, StatusCode::ACCEPTED, "{}", migrate.text);
    let now = get(&sim, &format!("/v2/databases/{id}")).await.json();
    assert_eq!(now["database"]["status"], "migrating", "{now}");
    let done = wait_until(&sim, &id, |d| d["status"] == "online").await;
    assert_eq!(done["region"], "lon1");
}

/// Each engine connects the way it does on the cloud: its scheme, port, admin user and
/// database (the Terraform provider's cluster test reads Kafka's port 25073).
#[tokio::test]
async fn each_engine_has_its_own_connection() {
    let sim = demo(50).await;
    let cases = [
        (
            "valkey",
            "8",
            "db-s-1vcpu-1gb",
            1,
            "rediss://default:",
            25061,
            "default",
            "",
        ),
        (
            "mongodb",
            "7.0",
            "db-s-1vcpu-1gb",
            1,
            "mongodb+srv://doadmin:",
            27017,
            "doadmin",
            "admin",
        ),
        (
            "kafka",
            "3.8",
            "gd-2vcpu-8gb",
            3,
            "kafka+ssl://doadmin:",
            25073,
            "doadmin",
            "",
        ),
        (
            "opensearch",
            "2",
            "db-s-2vcpu-4gb",
            1,
            "https://doadmin:",
            25060,
            "doadmin",
            "",
        ),
        (
            "mysql",
            "8",
            "db-s-1vcpu-1gb",
            1,
            "mysql://doadmin:",
            25060,
            "doadmin",
            "defaultdb",
        ),
    ];
    for (engine, version, size, nodes, scheme, port, user, database) in cases {
        let db = cluster(
            &sim,
            json!({"name": format!("conn-{engine}"), "engine": engine, "version": version,
                   "region": "nyc1", "size": size, "num_nodes": nodes}),
        )
        .await;
        for member in ["connection", "private_connection"] {
            let conn = &db[member];
            let uri = conn["uri"].as_str().expect("uri");
            assert!(uri.starts_with(scheme), "{engine} {member}: {uri}");
            let password = conn["password"].as_str().expect("password");
            assert!(uri.contains(&format!(":{password}@")), "{engine}: {uri}");
            assert_eq!(conn["port"], port, "{engine} {member}: {conn}");
            assert_eq!(conn["user"], user, "{engine} {member}: {conn}");
            assert_eq!(conn["database"], database, "{engine} {member}: {conn}");
        }
    }
}

/// PgBouncer serves a pool under its own name (the spec's pool examples connect to
/// `…:25061/backend-pool` for the pool `backend-pool` of `defaultdb`).
#[tokio::test]
async fn a_pool_connects_to_its_own_name() {
    let sim = demo(50).await;
    let db = cluster(&sim, pg("pooled")).await;
    let id = db["id"].as_str().expect("id");
    let made = send_json(
        &sim,
        Method::POST,
        &format!("/v2/databases/{id}/pools"),
        json!({"name": "pool1", "mode": "transaction", "size": 10, "db": "defaultdb", "user": "doadmin"}),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let pool = made.json()["pool"].clone();
    assert_eq!(pool["db"], "defaultdb");
    assert_eq!(pool["connection"]["database"], "pool1", "{pool}");
    assert_eq!(pool["connection"]["port"], 25061);
    let uri = pool["connection"]["uri"].as_str().expect("uri");
    assert!(uri.ends_with(":25061/pool1?sslmode=require"), "{uri}");
}

/// Resetting the admin user's password changes the cluster's: the Terraform provider
/// reads the cluster's `password` and `uri` after a reset of `doadmin`.
#[tokio::test]
async fn resetting_doadmin_changes_the_cluster_connection_password() {
    let sim = demo(50).await;
    let db = cluster(
        &sim,
        json!({"name": "reset", "engine": "mysql", "version": "8", "region": "nyc1",
               "size": "db-s-1vcpu-1gb", "num_nodes": 1}),
    )
    .await;
    let id = db["id"].as_str().expect("id");
    let before = db["connection"]["password"]
        .as_str()
        .expect("password")
        .to_owned();
    let reply = send_json(
        &sim,
        Method::POST,
        &format!("/v2/databases/{id}/users/doadmin/reset_auth"),
        json!({"mysql_settings": {"auth_plugin": "caching_sha2_password"}}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let user = reply.json()["user"].clone();
    let password = user["password"].as_str().expect("password");
    assert_ne!(password, before);
    let read = get(&sim, &format!("/v2/databases/{id}")).await.json()["database"].clone();
    for member in ["connection", "private_connection"] {
        assert_eq!(read[member]["password"], password, "{member}: {read}");
        let uri = read[member]["uri"].as_str().expect("uri");
        assert!(uri.contains(&format!(":{password}@")), "{uri}");
        assert!(!uri.contains(&before), "{uri}");
    }
    // Another user's reset leaves the cluster's password alone.
    let made = send_json(
        &sim,
        Method::POST,
        &format!("/v2/databases/{id}/users"),
        json!({"name": "app"}),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let reply = send_json(
        &sim,
        Method::POST,
        &format!("/v2/databases/{id}/users/app/reset_auth"),
        json!({}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let again = get(&sim, &format!("/v2/databases/{id}")).await.json()["database"].clone();
    assert_eq!(again["connection"]["password"], password);
}

async fn user(sim: &Sim, cluster: &str, body: Value) -> Value {
    let made = send_json(
        sim,
        Method::POST,
        &format!("/v2/databases/{cluster}/users"),
        body,
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    made.json()["user"].clone()
}

/// Users as each engine makes them, checked as the Terraform provider's user tests do
/// (database/resource_database_user_test.go): a PostgreSQL user has no
/// `mysql_auth_plugin`, a MySQL user one, and a Kafka user a certificate, a key and an
/// id on each ACL (kept through an update).
#[tokio::test]
async fn users_carry_what_their_engine_gives_them() {
    let sim = demo(50).await;
    let pg_db = cluster(&sim, pg("users-pg")).await;
    let pg_user = user(
        &sim,
        pg_db["id"].as_str().expect("id"),
        json!({"name": "u"}),
    )
    .await;
    assert!(pg_user.get("mysql_settings").is_none(), "{pg_user}");
    assert!(pg_user["password"].as_str().is_some_and(|p| !p.is_empty()));
    assert_eq!(pg_user["access_cert"].as_str().unwrap_or_default(), "");

    let mysql = cluster(
        &sim,
        json!({"name": "users-mysql", "engine": "mysql", "version": "8", "region": "nyc1",
               "size": "db-s-1vcpu-1gb", "num_nodes": 1}),
    )
    .await;
    let mysql_id = mysql["id"].as_str().expect("id");
    let plain = user(&sim, mysql_id, json!({"name": "plain"})).await;
    assert_eq!(
        plain["mysql_settings"]["auth_plugin"],
        "caching_sha2_password"
    );
    let legacy = user(
        &sim,
        mysql_id,
        json!({"name": "legacy", "mysql_settings": {"auth_plugin": "mysql_native_password"}}),
    )
    .await;
    assert_eq!(
        legacy["mysql_settings"]["auth_plugin"],
        "mysql_native_password"
    );

    let kafka = cluster(
        &sim,
        json!({"name": "users-kafka", "engine": "kafka", "version": "3.8", "region": "nyc1",
               "size": "gd-2vcpu-8gb", "num_nodes": 3}),
    )
    .await;
    let kafka_id = kafka["id"].as_str().expect("id");
    let producer = user(
        &sim,
        kafka_id,
        json!({"name": "producer", "settings": {"acl": [
            {"topic": "topic-1", "permission": "admin"},
            {"topic": "topic-*", "permission": "produceconsume"}
        ]}}),
    )
    .await;
    assert!(producer.get("mysql_settings").is_none(), "{producer}");
    for member in ["access_cert", "access_key"] {
        assert!(
            producer[member]
                .as_str()
                .is_some_and(|v| v.starts_with("-----BEGIN ")),
            "{member}: {producer}"
        );
    }
    let acl = producer["settings"]["acl"].as_array().expect("acl");
    assert_eq!(acl.len(), 2);
    assert_eq!(acl[0]["topic"], "topic-1");
    assert_eq!(acl[1]["permission"], "produceconsume");
    assert!(
        acl.iter()
            .all(|a| a["id"].as_str().is_some_and(|id| !id.is_empty())),
        "{acl:?}"
    );
    let updated = send_json(
        &sim,
        Method::PUT,
        &format!("/v2/databases/{kafka_id}/users/producer"),
        json!({"settings": {"acl": [{"topic": "topic-2", "permission": "consume"}]}}),
    )
    .await;
    assert_eq!(updated.status, StatusCode::CREATED, "{}", updated.text);
    let read = get(&sim, &format!("/v2/databases/{kafka_id}/users/producer"))
        .await
        .json()["user"]
        .clone();
    assert_eq!(
        read["settings"]["acl"][0]["permission"], "consume",
        "{read}"
    );
    assert!(
        read["settings"]["acl"][0]["id"]
            .as_str()
            .is_some_and(|id| !id.is_empty()),
        "{read}"
    );
}

/// A replica connects as its primary's engine does; its create body names no engine.
#[tokio::test]
async fn a_replica_connects_like_its_primary() {
    let sim = demo(50).await;
    let primary = cluster(
        &sim,
        json!({"name": "mysql-primary", "engine": "mysql", "version": "8", "region": "nyc1",
               "size": "db-s-1vcpu-1gb", "num_nodes": 1}),
    )
    .await;
    let id = primary["id"].as_str().expect("id");
    let made = send_json(
        &sim,
        Method::POST,
        &format!("/v2/databases/{id}/replicas"),
        json!({"name": "read-1", "size": "db-s-1vcpu-1gb"}),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let replica = made.json()["replica"].clone();
    let uri = replica["connection"]["uri"].as_str().expect("uri");
    assert!(uri.starts_with("mysql://doadmin:"), "{uri}");
    assert_ne!(replica["connection"]["host"], primary["connection"]["host"]);
}
