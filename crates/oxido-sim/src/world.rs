//! The emulated cloud as one value: per account, a [`World`] of typed tables
//! (Droplets, actions, Droplet images), JSON documents (every other resource) and id
//! counters, all behind one lock.
//!
//! A request takes the lock once ([`Worlds::begin`]) and holds it for the synchronous
//! body of its behaviour, so every change one request makes across resources (a Droplet
//! deleted and taken out of its load balancers, say) is seen whole or not at all.

use std::cell::{Cell, Ref, RefCell, RefMut};
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

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
        }
    }
}

/// Every account's world, and the settings new worlds start with.
#[derive(Debug)]
pub(crate) struct Accounts {
    worlds: HashMap<AccountId, World>,
    max_actions: usize,
    backup_every: Duration,
}

impl Accounts {
    /// The account's world, if it holds anything yet.
    pub fn get(&self, account: AccountId) -> Option<&World> {
        self.worlds.get(&account)
    }

    /// Every account's world.
    pub fn iter(&self) -> impl Iterator<Item = (AccountId, &World)> {
        self.worlds.iter().map(|(a, w)| (*a, w))
    }

    /// Replaces one account's world whole.
    pub fn put(&mut self, account: AccountId, mut world: World) {
        world.typed.backup_every = self.backup_every;
        self.worlds.insert(account, world);
    }

    /// Forgets every account, then gives `account` the typed tables `typed` (the seed).
    pub fn reset(&mut self, account: AccountId, typed: Data) {
        self.worlds.clear();
        self.put(account, World::with(typed));
    }

    /// Actions stored, over every account.
    pub fn action_count(&self) -> usize {
        self.worlds.values().map(|w| w.typed.actions.len()).sum()
    }

    /// How many actions each account keeps.
    pub fn max_actions(&self) -> usize {
        self.max_actions
    }

    /// Sets the emulator's hour for backup schedules (its action duration), everywhere.
    pub fn set_backup_every(&mut self, every: Duration) {
        self.backup_every = every;
        for world in self.worlds.values_mut() {
            world.typed.backup_every = every;
        }
    }
}

/// The one lock over every account's world.
#[derive(Debug)]
pub(crate) struct Worlds {
    accounts: Mutex<Accounts>,
}

impl Worlds {
    /// `primary` starts with the typed tables `seed`; other accounts start empty.
    pub fn new(primary: AccountId, seed: Data) -> Self {
        let max_actions = seed.max_actions();
        let mut accounts = Accounts {
            worlds: HashMap::new(),
            max_actions,
            backup_every: Duration::ZERO,
        };
        accounts.put(primary, World::with(seed));
        Self {
            accounts: Mutex::new(accounts),
        }
    }

    /// Every account, under the lock (admin routes, persistence).
    // A panic while holding the lock leaves nothing that matters more than stopping
    // service, so a poisoned lock is simply reused.
    pub fn lock(&self) -> MutexGuard<'_, Accounts> {
        self.accounts.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes the lock for one request of `account`: its world, until the [`Tx`] drops.
    pub fn begin(&self, account: AccountId) -> Tx<'_> {
        let mut accounts = self.lock();
        let world = accounts
            .worlds
            .remove(&account)
            .unwrap_or_else(|| World::empty(accounts.max_actions, accounts.backup_every));
        Tx {
            typed: RefCell::new(world.typed),
            docs: RefCell::new(world.docs),
            counters: Cell::new(world.counters),
            account,
            accounts,
        }
    }
}

/// One request's hold on the world: the caller's account, taken out of the map so its
/// parts can be borrowed apart, and the other accounts read-only. It goes back on drop,
/// before the lock is released (a panicking behaviour included).
pub(crate) struct Tx<'g> {
    typed: RefCell<Data>,
    docs: RefCell<AccountData>,
    counters: Cell<Counters>,
    account: AccountId,
    accounts: MutexGuard<'g, Accounts>,
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

    /// Other accounts' worlds, read-only (a name unique across accounts).
    pub fn others(&self) -> impl Iterator<Item = &World> {
        self.accounts.worlds.values()
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        let world = World {
            typed: self.typed.replace(Data::empty(1)),
            docs: std::mem::take(self.docs.get_mut()),
            counters: self.counters.get(),
        };
        self.accounts.worlds.insert(self.account, world);
    }
}
