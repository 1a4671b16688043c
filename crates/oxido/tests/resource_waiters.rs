//! The resource waiters against the emulator, whose long-running resources settle after the configured
//! action duration: each creates a resource through the SDK, then waits for it with the SDK's waiter.

use std::time::{Duration, Instant};

use oxido::types::{ClusterRequest, DatabasesCreateClusterBody, LoadBalancerCreate};
use oxido::{Client, Progress, WaitFor};
use oxido_sim::{Seed, Sim};
use serde_json::json;

/// How long a new resource takes to settle in the emulator.
const SETTLE: Duration = Duration::from_millis(300);

async fn start() -> (Sim, Client) {
    let sim = Sim::builder()
        .seed(Seed::Demo)
        .action_duration(SETTLE)
        .start()
        .await
        .expect("emulator starts");
    let client = Client::builder()
        .no_proxy()
        .token(sim.token())
        .base_url(sim.base_url())
        .overall_timeout(Duration::from_secs(20))
        .build()
        .expect("client");
    (sim, client)
}

#[tokio::test]
async fn a_kubernetes_cluster_is_waited_for_until_running_and_polled_soon() {
    let (_sim, client) = start().await;
    let body: ClusterRequest = serde_json::from_value(json!({
        "name": "prod-cluster-01",
        "region": "nyc1",
        "version": "1.31.9-do.2",
        "node_pools": [{"size": "s-1vcpu-2gb", "count": 2, "name": "worker-pool"}]
    }))
    .expect("a cluster body");
    let created = client
        .kubernetes()
        .create_cluster(body)
        .await
        .expect("created");
    let id = created.id.clone();
    let started = Instant::now();
    let cluster = client
        .kubernetes()
        .wait_running(&id)
        .timeout(Duration::from_secs(15))
        .await
        .expect("running");
    let state = cluster.status.and_then(|s| s.state).map(|s| s.to_string());
    assert_eq!(state.as_deref(), Some("running"));
    // Polls at 0, 0.25 and 0.75 s see a 0.3 s settle; the old 1 s first pause could not be this quick.
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_database_and_a_load_balancer_are_waited_for() {
    let (_sim, client) = start().await;
    let body: DatabasesCreateClusterBody = serde_json::from_value(json!({
        "name": "backend", "engine": "pg", "version": "16", "region": "nyc3",
        "size": "db-s-2vcpu-4gb", "num_nodes": 2
    }))
    .expect("a database body");
    let db = client
        .databases()
        .create_cluster(body)
        .await
        .expect("created");
    let uuid = db.id.clone();
    let online = client
        .databases()
        .wait_online(&uuid)
        .timeout(Duration::from_secs(15))
        .await
        .expect("online");
    assert_eq!(
        online.status.map(|s| s.to_string()).as_deref(),
        Some("online")
    );

    let body: LoadBalancerCreate = serde_json::from_value(json!({
        "name": "example-lb-01", "region": "nyc3", "droplet_ids": [3164444],
        "forwarding_rules": [{"entry_protocol": "http", "entry_port": 80,
                              "target_protocol": "http", "target_port": 80}]
    }))
    .expect("a load balancer body");
    let lb = client.load_balancers().create(body).await.expect("created");
    let lb_id = lb.id.clone();
    let active = client
        .load_balancers()
        .wait_active(&lb_id)
        .timeout(Duration::from_secs(15))
        .await
        .expect("active");
    assert_eq!(
        active.status.map(|s| s.to_string()).as_deref(),
        Some("active")
    );
}

#[tokio::test]
async fn wait_for_new_is_public_and_reports_a_timeout_and_a_refused_argument() {
    let (_sim, client) = start().await;
    // A state that never comes: the wait runs out.
    let err = WaitFor::new(client.droplets().get(3164444), |_| Progress::Pending)
        .timeout(Duration::from_millis(400))
        .await
        .expect_err("never done");
    assert!(
        matches!(err, oxido::Error::WaitForTimeout { polled: true, .. }),
        "{err:?}"
    );
    // An argument the read call refuses is reported by the wait, before any poll.
    let err = client
        .kubernetes()
        .wait_running("")
        .await
        .expect_err("empty id");
    assert!(err.is_invalid_argument(), "{err}");
}

#[tokio::test]
async fn a_certificate_and_a_node_pool_are_waited_for() {
    let (_sim, client) = start().await;
    let body: oxido::types::CertificatesCreateBody = serde_json::from_value(json!({
        // Not the demo certificate's name: the API refuses a duplicate certificate name.
        "name": "waited-cert", "type": "lets_encrypt", "dns_names": ["www.example.com"]
    }))
    .expect("a certificate body");
    let certificate = client.certificates().create(body).await.expect("created");
    let verified = client
        .certificates()
        .wait_verified(&certificate.id.clone())
        .timeout(Duration::from_secs(15))
        .await
        .expect("verified");
    assert_eq!(
        verified.state.map(|s| s.to_string()).as_deref(),
        Some("verified")
    );

    let body: ClusterRequest = serde_json::from_value(json!({
        "name": "pool-cluster", "region": "nyc1", "version": "1.31.9-do.2",
        "node_pools": [{"size": "s-1vcpu-2gb", "count": 2, "name": "workers"}]
    }))
    .expect("a cluster body");
    let cluster = client
        .kubernetes()
        .create_cluster(body)
        .await
        .expect("created");
    let cluster_id = cluster.id.clone();
    let body: oxido::types::KubernetesNodePoolRequest = serde_json::from_value(json!({
        "size": "s-1vcpu-2gb", "count": 2, "name": "more-workers"
    }))
    .expect("a node pool body");
    let added = client
        .kubernetes()
        .add_node_pool(&cluster_id, body)
        .await
        .expect("added");
    let pool_id = added.id.clone();
    let pool = client
        .kubernetes()
        .wait_node_pool_running(&cluster_id, &pool_id)
        .timeout(Duration::from_secs(15))
        .await
        .expect("every node running");
    assert_eq!(pool.nodes.len(), 2);
}
