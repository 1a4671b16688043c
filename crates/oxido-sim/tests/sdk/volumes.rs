//! Volumes through the SDK: attachments seen from both sides, resizes, volume
//! snapshots and deletes, each action followed by the SDK's volume-action waiter.

use oxido::ActionStatus;
use oxido::types::VolumeFull;
use serde_json::json;

use super::common::*;

/// The demo Droplet (in nyc1) that the demo volume starts attached to.
const VOLUME_HOLDER: u64 = 11612190;

#[tokio::test]
async fn a_volume_attached_through_the_sdk_shows_on_both_sides_until_its_droplet_goes() {
    let sim = sim().await;
    let client = client(&sim);
    // The demo volume starts attached to the demo Droplet in its region.
    let volume = client.volumes().get(VOLUME).await.expect("volume");
    assert_eq!(volume.droplet_ids, vec![VOLUME_HOLDER]);
    let holder = client.droplets().get(VOLUME_HOLDER).await.expect("droplet");
    assert_eq!(holder.volume_ids, vec![VOLUME.to_owned()]);
    let moved = act(
        &client,
        VOLUME,
        json!({"type": "detach", "droplet_id": VOLUME_HOLDER, "region": "nyc1"}),
    )
    .await;
    assert_eq!(moved.droplet_ids, Vec::<u64>::new());
    let holder = client.droplets().get(VOLUME_HOLDER).await.expect("droplet");
    assert!(holder.volume_ids.is_empty(), "{:?}", holder.volume_ids);

    // A volume attaches only to a Droplet of its own region (the demo Droplet is in nyc3).
    let across = client
        .volume_actions()
        .post_by_id(
            VOLUME,
            body(json!({"type": "attach", "droplet_id": DROPLET, "region": "nyc1"})),
        )
        .await
        .expect_err("a Droplet of another region is refused");
    assert_eq!(across.status(), Some(422), "{across}");
    let neighbour = client
        .droplets()
        .create(body(json!({
            "name": "nyc1-holder", "region": "nyc1", "size": "s-1vcpu-1gb",
            "image": "ubuntu-22-04-x64"
        })))
        .await
        .expect("create accepted")
        .droplet
        .id;
    let attach = client
        .volume_actions()
        .post_by_id(
            VOLUME,
            body(json!({"type": "attach", "droplet_id": neighbour, "region": "nyc1"})),
        )
        .await
        .expect("attach accepted");
    assert_eq!(attach.kind.as_str(), "attach_volume");
    assert_eq!(attach.resource_type.as_str(), "volume");
    let id = attach.id;
    let done = client
        .volume_actions()
        .wait(VOLUME, id)
        .poll_interval(POLL_MIN, POLL_MAX)
        .timeout(PATIENCE)
        .await
        .expect("the attach completes");
    assert_eq!(done.id, id);
    // The same action, seen through the account's action list.
    let seen = client.actions().get(id).await.expect("under /v2/actions");
    assert_eq!(seen.status, ActionStatus::Completed);
    assert_eq!(seen.resource_type, "volume");

    let volume = client.volumes().get(VOLUME).await.expect("volume");
    assert_eq!(volume.droplet_ids, vec![neighbour]);
    let droplet = client.droplets().get(neighbour).await.expect("droplet");
    assert_eq!(droplet.volume_ids, vec![VOLUME.to_owned()]);

    let refused = client
        .volumes()
        .delete(VOLUME)
        .await
        .expect_err("an attached volume is not deleted");
    assert_eq!(refused.status(), Some(409), "{refused}");

    client
        .droplets()
        .destroy(neighbour)
        .await
        .expect("droplet deleted");
    let volume = client.volumes().get(VOLUME).await.expect("volume stays");
    assert_eq!(volume.droplet_ids, Vec::<u64>::new());
    client
        .volumes()
        .delete(VOLUME)
        .await
        .expect("a detached volume is deleted");
    let gone = client.volumes().get(VOLUME).await.expect_err("deleted");
    assert!(gone.is_not_found(), "{gone}");
}

async fn act(client: &oxido::Client, volume: &str, action: serde_json::Value) -> VolumeFull {
    let started = client
        .volume_actions()
        .post_by_id(volume, body(action.clone()))
        .await
        .unwrap_or_else(|e| panic!("{action} accepted: {e}"));
    let id = started.id;
    let done = client
        .volume_actions()
        .wait(volume, id)
        .poll_interval(POLL_MIN, POLL_MAX)
        .timeout(PATIENCE)
        .await
        .unwrap_or_else(|e| panic!("{action} completes: {e}"));
    assert_eq!(done.status, ActionStatus::Completed);
    client.volumes().get(volume).await.expect("the volume")
}

#[tokio::test]
async fn a_volume_created_through_the_sdk_attaches_detaches_grows_and_is_deleted() {
    let sim = sim().await;
    let client = client(&sim);
    let created = client
        .volumes()
        .create(body(json!({
            "name": "data", "region": "nyc3", "size_gigabytes": 10,
            "filesystem_type": "ext4", "description": "made by the SDK test"
        })))
        .await
        .expect("created");
    let id = created.id.clone();
    assert_eq!(created.name, "data");
    assert_eq!(created.size_gigabytes, Some(10));
    assert_eq!(created.droplet_ids, Vec::<u64>::new());

    let attached = act(
        &client,
        &id,
        json!({"type": "attach", "droplet_id": DROPLET, "region": "nyc3"}),
    )
    .await;
    assert_eq!(attached.droplet_ids, vec![DROPLET]);
    let droplet = client.droplets().get(DROPLET).await.expect("droplet");
    assert!(droplet.volume_ids.contains(&id), "{:?}", droplet.volume_ids);

    let detached = act(
        &client,
        &id,
        json!({"type": "detach", "droplet_id": DROPLET, "region": "nyc3"}),
    )
    .await;
    assert_eq!(detached.droplet_ids, Vec::<u64>::new());
    let droplet = client.droplets().get(DROPLET).await.expect("droplet");
    assert!(
        !droplet.volume_ids.contains(&id),
        "{:?}",
        droplet.volume_ids
    );

    let grown = act(
        &client,
        &id,
        json!({"type": "resize", "size_gigabytes": 100, "region": "nyc3"}),
    )
    .await;
    assert_eq!(grown.size_gigabytes, Some(100));
    let shrink = client
        .volume_actions()
        .post_by_id(
            &id,
            body(json!({"type": "resize", "size_gigabytes": 10, "region": "nyc3"})),
        )
        .await
        .expect_err("a volume does not shrink");
    assert_eq!(shrink.status(), Some(422), "{shrink}");

    let actions = client
        .volume_actions()
        .list(&id)
        .send()
        .await
        .expect("the volume's actions");
    let mut kinds: Vec<String> = actions
        .items
        .iter()
        .map(|a| a.kind.as_str().to_owned())
        .collect();
    kinds.sort();
    assert_eq!(kinds, ["attach_volume", "detach_volume", "resize_volume"]);

    let listed = client
        .volumes()
        .list()
        .name("data")
        .send()
        .await
        .expect("by name");
    assert_eq!(listed.items.len(), 1);
    client.volumes().delete(&id).await.expect("deleted");
    let gone = client.volumes().get(&id).await.expect_err("deleted");
    assert!(gone.is_not_found(), "{gone}");
}

#[tokio::test]
async fn a_volume_is_deleted_by_its_name_and_region() {
    let sim = sim().await;
    let client = client(&sim);
    let created = client
        .volumes()
        .create(body(
            json!({"name": "scratch", "region": "fra1", "size_gigabytes": 5}),
        ))
        .await
        .expect("created");
    let region = created.region.as_ref().map(|r| r.slug.as_str());
    assert_eq!(
        region,
        Some("fra1"),
        "the volume is where it was asked to be"
    );
    let id = created.id;
    client
        .volumes()
        .delete_by_name("scratch")
        .region("fra1")
        .await
        .expect("deleted by name");
    let gone = client.volumes().get(&id).await.expect_err("deleted");
    assert!(gone.is_not_found(), "{gone}");
}

#[tokio::test]
async fn a_volume_snapshot_is_listed_read_and_deleted() {
    let sim = sim().await;
    let client = client(&sim);
    let before = client
        .volume_snapshots()
        .list(VOLUME)
        .send()
        .await
        .expect("snapshots")
        .items
        .len();
    let made = client
        .volume_snapshots()
        .create(VOLUME, body(json!({"name": "nightly", "tags": ["keep"]})))
        .await
        .expect("snapshot taken");
    assert_eq!(made.name, "nightly");
    assert_eq!(made.resource_id, VOLUME);
    assert_eq!(json_of(&made.resource_type), json!("volume"));
    let listed = client
        .volume_snapshots()
        .list(VOLUME)
        .send()
        .await
        .expect("snapshots");
    assert_eq!(listed.items.len(), before + 1);
    assert!(listed.items.iter().any(|s| s.id == made.id));
    let read = client
        .volume_snapshots()
        .get_by_id(&made.id)
        .await
        .expect("read back");
    assert_eq!(read.name, "nightly");
    let all = client
        .snapshots()
        .list()
        .resource_type("volume")
        .send()
        .await
        .expect("account snapshots");
    assert!(all.items.iter().any(|s| s.id == made.id), "{all:?}");
    client
        .volume_snapshots()
        .delete_by_id(&made.id)
        .await
        .expect("deleted");
    let gone = client
        .volume_snapshots()
        .get_by_id(&made.id)
        .await
        .expect_err("deleted");
    assert!(gone.is_not_found(), "{gone}");
}

#[tokio::test]
async fn a_volume_is_attached_and_detached_by_its_name() {
    let sim = sim().await;
    let client = client(&sim);
    let created = client
        .volumes()
        .create(body(
            json!({"name": "by-name", "region": "nyc3", "size_gigabytes": 10}),
        ))
        .await
        .expect("created");
    let id = created.id;
    let attach = client
        .volume_actions()
        .post(body(json!({
            "type": "attach", "volume_name": "by-name", "region": "nyc3", "droplet_id": DROPLET
        })))
        .await
        .expect("attach by name accepted");
    assert_eq!(attach.kind.as_str(), "attach_volume");
    client
        .volume_actions()
        .wait(&id, attach.id)
        .poll_interval(POLL_MIN, POLL_MAX)
        .timeout(PATIENCE)
        .await
        .expect("the attach completes");
    let volume = client.volumes().get(&id).await.expect("volume");
    assert_eq!(volume.droplet_ids, vec![DROPLET]);
    let detach = client
        .volume_actions()
        .post(body(json!({
            "type": "detach", "volume_name": "by-name", "region": "nyc3", "droplet_id": DROPLET
        })))
        .await
        .expect("detach by name accepted");
    client
        .volume_actions()
        .wait(&id, detach.id)
        .poll_interval(POLL_MIN, POLL_MAX)
        .timeout(PATIENCE)
        .await
        .expect("the detach completes");
    let volume = client.volumes().get(&id).await.expect("volume");
    assert_eq!(volume.droplet_ids, Vec::<u64>::new());
}
