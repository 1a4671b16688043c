//! Firewalls through the SDK: rules and Droplets added and removed, and a Droplet's
//! firewalls.

use serde_json::json;

use super::common::*;

fn ports(rules: &[oxido::types::FirewallInboundRulesItem]) -> Vec<String> {
    rules.iter().map(|r| r.ports.clone()).collect()
}

#[tokio::test]
async fn a_firewall_gains_and_loses_droplets_rules_and_tags() {
    let sim = sim().await;
    let client = client(&sim);
    let firewalls = client.firewalls();
    let made = firewalls
        .create(body(json!({
            "name": "web",
            "droplet_ids": [], "tags": [],
            "inbound_rules": [{"protocol": "tcp", "ports": "80", "sources": {"addresses": ["0.0.0.0/0"]}}],
            "outbound_rules": [{"protocol": "tcp", "ports": "all", "destinations": {"addresses": ["0.0.0.0/0"]}}]
        })))
        .await
        .expect("created");
    let id = made.id.clone();
    assert_eq!(ports(&made.inbound_rules), ["80"]);

    firewalls
        .assign_droplets(&id, body(json!({"droplet_ids": [DROPLET]})))
        .await
        .expect("droplet added");
    let rule = json!({"inbound_rules": [
        {"protocol": "tcp", "ports": "443", "sources": {"addresses": ["0.0.0.0/0"]}}
    ]});
    firewalls
        .add_rules(&id, body(rule.clone()))
        .await
        .expect("rule added");
    firewalls
        .add_tags(&id, body(json!({"tags": ["frontend"]})))
        .await
        .expect("tag added");
    let read = firewalls.get(&id).await.expect("read back");
    assert_eq!(read.droplet_ids, vec![DROPLET]);
    assert_eq!(ports(&read.inbound_rules), ["80", "443"]);
    assert_eq!(read.tags, vec!["frontend".to_owned()]);

    firewalls
        .delete_droplets(&id, body(json!({"droplet_ids": [DROPLET]})))
        .await
        .expect("droplet removed");
    firewalls
        .delete_rules(&id, body(rule))
        .await
        .expect("rule removed");
    firewalls
        .delete_tags(&id, body(json!({"tags": ["frontend"]})))
        .await
        .expect("tag removed");
    let read = firewalls.get(&id).await.expect("read back");
    assert_eq!(read.droplet_ids, Vec::<u64>::new());
    assert_eq!(ports(&read.inbound_rules), ["80"]);
    assert_eq!(read.tags, Vec::<String>::new());

    let renamed = firewalls
        .update(
            &id,
            body(json!({"name": "web-2", "inbound_rules": [], "outbound_rules": []})),
        )
        .await
        .expect("updated");
    assert_eq!(renamed.name, "web-2");
    firewalls.delete(&id).await.expect("deleted");
    let gone = firewalls.get(&id).await.expect_err("deleted");
    assert!(gone.is_not_found(), "{gone}");
}

#[tokio::test]
async fn a_firewall_created_without_droplets_or_tags_has_none() {
    let sim = sim().await;
    let client = client(&sim);
    let made = client
        .firewalls()
        .create(body(json!({
            "name": "bare",
            "inbound_rules": [{"protocol": "tcp", "ports": "22", "sources": {"addresses": ["0.0.0.0/0"]}}]
        })))
        .await
        .expect("created");
    assert_eq!(made.droplet_ids, Vec::<u64>::new());
    assert_eq!(made.tags, Vec::<String>::new());
}

#[tokio::test]
async fn a_droplets_firewalls_are_the_ones_it_was_added_to() {
    let sim = sim().await;
    let client = client(&sim);
    let made = client
        .firewalls()
        .create(body(json!({
            "name": "guard", "droplet_ids": [DROPLET],
            "inbound_rules": [{"protocol": "tcp", "ports": "22", "sources": {"addresses": ["0.0.0.0/0"]}}]
        })))
        .await
        .expect("created");
    let id = made.id;
    let of_droplet = client
        .droplets()
        .list_firewalls(DROPLET)
        .send()
        .await
        .expect("the Droplet's firewalls");
    let ids: Vec<&str> = of_droplet.items.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, [id.as_str()]);
}
