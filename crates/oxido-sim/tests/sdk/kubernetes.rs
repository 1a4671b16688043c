//! Kubernetes through the SDK: a cluster from `provisioning` to `running`, its kubeconfig,
//! upgrades, and node pools that change the cluster.

use serde_json::json;

use super::common::*;

#[tokio::test]
async fn node_pools_added_resized_and_deleted_through_the_sdk_change_the_cluster() {
    let sim = sim().await;
    let client = client(&sim);
    let k8s = client.kubernetes();
    let before = k8s
        .get_cluster(CLUSTER)
        .await
        .expect("cluster")
        .node_pools
        .len();
    let added = k8s
        .add_node_pool(
            CLUSTER,
            body(json!({"size": "s-1vcpu-2gb", "count": 2, "name": "extra"})),
        )
        .await
        .expect("pool added");
    let id = added.id.clone();
    assert_eq!(added.nodes.len(), 2);
    let cluster = k8s.get_cluster(CLUSTER).await.expect("cluster");
    assert_eq!(cluster.node_pools.len(), before + 1);
    let resized = k8s
        .update_node_pool(CLUSTER, &id, body(json!({"name": "extra", "count": 4})))
        .await
        .expect("pool resized");
    assert_eq!(resized.count, 4);
    let read = k8s.get_node_pool(CLUSTER, &id).await.expect("pool");
    assert_eq!(read.nodes.len(), 4);
    let listed = k8s.list_node_pools(CLUSTER).await.expect("pools");
    assert!(listed.iter().any(|p| p.id == *id && p.count == 4));
    k8s.delete_node_pool(CLUSTER, &id)
        .await
        .expect("pool deleted");
    let cluster = k8s.get_cluster(CLUSTER).await.expect("cluster");
    assert_eq!(cluster.node_pools.len(), before);
    let gone = k8s.get_node_pool(CLUSTER, &id).await.expect_err("deleted");
    assert!(gone.is_not_found(), "{gone}");
}

fn state(cluster: &oxido::types::ClusterRead) -> serde_json::Value {
    json_of(&cluster.status)["state"].clone()
}

#[tokio::test]
async fn a_cluster_provisions_then_runs_gives_a_kubeconfig_upgrades_and_is_deleted() {
    let sim = sim().await;
    let client = client(&sim);
    let k8s = client.kubernetes();
    let made = k8s
        .create_cluster(body(json!({
            "name": "prod", "region": "nyc1", "version": "1.31.9-do.2",
            "node_pools": [{"size": "s-1vcpu-2gb", "name": "workers", "count": 3}]
        })))
        .await
        .expect("created");
    let id = made.id.clone();
    assert_eq!(made.name, "prod");
    assert_eq!(json_of(&made.status)["state"], "provisioning");
    let running = until(
        "the cluster runs",
        || k8s.get_cluster(&id).send(),
        |c| state(c) == json!("running"),
    )
    .await;
    assert_eq!(running.node_pools.len(), 1);
    assert_eq!(running.node_pools[0].count, 3);
    let listed = k8s
        .list_clusters()
        .per_page(200)
        .send()
        .await
        .expect("clusters");
    assert!(listed.items.iter().any(|c| c.id == *id));

    let kubeconfig = k8s.get_kubeconfig(&id).await.expect("a kubeconfig");
    assert!(kubeconfig.contains("apiVersion"), "{kubeconfig}");

    let upgrades = k8s.get_available_upgrades(&id).await.expect("upgrades");
    let target = upgrades
        .iter()
        .find_map(|v| v.slug.clone())
        .expect("a newer version is on offer");
    k8s.upgrade_cluster(&id, body(json!({"version": target})))
        .await
        .expect("upgrade accepted");
    let upgraded = until(
        "the upgrade lands",
        || k8s.get_cluster(&id).send(),
        |c| c.version == target,
    )
    .await;
    assert_eq!(upgraded.name, "prod");

    let renamed = k8s
        .update_cluster(&id, body(json!({"name": "prod-2"})))
        .await
        .expect("renamed");
    assert_eq!(renamed.name, "prod-2");

    k8s.delete_cluster(&id).await.expect("deleted");
    let gone = k8s.get_cluster(&id).await.expect_err("deleted");
    assert!(gone.is_not_found(), "{gone}");
    let no_config = k8s.get_kubeconfig(&id).await.expect_err("deleted");
    assert!(no_config.is_not_found(), "{no_config}");
}

#[tokio::test]
async fn new_nodes_come_up_and_a_deleted_node_shrinks_its_pool() {
    let sim = sim().await;
    let client = client(&sim);
    let k8s = client.kubernetes();
    let added = k8s
        .add_node_pool(
            CLUSTER,
            body(json!({"size": "s-1vcpu-2gb", "count": 2, "name": "burst"})),
        )
        .await
        .expect("pool added");
    let pool = added.id.clone();
    let node_state = |p: &oxido::types::KubernetesNodePool| -> Vec<serde_json::Value> {
        p.nodes
            .iter()
            .map(|n| json_of(n)["status"]["state"].clone())
            .collect()
    };
    assert!(
        node_state(&added).iter().all(|s| s == "provisioning"),
        "{:?}",
        node_state(&added)
    );
    let up = until(
        "the new nodes run",
        || k8s.get_node_pool(CLUSTER, &pool).send(),
        |p| node_state(p).iter().all(|s| s == "running"),
    )
    .await;
    let node = json_of(&up.nodes[0])["id"]
        .as_str()
        .expect("a node id")
        .to_owned();
    k8s.delete_node(CLUSTER, &pool, &node)
        .await
        .expect("node deleted");
    let shrunk = k8s.get_node_pool(CLUSTER, &pool).await.expect("pool");
    assert_eq!(shrunk.count, 1);
    assert_eq!(shrunk.nodes.len(), 1);
}

#[tokio::test]
async fn a_running_cluster_gives_credentials_for_its_endpoint() {
    let sim = sim().await;
    let client = client(&sim);
    let k8s = client.kubernetes();
    let cluster = k8s.get_cluster(CLUSTER).await.expect("cluster");
    let credentials = k8s.get_credentials(CLUSTER).await.expect("credentials");
    assert!(credentials.token.is_some() || credentials.client_key_data.is_some());
    let server = credentials.server.expect("a server");
    assert!(server.starts_with("https://"), "{server}");
    if let Some(endpoint) = cluster.endpoint {
        assert_eq!(server, endpoint);
    }
}
