//! The typed store's Droplet images: snapshots and backups read, listed, updated (name,
//! description, distribution), tagged and deleted, with the Droplets' finished actions
//! applied first.

use std::collections::BTreeMap;

use jiff::Timestamp;

use super::images::{DropletImage, ImageKind, ImageUpdate};
use super::lifecycle::{needs_backup, needs_settling};
use super::model::{AccountId, Droplet};
use super::store::Store;
use crate::limits;
use crate::refusal::Refusal;

impl Store<'_> {
    /// Applies every finished action of the account's Droplets (so their snapshots exist).
    fn settle_account(&self, account: AccountId, now: Timestamp) {
        let ids = {
            let data = self.read();
            let ids = data.tagged_droplets(account, None);
            let due = ids.iter().any(|id| {
                data.droplets.get(id).is_some_and(|d| {
                    needs_settling(d, &data.actions, now) || needs_backup(d, data.backup_every, now)
                })
            });
            if !due {
                return;
            }
            ids
        };
        let mut data = self.write();
        for id in ids {
            data.settle_droplet(id, now);
        }
    }

    /// One Droplet's snapshots or backups, oldest first; `None` if there is no such Droplet.
    pub fn droplet_images(
        &self,
        account: AccountId,
        droplet_id: u64,
        kind: ImageKind,
        now: Timestamp,
    ) -> Option<Vec<DropletImage>> {
        self.droplet(account, droplet_id, now)?;
        let data = self.read();
        Some(
            data.images
                .values()
                .filter(|i| i.account == account && i.droplet_id == droplet_id && i.kind == kind)
                .cloned()
                .collect(),
        )
    }

    /// Every Droplet image of the account, oldest first.
    pub fn account_images(&self, account: AccountId, now: Timestamp) -> Vec<DropletImage> {
        self.settle_account(account, now);
        let data = self.read();
        data.images
            .values()
            .filter(|i| i.account == account)
            .cloned()
            .collect()
    }

    /// One Droplet image of the account.
    pub fn image(&self, account: AccountId, id: u64, now: Timestamp) -> Option<DropletImage> {
        self.settle_account(account, now);
        self.read()
            .images
            .get(&id)
            .filter(|i| i.account == account)
            .cloned()
    }

    /// Updates a Droplet image's name, description and distribution (each when given)
    /// and returns it; `None` if the account has no such image.
    pub fn update_image(
        &self,
        account: AccountId,
        id: u64,
        update: ImageUpdate<'_>,
    ) -> Option<DropletImage> {
        let mut data = self.write();
        let image = data.images.get_mut(&id).filter(|i| i.account == account)?;
        if let Some(name) = update.name {
            image.name = name.to_owned();
        }
        if let Some(description) = update.description {
            description.clone_into(&mut image.description);
        }
        if let Some(distribution) = update.distribution {
            image.distribution = super::images::distribution(distribution);
        }
        Some(image.clone())
    }

    /// Applies (`assign`) or removes a tag on a Droplet image: `Ok(None)` if the account
    /// has no such image, else whether it changed.
    pub fn tag_image(
        &self,
        account: AccountId,
        id: u64,
        tag: &str,
        assign: bool,
    ) -> Result<Option<bool>, Refusal> {
        let mut data = self.write();
        let Some(image) = data.images.get_mut(&id).filter(|i| i.account == account) else {
            return Ok(None);
        };
        limits::set_tag(&mut image.tags, tag, assign).map(Some)
    }

    /// Makes a Droplet image available in one more region; false if the account has no
    /// such image.
    pub fn transfer_image(&self, account: AccountId, id: u64, region: &str) -> bool {
        let mut data = self.write();
        let Some(image) = data.images.get_mut(&id).filter(|i| i.account == account) else {
            return false;
        };
        if image.region.slug != region && !image.transferred.iter().any(|r| r == region) {
            image.transferred.push(region.to_owned());
        }
        true
    }

    /// Turns a Droplet backup into a snapshot (it then outlives its Droplet); false if
    /// the account has no such image. A snapshot stays one.
    pub fn convert_backup(&self, account: AccountId, id: u64) -> bool {
        let mut data = self.write();
        let Some(image) = data.images.get_mut(&id).filter(|i| i.account == account) else {
            return false;
        };
        if image.kind == ImageKind::Snapshot {
            return true;
        }
        image.kind = ImageKind::Snapshot;
        let droplet = image.droplet_id;
        if let Some(d) = data.droplets.get_mut(&droplet) {
            d.backup_ids.retain(|x| *x != id);
            d.snapshot_ids.push(id);
        }
        true
    }

    /// Deletes a Droplet image (it leaves its Droplet's `snapshot_ids` or `backup_ids`).
    pub fn delete_image(&self, account: AccountId, id: u64) -> bool {
        let mut data = self.write();
        let Some(image) = data.images.get(&id).filter(|i| i.account == account) else {
            return false;
        };
        let droplet = image.droplet_id;
        data.images.remove(&id);
        if let Some(d) = data.droplets.get_mut(&droplet) {
            d.snapshot_ids.retain(|x| *x != id);
            d.backup_ids.retain(|x| *x != id);
        }
        true
    }

    /// The account's other Droplets on the same host as `droplet_id` (the emulator
    /// puts each region's Droplets on one host); `None` if there is no such Droplet.
    pub fn neighbors(
        &self,
        account: AccountId,
        droplet_id: u64,
        now: Timestamp,
    ) -> Option<Vec<Droplet>> {
        let me = self.droplet(account, droplet_id, now)?;
        let data = self.read();
        Some(
            data.tagged_droplets(account, None)
                .into_iter()
                .filter(|id| *id != droplet_id)
                .filter_map(|id| data.droplets.get(&id))
                .filter(|d| d.region.slug == me.region.slug)
                .cloned()
                .collect(),
        )
    }

    /// Groups of the account's Droplet ids that share a host (only groups of two or more).
    pub fn neighbor_groups(&self, account: AccountId) -> Vec<Vec<u64>> {
        let data = self.read();
        let mut by_region: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
        for id in data.tagged_droplets(account, None) {
            if let Some(d) = data.droplets.get(&id) {
                by_region.entry(d.region.slug).or_default().push(id);
            }
        }
        by_region.into_values().filter(|g| g.len() > 1).collect()
    }
}
