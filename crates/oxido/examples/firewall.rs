//! Creates a firewall for the Droplets tagged `oxido-example`: SSH and HTTP in, everything out.

use oxido::Client;
use oxido::types::{
    Firewall, FirewallInboundRulesItem, FirewallInboundRulesItemProtocol as Protocol,
    FirewallOutboundRulesItem, FirewallRuleTarget,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;

    let anywhere = FirewallRuleTarget {
        addresses: Some(vec!["0.0.0.0/0".into(), "::/0".into()]),
        ..FirewallRuleTarget::default()
    };
    let firewall = Firewall {
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
        ..Firewall::default()
    };
    let firewall = client.firewalls().create(firewall).await?;
    let id = firewall
        .id
        .ok_or("the API answered a firewall without an id")?;
    println!(
        "firewall {id} is {}",
        firewall.status.map(|s| s.to_string()).unwrap_or_default()
    );
    Ok(())
}
