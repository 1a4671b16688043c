//! Droplets through the SDK: single and multiple creates followed to `active` by the
//! SDK's waiter, deletes (by id and by tag), actions that change the Droplet, by-tag
//! actions, and the Droplet's snapshots, backups, kernels and neighbors.

use oxido::types::{Droplet, DropletMultiCreate, DropletStatus};
use oxido::{ActionStatus, ActionType, BackupPolicy, DropletAction, ImageRef, TagAction, Weekday};
use serde_json::json;

use super::common::*;

async fn wait_active(client: &oxido::Client, id: u64) -> Droplet {
    client
        .droplets()
        .wait_active(id)
        .poll_interval(POLL_MIN, POLL_MAX)
        .timeout(PATIENCE)
        .await
        .expect("the droplet becomes active")
}

#[tokio::test]
async fn a_droplet_created_through_the_sdk_becomes_active_then_is_gone_after_delete() {
    let sim = sim().await;
    let client = client(&sim);
    let created = client
        .droplets()
        .create(body(json!({
            "name": "api-1", "region": "fra1", "size": "s-1vcpu-2gb",
            "image": "ubuntu-22-04-x64", "tags": ["api"]
        })))
        .await
        .expect("create accepted");
    assert_eq!(created.droplet.status, DropletStatus::New);
    assert_eq!(created.droplet.name, "api-1");
    let id = created.droplet.id;

    let droplet = wait_active(&client, id).await;
    assert_eq!(droplet.status, DropletStatus::Active);
    assert_eq!(droplet.size_slug, "s-1vcpu-2gb");
    assert_eq!(droplet.tags, ["api"]);
    let v4 = droplet.networks.v4.clone();
    assert!(
        v4.iter().any(|n| n.ip_address.is_some()),
        "an active Droplet has an address: {v4:?}"
    );
    let tagged = client
        .droplets()
        .list()
        .tag_name("api")
        .await
        .expect("listed by tag");
    let ids: Vec<u64> = tagged.items.iter().map(|d| d.id).collect();
    assert_eq!(ids, [id]);

    client.droplets().destroy(id).await.expect("deleted");
    let gone = client.droplets().get(id).await.expect_err("deleted");
    assert!(gone.is_not_found(), "{gone}");
    let again = client.droplets().destroy(id).await.expect_err("twice");
    assert!(again.is_not_found(), "{again}");
}

#[tokio::test]
async fn droplets_created_together_each_become_active() {
    let sim = sim().await;
    let client = client(&sim);
    let names = ["batch-1", "batch-2", "batch-3"];
    let request: DropletMultiCreate = body(json!({
        "names": names, "region": "nyc3", "size": "s-1vcpu-1gb",
        "image": "ubuntu-22-04-x64", "tags": ["batch"]
    }));
    let created = client
        .droplets()
        .create_many(request)
        .await
        .expect("created");
    let made: Vec<&str> = created.droplets.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(made, names);
    for droplet in &created.droplets {
        assert_eq!(droplet.status, DropletStatus::New);
        let active = wait_active(&client, droplet.id).await;
        assert_eq!(active.name, droplet.name);
    }
    let tagged = client
        .droplets()
        .list()
        .tag_name("batch")
        .await
        .expect("listed by tag");
    assert_eq!(tagged.total(), Some(3));
    assert!(
        tagged
            .items
            .iter()
            .all(|d| d.status == DropletStatus::Active)
    );
}

#[tokio::test]
async fn rename_resize_rebuild_kernel_and_ipv6_actions_change_the_droplet() {
    let sim = sim().await;
    let client = client(&sim);
    let d = act(
        &client,
        DROPLET,
        DropletAction::Rename {
            name: "renamed.example".into(),
        },
    )
    .await;
    assert_eq!(d.name, "renamed.example");

    let d = act(
        &client,
        DROPLET,
        DropletAction::Resize {
            size: "s-2vcpu-4gb".into(),
            disk: false,
        },
    )
    .await;
    assert_eq!(d.size_slug, "s-2vcpu-4gb");
    assert_eq!((d.vcpus, d.memory), (2, 4096));
    assert_eq!(d.disk, 25, "the disk stays without disk=true");
    let d = act(
        &client,
        DROPLET,
        DropletAction::Resize {
            size: "s-2vcpu-4gb".into(),
            disk: true,
        },
    )
    .await;
    assert_eq!(d.disk, 80);

    let d = act(
        &client,
        DROPLET,
        DropletAction::Rebuild {
            image: ImageRef::Slug("debian-12-x64".into()),
        },
    )
    .await;
    assert_eq!(d.image.slug.as_deref(), Some("debian-12-x64"));

    let d = act(
        &client,
        DROPLET,
        DropletAction::ChangeKernel { kernel: 7515 },
    )
    .await;
    assert_eq!(d.kernel.and_then(|k| k.id), Some(7515));

    let d = act(&client, OTHER_DROPLET, DropletAction::EnableIpv6).await;
    assert!(d.features.iter().any(|f| f == "ipv6"), "{:?}", d.features);
    assert_eq!(d.networks.v6.len(), 1);
}

#[tokio::test]
async fn power_actions_move_the_droplet_between_off_and_active() {
    let sim = sim().await;
    let client = client(&sim);
    for (action, status) in [
        (DropletAction::PowerOff, DropletStatus::Off),
        (DropletAction::PowerOn, DropletStatus::Active),
        (DropletAction::Shutdown, DropletStatus::Off),
        (DropletAction::Reboot, DropletStatus::Active),
        (DropletAction::PowerOff, DropletStatus::Off),
        (DropletAction::PowerCycle, DropletStatus::Active),
    ] {
        let d = act(&client, DROPLET, action.clone()).await;
        assert_eq!(d.status, status, "after {action:?}");
    }
    // The history lists them newest first.
    let history = client
        .droplet_actions()
        .list(DROPLET)
        .per_page(6)
        .send()
        .await
        .expect("history");
    assert_eq!(
        history.items.first().map(|a| &a.kind),
        Some(&ActionType::PowerCycle)
    );
}

#[tokio::test]
async fn a_droplet_snapshot_taken_through_the_sdk_lists_with_its_droplet() {
    let sim = sim().await;
    let client = client(&sim);
    let snapshot = DropletAction::Snapshot {
        name: Some("sdk-made".into()),
    };
    act(&client, DROPLET, snapshot).await;
    let snapshots = client
        .droplets()
        .list_snapshots(DROPLET)
        .send()
        .await
        .expect("snapshots");
    let names: Vec<&str> = snapshots.items.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert_eq!(names[1], "sdk-made");
    let droplet = client.droplets().get(DROPLET).await.expect("droplet");
    assert_eq!(droplet.snapshot_ids.last(), Some(&snapshots.items[1].id));
    let backups = client
        .droplets()
        .list_backups(DROPLET)
        .send()
        .await
        .expect("backups");
    // The demo backup, and maybe scheduled ones since (one every 24 action durations).
    assert!(!backups.items.is_empty());
    assert!(
        backups
            .items
            .iter()
            .all(|b| b.name.is_empty() || !b.regions.is_empty())
    );
    let kernels = client
        .droplets()
        .list_kernels(DROPLET)
        .send()
        .await
        .expect("kernels");
    assert_eq!(kernels.items.len(), 3);
    let neighbors = client
        .droplets()
        .list_neighbors(DROPLET)
        .await
        .expect("neighbors");
    assert!(neighbors.is_empty(), "no other demo Droplet is in nyc3");
}

#[tokio::test]
async fn a_droplet_in_the_same_region_becomes_a_neighbor() {
    let sim = sim().await;
    let client = client(&sim);
    let here = client.droplets().get(DROPLET).await.expect("droplet");
    let created = client
        .droplets()
        .create(body(json!({
            "name": "next-door", "region": here.region.slug, "size": "s-1vcpu-1gb",
            "image": "ubuntu-22-04-x64"
        })))
        .await
        .expect("created");
    let neighbors = client
        .droplets()
        .list_neighbors(DROPLET)
        .await
        .expect("neighbors");
    let ids: Vec<u64> = neighbors.iter().map(|d| d.id).collect();
    assert_eq!(ids, [created.droplet.id]);
}

#[tokio::test]
async fn deleting_by_tag_removes_only_the_tagged_droplets() {
    let sim = sim().await;
    let client = client(&sim);
    let created = client
        .droplets()
        .create_many(body(json!({
            "names": ["temp-1", "temp-2"], "region": "nyc3", "size": "s-1vcpu-1gb",
            "image": "ubuntu-22-04-x64", "tags": ["temp"]
        })))
        .await
        .expect("created");
    client
        .droplets()
        .destroy_by_tag("temp")
        .await
        .expect("deleted by tag");
    for droplet in &created.droplets {
        let gone = client
            .droplets()
            .get(droplet.id)
            .await
            .expect_err("deleted");
        assert!(gone.is_not_found(), "{gone}");
    }
    let left = client
        .droplets()
        .list()
        .tag_name("temp")
        .await
        .expect("list");
    assert!(left.items.is_empty(), "{left:?}");
    client
        .droplets()
        .get(DROPLET)
        .await
        .expect("an untagged Droplet stays");
}

#[tokio::test]
async fn a_by_tag_action_acts_on_every_tagged_droplet_and_no_other() {
    let sim = sim().await;
    let client = client(&sim);
    let actions = client
        .droplet_actions()
        .post_by_tag("web", TagAction::PowerOff)
        .await
        .expect("by-tag action accepted");
    let mut ids: Vec<u64> = actions.iter().filter_map(|a| a.resource_id).collect();
    ids.sort_unstable();
    assert_eq!(ids, [DROPLET, OTHER_DROPLET]);
    for action in &actions {
        assert_eq!(action.kind, ActionType::PowerOff);
        let done = client
            .actions()
            .wait(action.id)
            .poll_interval(POLL_MIN, POLL_MAX)
            .timeout(PATIENCE)
            .await
            .expect("each completes");
        assert_eq!(done.status, ActionStatus::Completed);
    }
    for id in ids {
        let droplet = client.droplets().get(id).await.expect("droplet");
        assert_eq!(droplet.status, DropletStatus::Off, "{id}");
    }
    let untagged = client.droplets().get(3164510).await.expect("droplet");
    assert_eq!(untagged.status, DropletStatus::Active, "not tagged `web`");
}

#[tokio::test]
async fn backup_actions_set_the_schedule_and_restore_brings_the_droplet_back() {
    let sim = sim().await;
    let client = client(&sim);
    let d = act(&client, OTHER_DROPLET, DropletAction::DisableBackups).await;
    assert!(
        !d.features.iter().any(|f| f == "backups"),
        "{:?}",
        d.features
    );
    assert!(d.next_backup_window.is_none());
    let d = act(
        &client,
        OTHER_DROPLET,
        DropletAction::EnableBackups {
            backup_policy: Some(BackupPolicy::weekly(Weekday::Tue, 4)),
        },
    )
    .await;
    assert!(
        d.features.iter().any(|f| f == "backups"),
        "{:?}",
        d.features
    );
    let start = d
        .next_backup_window
        .and_then(|w| w.start)
        .expect("a window");
    assert!(start.to_string().contains("T04:"), "{start}");
    let d = act(
        &client,
        OTHER_DROPLET,
        DropletAction::ChangeBackupPolicy {
            backup_policy: BackupPolicy::daily(8),
        },
    )
    .await;
    let start = d
        .next_backup_window
        .and_then(|w| w.start)
        .expect("a window");
    assert!(start.to_string().contains("T08:"), "{start}");

    // Restore DROPLET from its own backup, which needs it off first.
    let backup = client
        .droplets()
        .list_backups(DROPLET)
        .send()
        .await
        .expect("backups")
        .items
        .first()
        .map(|b| b.id)
        .expect("a backup");
    let d = act(&client, DROPLET, DropletAction::PowerOff).await;
    assert_eq!(d.status, DropletStatus::Off);
    let d = act(&client, DROPLET, DropletAction::Restore { image: backup }).await;
    assert_eq!(d.status, DropletStatus::Active);
    let before = client.droplets().get(DROPLET).await.expect("droplet");
    let after = act(&client, DROPLET, DropletAction::PasswordReset).await;
    assert_eq!(
        json_of(&before),
        json_of(&after),
        "a password reset changes nothing visible"
    );
}

#[tokio::test]
async fn a_snapshot_by_tag_snapshots_every_tagged_droplet() {
    let sim = sim().await;
    let client = client(&sim);
    let before: Vec<usize> = {
        let mut counts = Vec::new();
        for id in [DROPLET, OTHER_DROPLET] {
            let d = client.droplets().get(id).await.expect("droplet");
            counts.push(d.snapshot_ids.len());
        }
        counts
    };
    let actions = client
        .droplet_actions()
        .post_by_tag(
            "web",
            TagAction::Snapshot {
                name: Some("tagged-snap".into()),
            },
        )
        .await
        .expect("by-tag snapshot");
    assert_eq!(actions.len(), 2);
    for action in &actions {
        client
            .actions()
            .wait(action.id)
            .poll_interval(POLL_MIN, POLL_MAX)
            .timeout(PATIENCE)
            .await
            .expect("each completes");
    }
    for (id, before) in [DROPLET, OTHER_DROPLET].into_iter().zip(before) {
        let snapshots = client
            .droplets()
            .list_snapshots(id)
            .send()
            .await
            .expect("snapshots");
        assert_eq!(snapshots.items.len(), before + 1, "{id}");
        assert_eq!(
            snapshots.items.last().map(|s| s.name.as_str()),
            Some("tagged-snap")
        );
    }
}

#[tokio::test]
async fn the_backup_policy_reads_back_as_set() {
    let sim = sim().await;
    let client = client(&sim);
    act(
        &client,
        OTHER_DROPLET,
        DropletAction::EnableBackups {
            backup_policy: Some(BackupPolicy::daily(8)),
        },
    )
    .await;
    let policy = client
        .droplets()
        .get_backup_policy(OTHER_DROPLET)
        .await
        .expect("the policy");
    assert_eq!(policy.droplet_id, Some(OTHER_DROPLET));
    assert_eq!(policy.backup_enabled, Some(true));
    assert_eq!(policy.backup_policy.and_then(|p| p.hour), Some(8));
}

#[tokio::test]
async fn a_droplet_created_with_a_volume_holds_it_until_deleted() {
    let sim = sim().await;
    let client = client(&sim);
    let volume = client
        .volumes()
        .create(body(
            json!({"name": "boot-data", "region": "nyc3", "size_gigabytes": 10}),
        ))
        .await
        .expect("volume created")
        .id;
    let created = client
        .droplets()
        .create(body(json!({
            "name": "with-volume", "region": "nyc3", "size": "s-1vcpu-1gb",
            "image": "ubuntu-22-04-x64", "volumes": [volume]
        })))
        .await
        .expect("created");
    let id = created.droplet.id;
    let droplet = wait_active(&client, id).await;
    assert_eq!(droplet.volume_ids, std::slice::from_ref(&volume));
    let read = client.volumes().get(&volume).await.expect("volume");
    assert_eq!(read.droplet_ids, vec![id]);
    client.droplets().destroy(id).await.expect("deleted");
    let read = client
        .volumes()
        .get(&volume)
        .await
        .expect("the volume stays");
    assert_eq!(read.droplet_ids, Vec::<u64>::new());
}
