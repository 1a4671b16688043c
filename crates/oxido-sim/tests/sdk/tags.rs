//! Tags through the SDK: resources tagged and untagged show it on both sides, are counted
//! on the tag, are listed by tag, and by-tag Droplet actions act on them.

use oxido::types::DropletStatus;
use oxido::{ActionStatus, TagAction};
use serde_json::json;

use super::common::*;

#[tokio::test]
async fn a_tag_applied_through_the_sdk_shows_on_its_resources_and_drives_by_tag_actions() {
    let sim = sim().await;
    let client = client(&sim);
    let tags = client.tags();
    let made = tags
        .create(body(json!({"name": "nightly"})))
        .await
        .expect("created");
    assert_eq!(made.name, "nightly");
    let resources = json!({"resources": [
        {"resource_id": DROPLET.to_string(), "resource_type": "droplet"},
        {"resource_id": VOLUME, "resource_type": "volume"}
    ]});
    tags.assign_resources("nightly", body(resources.clone()))
        .await
        .expect("tagged");
    // Tagging again changes nothing.
    tags.assign_resources("nightly", body(resources.clone()))
        .await
        .expect("tagged again");

    let tag = tags.get("nightly").await.expect("the tag");
    assert_eq!(tag.resources.and_then(|r| r.count), Some(2));
    let droplet = client.droplets().get(DROPLET).await.expect("droplet");
    assert!(
        droplet.tags.iter().any(|t| t == "nightly"),
        "{:?}",
        droplet.tags
    );
    let volume = client.volumes().get(VOLUME).await.expect("volume");
    assert!(volume.tags.iter().any(|t| t == "nightly"));
    let listed = client
        .droplets()
        .list()
        .tag_name("nightly")
        .send()
        .await
        .expect("listed by tag");
    let ids: Vec<u64> = listed.items.iter().map(|d| d.id).collect();
    assert_eq!(ids, [DROPLET]);

    // A by-tag action reaches the Droplet just tagged.
    let actions = client
        .droplet_actions()
        .post_by_tag("nightly", TagAction::PowerOff)
        .await
        .expect("by-tag action");
    assert_eq!(actions.len(), 1);
    assert_eq!(actions[0].resource_id, Some(DROPLET));
    let done = client
        .actions()
        .wait(actions[0].id)
        .poll_interval(POLL_MIN, POLL_MAX)
        .timeout(PATIENCE)
        .await
        .expect("completes");
    assert_eq!(done.status, ActionStatus::Completed);
    let droplet = client.droplets().get(DROPLET).await.expect("droplet");
    assert_eq!(droplet.status, DropletStatus::Off);

    tags.unassign_resources("nightly", body(resources))
        .await
        .expect("untagged");
    let tag = tags.get("nightly").await.expect("the tag");
    assert_eq!(tag.resources.and_then(|r| r.count), Some(0));
    let droplet = client.droplets().get(DROPLET).await.expect("droplet");
    assert!(!droplet.tags.iter().any(|t| t == "nightly"));
    let volume = client.volumes().get(VOLUME).await.expect("volume");
    assert!(!volume.tags.iter().any(|t| t == "nightly"));

    tags.delete("nightly").await.expect("deleted");
    let gone = tags.get("nightly").await.expect_err("deleted");
    assert!(gone.is_not_found(), "{gone}");
}

#[tokio::test]
async fn tagged_resources_are_counted_by_type() {
    let sim = sim().await;
    let client = client(&sim);
    client
        .tags()
        .create(body(json!({"name": "counted"})))
        .await
        .expect("created");
    client
        .tags()
        .assign_resources(
            "counted",
            body(json!({"resources": [
                {"resource_id": DROPLET.to_string(), "resource_type": "droplet"},
                {"resource_id": VOLUME, "resource_type": "volume"}
            ]})),
        )
        .await
        .expect("tagged");
    let tag = client.tags().get("counted").await.expect("the tag");
    let counts = tag.resources.expect("resource counts");
    assert_eq!(counts.droplets.and_then(|d| d.count), Some(1));
    assert_eq!(counts.volumes.and_then(|v| v.count), Some(1));
}

#[tokio::test]
async fn a_droplet_created_with_a_tag_is_counted_on_it() {
    let sim = sim().await;
    let client = client(&sim);
    client
        .droplets()
        .create(body(json!({
            "name": "tagged", "region": "nyc3", "size": "s-1vcpu-1gb",
            "image": "ubuntu-22-04-x64", "tags": ["fresh"]
        })))
        .await
        .expect("created");
    let all = client
        .tags()
        .list()
        .per_page(200)
        .send()
        .await
        .expect("tags");
    let fresh = all
        .items
        .iter()
        .find(|t| t.name == "fresh")
        .expect("the new tag is listed");
    let droplets = fresh.resources.as_ref().and_then(|r| r.droplets.as_ref());
    assert_eq!(droplets.and_then(|d| d.count), Some(1), "{fresh:?}");
}

#[tokio::test]
async fn deleting_a_tag_takes_it_off_its_droplets() {
    let sim = sim().await;
    let client = client(&sim);
    let before = client.droplets().get(DROPLET).await.expect("droplet");
    assert!(before.tags.iter().any(|t| t == "web"), "{:?}", before.tags);
    client.tags().delete("web").await.expect("deleted");
    let after = client.droplets().get(DROPLET).await.expect("droplet");
    assert!(!after.tags.iter().any(|t| t == "web"), "{:?}", after.tags);
    let tagged = client
        .droplets()
        .list()
        .tag_name("web")
        .send()
        .await
        .expect("list");
    assert!(tagged.items.is_empty(), "{tagged:?}");
}
