//! Databases through the SDK: a cluster from `creating` to `online`, its users, databases,
//! connection pools, firewall rules and replicas.

use oxido::types::DatabaseCluster;
use serde_json::json;

use super::common::*;

/// A demo PostgreSQL cluster.
const DB: &str = "9cc10173-e9ea-4176-9dbc-a4cee4c4ff30";

fn status<T: serde::Serialize>(status: &T) -> serde_json::Value {
    json_of(status)
}

#[tokio::test]
async fn a_database_cluster_is_created_then_online_gets_a_replica_and_is_deleted() {
    let sim = sim().await;
    let client = client(&sim);
    let dbs = client.databases();
    let made = dbs
        .create_cluster(body(json!({
            "name": "backend", "engine": "pg", "version": "16", "region": "nyc3",
            "size": "db-s-2vcpu-4gb", "num_nodes": 2
        })))
        .await
        .expect("created");
    let id = made.id.clone();
    assert_eq!(made.name, "backend");
    assert_eq!(status(&made.status), json!("creating"));
    let online: DatabaseCluster = until(
        "the cluster comes online",
        || dbs.get_cluster(&id).send(),
        |c| status(&c.status) == json!("online"),
    )
    .await;
    assert_eq!(online.num_nodes, 2);
    assert_eq!(json_of(&online.engine), json!("pg"));
    let listed = dbs.list_clusters().send().await.expect("clusters");
    assert!(listed.iter().any(|c| c.id == *id));

    let replica = dbs
        .create_replica(
            &id,
            body(json!({"name": "read-1", "size": "db-s-2vcpu-4gb", "region": "nyc3"})),
        )
        .await
        .expect("replica created");
    assert_eq!(replica.name, "read-1");
    assert_eq!(status(&replica.status), json!("creating"));
    until(
        "the replica comes online",
        || dbs.get_replica(&id, "read-1").send(),
        |r| status(&r.status) == json!("online"),
    )
    .await;
    let replicas = dbs.list_replicas(&id).await.expect("replicas");
    assert_eq!(
        replicas.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        ["read-1"]
    );
    dbs.destroy_replica(&id, "read-1")
        .await
        .expect("replica deleted");
    let gone = dbs.get_replica(&id, "read-1").await.expect_err("deleted");
    assert!(gone.is_not_found(), "{gone}");

    dbs.destroy_cluster(&id).await.expect("deleted");
    let gone = dbs.get_cluster(&id).await.expect_err("deleted");
    assert!(gone.is_not_found(), "{gone}");
}

#[tokio::test]
async fn database_users_and_databases_are_added_read_and_removed() {
    let sim = sim().await;
    let client = client(&sim);
    let dbs = client.databases();
    let user = dbs
        .add_user(DB, body(json!({"name": "app"})))
        .await
        .expect("user added");
    assert_eq!(user.name, "app");
    let read = dbs.get_user(DB, "app").await.expect("user read");
    assert_eq!(read.name, "app");
    let users = dbs.list_users(DB).await.expect("users");
    assert!(users.iter().any(|u| u.name == "app"), "{users:?}");
    dbs.delete_user(DB, "app").await.expect("user removed");
    let gone = dbs.get_user(DB, "app").await.expect_err("removed");
    assert!(gone.is_not_found(), "{gone}");

    let db = dbs
        .add(DB, body(json!({"name": "reports"})))
        .await
        .expect("database added");
    assert_eq!(db.name, "reports");
    assert_eq!(dbs.get(DB, "reports").await.expect("read").name, "reports");
    let all = dbs.list(DB).await.expect("databases");
    assert!(all.iter().any(|d| d.name == "reports"), "{all:?}");
    dbs.delete(DB, "reports").await.expect("database removed");
    let gone = dbs.get(DB, "reports").await.expect_err("removed");
    assert!(gone.is_not_found(), "{gone}");
}

#[tokio::test]
async fn connection_pools_are_added_changed_and_removed() {
    let sim = sim().await;
    let client = client(&sim);
    let dbs = client.databases();
    let pool = dbs
        .add_connection_pool(
            DB,
            body(json!({"name": "backend", "mode": "transaction", "size": 10, "db": "defaultdb", "user": "doadmin"})),
        )
        .await
        .expect("pool added");
    assert_eq!((pool.name.as_str(), pool.size), ("backend", 10));
    dbs.update_connection_pool(
        DB,
        "backend",
        body(json!({"mode": "session", "size": 20, "db": "defaultdb"})),
    )
    .await
    .expect("pool changed");
    let read = dbs
        .get_connection_pool(DB, "backend")
        .await
        .expect("pool read");
    assert_eq!((read.mode.as_str(), read.size), ("session", 20));
    let pools = dbs.list_connection_pools(DB).await.expect("pools");
    assert!(pools.iter().any(|p| p.name == "backend"), "{pools:?}");
    dbs.delete_connection_pool(DB, "backend")
        .await
        .expect("pool removed");
    let gone = dbs
        .get_connection_pool(DB, "backend")
        .await
        .expect_err("removed");
    assert!(gone.is_not_found(), "{gone}");
}

#[tokio::test]
async fn firewall_rules_put_through_the_sdk_replace_the_old_ones() {
    let sim = sim().await;
    let client = client(&sim);
    let dbs = client.databases();
    dbs.update_firewall_rules(
        DB,
        body(json!({"rules": [
            {"type": "ip_addr", "value": "192.0.2.1"},
            {"type": "droplet", "value": DROPLET.to_string()}
        ]})),
    )
    .await
    .expect("rules replaced");
    let rules = dbs.list_firewall_rules(DB).await.expect("rules");
    let mut values: Vec<&str> = rules.iter().map(|r| r.value.as_str()).collect();
    values.sort_unstable();
    assert_eq!(values, ["192.0.2.1", "3164444"]);
    assert!(rules.iter().all(|r| r.uuid.is_some()), "{rules:?}");
}

#[tokio::test]
async fn a_resized_cluster_reads_back_with_its_new_size() {
    let sim = sim().await;
    let client = client(&sim);
    let dbs = client.databases();
    dbs.update_cluster_size(DB, body(json!({"size": "db-s-4vcpu-8gb", "num_nodes": 3})))
        .await
        .expect("resize accepted");
    let resized = dbs.get_cluster(DB).await.expect("cluster");
    assert_eq!(resized.size, "db-s-4vcpu-8gb");
    assert_eq!(resized.num_nodes, 3);
}

#[tokio::test]
async fn the_demo_cluster_is_online_again_after_a_resize() {
    let sim = sim().await;
    let client = client(&sim);
    let dbs = client.databases();
    let before = dbs.get_cluster(DB).await.expect("cluster");
    assert_eq!(status(&before.status), json!("online"));
    dbs.update_cluster_size(DB, body(json!({"size": "db-s-4vcpu-8gb", "num_nodes": 3})))
        .await
        .expect("resize accepted");
    until(
        "the cluster is online again",
        || dbs.get_cluster(DB).send(),
        |c| status(&c.status) == json!("online"),
    )
    .await;
}
