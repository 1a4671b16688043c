//! Creates a Kubernetes cluster, waits until it is running, then prints its kubeconfig.

use oxido::Client;
use oxido::types::{
    ClusterRequest, ClusterRequestRequired, KubernetesNodePoolRequest,
    KubernetesNodePoolRequestRequired,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;

    let pool = KubernetesNodePoolRequest::new(KubernetesNodePoolRequestRequired {
        size: "s-1vcpu-2gb".into(),
        count: 1,
        name: "oxido-example-pool".into(),
    });
    let cluster = ClusterRequest {
        tags: Some(vec!["oxido-example".into()]),
        ..ClusterRequest::new(ClusterRequestRequired {
            name: "oxido-example".into(),
            node_pools: vec![pool],
            region: "nyc3".into(),
            version: "latest".into(),
        })
    };
    let cluster = client.kubernetes().create_cluster(cluster).await?;
    let id = cluster.id;
    client.kubernetes().wait_running(&id).await?;
    let kubeconfig = client.kubernetes().get_kubeconfig(&id).await?;
    print!("cluster {id} is running\n{kubeconfig}");
    Ok(())
}
