//! Creates a firewall for the Droplets tagged `oxido-example`: SSH and HTTP in, everything out.

use oxido::Client;
use oxido::types::{
    FirewallInboundRulesItem, FirewallInboundRulesItemProtocol as Protocol,
    FirewallOutboundRulesItem, FirewallRequest, FirewallRuleTarget,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;

    let anywhere = FirewallRuleTarget {
        addresses: Some(vec!["0.0.0.0/0".into(), "::/0".into()]),
        ..FirewallRuleTarget::default()
    };
    let firewall = FirewallRequest {
        name: Some("oxido-example".into()),
        inbound_rules: Some(vec![
            FirewallInboundRulesItem::new("22", Protocol::Tcp, anywhere.clone()),
            FirewallInboundRulesItem::new("80", Protocol::Tcp, anywhere.clone()),
        ]),
        outbound_rules: Some(vec![
            FirewallOutboundRulesItem::new("all", Protocol::Tcp, anywhere.clone()),
            FirewallOutboundRulesItem::new("all", Protocol::Udp, anywhere),
        ]),
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
