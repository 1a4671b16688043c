//! Creates a PostgreSQL cluster, waits until it is online, then adds a user and a database.

use oxido::Client;
use oxido::types::{
    DatabaseClusterEngine, DatabasesAddUserBody, DatabasesCreateClusterBody,
    DatabasesCreateClusterBodyRequired, Named, RegionSlug,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;

    let body = DatabasesCreateClusterBody {
        version: Some("16".into()),
        tags: Some(vec!["oxido-example".into()]),
        ..DatabasesCreateClusterBody::new(DatabasesCreateClusterBodyRequired {
            engine: DatabaseClusterEngine::Pg,
            name: "oxido-example".into(),
            num_nodes: 1,
            region: RegionSlug::Nyc3,
            size: "db-s-1vcpu-1gb".into(),
        })
    };
    let cluster = client.databases().create_cluster(body).await?;
    let id = cluster.id;
    client.databases().wait_online(&id).await?;
    let user = client
        .databases()
        .add_user(&id, DatabasesAddUserBody::new("app"))
        .await?;
    let db = client.databases().add(&id, Named::new("app")).await?;
    println!(
        "database cluster {id} is online with user {} and db {}",
        user.name, db.name
    );
    Ok(())
}
