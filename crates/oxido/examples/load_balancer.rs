//! Creates a load balancer for the Droplets tagged `oxido-example` and waits until it is active.

use oxido::Client;
use oxido::types::{
    ForwardingRule, ForwardingRuleEntryProtocol, ForwardingRuleTargetProtocol, LoadBalancerCreate,
    LoadBalancerCreateTag, RegionSlug,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;

    let http = ForwardingRule::new(
        80,
        ForwardingRuleEntryProtocol::Http,
        80,
        ForwardingRuleTargetProtocol::Http,
    );
    let body = LoadBalancerCreateTag {
        name: Some("oxido-example".into()),
        ..LoadBalancerCreateTag::new("oxido-example", RegionSlug::Nyc3, vec![http])
    };
    let lb = client
        .load_balancers()
        .create(LoadBalancerCreate::Tag(body))
        .await?;
    let id = lb.id;
    client.load_balancers().wait_active(&id).await?;
    println!("load balancer {id} is active");
    Ok(())
}
