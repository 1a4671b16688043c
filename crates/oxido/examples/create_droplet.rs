//! Creates an SSH key and a Droplet tagged `oxido-example` that uses it, then waits until it is active.
//!
//! Like every example here it reads `DIGITALOCEAN_TOKEN` and, when set, `DIGITALOCEAN_API_URL` (an
//! `oxido-sim`'s URL, say), so the same program runs against the real API and the emulator:
//! `cargo run -p oxido --example create_droplet`.

use oxido::Client;
use oxido::types::{
    DropletSingleCreate, DropletSingleCreateRequired, SshKeysRequest, SshKeysRequestRequired,
};

const PUBLIC_KEY: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHlrQc/MdikN5ndDF4Z4BMnXJdzCj+gS+yGtKwe9Gq+A oxido-example";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;

    let key = client
        .ssh_keys()
        .create(SshKeysRequest::new(SshKeysRequestRequired {
            name: "oxido-example".into(),
            public_key: PUBLIC_KEY.into(),
        }))
        .await?;
    let key_id = key.id;
    let body = DropletSingleCreate {
        region: Some("nyc3".into()),
        ssh_keys: Some(vec![key_id.into()]),
        tags: Some(vec!["oxido-example".into()]),
        ..DropletSingleCreate::new(DropletSingleCreateRequired {
            name: "oxido-example-1".into(),
            image: "ubuntu-24-04-x64".into(),
            size: "s-1vcpu-1gb".into(),
        })
    };
    let created = client.droplets().create(body).await?.droplet;
    let droplet = client.droplets().wait_active(created.id).await?;
    println!(
        "droplet {} {} is {} with key {key_id}",
        droplet.id, droplet.name, droplet.status
    );
    Ok(())
}
