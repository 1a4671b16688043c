//! Creates a firewall for the Droplets tagged `oxido-example`: SSH and HTTP in, everything out.

use oxido::Client;
use oxido::types::{
    FirewallInboundRulesItem as Inbound, FirewallInboundRulesItemProtocol as Protocol,
    FirewallInboundRulesItemRequired as InboundRule, FirewallOutboundRulesItem as Outbound,
    FirewallOutboundRulesItemRequired as OutboundRule, FirewallRequest, FirewallRuleTarget,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;

    let anywhere = FirewallRuleTarget {
        addresses: Some(vec!["0.0.0.0/0".into(), "::/0".into()]),
        ..FirewallRuleTarget::default()
    };
    let inbound = |ports: &str| {
        Inbound::new(InboundRule {
            ports: ports.into(),
            protocol: Protocol::Tcp,
            sources: anywhere.clone(),
        })
    };
    let outbound = |protocol| {
        Outbound::new(OutboundRule {
            ports: "all".into(),
            protocol,
            destinations: anywhere.clone(),
        })
    };
    let firewall = FirewallRequest {
        name: Some("oxido-example".into()),
        inbound_rules: Some(vec![inbound("22"), inbound("80")]),
        outbound_rules: Some(vec![outbound(Protocol::Tcp), outbound(Protocol::Udp)]),
        tags: Some(vec!["oxido-example".into()]),
        ..FirewallRequest::default()
    };
    let firewall = client.firewalls().create(firewall).await?;
    let id = &firewall.id;
    println!(
        "firewall {id} is {}",
        firewall.status.map(|s| s.to_string()).unwrap_or_default()
    );
    Ok(())
}
