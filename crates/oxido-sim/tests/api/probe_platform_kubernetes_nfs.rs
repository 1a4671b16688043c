//! Kubernetes and NFS flows as the Terraform provider and scripts drive them: a node
//! deleted with `replace=1` is replaced, an NFS share becomes ACTIVE (in atl1, where the
//! provider's tests make it), and a snapshot action makes a snapshot named by the
//! action's `resource_id`. Each test is a defect the platform probes found.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{call, created as made, demo, get, send_json, settled as wait_for};

#[tokio::test]
async fn deleting_a_node_with_replace_keeps_the_pool_count() {
    let sim = demo(50).await;
    let cluster = made(
        &sim,
        "/v2/kubernetes/clusters",
        json!({"name": "probe-k8s", "region": "nyc1", "version": "latest",
               "node_pools": [{"size": "s-1vcpu-2gb", "count": 2, "name": "workers"}]}),
        "kubernetes_cluster",
    )
    .await;
    let id = cluster["id"].as_str().expect("id");
    let pool = &cluster["node_pools"][0];
    let pool_id = pool["id"].as_str().expect("pool id");
    let pool_path = format!("/v2/kubernetes/clusters/{id}/node_pools/{pool_id}");
    let node = pool["nodes"][0]["id"].as_str().expect("node id").to_owned();
    let reply = call(
        &sim,
        Method::DELETE,
        &format!("{pool_path}/nodes/{node}?skip_drain=0&replace=1"),
        Some(sim.token()),
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text);
    let after = get(&sim, &pool_path).await.json()["node_pool"].clone();
    assert_eq!(after["count"], 2, "{after}");
    let ids: Vec<&str> = after["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter_map(|n| n["id"].as_str())
        .collect();
    assert_eq!(ids.len(), 2, "{after}");
    assert!(
        !ids.contains(&node.as_str()),
        "the deleted node is gone: {after}"
    );
    // Without `replace` the pool shrinks.
    let other = ids[0].to_owned();
    let reply = call(
        &sim,
        Method::DELETE,
        &format!("{pool_path}/nodes/{other}"),
        Some(sim.token()),
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text);
    let after = get(&sim, &pool_path).await.json()["node_pool"].clone();
    assert_eq!(after["count"], 1, "{after}");
}

#[tokio::test]
async fn an_nfs_share_in_atl1_becomes_active_and_snapshots_read_back() {
    let sim = demo(100).await;
    let vpc = made(
        &sim,
        "/v2/vpcs",
        json!({"name": "nfs-vpc", "region": "atl1"}),
        "vpc",
    )
    .await;
    let vpc_id = vpc["id"].as_str().expect("vpc id");
    let share = made(
        &sim,
        "/v2/nfs",
        json!({"name": "share1", "size_gib": 50, "region": "atl1", "vpc_ids": [vpc_id]}),
        "share",
    )
    .await;
    assert_eq!(share["status"], "CREATING", "{share}");
    let id = share["id"].as_str().expect("id").to_owned();
    let path = format!("/v2/nfs/{id}?region=atl1");
    let active = wait_for(&sim, &path, "share", |s| s["status"] == "ACTIVE").await;
    let host: std::net::Ipv4Addr = active["host"]
        .as_str()
        .expect("host")
        .parse()
        .expect("an address");
    assert!(host.is_private(), "{active}");
    assert!(
        active["mount_path"]
            .as_str()
            .is_some_and(|m| m.starts_with('/') && m.ends_with(&id)),
        "{active}"
    );
    let action = made(
        &sim,
        &format!("/v2/nfs/{id}/actions"),
        json!({"type": "snapshot", "region": "atl1", "params": {"name": "snap1"}}),
        "action",
    )
    .await;
    let snapshot_id = action["resource_id"].as_str().expect("resource_id");
    assert_ne!(snapshot_id, id, "the action names the snapshot: {action}");
    let snapshot = wait_for(
        &sim,
        &format!("/v2/nfs/snapshots/{snapshot_id}?region=atl1"),
        "snapshot",
        |s| s["status"] == "ACTIVE",
    )
    .await;
    assert_eq!(snapshot["name"], "snap1");
    assert_eq!(snapshot["share_id"], id.as_str());
    assert_eq!(snapshot["size_gib"], 50);
    assert_eq!(snapshot["region"], "atl1");
    let listed = get(
        &sim,
        &format!("/v2/nfs/snapshots?region=atl1&share_id={id}"),
    )
    .await
    .json();
    assert_eq!(
        listed["snapshots"].as_array().map(Vec::len),
        Some(1),
        "{listed}"
    );
    // atl1 is a whole region: a Droplet may be made there too.
    let droplet = send_json(
        &sim,
        Method::POST,
        "/v2/droplets",
        json!({"name": "elsewhere", "region": "atl1", "size": "s-1vcpu-1gb",
               "image": "ubuntu-24-04-x64"}),
    )
    .await;
    assert_eq!(droplet.status, StatusCode::ACCEPTED, "{}", droplet.text);
}

/// A cluster list past one page links to the next, though its template has no `links`:
/// clients walk pages by those links alone.
#[tokio::test]
async fn kubernetes_clusters_page_through_their_links() {
    let sim = demo(50).await;
    let mut made = Vec::new();
    for i in 0..3 {
        let cluster = self::made(
            &sim,
            "/v2/kubernetes/clusters",
            json!({"name": format!("paged-{i}"), "region": "nyc1", "version": "latest",
                   "node_pools": [{"size": "s-1vcpu-2gb", "count": 1, "name": "p"}]}),
            "kubernetes_cluster",
        )
        .await;
        made.push(cluster["id"].as_str().expect("id").to_owned());
    }
    let mut seen: Vec<String> = Vec::new();
    let mut next = Some("/v2/kubernetes/clusters?per_page=2".to_owned());
    let mut total = None;
    while let Some(path) = next.take() {
        assert!(seen.len() < 100, "pages never end");
        let reply = get(&sim, &path).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        let body = reply.json();
        crate::common::conforms("GET", "/v2/kubernetes/clusters", &body);
        total = body["meta"]["total"].as_u64();
        seen.extend(
            body["kubernetes_clusters"]
                .as_array()
                .expect("clusters")
                .iter()
                .filter_map(|c| c["id"].as_str().map(str::to_owned)),
        );
        next = body
            .pointer("/links/pages/next")
            .and_then(Value::as_str)
            .map(|url| {
                let at = url.find("/v2/").expect("a path");
                url[at..].to_owned()
            });
    }
    assert_eq!(Some(seen.len() as u64), total, "{seen:?}");
    assert!(made.iter().all(|id| seen.contains(id)), "{seen:?}");
}
