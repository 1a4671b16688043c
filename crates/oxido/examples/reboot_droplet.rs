//! Reboots a Droplet and waits for the reboot to finish: `reboot_droplet <droplet-id>`.

use oxido::{Client, DropletAction};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let droplet_id: u64 = std::env::args()
        .nth(1)
        .ok_or("usage: reboot_droplet <droplet-id>")?
        .parse()?;
    let client = Client::from_env()?;

    let action = client
        .droplet_actions()
        .post(droplet_id, DropletAction::Reboot)
        .wait()
        .await?;
    println!(
        "droplet {droplet_id} rebooted by action {} ({})",
        action.id, action.status
    );
    Ok(())
}
