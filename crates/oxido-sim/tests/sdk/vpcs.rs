//! VPCs through the SDK: created, renamed, members that follow the Droplets put in them,
//! deleted.

use serde_json::json;

use super::common::*;

#[tokio::test]
async fn a_vpcs_members_are_the_droplets_created_in_it() {
    let sim = sim().await;
    let client = client(&sim);
    let vpcs = client.vpcs();
    let made = vpcs
        .create(body(
            json!({"name": "backend", "region": "ams3", "ip_range": "10.20.0.0/20"}),
        ))
        .await
        .expect("created");
    let id = made.id.clone();
    assert_eq!(made.name, "backend");
    assert_eq!(made.ip_range.as_deref(), Some("10.20.0.0/20"));
    let empty = vpcs.list_members(&id).send().await.expect("members");
    assert!(empty.items.is_empty(), "{empty:?}");

    let created = client
        .droplets()
        .create(body(json!({
            "name": "inside", "region": "ams3", "size": "s-1vcpu-1gb",
            "image": "ubuntu-22-04-x64", "vpc_uuid": id
        })))
        .await
        .expect("droplet created");
    assert_eq!(created.droplet.vpc_uuid.as_deref(), Some(id.as_str()));
    let members = vpcs
        .list_members(&id)
        .resource_type("droplet")
        .send()
        .await
        .expect("members");
    let urns: Vec<&str> = members
        .items
        .iter()
        .filter_map(|m| m.urn.as_deref())
        .collect();
    assert_eq!(urns, [format!("do:droplet:{}", created.droplet.id)]);
    let none = vpcs
        .list_members(&id)
        .resource_type("loadbalancer")
        .send()
        .await
        .expect("members");
    assert!(none.items.is_empty(), "{none:?}");

    let renamed = vpcs
        .patch(&id, body(json!({"name": "backend-2"})))
        .await
        .expect("renamed");
    assert_eq!(renamed.name, "backend-2");
    assert_eq!(vpcs.get(&id).await.expect("read back").name, "backend-2");

    client
        .droplets()
        .destroy(created.droplet.id)
        .await
        .expect("droplet deleted");
    let members = vpcs.list_members(&id).send().await.expect("members");
    assert!(members.items.is_empty(), "{members:?}");
    vpcs.delete(&id).await.expect("deleted");
    let gone = vpcs.get(&id).await.expect_err("deleted");
    assert!(gone.is_not_found(), "{gone}");
}
