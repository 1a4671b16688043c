//! Snapshots a Droplet, waits for the snapshot action, then lists the Droplet's snapshots:
//! `snapshot <droplet-id>`.

use futures::TryStreamExt;
use oxido::{Client, DropletAction};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let droplet_id: u64 = std::env::args()
        .nth(1)
        .ok_or("usage: snapshot <droplet-id>")?
        .parse()?;
    let client = Client::from_env()?;

    let name = Some("oxido-example-snapshot".to_owned());
    client
        .droplet_actions()
        .post(droplet_id, DropletAction::Snapshot { name })
        .wait()
        .await?;
    let mut snapshots = client.droplets().list_snapshots(droplet_id).into_stream();
    while let Some(snapshot) = snapshots.try_next().await? {
        println!(
            "snapshot {} {} of droplet {droplet_id}",
            snapshot.id, snapshot.name
        );
    }
    Ok(())
}
