//! Volumes through the SDK: attachments seen from both sides, resizes, volume
//! snapshots and deletes, each action followed by the SDK's volume-action waiter.

use oxido::ActionStatus;
use serde_json::json;

use super::common::*;

#[tokio::test]
async fn a_volume_attached_through_the_sdk_shows_on_both_sides_until_its_droplet_goes() {
    let sim = sim().await;
    let client = client(&sim);
    let attach = client
        .volume_actions()
        .post_by_id(
            VOLUME,
            body(json!({"type": "attach", "droplet_id": DROPLET, "region": "nyc1"})),
        )
        .await
        .expect("attach accepted");
    assert_eq!(attach.kind.as_deref(), Some("attach_volume"));
    assert_eq!(attach.resource_type.as_deref(), Some("volume"));
    let id = attach.id.expect("the action has an id");
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
    assert_eq!(volume.droplet_ids, Some(vec![DROPLET]));
    let droplet = client.droplets().get(DROPLET).await.expect("droplet");
    assert_eq!(droplet.volume_ids, vec![VOLUME.to_owned()]);

    let refused = client
        .volumes()
        .delete(VOLUME)
        .await
        .expect_err("an attached volume is not deleted");
    assert_eq!(refused.status(), Some(409), "{refused}");

    client
        .droplets()
        .destroy(DROPLET)
        .await
        .expect("droplet deleted");
    let volume = client.volumes().get(VOLUME).await.expect("volume stays");
    assert_eq!(volume.droplet_ids, Some(vec![]));
    client
        .volumes()
        .delete(VOLUME)
        .await
        .expect("a detached volume is deleted");
    let gone = client.volumes().get(VOLUME).await.expect_err("deleted");
    assert!(gone.is_not_found(), "{gone}");
}
