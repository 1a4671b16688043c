//! Creates a Kubernetes cluster, waits until it is running, then prints its kubeconfig.

use oxido::Client;
use oxido::types::{ClusterRequest, KubernetesNodePoolRequest};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;

    let pool = KubernetesNodePoolRequest::new("s-1vcpu-2gb", 1, "oxido-example-pool");
    let cluster = ClusterRequest {
        tags: Some(vec!["oxido-example".into()]),
        ..ClusterRequest::new("oxido-example", vec![pool], "nyc3", "latest")
    };
    let cluster = client.kubernetes().create_cluster(cluster).await?;
    let id = cluster.id;
    client.kubernetes().wait_running(&id).await?;
    let kubeconfig = client.kubernetes().get_kubeconfig(&id).await?;
    print!("cluster {id} is running\n{kubeconfig}");
    Ok(())
}
