//! One account's typed tables (Droplets, actions, Droplet images) and the operations
//! on them. The tables live in the account's `World`; a request reaches them through a
//! [`Store`] view of its transaction, under the one lock `world.rs` holds.
//!
//! Actions live in a map by id; each droplet and each account keeps the ids of its
//! actions oldest first, so a newest-first page is a slice read from the end: O(page).

use std::cell::{Ref, RefCell, RefMut};
use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::net::Ipv4Addr;
use std::time::Duration;

use jiff::Timestamp;

use super::catalog::{Image, Region, Size};
use super::images::{ImageKind, Images};
use super::lifecycle::{is_busy, make_backups, needs_backup, needs_settling, settle};
use super::model::{
    AccountId, Action, ActionKind, BackupPolicy, Droplet, DropletStatus, Effect, Family, Outcome,
    Pending, PrivateAddr, Subject,
};
use crate::limits;
use crate::refusal::Refusal;

/// Which slice of a list the client asked for (`page` from 1).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Paging {
    pub page: u64,
    pub per_page: u64,
}

impl Paging {
    /// Indices (into an oldest-first list of `len`) of this page, newest first.
    fn newest_first(self, len: usize) -> impl Iterator<Item = usize> {
        let skip = (self.page - 1).saturating_mul(self.per_page);
        let len_u = len as u64;
        let (start, end) = if skip >= len_u {
            (0, 0)
        } else {
            let end = len_u - skip;
            (end.saturating_sub(self.per_page), end)
        };
        (start as usize..end as usize).rev()
    }

    /// Indices of this page in natural order.
    fn oldest_first(self, len: usize) -> std::ops::Range<usize> {
        let skip = (self.page - 1).saturating_mul(self.per_page);
        let start = skip.min(len as u64) as usize;
        let end = skip.saturating_add(self.per_page).min(len as u64) as usize;
        start..end
    }
}

/// A validated request to act on a droplet.
#[derive(Debug, Clone)]
pub(crate) struct ActionRequest {
    pub kind: ActionKind,
    pub effect: Effect,
}

/// A validated request to create a droplet.
#[derive(Debug, Clone)]
pub(crate) struct NewDroplet {
    pub name: String,
    pub region: &'static Region,
    pub size: &'static Size,
    pub image: &'static Image,
    /// The account's own image it is made from, as `image` shows it (see `Droplet`).
    pub image_shown: Option<Box<serde_json::Value>>,
    pub backups: bool,
    /// The schedule of the backups asked for at create (`backup_policy`).
    pub backup_policy: Option<BackupPolicy>,
    pub ipv6: bool,
    pub public_ipv4: bool,
    pub monitoring: bool,
    pub tags: Vec<String>,
    pub vpc_uuid: Option<String>,
    /// The `ip_range` of the VPC it joins, from which its private address is taken.
    pub vpc_range: Option<String>,
    /// Volumes to attach at once.
    pub volumes: Vec<String>,
}

/// Which Droplets a list shows: those carrying `tag`, named `name` (case-insensitive,
/// as the API matches it), and GPU Droplets or the others (`gpus`), each where given.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct DropletFilter<'a> {
    pub tag: Option<&'a str>,
    pub name: Option<&'a str>,
    pub gpus: Option<bool>,
}

impl DropletFilter<'_> {
    fn keeps(&self, d: &Droplet) -> bool {
        self.tag.is_none_or(|t| d.tags.iter().any(|x| x == t))
            && self.name.is_none_or(|n| d.name.eq_ignore_ascii_case(n))
            && self
                .gpus
                .is_none_or(|gpus| d.size.slug.starts_with("gpu-") == gpus)
    }
}

/// Ids owned by one account.
#[derive(Debug, Default, Clone)]
pub(crate) struct AccountIndex {
    pub droplets: BTreeSet<u64>,
    /// Oldest first.
    pub actions: VecDeque<u64>,
}

/// A resource of another family than Droplets, by its id or address.
pub(crate) type ResourceKey = (AccountId, Family, String);

/// Everything the simulator stores.
#[derive(Debug, Clone)]
pub(crate) struct Data {
    pub droplets: HashMap<u64, Droplet>,
    pub actions: HashMap<u64, Action>,
    pub accounts: HashMap<AccountId, AccountIndex>,
    /// Action ids of each non-Droplet resource, oldest first.
    pub(super) resource_actions: HashMap<ResourceKey, VecDeque<u64>>,
    /// The resource each non-Droplet action belongs to (for eviction).
    pub(super) action_resource: HashMap<u64, ResourceKey>,
    /// Droplet snapshots and backups, by id.
    pub images: Images,
    pub next_droplet_id: u64,
    pub next_action_id: u64,
    pub next_image_id: u64,
    /// How many actions each account keeps; past it, that account's oldest is forgotten.
    pub(super) max_actions: usize,
    /// The emulator's hour for backup schedules (its action duration).
    pub backup_every: Duration,
}

impl Data {
    /// An empty data set keeping at most `max_actions` actions per account.
    pub fn empty(max_actions: usize) -> Self {
        Self {
            droplets: HashMap::new(),
            actions: HashMap::new(),
            accounts: HashMap::new(),
            resource_actions: HashMap::new(),
            action_resource: HashMap::new(),
            images: Images::new(),
            next_droplet_id: 3_200_000,
            next_action_id: 1_900_000_000,
            next_image_id: 140_000_000,
            max_actions: max_actions.max(1),
            backup_every: Duration::ZERO,
        }
    }

    /// How many actions the account keeps.
    pub fn max_actions(&self) -> usize {
        self.max_actions
    }

    /// Records an action for its droplet and account and returns a copy, evicting
    /// the account's oldest action once it holds more than `max_actions`. The cap is
    /// per account, so one account's traffic never evicts another's history.
    pub fn push_action(&mut self, action: Action) -> Action {
        if action.subject == Subject::Droplet
            && let Some(droplet) = self.droplets.get_mut(&action.droplet_id)
        {
            droplet.action_ids.push_back(action.id);
        }
        let index = self.accounts.entry(action.account).or_default();
        index.actions.push_back(action.id);
        self.actions.insert(action.id, action);
        while self
            .accounts
            .get(&action.account)
            .is_some_and(|index| index.actions.len() > self.max_actions)
        {
            self.evict_oldest(action.account);
        }
        action
    }

    // Ids are stored oldest first everywhere, so the account's oldest action is also
    // the oldest of its droplet: each removal is O(1).
    fn evict_oldest(&mut self, account: AccountId) {
        let Some(id) = self
            .accounts
            .get_mut(&account)
            .and_then(|index| index.actions.pop_front())
        else {
            return;
        };
        let Some(action) = self.actions.remove(&id) else {
            return;
        };
        if let Some(key) = self.action_resource.remove(&id) {
            if let Some(ids) = self.resource_actions.get_mut(&key) {
                ids.retain(|x| *x != id);
                if ids.is_empty() {
                    self.resource_actions.remove(&key);
                }
            }
            return;
        }
        if let Some(droplet) = self.droplets.get_mut(&action.droplet_id) {
            if droplet.action_ids.front() == Some(&id) {
                droplet.action_ids.pop_front();
            } else {
                droplet.action_ids.retain(|x| *x != id);
            }
        }
    }

    /// Stores a droplet under its account.
    pub fn push_droplet(&mut self, droplet: Droplet) {
        self.accounts
            .entry(droplet.account)
            .or_default()
            .droplets
            .insert(droplet.id);
        self.droplets.insert(droplet.id, droplet);
    }

    fn new_action(
        &mut self,
        account: AccountId,
        kind: ActionKind,
        droplet_id: u64,
        region: &'static Region,
        timing: Timing,
        outcome: Outcome,
    ) -> Action {
        let id = self.next_action_id;
        self.next_action_id += 1;
        self.push_action(Action {
            id,
            account,
            kind,
            subject: Subject::Droplet,
            droplet_id,
            region,
            started_at: timing.now,
            completes_at: timing.completes_at(),
            outcome,
        })
    }

    fn owned_droplet_mut(&mut self, account: AccountId, id: u64) -> Option<&mut Droplet> {
        self.droplets.get_mut(&id).filter(|d| d.account == account)
    }

    /// The account's droplet ids (ascending), only those carrying `tag` if given.
    pub(super) fn tagged_droplets(&self, account: AccountId, tag: Option<&str>) -> Vec<u64> {
        self.matching_droplets(account, tag, None)
    }

    /// The account's Droplets carrying `tag` and named `name` (case-insensitive, as the
    /// API matches it), each where given.
    fn matching_droplets(
        &self,
        account: AccountId,
        tag: Option<&str>,
        name: Option<&str>,
    ) -> Vec<u64> {
        self.listed_droplets(
            account,
            &DropletFilter {
                tag,
                name,
                gpus: None,
            },
        )
    }

    fn listed_droplets(&self, account: AccountId, filter: &DropletFilter<'_>) -> Vec<u64> {
        let Some(index) = self.accounts.get(&account) else {
            return Vec::new();
        };
        if filter.tag.is_none() && filter.name.is_none() && filter.gpus.is_none() {
            return index.droplets.iter().copied().collect();
        }
        index
            .droplets
            .iter()
            .copied()
            .filter(|id| self.droplets.get(id).is_some_and(|d| filter.keeps(d)))
            .collect()
    }

    pub(super) fn settle_droplet(&mut self, id: u64, now: Timestamp) {
        let Data {
            droplets,
            actions,
            next_image_id,
            images,
            backup_every,
            ..
        } = self;
        if let Some(droplet) = droplets.get_mut(&id) {
            settle(droplet, actions, now, next_image_id, images);
            make_backups(droplet, *backup_every, now, next_image_id, images);
        }
    }
}

/// When a new action starts and how long it runs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timing {
    pub now: Timestamp,
    pub duration: Duration,
}

impl Timing {
    fn completes_at(self) -> Option<Timestamp> {
        self.now.checked_add(self.duration).ok()
    }
}

/// Decides whether a new action of a kind will end `errored`.
pub(crate) type Decide<'a> = &'a dyn Fn(ActionKind) -> Outcome;

/// A request's view of its account's typed tables (see `world::Tx`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Store<'t> {
    data: &'t RefCell<Data>,
}

impl<'t> Store<'t> {
    pub fn new(data: &'t RefCell<Data>) -> Self {
        Self { data }
    }

    // Each borrow is short and never held across a call into another, so the cell is
    // never borrowed twice at once.
    pub(super) fn read(&self) -> Ref<'t, Data> {
        self.data.borrow()
    }

    pub(super) fn write(&self) -> RefMut<'t, Data> {
        self.data.borrow_mut()
    }

    /// One action of the account.
    pub fn action(&self, account: AccountId, id: u64) -> Option<Action> {
        self.read()
            .actions
            .get(&id)
            .filter(|a| a.account == account)
            .copied()
    }

    /// One action of one of the account's droplets.
    pub fn droplet_action(&self, account: AccountId, droplet_id: u64, id: u64) -> Option<Action> {
        let data = self.read();
        data.droplets
            .get(&droplet_id)
            .filter(|d| d.account == account)?;
        data.actions
            .get(&id)
            .filter(|a| a.account == account && a.droplet_id == droplet_id)
            .copied()
    }

    /// A newest-first page of the account's actions and the total.
    pub fn account_actions(&self, account: AccountId, paging: Paging) -> (Vec<Action>, usize) {
        let data = self.read();
        let Some(index) = data.accounts.get(&account) else {
            return (Vec::new(), 0);
        };
        let page = paging
            .newest_first(index.actions.len())
            .filter_map(|i| data.actions.get(&index.actions[i]).copied())
            .collect();
        (page, index.actions.len())
    }

    /// A newest-first page of one droplet's actions and the total; `None` if no such droplet.
    pub fn droplet_actions(
        &self,
        account: AccountId,
        droplet_id: u64,
        paging: Paging,
    ) -> Option<(Vec<Action>, usize)> {
        let data = self.read();
        let droplet = data
            .droplets
            .get(&droplet_id)
            .filter(|d| d.account == account)?;
        let page = paging
            .newest_first(droplet.action_ids.len())
            .filter_map(|i| data.actions.get(&droplet.action_ids[i]).copied())
            .collect();
        Some((page, droplet.action_ids.len()))
    }

    /// One droplet, with any finished action applied first.
    ///
    /// Reads take the read lock; only a droplet whose pending action has finished
    /// needs the write lock, and `settle` takes the effect out, so it applies once
    /// however many readers race to upgrade.
    pub fn droplet(&self, account: AccountId, id: u64, now: Timestamp) -> Option<Droplet> {
        {
            let data = self.read();
            let droplet = data.droplets.get(&id).filter(|d| d.account == account)?;
            if !needs_settling(droplet, &data.actions, now)
                && !needs_backup(droplet, data.backup_every, now)
            {
                return Some(droplet.clone());
            }
        }
        let mut data = self.write();
        data.owned_droplet_mut(account, id)?;
        data.settle_droplet(id, now);
        data.droplets.get(&id).cloned()
    }

    /// A page of the account's droplets (oldest first, optionally only those with `tag`).
    pub fn droplets(
        &self,
        account: AccountId,
        tag: Option<&str>,
        paging: Paging,
        now: Timestamp,
    ) -> (Vec<Droplet>, usize) {
        let filter = DropletFilter {
            tag,
            name: None,
            gpus: None,
        };
        self.droplets_filtered(account, &filter, paging, now)
    }

    /// A page of the account's droplets (oldest first) that `filter` keeps.
    pub fn droplets_filtered(
        &self,
        account: AccountId,
        filter: &DropletFilter<'_>,
        paging: Paging,
        now: Timestamp,
    ) -> (Vec<Droplet>, usize) {
        {
            let data = self.read();
            let matching = data.listed_droplets(account, filter);
            let page_ids = &matching[paging.oldest_first(matching.len())];
            let settled = page_ids.iter().all(|id| {
                data.droplets.get(id).is_none_or(|d| {
                    !needs_settling(d, &data.actions, now)
                        && !needs_backup(d, data.backup_every, now)
                })
            });
            if settled {
                let page = page_ids
                    .iter()
                    .filter_map(|id| data.droplets.get(id).cloned())
                    .collect();
                return (page, matching.len());
            }
        }
        let mut data = self.write();
        let matching = data.listed_droplets(account, filter);
        let page_ids = &matching[paging.oldest_first(matching.len())];
        let mut page = Vec::with_capacity(page_ids.len());
        for id in page_ids {
            data.settle_droplet(*id, now);
            if let Some(d) = data.droplets.get(id) {
                page.push(d.clone());
            }
        }
        (page, matching.len())
    }

    /// Creates a droplet and its `create` action.
    pub fn create_droplet(
        &self,
        account: AccountId,
        spec: NewDroplet,
        duration: Duration,
        decide: Decide<'_>,
    ) -> Result<(Droplet, Action), Refusal> {
        let mut data = self.write();
        let held = data.accounts.get(&account).map_or(0, |i| i.droplets.len());
        limits::room_for_one("droplets", held)?;
        // A volume is attached to one Droplet at a time.
        for volume in &spec.volumes {
            if let Some(other) = data
                .tagged_droplets(account, None)
                .into_iter()
                .find(|id| data.droplets[id].volume_ids.contains(volume))
            {
                return Err(Refusal::invalid(format!(
                    "volumes: volume {volume} is already attached to Droplet {other}"
                )));
            }
        }
        // The first address of the VPC's range that none of the account's Droplets in
        // that VPC holds: no two members share one.
        let private_ipv4 = match (&spec.vpc_uuid, &spec.vpc_range) {
            (Some(vpc), Some(range)) => {
                let used: HashSet<Ipv4Addr> = data
                    .accounts
                    .get(&account)
                    .into_iter()
                    .flat_map(|index| &index.droplets)
                    .filter_map(|id| data.droplets.get(id))
                    .filter(|d| &d.vpc_uuid == vpc)
                    .filter_map(|d| d.private_ipv4.map(|a| a.ip))
                    .collect();
                Some(
                    PrivateAddr::first_free(range, |ip| used.contains(&ip)).ok_or_else(|| {
                        Refusal::invalid(format!(
                            "vpc_uuid: VPC {vpc} has no free address left in {range}"
                        ))
                    })?,
                )
            }
            _ => None,
        };
        // The clock is read under the lock so start times follow lock order: an action
        // that completed "now" is never seen in progress by a request that came later.
        let timing = Timing {
            now: Timestamp::now(),
            duration,
        };
        let id = data.next_droplet_id;
        data.next_droplet_id += 1;
        let droplet = Droplet {
            id,
            account,
            name: spec.name,
            size: spec.size,
            disk: spec.size.disk,
            status: DropletStatus::New,
            created_at: timing.now,
            backups: spec.backups,
            backup_policy: spec.backup_policy.filter(|_| spec.backups),
            backups_since: spec.backups.then_some(timing.now),
            backups_made: 0,
            ipv6: spec.ipv6,
            public_ipv4: spec.public_ipv4,
            monitoring: spec.monitoring,
            backup_ids: Vec::new(),
            snapshot_ids: Vec::new(),
            image: spec.image,
            image_shown: spec.image_shown,
            kernel: None,
            region: spec.region,
            tags: spec.tags,
            volume_ids: spec.volumes,
            vpc_uuid: spec
                .vpc_uuid
                .unwrap_or_else(|| format!("5a4981aa-9653-4bd1-bef5-{:012x}", account.0)),
            private_ipv4,
            action_ids: VecDeque::new(),
            // `new_action` below takes the next id, so the droplet can point at it now.
            pending: Some(Pending {
                action_id: data.next_action_id,
                effect: Effect::Activate,
            }),
        };
        let outcome = decide(ActionKind::Create);
        data.push_droplet(droplet);
        let action = data.new_action(
            account,
            ActionKind::Create,
            id,
            spec.region,
            timing,
            outcome,
        );
        let droplet = data.droplets[&id].clone();
        Ok((droplet, action))
    }

    /// Puts `tag` on (or takes it off) one of the account's droplets: `None` if there
    /// is no such droplet, otherwise whether its tags changed.
    pub fn tag_droplet(
        &self,
        account: AccountId,
        id: u64,
        tag: &str,
        assign: bool,
    ) -> Result<Option<bool>, Refusal> {
        let mut data = self.write();
        let Some(droplet) = data.owned_droplet_mut(account, id) else {
            return Ok(None);
        };
        limits::set_tag(&mut droplet.tags, tag, assign).map(Some)
    }

    /// Deletes a droplet; its actions stay readable under `/v2/actions`.
    pub fn delete_droplet(&self, account: AccountId, id: u64) -> bool {
        let mut data = self.write();
        if data.owned_droplet_mut(account, id).is_none() {
            return false;
        }
        data.droplets.remove(&id);
        if let Some(index) = data.accounts.get_mut(&account) {
            index.droplets.remove(&id);
        }
        // Backups go with their Droplet; snapshots stay.
        data.images
            .retain(|_, i| i.droplet_id != id || i.kind == ImageKind::Snapshot);
        true
    }

    /// Starts an action on one droplet.
    pub fn start_action(
        &self,
        account: AccountId,
        droplet_id: u64,
        request: ActionRequest,
        duration: Duration,
        decide: Decide<'_>,
    ) -> Result<Action, Refusal> {
        let mut data = self.write();
        // The clock is read under the lock so start times follow lock order: an action
        // that completed "now" is never seen in progress by a request that came later.
        let timing = Timing {
            now: Timestamp::now(),
            duration,
        };
        if data.owned_droplet_mut(account, droplet_id).is_none() {
            return Err(Refusal::NotFound);
        }
        data.settle_droplet(droplet_id, timing.now);
        let droplet = &data.droplets[&droplet_id];
        check_startable(droplet, &data.actions, &request, timing.now)?;
        let region = droplet.region;
        let action = data.new_action(
            account,
            request.kind,
            droplet_id,
            region,
            timing,
            decide(request.kind),
        );
        if let Some(d) = data.droplets.get_mut(&droplet_id) {
            d.pending = Some(Pending {
                action_id: action.id,
                effect: request.effect,
            });
        }
        Ok(action)
    }

    /// Starts one action per droplet carrying `tag`, all or none.
    pub fn start_by_tag(
        &self,
        account: AccountId,
        tag: &str,
        request: ActionRequest,
        duration: Duration,
        decide: Decide<'_>,
    ) -> Result<Vec<Action>, Refusal> {
        let mut data = self.write();
        // The clock is read under the lock so start times follow lock order: an action
        // that completed "now" is never seen in progress by a request that came later.
        let timing = Timing {
            now: Timestamp::now(),
            duration,
        };
        let ids: Vec<u64> = data
            .accounts
            .get(&account)
            .map(|index| {
                index
                    .droplets
                    .iter()
                    .copied()
                    .filter(|id| {
                        data.droplets
                            .get(id)
                            .is_some_and(|d| d.tags.iter().any(|t| t == tag))
                    })
                    .collect()
            })
            .unwrap_or_default();
        for id in &ids {
            data.settle_droplet(*id, timing.now);
            check_startable(&data.droplets[id], &data.actions, &request, timing.now)?;
        }
        let mut started = Vec::with_capacity(ids.len());
        for id in ids {
            let region = data.droplets[&id].region;
            let action = data.new_action(
                account,
                request.kind,
                id,
                region,
                timing,
                decide(request.kind),
            );
            if let Some(d) = data.droplets.get_mut(&id) {
                d.pending = Some(Pending {
                    action_id: action.id,
                    effect: request.effect.clone(),
                });
            }
            started.push(action);
        }
        Ok(started)
    }
}

/// What a non-Droplet action needs to be recorded.
#[derive(Debug, Clone)]
pub(crate) struct ResourceAction {
    pub family: Family,
    /// The wire `type`.
    pub type_name: &'static str,
    /// The resource's id or address, as its own routes name it.
    pub key: String,
    /// Its integer id, where it has one.
    pub numeric_id: u64,
    pub region: &'static Region,
    pub outcome: Outcome,
}

impl Store<'_> {
    /// Records an action on another family's resource (a volume, an image, an IP, an
    /// NFS share); it reads under `/v2/actions` like a Droplet's and progresses with time.
    pub fn record_action(
        &self,
        account: AccountId,
        request: ResourceAction,
        duration: Duration,
    ) -> Action {
        let mut data = self.write();
        let timing = Timing {
            now: Timestamp::now(),
            duration,
        };
        let id = data.next_action_id;
        data.next_action_id += 1;
        let key: ResourceKey = (account, request.family, request.key);
        data.resource_actions
            .entry(key.clone())
            .or_default()
            .push_back(id);
        data.action_resource.insert(id, key);
        data.push_action(Action {
            id,
            account,
            kind: ActionKind::Create,
            subject: Subject::Other(request.family, request.type_name),
            droplet_id: request.numeric_id,
            region: request.region,
            started_at: timing.now,
            completes_at: timing.completes_at(),
            outcome: request.outcome,
        })
    }

    /// A newest-first page of one non-Droplet resource's actions and the total.
    pub fn resource_actions(
        &self,
        account: AccountId,
        family: Family,
        key: &str,
        paging: Paging,
    ) -> (Vec<Action>, usize) {
        let data = self.read();
        let Some(ids) = data
            .resource_actions
            .get(&(account, family, key.to_owned()))
        else {
            return (Vec::new(), 0);
        };
        let page = paging
            .newest_first(ids.len())
            .filter_map(|i| data.actions.get(&ids[i]).copied())
            .collect();
        (page, ids.len())
    }

    /// One action of one non-Droplet resource.
    pub fn resource_action(
        &self,
        account: AccountId,
        family: Family,
        key: &str,
        id: u64,
    ) -> Option<Action> {
        let data = self.read();
        let owner = data.action_resource.get(&id)?;
        if *owner != (account, family, key.to_owned()) {
            return None;
        }
        data.actions.get(&id).copied()
    }

    /// Attaches a volume to one of the account's Droplets; a volume already attached to it is a 422.
    pub fn attach_volume(
        &self,
        account: AccountId,
        droplet_id: u64,
        volume_id: &str,
    ) -> Result<(), Refusal> {
        let mut data = self.write();
        // A volume is attached to one Droplet at a time.
        let elsewhere = data.tagged_droplets(account, None).into_iter().find(|id| {
            *id != droplet_id && data.droplets[id].volume_ids.iter().any(|v| v == volume_id)
        });
        if let Some(other) = elsewhere {
            return Err(Refusal::invalid(format!(
                "volume_id: the volume is already attached to Droplet {other}"
            )));
        }
        let droplet = data
            .owned_droplet_mut(account, droplet_id)
            .ok_or_else(|| Refusal::invalid(format!("droplet_id: no Droplet {droplet_id}")))?;
        // The API refuses a second attach (csi-digitalocean reads "This volume is
        // already attached" from the 422, driver/controller.go).
        if droplet.volume_ids.iter().any(|v| v == volume_id) {
            return Err(Refusal::invalid(format!(
                "volume_id: This volume is already attached to Droplet {droplet_id}."
            )));
        }
        limits::bounded_array(
            "volumes attached to this Droplet",
            &droplet.volume_ids,
            limits::MAX_VOLUMES_PER_DROPLET - 1,
        )?;
        droplet.volume_ids.push(volume_id.to_owned());
        Ok(())
    }

    /// Detaches a volume from a Droplet; 422 (as the API answers) if there is no such
    /// Droplet or the volume is not attached to it.
    pub fn detach_volume(
        &self,
        account: AccountId,
        droplet_id: u64,
        volume_id: &str,
    ) -> Result<(), Refusal> {
        let mut data = self.write();
        let droplet = data
            .owned_droplet_mut(account, droplet_id)
            .ok_or_else(|| Refusal::invalid(format!("droplet_id: no Droplet {droplet_id}")))?;
        let before = droplet.volume_ids.len();
        droplet.volume_ids.retain(|v| v != volume_id);
        if droplet.volume_ids.len() == before {
            return Err(Refusal::invalid(format!(
                "volume_id: the volume is not attached to Droplet {droplet_id}"
            )));
        }
        Ok(())
    }

    /// The account's Droplets one volume is attached to (ascending ids).
    pub fn volume_droplets(&self, account: AccountId, volume_id: &str) -> Vec<u64> {
        let data = self.read();
        data.tagged_droplets(account, None)
            .into_iter()
            .filter(|id| {
                data.droplets
                    .get(id)
                    .is_some_and(|d| d.volume_ids.iter().any(|v| v == volume_id))
            })
            .collect()
    }

    /// The account's Droplets each volume is attached to, by volume id (ascending Droplet ids).
    /// The Droplets each of `volumes` is attached to, in the same order: one pass over the
    /// account's Droplets, copying no volume id (a volume read answers with it).
    pub fn attached_to(&self, account: AccountId, volumes: &[&str]) -> Vec<Vec<u64>> {
        let data = self.read();
        let mut found = vec![Vec::new(); volumes.len()];
        let Some(index) = data.accounts.get(&account) else {
            return found;
        };
        for id in &index.droplets {
            let Some(droplet) = data.droplets.get(id) else {
                continue;
            };
            for attached in &droplet.volume_ids {
                for (slot, wanted) in found.iter_mut().zip(volumes) {
                    if attached == wanted {
                        slot.push(*id);
                    }
                }
            }
        }
        found
    }

    pub fn attachments(&self, account: AccountId) -> HashMap<String, Vec<u64>> {
        let data = self.read();
        let mut by_volume: HashMap<String, Vec<u64>> = HashMap::new();
        for id in data.tagged_droplets(account, None) {
            for volume in data
                .droplets
                .get(&id)
                .map(|d| d.volume_ids.as_slice())
                .unwrap_or_default()
            {
                by_volume.entry(volume.clone()).or_default().push(id);
            }
        }
        by_volume
    }
}

fn check_startable(
    droplet: &Droplet,
    actions: &HashMap<u64, Action>,
    request: &ActionRequest,
    now: Timestamp,
) -> Result<(), Refusal> {
    if is_busy(droplet, actions, now) {
        return Err(Refusal::invalid("Droplet already has a pending event."));
    }
    if matches!(request.effect, Effect::Snapshot(_)) {
        limits::room_for_one("snapshots on this droplet", droplet.snapshot_ids.len())?;
    }
    if let Effect::Resize { size, .. } = &request.effect {
        if size.disk < droplet.disk {
            return Err(Refusal::invalid(format!(
                "size: '{}' has a {} GB disk, smaller than this droplet's {} GB disk",
                size.slug, size.disk, droplet.disk
            )));
        }
    }
    Ok(())
}
