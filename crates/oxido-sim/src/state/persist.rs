//! One account's hand-written data (Droplets, actions, Droplet images) as plain,
//! serializable records, and back.
//!
//! Catalog entries (regions, sizes, images) are written by slug or id and looked up
//! again on load, so a state file never holds a copy of the catalog. Everything a
//! document names is checked before anything is replaced: an import either applies
//! whole or not at all.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Mutex, PoisonError};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::catalog::{self, Image, Region, Size};
use super::images::{DropletImage, ImageKind};
use super::model::{
    AccountId, Action, ActionKind, BackupPolicy, Droplet, DropletStatus, Effect, Family, Outcome,
    Pending, PrivateAddr, Subject,
};
use super::store::{AccountIndex, Data, ResourceKey};
use crate::limits;

/// The hand-written part of one account.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DataDoc {
    #[serde(default)]
    pub droplets: Vec<DropletDoc>,
    /// Oldest first, as the account's history runs.
    #[serde(default)]
    pub actions: Vec<ActionDoc>,
    #[serde(default)]
    pub images: Vec<ImageDoc>,
}

/// The store's id counters.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DataCounters {
    pub next_droplet_id: u64,
    pub next_action_id: u64,
    pub next_image_id: u64,
}

impl DataCounters {
    /// The higher of each counter.
    pub fn max(self, other: Self) -> Self {
        Self {
            next_droplet_id: self.next_droplet_id.max(other.next_droplet_id),
            next_action_id: self.next_action_id.max(other.next_action_id),
            next_image_id: self.next_image_id.max(other.next_image_id),
        }
    }
}

fn public_by_default() -> bool {
    true
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DropletDoc {
    pub id: u64,
    pub name: String,
    pub size: String,
    pub disk: u32,
    pub status: String,
    pub created_at: Timestamp,
    pub backups: bool,
    pub backup_policy: Option<PolicyDoc>,
    pub backups_since: Option<Timestamp>,
    pub backups_made: u64,
    pub ipv6: bool,
    /// Absent in files written before it was kept: those Droplets all had one.
    #[serde(default = "public_by_default")]
    pub public_ipv4: bool,
    pub monitoring: bool,
    pub backup_ids: Vec<u64>,
    pub snapshot_ids: Vec<u64>,
    /// The catalog image's id.
    pub image: u64,
    /// The account's own image the Droplet was made from, as its `image` shows it;
    /// absent for one made from a catalog image (and in files written before it was kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_shown: Option<serde_json::Value>,
    pub kernel: Option<u64>,
    pub region: String,
    pub tags: Vec<String>,
    pub vpc_uuid: String,
    /// `a.b.c.d/n`; absent in files written before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_ipv4: Option<String>,
    pub volume_ids: Vec<String>,
    pub pending: Option<PendingDoc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PolicyDoc {
    pub plan: String,
    pub weekday: String,
    pub hour: u8,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PendingDoc {
    pub action_id: u64,
    pub effect: EffectDoc,
}

/// What a pending action will do, with catalog entries by slug or id.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum EffectDoc {
    Activate,
    PowerOff,
    Rename {
        name: String,
    },
    Resize {
        size: String,
        disk: bool,
    },
    Snapshot {
        name: Option<String>,
    },
    EnableBackups {
        policy: Option<PolicyDoc>,
    },
    DisableBackups,
    ChangeBackupPolicy {
        policy: PolicyDoc,
    },
    EnableIpv6,
    Rebuild {
        image: u64,
        /// The account's own image it shows; absent in older files and for catalog images.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        shown: Option<serde_json::Value>,
    },
    ChangeKernel {
        kernel: u64,
    },
    Nothing,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ActionDoc {
    pub id: u64,
    /// The wire `type`.
    #[serde(rename = "type")]
    pub type_name: String,
    /// The other family's resource this action belongs to; absent for a Droplet's.
    pub resource: Option<ResourceDoc>,
    /// The Droplet's id, or the other resource's integer id (0 if none).
    pub droplet_id: u64,
    pub region: String,
    pub started_at: Timestamp,
    pub completes_at: Option<Timestamp>,
    pub errored: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResourceDoc {
    /// The family's `resource_type`.
    pub family: String,
    pub key: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ImageDoc {
    pub id: u64,
    pub droplet_id: u64,
    pub name: String,
    /// `snapshot` or `backup`.
    #[serde(rename = "type")]
    pub kind: String,
    pub created_at: Timestamp,
    pub region: String,
    pub transferred: Vec<String>,
    pub min_disk_size: u32,
    pub size_gigabytes: f64,
    pub distribution: String,
    /// Absent in files written before images kept one.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Absent in files written before images kept tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

const FAMILIES: [Family; 6] = [
    Family::Volume,
    Family::Image,
    Family::FloatingIp,
    Family::ReservedIp,
    Family::ReservedIpv6,
    Family::NfsShare,
];

/// Most distinct action types and distributions a process learns from documents:
/// the names become `&'static str` (as the store keeps them), so they are bounded.
const MAX_INTERNED: usize = 256;

/// A `&'static` copy of a short name, shared by every document that uses it.
fn intern(what: &str, name: &str) -> Result<&'static str, String> {
    static NAMES: Mutex<Option<HashSet<&'static str>>> = Mutex::new(None);
    if name.is_empty()
        || name.len() > 64
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-. ".contains(&b))
    {
        return Err(format!(
            "{what}: '{name}' is not a name (1-64 letters, digits, '_', '-', '.', ' ')"
        ));
    }
    let mut names = NAMES.lock().unwrap_or_else(PoisonError::into_inner);
    let names = names.get_or_insert_with(HashSet::new);
    if let Some(known) = names.get(name) {
        return Ok(known);
    }
    if names.len() >= MAX_INTERNED {
        return Err(format!(
            "{what}: too many distinct names; '{name}' is one too many"
        ));
    }
    let leaked: &'static str = Box::leak(name.to_owned().into_boxed_str());
    names.insert(leaked);
    Ok(leaked)
}

fn region(what: &str, slug: &str) -> Result<&'static Region, String> {
    catalog::region(slug).ok_or_else(|| format!("{what}: unknown region '{slug}'"))
}

fn size(what: &str, slug: &str) -> Result<&'static Size, String> {
    catalog::size(slug).ok_or_else(|| format!("{what}: unknown size '{slug}'"))
}

fn image(what: &str, id: u64) -> Result<&'static Image, String> {
    catalog::image_by_id(id).ok_or_else(|| format!("{what}: unknown image {id}"))
}

fn policy_doc(p: &BackupPolicy) -> PolicyDoc {
    PolicyDoc {
        plan: p.plan.clone(),
        weekday: p.weekday.clone(),
        hour: p.hour,
    }
}

fn policy(p: PolicyDoc) -> BackupPolicy {
    BackupPolicy {
        plan: p.plan,
        weekday: p.weekday,
        hour: p.hour,
    }
}

fn effect_doc(e: &Effect) -> EffectDoc {
    match e {
        Effect::Activate => EffectDoc::Activate,
        Effect::PowerOff => EffectDoc::PowerOff,
        Effect::Rename(name) => EffectDoc::Rename { name: name.clone() },
        Effect::Resize { size, disk } => EffectDoc::Resize {
            size: size.slug.to_owned(),
            disk: *disk,
        },
        Effect::Snapshot(name) => EffectDoc::Snapshot { name: name.clone() },
        Effect::EnableBackups(p) => EffectDoc::EnableBackups {
            policy: p.as_ref().map(policy_doc),
        },
        Effect::DisableBackups => EffectDoc::DisableBackups,
        Effect::ChangeBackupPolicy(p) => EffectDoc::ChangeBackupPolicy {
            policy: policy_doc(p),
        },
        Effect::EnableIpv6 => EffectDoc::EnableIpv6,
        Effect::Rebuild(image, shown) => EffectDoc::Rebuild {
            image: image.id,
            shown: shown.as_deref().cloned(),
        },
        Effect::ChangeKernel(kernel) => EffectDoc::ChangeKernel { kernel: *kernel },
        Effect::Nothing => EffectDoc::Nothing,
    }
}

fn effect(what: &str, e: EffectDoc) -> Result<Effect, String> {
    Ok(match e {
        EffectDoc::Activate => Effect::Activate,
        EffectDoc::PowerOff => Effect::PowerOff,
        EffectDoc::Rename { name } => Effect::Rename(name),
        EffectDoc::Resize { size: slug, disk } => Effect::Resize {
            size: size(what, &slug)?,
            disk,
        },
        EffectDoc::Snapshot { name } => Effect::Snapshot(name),
        EffectDoc::EnableBackups { policy: p } => Effect::EnableBackups(p.map(policy)),
        EffectDoc::DisableBackups => Effect::DisableBackups,
        EffectDoc::ChangeBackupPolicy { policy: p } => Effect::ChangeBackupPolicy(policy(p)),
        EffectDoc::EnableIpv6 => Effect::EnableIpv6,
        EffectDoc::Rebuild { image: id, shown } => {
            Effect::Rebuild(image(what, id)?, shown_image(what, shown)?)
        }
        EffectDoc::ChangeKernel { kernel } => Effect::ChangeKernel(kernel),
        EffectDoc::Nothing => Effect::Nothing,
    })
}

fn droplet_status(what: &str, s: &str) -> Result<DropletStatus, String> {
    [
        DropletStatus::New,
        DropletStatus::Active,
        DropletStatus::Off,
    ]
    .into_iter()
    .find(|x| x.as_str() == s)
    .ok_or_else(|| format!("{what}: unknown status '{s}'"))
}

fn droplet_doc(d: &Droplet) -> DropletDoc {
    DropletDoc {
        id: d.id,
        name: d.name.clone(),
        size: d.size.slug.to_owned(),
        disk: d.disk,
        status: d.status.as_str().to_owned(),
        created_at: d.created_at,
        backups: d.backups,
        backup_policy: d.backup_policy.as_ref().map(policy_doc),
        backups_since: d.backups_since,
        backups_made: d.backups_made,
        ipv6: d.ipv6,
        public_ipv4: d.public_ipv4,
        monitoring: d.monitoring,
        backup_ids: d.backup_ids.clone(),
        snapshot_ids: d.snapshot_ids.clone(),
        image: d.image.id,
        image_shown: d.image_shown.as_deref().cloned(),
        kernel: d.kernel,
        region: d.region.slug.to_owned(),
        tags: d.tags.clone(),
        vpc_uuid: d.vpc_uuid.clone(),
        private_ipv4: d.private_ipv4.map(|a| a.to_string()),
        volume_ids: d.volume_ids.clone(),
        pending: d.pending.as_ref().map(|p| PendingDoc {
            action_id: p.action_id,
            effect: effect_doc(&p.effect),
        }),
    }
}

/// The bound on the image a state file shows for a Droplet: an image answer, a few
/// hundred bytes, with room for a long description.
const MAX_IMAGE_SHOWN: usize = 16 * 1024;

/// How a Droplet shows one of the account's own images: an object of bounded size.
fn shown_image(
    what: &str,
    shown: Option<serde_json::Value>,
) -> Result<Option<Box<serde_json::Value>>, String> {
    match shown {
        Some(shown) if !shown.is_object() || shown.to_string().len() > MAX_IMAGE_SHOWN => {
            Err(format!(
                "{what}: image_shown must be an image object of at most {MAX_IMAGE_SHOWN} bytes"
            ))
        }
        shown => Ok(shown.map(Box::new)),
    }
}

fn droplet(account: AccountId, d: DropletDoc) -> Result<Droplet, String> {
    let what = format!("droplets[{}]", d.id);
    if d.id == 0 {
        return Err("droplets: an id must be at least 1".into());
    }
    limits::bounded_str("name", &d.name, limits::MAX_NAME_BYTES)
        .and_then(|()| limits::bounded_array("tags", &d.tags, limits::MAX_TAGS))
        .and_then(|()| d.tags.iter().try_for_each(|t| limits::tag("tags", t)))
        .and_then(|()| {
            limits::bounded_array("volume_ids", &d.volume_ids, limits::MAX_VOLUMES_PER_DROPLET)
        })
        .and_then(|()| limits::bounded_str("vpc_uuid", &d.vpc_uuid, limits::MAX_NAME_BYTES))
        .map_err(|e| format!("{what}: {}", e.message()))?;
    Ok(Droplet {
        id: d.id,
        account,
        name: d.name,
        size: size(&what, &d.size)?,
        disk: d.disk,
        status: droplet_status(&what, &d.status)?,
        created_at: d.created_at,
        backups: d.backups,
        backup_policy: d.backup_policy.map(policy),
        backups_since: d.backups_since,
        backups_made: d.backups_made,
        ipv6: d.ipv6,
        public_ipv4: d.public_ipv4,
        monitoring: d.monitoring,
        backup_ids: d.backup_ids,
        snapshot_ids: d.snapshot_ids,
        image: image(&what, d.image)?,
        image_shown: shown_image(&what, d.image_shown)?,
        kernel: d.kernel,
        region: region(&what, &d.region)?,
        tags: d.tags,
        vpc_uuid: d.vpc_uuid,
        private_ipv4: d
            .private_ipv4
            .map(|a| a.parse::<PrivateAddr>())
            .transpose()
            .map_err(|e| format!("{what}: private_ipv4: {e}"))?,
        volume_ids: d.volume_ids,
        action_ids: VecDeque::new(),
        pending: match d.pending {
            Some(p) => Some(Pending {
                action_id: p.action_id,
                effect: effect(&what, p.effect)?,
            }),
            None => None,
        },
    })
}

fn image_doc(i: &DropletImage) -> ImageDoc {
    ImageDoc {
        id: i.id,
        droplet_id: i.droplet_id,
        name: i.name.clone(),
        kind: i.kind.as_str().to_owned(),
        created_at: i.created_at,
        region: i.region.slug.to_owned(),
        transferred: i.transferred.clone(),
        min_disk_size: i.min_disk_size,
        size_gigabytes: i.size_gigabytes,
        distribution: i.distribution.to_owned(),
        description: i.description.clone(),
        tags: i.tags.clone(),
    }
}

fn droplet_image(account: AccountId, i: ImageDoc) -> Result<DropletImage, String> {
    let what = format!("images[{}]", i.id);
    let kind = [ImageKind::Snapshot, ImageKind::Backup]
        .into_iter()
        .find(|k| k.as_str() == i.kind)
        .ok_or_else(|| format!("{what}: type must be 'snapshot' or 'backup'"))?;
    limits::bounded_str("name", &i.name, limits::MAX_NAME_BYTES)
        .and_then(|()| limits::bounded_str("description", &i.description, limits::MAX_STRING_BYTES))
        .and_then(|()| limits::bounded_array("transferred", &i.transferred, limits::MAX_TAGS))
        .and_then(|()| limits::bounded_array("tags", &i.tags, limits::MAX_TAGS))
        .and_then(|()| i.tags.iter().try_for_each(|t| limits::tag("tags", t)))
        .map_err(|e| format!("{what}: {}", e.message()))?;
    for r in &i.transferred {
        region(&what, r)?;
    }
    Ok(DropletImage {
        id: i.id,
        account,
        droplet_id: i.droplet_id,
        name: i.name,
        kind,
        created_at: i.created_at,
        region: region(&what, &i.region)?,
        transferred: i.transferred,
        min_disk_size: i.min_disk_size,
        size_gigabytes: i.size_gigabytes,
        distribution: intern(&format!("{what}.distribution"), &i.distribution)?,
        description: i.description,
        tags: i.tags,
    })
}

fn action_doc(a: &Action, resource: Option<&ResourceKey>) -> ActionDoc {
    ActionDoc {
        id: a.id,
        type_name: a.type_name().to_owned(),
        resource: resource.map(|(_, family, key)| ResourceDoc {
            family: family.resource_type().to_owned(),
            key: key.clone(),
        }),
        droplet_id: a.droplet_id,
        region: a.region.slug.to_owned(),
        started_at: a.started_at,
        completes_at: a.completes_at,
        errored: a.outcome == Outcome::Errored,
    }
}

fn action(account: AccountId, a: &ActionDoc) -> Result<(Action, Option<ResourceKey>), String> {
    let what = format!("actions[{}]", a.id);
    let (kind, subject, key) = match &a.resource {
        None => {
            let kind = std::iter::once(ActionKind::Create)
                .chain(ActionKind::POSTABLE)
                .find(|k| k.as_str() == a.type_name)
                .ok_or_else(|| format!("{what}: unknown Droplet action type '{}'", a.type_name))?;
            (kind, Subject::Droplet, None)
        }
        Some(r) => {
            let family = FAMILIES
                .into_iter()
                .find(|f| f.resource_type() == r.family)
                .ok_or_else(|| format!("{what}: unknown resource family '{}'", r.family))?;
            limits::bounded_str("resource.key", &r.key, limits::MAX_NAME_BYTES)
                .map_err(|e| format!("{what}: {}", e.message()))?;
            let name = intern(&format!("{what}.type"), &a.type_name)?;
            (
                ActionKind::Create,
                Subject::Other(family, name),
                Some((account, family, r.key.clone())),
            )
        }
    };
    let action = Action {
        id: a.id,
        account,
        kind,
        subject,
        droplet_id: a.droplet_id,
        region: region(&what, &a.region)?,
        started_at: a.started_at,
        completes_at: a.completes_at,
        outcome: if a.errored {
            Outcome::Errored
        } else {
            Outcome::Completed
        },
    };
    Ok((action, key))
}

/// An account's data checked and built, ready to replace what it holds.
#[derive(Debug)]
pub(crate) struct Prepared {
    account: AccountId,
    droplets: Vec<Droplet>,
    actions: Vec<(Action, Option<ResourceKey>)>,
    images: Vec<DropletImage>,
}

impl DataDoc {
    /// Checks every record and builds it for `account`, naming the first record that is wrong.
    pub fn prepare(self, account: AccountId, max_actions: usize) -> Result<Prepared, String> {
        if self.droplets.len() > limits::MAX_OBJECTS_PER_ACCOUNT {
            return Err(format!(
                "droplets: at most {} per account, got {}",
                limits::MAX_OBJECTS_PER_ACCOUNT,
                self.droplets.len()
            ));
        }
        if self.actions.len() > max_actions {
            return Err(format!(
                "actions: this emulator keeps at most {max_actions} per account, got {}",
                self.actions.len()
            ));
        }
        if self.images.len() > limits::MAX_OBJECTS_PER_ACCOUNT * 16 {
            return Err(format!("images: too many ({})", self.images.len()));
        }
        let mut seen = HashSet::new();
        let droplets = self
            .droplets
            .into_iter()
            .map(|d| {
                if !seen.insert(d.id) {
                    return Err(format!("droplets: id {} appears twice", d.id));
                }
                droplet(account, d)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut seen = HashSet::new();
        let mut last = 0;
        let mut actions = Vec::with_capacity(self.actions.len());
        for a in &self.actions {
            if !seen.insert(a.id) {
                return Err(format!("actions: id {} appears twice", a.id));
            }
            // Pages are slices of the history, which must run oldest (lowest id) first.
            if a.id <= last {
                return Err(format!(
                    "actions: ids must grow, oldest first ({} after {last})",
                    a.id
                ));
            }
            last = a.id;
            actions.push(action(account, a)?);
        }
        let mut seen = HashSet::new();
        let images = self
            .images
            .into_iter()
            .map(|i| {
                if !seen.insert(i.id) {
                    return Err(format!("images: id {} appears twice", i.id));
                }
                droplet_image(account, i)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Prepared {
            account,
            droplets,
            actions,
            images,
        })
    }
}

impl Data {
    /// The account's data as records.
    pub fn export_account(&self, account: AccountId) -> DataDoc {
        let Some(index) = self.accounts.get(&account) else {
            return DataDoc::default();
        };
        DataDoc {
            droplets: index
                .droplets
                .iter()
                .filter_map(|id| self.droplets.get(id))
                .map(droplet_doc)
                .collect(),
            actions: index
                .actions
                .iter()
                .filter_map(|id| self.actions.get(id))
                .map(|a| action_doc(a, self.action_resource.get(&a.id)))
                .collect(),
            images: self
                .images
                .values()
                .filter(|i| i.account == account)
                .map(image_doc)
                .collect(),
        }
    }

    /// The id counters.
    pub fn counters(&self) -> DataCounters {
        DataCounters {
            next_droplet_id: self.next_droplet_id,
            next_action_id: self.next_action_id,
            next_image_id: self.next_image_id,
        }
    }

    /// Removes everything the account holds.
    pub fn clear_account(&mut self, account: AccountId) {
        let Some(index) = self.accounts.remove(&account) else {
            self.images.retain(|_, i| i.account != account);
            return;
        };
        for id in &index.droplets {
            self.droplets.remove(id);
        }
        for id in &index.actions {
            self.actions.remove(id);
            self.action_resource.remove(id);
        }
        self.resource_actions
            .retain(|(owner, _, _), _| *owner != account);
        self.images.retain(|_, i| i.account != account);
    }

    /// Replaces the account's data with `prepared` (checked with [`Data::conflict`] first),
    /// and moves the counters past every id it holds.
    pub fn install(&mut self, prepared: Prepared, counters: Option<DataCounters>) {
        let account = prepared.account;
        self.clear_account(account);
        let mut index = AccountIndex::default();
        let mut droplet_actions: HashMap<u64, VecDeque<u64>> = HashMap::new();
        for (action, key) in prepared.actions {
            self.next_action_id = self.next_action_id.max(action.id.saturating_add(1));
            index.actions.push_back(action.id);
            match key {
                Some(key) => {
                    self.resource_actions
                        .entry(key.clone())
                        .or_default()
                        .push_back(action.id);
                    self.action_resource.insert(action.id, key);
                }
                None => droplet_actions
                    .entry(action.droplet_id)
                    .or_default()
                    .push_back(action.id),
            }
            self.actions.insert(action.id, action);
        }
        for mut droplet in prepared.droplets {
            self.next_droplet_id = self.next_droplet_id.max(droplet.id.saturating_add(1));
            droplet.action_ids = droplet_actions.remove(&droplet.id).unwrap_or_default();
            index.droplets.insert(droplet.id);
            self.droplets.insert(droplet.id, droplet);
        }
        for image in prepared.images {
            self.next_image_id = self.next_image_id.max(image.id.saturating_add(1));
            self.images.insert(image.id, image);
        }
        self.accounts.insert(account, index);
        if let Some(c) = counters {
            self.next_droplet_id = self.next_droplet_id.max(c.next_droplet_id);
            self.next_action_id = self.next_action_id.max(c.next_action_id);
            self.next_image_id = self.next_image_id.max(c.next_image_id);
        }
    }
}
