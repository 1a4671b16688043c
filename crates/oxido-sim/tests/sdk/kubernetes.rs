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
    let id = added.id.clone().expect("a pool id");
    assert_eq!(added.nodes.as_ref().map(Vec::len), Some(2));
    let cluster = k8s.get_cluster(CLUSTER).await.expect("cluster");
    assert_eq!(cluster.node_pools.len(), before + 1);
    let resized = k8s
        .update_node_pool(CLUSTER, &id, body(json!({"name": "extra", "count": 4})))
        .await
        .expect("pool resized");
    assert_eq!(resized.count, 4);
    let read = k8s.get_node_pool(CLUSTER, &id).await.expect("pool");
    assert_eq!(read.nodes.as_ref().map(Vec::len), Some(4));
    let listed = k8s.list_node_pools(CLUSTER).await.expect("pools");
    assert!(
        listed
            .iter()
            .any(|p| p.id.as_deref() == Some(id.as_str()) && p.count == 4)
    );
    k8s.delete_node_pool(CLUSTER, &id)
        .await
        .expect("pool deleted");
    let cluster = k8s.get_cluster(CLUSTER).await.expect("cluster");
    assert_eq!(cluster.node_pools.len(), before);
    let gone = k8s.get_node_pool(CLUSTER, &id).await.expect_err("deleted");
    assert!(gone.is_not_found(), "{gone}");
}
