//! Lists every Droplet tagged `oxido-example`, across pages.

use futures::TryStreamExt;
use oxido::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;

    let mut droplets = client
        .droplets()
        .list()
        .tag_name("oxido-example")
        .per_page(200)
        .into_stream();
    let mut count = 0;
    while let Some(droplet) = droplets.try_next().await? {
        println!("{} {} {}", droplet.id, droplet.name, droplet.status);
        count += 1;
    }
    println!("{count} droplets tagged oxido-example");
    Ok(())
}
