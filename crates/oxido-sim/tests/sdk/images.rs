//! Images, image actions and snapshots through the SDK.

use oxido::ActionStatus;
use serde_json::json;

use super::common::*;

const IMAGE: u64 = 62137902;

#[tokio::test]
async fn an_image_transfer_is_an_action_of_the_image_and_reaches_the_new_region() {
    let sim = sim().await;
    let client = client(&sim);
    // The API wraps image action answers in `{"action": ...}` although the spec's schema is
    // a bare action (a spec defect the generator works around): post and read through the SDK.
    let body: oxido::types::ImageActionsPostBody =
        serde_json::from_value(json!({"type": "transfer", "region": "sfo3"})).expect("a body");
    let transfer = client
        .image_actions()
        .post(IMAGE, body)
        .await
        .expect("the transfer starts");
    let read = client
        .image_actions()
        .get(IMAGE, transfer.id)
        .await
        .expect("the transfer reads back");
    assert_eq!(read.id, transfer.id);
    assert_eq!(transfer.resource_type, "image");
    assert_eq!(transfer.resource_id, Some(IMAGE));
    let done = client
        .image_actions()
        .wait(IMAGE, transfer.id)
        .poll_interval(POLL_MIN, POLL_MAX)
        .timeout(PATIENCE)
        .await
        .expect("the transfer completes");
    assert_eq!(done.status, ActionStatus::Completed);
    let listed = client
        .image_actions()
        .list(IMAGE)
        .send()
        .await
        .expect("the image's actions");
    assert_eq!(listed.items.first().map(|a| a.id), Some(transfer.id));
    let image = client
        .images()
        .get(&IMAGE.to_string())
        .await
        .expect("image");
    let regions = serde_json::to_value(&image.regions).expect("regions serialize");
    assert!(
        regions
            .as_array()
            .is_some_and(|r| r.iter().any(|r| r == "sfo3")),
        "{regions}"
    );
}

#[tokio::test]
async fn a_custom_image_is_created_renamed_listed_and_deleted() {
    let sim = sim().await;
    let client = client(&sim);
    let made = client
        .images()
        .create_custom(body(json!({
            "name": "custom-os", "url": "http://127.0.0.1/custom-os.img",
            "region": "nyc3", "distribution": "Ubuntu", "tags": ["base"]
        })))
        .await
        .expect("created");
    let id = made.id;
    assert_eq!(made.name.as_deref(), Some("custom-os"));
    let renamed = client
        .images()
        .update(id, body(json!({"name": "custom-os-v2"})))
        .await
        .expect("renamed");
    assert_eq!(renamed.name.as_deref(), Some("custom-os-v2"));
    let read = client
        .images()
        .get(&id.to_string())
        .await
        .expect("read back");
    assert_eq!(read.name.as_deref(), Some("custom-os-v2"));
    let private = client
        .images()
        .list()
        .private(true)
        .per_page(200)
        .send()
        .await
        .expect("private images");
    assert!(private.items.iter().any(|i| i.id == id), "{private:?}");
    client.images().delete(id).await.expect("deleted");
    let gone = client
        .images()
        .get(&id.to_string())
        .await
        .expect_err("deleted");
    assert!(gone.is_not_found(), "{gone}");
}

#[tokio::test]
async fn a_droplet_snapshot_is_a_snapshot_and_an_image_until_deleted() {
    let sim = sim().await;
    let client = client(&sim);
    let snapshot = oxido::DropletAction::Snapshot {
        name: Some("before-upgrade".into()),
    };
    let droplet = act(&client, DROPLET, snapshot).await;
    let id = *droplet.snapshot_ids.last().expect("a snapshot id");
    let snapshot = client
        .snapshots()
        .get(&id.to_string())
        .await
        .expect("under /v2/snapshots");
    assert_eq!(snapshot.name, "before-upgrade");
    assert_eq!(snapshot.resource_id, DROPLET.to_string());
    assert_eq!(json_of(&snapshot.resource_type), json!("droplet"));
    let listed = client
        .snapshots()
        .list()
        .resource_type("droplet")
        .per_page(200)
        .send()
        .await
        .expect("droplet snapshots");
    assert!(listed.items.iter().any(|s| s.id == id.to_string()));
    let image = client
        .images()
        .get(&id.to_string())
        .await
        .expect("an image too");
    assert_eq!(image.name.as_deref(), Some("before-upgrade"));

    client
        .snapshots()
        .delete(&id.to_string())
        .await
        .expect("deleted");
    let gone = client
        .snapshots()
        .get(&id.to_string())
        .await
        .expect_err("deleted");
    assert!(gone.is_not_found(), "{gone}");
    let listed = client
        .snapshots()
        .list()
        .resource_type("droplet")
        .per_page(200)
        .send()
        .await
        .expect("droplet snapshots");
    assert!(listed.items.iter().all(|s| s.id != id.to_string()));
}

#[tokio::test]
async fn a_backup_converted_through_the_sdk_becomes_a_snapshot() {
    let sim = sim().await;
    let client = client(&sim);
    let backups = client
        .droplets()
        .list_backups(DROPLET)
        .send()
        .await
        .expect("backups");
    let backup = backups
        .items
        .first()
        .expect("the demo Droplet has a backup")
        .id;
    let convert = client
        .image_actions()
        .post(backup, body(json!({"type": "convert"})))
        .await
        .expect("convert accepted");
    assert_eq!(convert.resource_id, Some(backup));
    let done = client
        .image_actions()
        .wait(backup, convert.id)
        .poll_interval(POLL_MIN, POLL_MAX)
        .timeout(PATIENCE)
        .await
        .expect("the conversion completes");
    assert_eq!(done.status, ActionStatus::Completed);
    let image = client
        .images()
        .get(&backup.to_string())
        .await
        .expect("the image");
    assert_eq!(json_of(&image.kind), json!("snapshot"));
}
