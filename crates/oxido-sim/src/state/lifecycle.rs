//! Completion of actions: applying a finished action's effect to its droplet, once.

use std::collections::HashMap;

use jiff::Timestamp;

use super::images::{DropletImage, ImageKind, Images};
use super::model::{Action, ActionStatus, Droplet, DropletStatus, Effect, Pending};

/// Applies the droplet's pending action if it has finished by `now`.
///
/// Called under the store's write lock before any droplet is read or acted on,
/// so the effect is applied exactly once and nobody sees a half-applied change.
pub(crate) fn settle(
    droplet: &mut Droplet,
    actions: &HashMap<u64, Action>,
    now: Timestamp,
    next_image_id: &mut u64,
    images: &mut Images,
) {
    let Some(pending) = &droplet.pending else {
        return;
    };
    let (status, at) = match actions.get(&pending.action_id) {
        Some(action) => action.status_at(now),
        // The action record is gone (store reset mid-flight); release the droplet.
        None => (ActionStatus::Errored, None),
    };
    if status == ActionStatus::InProgress {
        return;
    }
    let Some(Pending { effect, .. }) = droplet.pending.take() else {
        return;
    };
    if status == ActionStatus::Completed {
        apply(droplet, effect, next_image_id, images, at.unwrap_or(now));
    }
}

/// Whether `settle` would change the droplet at `now`: it has a pending action
/// that has finished (or whose record is gone).
pub(crate) fn needs_settling(
    droplet: &Droplet,
    actions: &HashMap<u64, Action>,
    now: Timestamp,
) -> bool {
    droplet.pending.as_ref().is_some_and(|p| {
        actions
            .get(&p.action_id)
            .is_none_or(|a| a.status_at(now).0 != ActionStatus::InProgress)
    })
}

/// Whether the droplet's pending action (if any) is still running at `now`.
pub(crate) fn is_busy(droplet: &Droplet, actions: &HashMap<u64, Action>, now: Timestamp) -> bool {
    droplet.pending.as_ref().is_some_and(|p| {
        actions
            .get(&p.action_id)
            .is_some_and(|a| a.status_at(now).0 == ActionStatus::InProgress)
    })
}

fn apply(
    droplet: &mut Droplet,
    effect: Effect,
    next_image_id: &mut u64,
    images: &mut Images,
    at: Timestamp,
) {
    match effect {
        Effect::Activate => droplet.status = DropletStatus::Active,
        Effect::PowerOff => droplet.status = DropletStatus::Off,
        Effect::Rename(name) => droplet.name = name,
        Effect::Resize { size, disk } => {
            droplet.size = size;
            if disk {
                droplet.disk = size.disk;
            }
        }
        Effect::Snapshot(name) => {
            let id = *next_image_id;
            *next_image_id += 1;
            droplet.snapshot_ids.push(id);
            let mut image = DropletImage::of(droplet, id, ImageKind::Snapshot, at);
            if let Some(name) = name {
                image.name = name;
            }
            images.insert(id, image);
        }
        Effect::EnableBackups(policy) => {
            droplet.backups = true;
            droplet.backup_policy = Some(policy.unwrap_or_default());
        }
        Effect::DisableBackups => {
            droplet.backups = false;
            droplet.backup_policy = None;
        }
        Effect::ChangeBackupPolicy(policy) => droplet.backup_policy = Some(policy),
        Effect::EnableIpv6 => droplet.ipv6 = true,
        Effect::Rebuild(image) => {
            droplet.image = image;
            droplet.status = DropletStatus::Active;
        }
        Effect::ChangeKernel(kernel) => droplet.kernel = Some(kernel),
        Effect::Nothing => {}
    }
}
