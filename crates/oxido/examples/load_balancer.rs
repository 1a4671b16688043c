//! Creates a load balancer for the Droplets tagged `oxido-example` and waits until it is active.

use oxido::Client;
use oxido::types::{
    ForwardingRule, ForwardingRuleEntryProtocol, ForwardingRuleRequired,
    ForwardingRuleTargetProtocol, LoadBalancerCreate, LoadBalancerCreateTag,
    LoadBalancerCreateTagRequired, RegionSlug,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;

    let http = ForwardingRule::new(ForwardingRuleRequired {
        entry_port: 80,
        entry_protocol: ForwardingRuleEntryProtocol::Http,
        target_port: 80,
        target_protocol: ForwardingRuleTargetProtocol::Http,
    });
    let body = LoadBalancerCreateTag {
        name: Some("oxido-example".into()),
        ..LoadBalancerCreateTag::new(LoadBalancerCreateTagRequired {
            tag: "oxido-example".into(),
            region: RegionSlug::Nyc3,
            forwarding_rules: vec![http],
        })
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
