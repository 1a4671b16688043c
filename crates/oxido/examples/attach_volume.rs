//! Creates a 10 GiB volume in a Droplet's region, attaches it and waits: `attach_volume <droplet-id>`.

use oxido::Client;
use oxido::types::{
    VolumeActionPostAttach, VolumeActionsPostByIdBody, VolumesCreateBody, VolumesExt4,
    VolumesExt4Required,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let droplet_id: u64 = std::env::args()
        .nth(1)
        .ok_or("usage: attach_volume <droplet-id>")?
        .parse()?;
    let client = Client::from_env()?;

    let droplet = client.droplets().get(droplet_id).await?;
    let body = VolumesExt4 {
        tags: Some(vec!["oxido-example".into()]),
        ..VolumesExt4::new(VolumesExt4Required {
            name: "oxido-example-vol".into(),
            size_gigabytes: 10,
            region: droplet.region.slug.as_str().into(),
        })
    };
    let volume = client
        .volumes()
        .create(VolumesCreateBody::Ext4(body))
        .await?;
    let volume_id = volume.id;
    let attach = VolumeActionPostAttach::new(droplet_id);
    let action = client
        .volume_actions()
        .post_by_id(&volume_id, VolumeActionsPostByIdBody::Attach(attach))
        .wait()
        .await?;
    println!(
        "volume {volume_id} attached to droplet {droplet_id} by action {}",
        action.id
    );
    Ok(())
}
