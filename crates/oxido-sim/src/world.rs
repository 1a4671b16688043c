//! The emulated cloud: per account, a [`World`] of typed tables (Droplets, actions,
//! Droplet images), JSON documents (every other resource) and id counters, each account
//! behind its own lock.
//!
//! A request takes its account's lock once ([`Worlds::begin`]) and holds it for the
//! synchronous body of its behaviour, so every change one request makes across resources
//! (a Droplet deleted and taken out of its load balancers, say) is seen whole or not at
//! all. Requests of different accounts never wait for each other: the one thing read
//! across accounts, registry names, comes from a small index each account publishes when
//! its request ends. Admin routes and persistence take every account at once
//! ([`Worlds::lock`]), in a fixed order, so they see one consistent whole.

use std::cell::{Cell, Ref, RefCell, RefMut};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use parking_lot::lock_api::ArcMutexGuard;
use parking_lot::{Mutex, RawMutex, RwLock, RwLockWriteGuard};

use crate::engine::store::AccountData;
use crate::state::model::AccountId;
use crate::state::store::{Data, Store};

/// The engine's id counters of one account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Counters {
    /// The next integer id of an engine object.
    pub next_id: u64,
    /// The next reserved or floating IP address, as an integer (198.51.100.10 onwards).
    pub next_address: u32,
}

impl Default for Counters {
    fn default() -> Self {
        Self {
            next_id: 500_000_000,
            next_address: u32::from_be_bytes([198, 51, 100, 10]),
        }
    }
}

impl Counters {
    /// Moves each counter past `other`'s (never back, so no id is handed out twice).
    pub fn advance(&mut self, other: Counters) {
        self.next_id = self.next_id.max(other.next_id);
        self.next_address = self.next_address.max(other.next_address);
    }
}

/// Everything one account holds.
#[derive(Debug)]
pub(crate) struct World {
    /// Droplets, actions and Droplet images.
    pub typed: Data,
    /// The engine's JSON documents by collection path.
    pub docs: AccountData,
    pub counters: Counters,
    /// The registry names last put in [`Worlds`]' cross-account index.
    published: Vec<String>,
}

impl World {
    /// An account with nothing in it yet.
    pub fn empty(max_actions: usize, backup_every: Duration) -> Self {
        let mut typed = Data::empty(max_actions);
        typed.backup_every = backup_every;
        Self::with(typed)
    }

    /// An account whose typed tables start as `typed`.
    pub fn with(typed: Data) -> Self {
        Self {
            typed,
            docs: AccountData::default(),
            counters: Counters::default(),
            published: Vec::new(),
        }
    }
}

/// Where registries live: their names are unique across accounts.
const REGISTRY: &str = "/v2/registry";

/// Each account's registry names, as of its last finished request.
type Names = HashMap<AccountId, Vec<String>>;

/// One account's world; `None` while the account holds nothing (never used, or reset).
type Slot = Arc<Mutex<Option<World>>>;

/// A held account lock that owns its slot.
type Held = ArcMutexGuard<RawMutex, Option<World>>;

/// Puts `world`'s registry names in the index if they changed since it last published.
fn publish(names: &Mutex<Names>, account: AccountId, world: &mut World) {
    let now = world.docs.items(REGISTRY);
    let same = match now {
        Some(items) => items.iter().map(|(k, _)| k).eq(world.published.iter()),
        None => world.published.is_empty(),
    };
    if same {
        return;
    }
    world.published = now
        .map(|items| items.iter().map(|(k, _)| k.to_owned()).collect())
        .unwrap_or_default();
    let mut index = names.lock();
    if world.published.is_empty() {
        index.remove(&account);
    } else {
        index.insert(account, world.published.clone());
    }
}

/// Every account's world, locked together (admin routes, persistence). Dropping it
/// releases them.
pub(crate) struct Accounts<'w> {
    held: BTreeMap<AccountId, Held>,
    slots: RwLockWriteGuard<'w, HashMap<AccountId, Slot>>,
    worlds: &'w Worlds,
}

impl Accounts<'_> {
    /// The account's world, if it holds anything yet.
    pub fn get(&self, account: AccountId) -> Option<&World> {
        self.held.get(&account).and_then(|w| w.as_ref())
    }

    /// Every account's world, by account.
    pub fn iter(&self) -> impl Iterator<Item = (AccountId, &World)> {
        self.held
            .iter()
            .filter_map(|(a, w)| w.as_ref().map(|w| (*a, w)))
    }

    /// Replaces one account's world whole.
    pub fn put(&mut self, account: AccountId, mut world: World) {
        world.typed.backup_every = self.worlds.backup_every();
        // Published afresh: whatever the index held for this account goes first.
        world.published.clear();
        self.worlds.names.lock().remove(&account);
        publish(&self.worlds.names, account, &mut world);
        match self.held.get_mut(&account) {
            Some(held) => **held = Some(world),
            None => {
                let slot: Slot = Arc::new(Mutex::new(Some(world)));
                self.held.insert(account, slot.lock_arc());
                self.slots.insert(account, slot);
            }
        }
    }

    /// Forgets every account, then gives `account` the typed tables `typed` (the seed).
    pub fn reset(&mut self, account: AccountId, typed: Data) {
        for held in self.held.values_mut() {
            **held = None;
        }
        self.worlds.names.lock().clear();
        self.put(account, World::with(typed));
    }

    /// Actions stored, over every account.
    pub fn action_count(&self) -> usize {
        self.iter().map(|(_, w)| w.typed.actions.len()).sum()
    }

    /// How many actions each account keeps.
    pub fn max_actions(&self) -> usize {
        self.worlds.max_actions
    }

    /// Sets the emulator's hour for backup schedules (its action duration), everywhere.
    pub fn set_backup_every(&mut self, every: Duration) {
        let nanos = u64::try_from(every.as_nanos()).unwrap_or(u64::MAX);
        self.worlds.backup_nanos.store(nanos, Ordering::Relaxed);
        for world in self.held.values_mut().filter_map(|w| w.as_mut()) {
            world.typed.backup_every = every;
        }
    }
}

/// Every account's world, each behind its own lock.
#[derive(Debug)]
pub(crate) struct Worlds {
    /// The accounts' slots. A slot, once made, stays for the life of the emulator (the
    /// accounts are the configured tokens'), so a request that found one never holds a
    /// stale copy; the map's lock is held only to find or add a slot.
    slots: RwLock<HashMap<AccountId, Slot>>,
    /// Registry names by account, for names unique across accounts. Taken last and alone.
    names: Mutex<Names>,
    max_actions: usize,
    /// The backup schedule's hour for new worlds, in nanoseconds.
    backup_nanos: AtomicU64,
}

impl Worlds {
    /// `primary` starts with the typed tables `seed`; other accounts start empty.
    pub fn new(primary: AccountId, seed: Data) -> Self {
        let worlds = Self {
            slots: RwLock::new(HashMap::new()),
            names: Mutex::new(HashMap::new()),
            max_actions: seed.max_actions(),
            backup_nanos: AtomicU64::new(0),
        };
        worlds.lock().put(primary, World::with(seed));
        worlds
    }

    fn backup_every(&self) -> Duration {
        Duration::from_nanos(self.backup_nanos.load(Ordering::Relaxed))
    }

    /// Every account, locked in account order (admin routes, persistence). Requests hold
    /// one account each and never wait for another while holding it, so this cannot
    /// deadlock with them.
    pub fn lock(&self) -> Accounts<'_> {
        let slots = self.slots.write();
        let mut by_account: Vec<(&AccountId, &Slot)> = slots.iter().collect();
        by_account.sort_by_key(|(a, _)| **a);
        let held = by_account
            .into_iter()
            .map(|(a, slot)| (*a, slot.lock_arc()))
            .collect();
        Accounts {
            held,
            slots,
            worlds: self,
        }
    }

    /// `account`'s slot, made on first use.
    fn slot(&self, account: AccountId) -> Slot {
        if let Some(slot) = self.slots.read().get(&account) {
            return Arc::clone(slot);
        }
        Arc::clone(self.slots.write().entry(account).or_default())
    }

    /// Takes `account`'s lock for one request: its world, until the [`Tx`] drops.
    pub fn begin(&self, account: AccountId) -> Tx<'_> {
        // The map's lock is released before the account's is taken (see `lock`).
        let slot = self.slot(account);
        let mut held = slot.lock_arc();
        let world = held
            .take()
            .unwrap_or_else(|| World::empty(self.max_actions, self.backup_every()));
        Tx {
            typed: RefCell::new(world.typed),
            docs: RefCell::new(world.docs),
            counters: Cell::new(world.counters),
            published: world.published,
            account,
            held,
            names: &self.names,
        }
    }
}

/// One request's hold on its account: the world taken out of its slot, so its parts can
/// be borrowed apart. It goes back on drop, before the lock is released (a panicking
/// behaviour included).
pub(crate) struct Tx<'w> {
    typed: RefCell<Data>,
    docs: RefCell<AccountData>,
    counters: Cell<Counters>,
    published: Vec<String>,
    account: AccountId,
    held: Held,
    names: &'w Mutex<Names>,
}

impl Tx<'_> {
    /// The caller's Droplets, actions and Droplet images.
    pub fn store(&self) -> Store<'_> {
        Store::new(&self.typed)
    }

    /// The caller's engine documents, to read.
    pub fn docs(&self) -> Ref<'_, AccountData> {
        self.docs.borrow()
    }

    /// The caller's engine documents, to change.
    pub fn docs_mut(&self) -> RefMut<'_, AccountData> {
        self.docs.borrow_mut()
    }

    /// A fresh integer id for an engine object.
    pub fn next_id(&self) -> u64 {
        let mut c = self.counters.get();
        let id = c.next_id;
        c.next_id = c.next_id.saturating_add(1);
        self.counters.set(c);
        id
    }

    /// A fresh reserved or floating IP address, as an integer.
    pub fn next_address(&self) -> u32 {
        let mut c = self.counters.get();
        let address = c.next_address;
        c.next_address = c.next_address.wrapping_add(1);
        self.counters.set(c);
        address
    }

    /// Whether another account holds a registry named `name` (as of its last finished
    /// request).
    pub fn registry_elsewhere(&self, name: &str) -> bool {
        self.names
            .lock()
            .iter()
            .any(|(a, names)| *a != self.account && names.iter().any(|n| n == name))
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        let mut world = World {
            typed: self.typed.replace(Data::empty(1)),
            docs: std::mem::take(self.docs.get_mut()),
            counters: self.counters.get(),
            published: std::mem::take(&mut self.published),
        };
        publish(self.names, self.account, &mut world);
        *self.held = Some(world);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use serde_json::json;

    use super::*;

    fn worlds() -> Arc<Worlds> {
        Arc::new(Worlds::new(AccountId(1), Data::empty(10)))
    }

    #[test]
    fn a_world_goes_back_when_its_request_panics_and_its_registry_names_are_published() {
        let worlds = worlds();
        let failed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let tx = worlds.begin(AccountId(2));
            tx.docs_mut()
                .put(REGISTRY, "kept".into(), json!({"name": "kept"}))
                .expect("room for one registry");
            panic!("a behaviour fails after its change");
        }));
        assert!(failed.is_err());
        let tx = worlds.begin(AccountId(2));
        assert!(
            tx.docs()
                .items(REGISTRY)
                .is_some_and(|items| items.get("kept").is_some())
        );
        assert!(
            !tx.registry_elsewhere("kept"),
            "an account's own name is not elsewhere"
        );
        drop(tx);
        assert!(worlds.begin(AccountId(1)).registry_elsewhere("kept"));
        // A reset forgets every account, and the index with them.
        worlds.lock().reset(AccountId(1), Data::empty(10));
        assert!(!worlds.begin(AccountId(1)).registry_elsewhere("kept"));
    }

    #[test]
    fn another_account_goes_through_while_one_is_held_and_the_whole_world_lock_waits_for_it() {
        let worlds = worlds();
        let held = worlds.begin(AccountId(1));
        let (done, finished) = mpsc::channel();
        let other = Arc::clone(&worlds);
        std::thread::spawn(move || {
            let tx = other.begin(AccountId(2));
            let id = tx.next_id();
            drop(tx);
            let _ = done.send(id);
        });
        let id = finished
            .recv_timeout(Duration::from_secs(10))
            .expect("another account's request does not wait for a held account");
        assert_eq!(id, Counters::default().next_id);

        // The whole-world lock waits until the held account is put back.
        let (counted, count) = mpsc::channel();
        let all = Arc::clone(&worlds);
        std::thread::spawn(move || {
            let accounts = all.lock();
            let _ = counted.send(accounts.iter().count());
        });
        assert!(count.recv_timeout(Duration::from_millis(200)).is_err());
        held.next_id();
        drop(held);
        let seen = count
            .recv_timeout(Duration::from_secs(10))
            .expect("the whole-world lock is taken once the account is back");
        assert_eq!(seen, 2);
        assert_eq!(
            worlds.begin(AccountId(1)).next_id(),
            Counters::default().next_id + 1,
            "the held request's change went back with its world"
        );
    }
}
