//! Images a Droplet makes of itself: snapshots (kept after the Droplet is deleted, as
//! the API keeps them) and backups (deleted with it).

use std::collections::BTreeMap;

use jiff::Timestamp;

use super::catalog::Region;
use super::model::{AccountId, Droplet};

/// Which kind of Droplet image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ImageKind {
    Snapshot,
    Backup,
}

impl ImageKind {
    /// The image's wire `type`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Snapshot => "snapshot",
            Self::Backup => "backup",
        }
    }
}

/// One snapshot or backup of a Droplet.
#[derive(Debug, Clone)]
pub(crate) struct DropletImage {
    pub id: u64,
    pub account: AccountId,
    pub droplet_id: u64,
    pub name: String,
    pub kind: ImageKind,
    pub created_at: Timestamp,
    pub region: &'static Region,
    /// Regions the image was transferred to, after its own.
    pub transferred: Vec<String>,
    pub min_disk_size: u32,
    /// What the image holds: a fixed share of the disk, as a fresh system uses.
    pub size_gigabytes: f64,
    pub distribution: &'static str,
    /// What an update gave it; empty until then.
    pub description: String,
    /// Tags applied to it through `/v2/tags/{tag}/resources` (as `image`).
    pub tags: Vec<String>,
}

/// What an image update changes; `None` keeps the field.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ImageUpdate<'a> {
    pub name: Option<&'a str>,
    pub description: Option<&'a str>,
    pub distribution: Option<&'a str>,
}

/// The distributions an image may name (the API's list); any other name reads `Unknown`.
pub(crate) const DISTRIBUTIONS: [&str; 13] = [
    "Arch Linux",
    "CentOS",
    "CoreOS",
    "Debian",
    "Fedora",
    "Fedora Atomic",
    "FreeBSD",
    "Gentoo",
    "openSUSE",
    "RancherOS",
    "Rocky Linux",
    "Ubuntu",
    "Unknown",
];

/// The API's distribution for a name: itself when listed, else `Unknown`.
pub(crate) fn distribution(name: &str) -> &'static str {
    DISTRIBUTIONS
        .into_iter()
        .find(|d| *d == name)
        .unwrap_or("Unknown")
}

impl DropletImage {
    /// Every region the image is in, its own first.
    pub fn regions(&self) -> Vec<&str> {
        std::iter::once(self.region.slug)
            .chain(self.transferred.iter().map(String::as_str))
            .collect()
    }

    /// An image of `droplet` as it is at `at`, named as the API names unnamed ones.
    pub fn of(droplet: &Droplet, id: u64, kind: ImageKind, at: Timestamp) -> Self {
        let name = match kind {
            ImageKind::Snapshot => format!("{}-{}", droplet.name, at.as_millisecond()),
            ImageKind::Backup => format!("{} {}", droplet.name, at.strftime("%Y-%m-%d")),
        };
        Self {
            id,
            account: droplet.account,
            droplet_id: droplet.id,
            name,
            kind,
            created_at: at,
            region: droplet.region,
            transferred: Vec::new(),
            min_disk_size: droplet.disk,
            size_gigabytes: 2.34,
            distribution: droplet.image.distribution,
            description: String::new(),
            tags: Vec::new(),
        }
    }
}

/// Every account's Droplet images by id (ids grow, so this is creation order).
pub(crate) type Images = BTreeMap<u64, DropletImage>;
