//! Deletes what the other examples made: the Droplets by their tag, the database clusters found by the
//! tag, the rest by name.

use futures::TryStreamExt;
use oxido::Client;

const NAME: &str = "oxido-example";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;

    client.droplets().destroy_by_tag(NAME).await?;
    println!("deleted the droplets tagged {NAME}");
    client
        .volumes()
        .delete_by_name("oxido-example-vol")
        .region("nyc3")
        .await?;
    println!("deleted volume oxido-example-vol");
    let snapshots: Vec<_> = client
        .snapshots()
        .list()
        .resource_type("droplet")
        .into_stream()
        .try_collect()
        .await?;
    for snapshot in snapshots
        .iter()
        .filter(|s| s.name == "oxido-example-snapshot")
    {
        client.snapshots().delete(&snapshot.id).await?;
        println!("deleted snapshot {}", snapshot.id);
    }
    client.domains().delete("oxido-example.com").await?;
    println!("deleted domain oxido-example.com");
    let firewalls: Vec<_> = client
        .firewalls()
        .list()
        .into_stream()
        .try_collect()
        .await?;
    for id in firewalls
        .into_iter()
        .filter(|f| f.name == NAME)
        .map(|f| f.id)
    {
        client.firewalls().delete(&id).await?;
        println!("deleted firewall {id}");
    }
    let balancers: Vec<_> = client
        .load_balancers()
        .list()
        .into_stream()
        .try_collect()
        .await?;
    for id in balancers
        .into_iter()
        .filter(|lb| lb.name == NAME)
        .map(|lb| lb.id)
    {
        client.load_balancers().delete(&id).await?;
        println!("deleted load balancer {id}");
    }
    let clusters: Vec<_> = client
        .kubernetes()
        .list_clusters()
        .into_stream()
        .try_collect()
        .await?;
    for id in clusters
        .into_iter()
        .filter(|c| c.name == NAME)
        .map(|c| c.id)
    {
        client.kubernetes().delete_cluster(&id).await?;
        println!("deleted kubernetes cluster {id}");
    }
    let databases = client.databases().list_clusters().tag_name(NAME).await?;
    for id in databases.into_iter().map(|db| db.id) {
        client.databases().destroy_cluster(&id).await?;
        println!("deleted database cluster {id}");
    }
    let projects: Vec<_> = client.projects().list().into_stream().try_collect().await?;
    for id in projects
        .into_iter()
        .filter(|p| p.name == NAME)
        .map(|p| p.id)
    {
        client.projects().delete(&id).await?;
        println!("deleted project {id}");
    }
    let keys: Vec<_> = client.ssh_keys().list().into_stream().try_collect().await?;
    for id in keys.into_iter().filter(|k| k.name == NAME).map(|k| k.id) {
        client.ssh_keys().delete(&id.to_string()).await?;
        println!("deleted ssh key {id}");
    }
    Ok(())
}
