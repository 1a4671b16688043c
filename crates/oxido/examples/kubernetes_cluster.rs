//! Creates a Kubernetes cluster, waits until it is running, then prints its kubeconfig.

use oxido::Client;
use oxido::types::{Cluster, KubernetesNodePool};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;

    let pool = KubernetesNodePool::new("s-1vcpu-2gb", 1, "oxido-example-pool");
    let cluster = Cluster {
        tags: Some(vec!["oxido-example".into()]),
        ..Cluster::new("oxido-example", vec![pool], "nyc3", "latest")
    };
    let cluster = client.kubernetes().create_cluster(cluster).await?;
    let id = cluster
        .id
        .ok_or("the API answered a cluster without an id")?;
    client.kubernetes().wait_running(&id).await?;
    let kubeconfig = client.kubernetes().get_kubeconfig(&id).await?;
    print!("cluster {id} is running\n{kubeconfig}");
    Ok(())
}
