//! Completion of actions: applying a finished action's effect to its droplet, once.

use std::collections::HashMap;
use std::time::Duration;

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

/// How often a Droplet's scheduled backups come, with `every` the emulator's hour (its
/// action duration): every 24 for a daily plan, every 168 for a weekly one; `None`
/// when backups are off or the hour is zero (no scheduled backups then).
fn backup_period(droplet: &Droplet, every: Duration) -> Option<(Duration, usize)> {
    if !droplet.backups || every.is_zero() {
        return None;
    }
    let weekly = droplet
        .backup_policy
        .as_ref()
        .is_some_and(|p| p.plan == "weekly");
    // Retention as the API keeps backups: 7 daily ones, or 4 weekly ones (28 days).
    if weekly {
        Some((every.saturating_mul(24 * 7), 4))
    } else {
        Some((every.saturating_mul(24), 7))
    }
}

/// How many of the schedule's backups are due by `now`.
fn backups_due(
    droplet: &Droplet,
    every: Duration,
    now: Timestamp,
) -> Option<(u64, Duration, usize)> {
    let (period, keep) = backup_period(droplet, every)?;
    let since = droplet.backups_since?;
    let elapsed = now.as_nanosecond().checked_sub(since.as_nanosecond())?;
    let period_nanos = i128::try_from(period.as_nanos()).ok().filter(|p| *p > 0)?;
    let due = u64::try_from(elapsed / period_nanos).unwrap_or(u64::MAX);
    Some((due, period, keep))
}

/// Whether a scheduled backup is due that `make_backups` has not made yet.
pub(crate) fn needs_backup(droplet: &Droplet, every: Duration, now: Timestamp) -> bool {
    backups_due(droplet, every, now).is_some_and(|(due, _, _)| due > droplet.backups_made)
}

/// Makes the scheduled backups due by `now` (each dated at its own tick; at most the
/// retained number), then forgets the Droplet's oldest backups past the retention.
pub(crate) fn make_backups(
    droplet: &mut Droplet,
    every: Duration,
    now: Timestamp,
    next_image_id: &mut u64,
    images: &mut Images,
) {
    let Some((due, period, keep)) = backups_due(droplet, every, now) else {
        return;
    };
    let Some(since) = droplet.backups_since else {
        return;
    };
    if due <= droplet.backups_made {
        return;
    }
    let first = droplet
        .backups_made
        .saturating_add(1)
        .max(due.saturating_sub(keep as u64).saturating_add(1));
    for tick in first..=due {
        let Some(at) = u32::try_from(tick)
            .ok()
            .and_then(|t| period.checked_mul(t))
            .and_then(|offset| since.checked_add(offset).ok())
        else {
            break;
        };
        let id = *next_image_id;
        *next_image_id += 1;
        droplet.backup_ids.push(id);
        images.insert(id, DropletImage::of(droplet, id, ImageKind::Backup, at));
    }
    droplet.backups_made = due;
    while droplet.backup_ids.len() > keep {
        let old = droplet.backup_ids.remove(0);
        images.remove(&old);
    }
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
            if !droplet.backups || droplet.backups_since.is_none() {
                droplet.backups_since = Some(at);
                droplet.backups_made = 0;
            }
            droplet.backups = true;
            droplet.backup_policy = Some(policy.unwrap_or_default());
        }
        Effect::DisableBackups => {
            droplet.backups = false;
            droplet.backup_policy = None;
            droplet.backups_since = None;
        }
        Effect::ChangeBackupPolicy(policy) => droplet.backup_policy = Some(policy),
        Effect::EnableIpv6 => droplet.ipv6 = true,
        Effect::Rebuild(image, shown) => {
            droplet.image = image;
            droplet.image_shown = shown;
            droplet.status = DropletStatus::Active;
        }
        Effect::ChangeKernel(kernel) => droplet.kernel = Some(kernel),
        Effect::Nothing => {}
    }
}
