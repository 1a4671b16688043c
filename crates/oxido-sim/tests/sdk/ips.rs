//! Floating IPs, reserved IPs and reserved IPv6 through the SDK: created, assigned to a
//! Droplet and unassigned, each action followed by its waiter; and the NFS action waiter.

use oxido::ActionStatus;
use serde_json::json;

use super::common::*;

const RESERVED_IPV6: &str = "2409:40d0:f7:1017:74b4:3a96:105e:4c6e";
const SHARE: &str = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";

#[tokio::test]
async fn reserved_ipv6_and_nfs_waiters_follow_v2_actions_to_completed() {
    let sim = sim().await;
    let client = client(&sim);

    let assign = client
        .reserved_ipv6_actions()
        .post(
            RESERVED_IPV6,
            body(json!({"type": "assign", "droplet_id": DROPLET})),
        )
        .await
        .expect("assign accepted");
    assert_eq!(assign.resource_type.as_deref(), Some("reserved_ipv6"));
    let id = assign.id.expect("the action has an id");
    let first = client.actions().get(id).await.expect("under /v2/actions");
    assert_eq!(first.status, ActionStatus::InProgress);
    let done = client
        .reserved_ipv6_actions()
        .wait(id)
        .poll_interval(POLL_MIN, POLL_MAX)
        .timeout(PATIENCE)
        .await
        .expect("the assign completes");
    assert_eq!(done.status, ActionStatus::Completed);

    let resize = client
        .nfs()
        .create_action(
            SHARE,
            body(json!({"type": "resize", "region": "atl1", "params": {"size_gib": 2048}})),
        )
        .await
        .expect("resize accepted");
    assert_eq!(resize.kind, "RESIZE_SHARE");
    let id: u64 = resize
        .id
        .as_deref()
        .and_then(|id| id.parse().ok())
        .expect("the NFS action id is an /v2/actions id");
    let done = client
        .nfs()
        .wait(id)
        .poll_interval(POLL_MIN, POLL_MAX)
        .timeout(PATIENCE)
        .await
        .expect("the resize completes");
    assert_eq!(done.resource_type, "SHARE");
    let share = client.nfs().get(SHARE).await.expect("share");
    assert_eq!(share.size_gib, 2048);
}
