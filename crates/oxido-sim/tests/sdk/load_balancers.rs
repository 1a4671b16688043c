//! Load balancers through the SDK: `new` to `active`, Droplets and forwarding rules added
//! and removed, deleted.

use serde_json::json;

use super::common::*;

#[tokio::test]
async fn a_load_balancer_becomes_active_and_gains_and_loses_droplets() {
    let sim = sim().await;
    let client = client(&sim);
    let lbs = client.load_balancers();
    let made = lbs
        .create(body(json!({
            "name": "front", "region": "nyc3", "size_unit": 1, "droplet_ids": [],
            "forwarding_rules": [{"entry_protocol": "http", "entry_port": 80,
                                  "target_protocol": "http", "target_port": 8080}]
        })))
        .await
        .expect("created");
    let id = made.id.clone();
    assert_eq!(json_of(&made.status), json!("new"));
    let active = until(
        "the load balancer becomes active",
        || lbs.get(&id).send(),
        |lb| json_of(&lb.status) == json!("active"),
    )
    .await;
    assert_eq!(active.name, "front");
    assert_eq!(active.forwarding_rules.len(), 1);

    lbs.add_droplets(&id, body(json!({"droplet_ids": [DROPLET, OTHER_DROPLET]})))
        .await
        .expect("droplets added");
    let read = lbs.get(&id).await.expect("read back");
    assert_eq!(read.droplet_ids, vec![DROPLET, OTHER_DROPLET]);

    lbs.remove_droplets(&id, body(json!({"droplet_ids": [DROPLET]})))
        .await
        .expect("droplet removed");
    let read = lbs.get(&id).await.expect("read back");
    assert_eq!(read.droplet_ids, vec![OTHER_DROPLET]);

    lbs.delete(&id).await.expect("deleted");
    let gone = lbs.get(&id).await.expect_err("deleted");
    assert!(gone.is_not_found(), "{gone}");
}

#[tokio::test]
async fn forwarding_rules_are_added_and_removed() {
    let sim = sim().await;
    let client = client(&sim);
    let lbs = client.load_balancers();
    let made = lbs
        .create(body(json!({
            "name": "rules", "region": "nyc3", "droplet_ids": [],
            "forwarding_rules": [{"entry_protocol": "http", "entry_port": 80,
                                  "target_protocol": "http", "target_port": 8080}]
        })))
        .await
        .expect("created");
    let id = made.id;
    let https = json!({"forwarding_rules": [{"entry_protocol": "tcp", "entry_port": 443,
                                              "target_protocol": "tcp", "target_port": 8443}]});
    lbs.add_forwarding_rules(&id, body(https.clone()))
        .await
        .expect("rule added");
    let read = lbs.get(&id).await.expect("read back");
    let entry: Vec<i64> = read.forwarding_rules.iter().map(|r| r.entry_port).collect();
    assert_eq!(entry, [80, 443]);
    lbs.remove_forwarding_rules(&id, body(https))
        .await
        .expect("rule removed");
    let read = lbs.get(&id).await.expect("read back");
    let entry: Vec<i64> = read.forwarding_rules.iter().map(|r| r.entry_port).collect();
    assert_eq!(entry, [80]);
}
