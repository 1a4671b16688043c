//! State shared by every connection: the store and the simulator's settings.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::auth::Auth;
use crate::auth::PRIMARY_ACCOUNT;
use crate::engine::store::{LogArchives, Uploads};
use crate::faults::{FailureTable, FaultTable};
use crate::journal::Journal;
use crate::rate_limit::RateLimiter;
use crate::seed::Seed;
use crate::state::model::{ActionKind, Outcome};
use crate::world::Worlds;

/// Everything a request handler can reach.
pub(crate) struct App {
    /// Every account's world (typed tables, documents, counters) behind one lock.
    pub worlds: Worlds,
    /// Presigned upload slots (not part of any account's state).
    pub uploads: Uploads,
    /// App log archives handed out as presigned addresses (not part of any account's state).
    pub logs: LogArchives,
    pub seed: Seed,
    pub auth: Auth,
    pub limiter: RateLimiter,
    pub faults: FaultTable,
    pub failures: FailureTable,
    pub journal: Journal,
    pub admin_token: String,
    pub local_addr: SocketAddr,
    /// Where `POST /_sim/save` (and the binary, on shutdown) writes the state, if anywhere.
    pub state_file: Option<std::path::PathBuf>,
    max_actions: usize,
    action_duration_nanos: AtomicU64,
}

impl App {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        seed: Seed,
        auth: Auth,
        limiter: RateLimiter,
        journal: Journal,
        admin_token: String,
        local_addr: SocketAddr,
        action_duration: Duration,
        max_actions: usize,
    ) -> Self {
        // Parsed here so the first request pays nothing.
        crate::state::catalog::load();
        let app = Self {
            worlds: Worlds::new(PRIMARY_ACCOUNT, seed.data(max_actions)),
            uploads: Uploads::default(),
            logs: LogArchives::default(),
            seed,
            auth,
            limiter,
            faults: FaultTable::default(),
            failures: FailureTable::default(),
            journal,
            admin_token,
            local_addr,
            state_file: None,
            max_actions,
            action_duration_nanos: AtomicU64::new(0),
        };
        app.set_action_duration(action_duration);
        app
    }

    /// Changes how long new actions run.
    pub fn set_action_duration(&self, duration: Duration) {
        let nanos = u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX);
        self.action_duration_nanos.store(nanos, Ordering::Relaxed);
        // An action duration is the backup schedule's hour: a daily backup every 24.
        self.worlds.lock().set_backup_every(duration);
    }

    /// How long new actions run.
    pub fn action_duration(&self) -> Duration {
        Duration::from_nanos(self.action_duration_nanos.load(Ordering::Relaxed))
    }

    /// The outcome a new action of `kind` will have, per the failure rules.
    pub fn decide(&self, kind: ActionKind) -> Outcome {
        if self.failures.should_fail(kind.as_str()) {
            Outcome::Errored
        } else {
            Outcome::Completed
        }
    }

    /// Restores the seed data and forgets faults, failure rules, requests and rate counts.
    pub fn reset(&self) {
        self.worlds
            .lock()
            .reset(PRIMARY_ACCOUNT, self.seed.data(self.max_actions));
        self.uploads.clear();
        self.logs.clear();
        self.faults.clear();
        self.failures.clear();
        self.journal.clear();
        self.limiter.clear();
    }
}
