//! The emulator's state as a versioned JSON document: one account's (the admin
//! routes' export and import) or every account's (the `--state` file).
//!
//! ```text
//! {"format": "oxido-sim-state", "version": 1,
//!  "counters": {"store": {...}, "engine": {...}},
//!  "account": {"store": {...}, "engine": {...}}}        one account (GET/PUT /_sim/state)
//!  "accounts": {"1": {"store": ..., "engine": ..., "counters": ...}}}
//!                                                        every account (the state file)
//! ```
//!
//! Id counters are per account. The state file keeps each account's own, and at the
//! top the highest of each (what a file without per-account counters gives every
//! account).
//!
//! A document is checked whole before anything changes, so an import applies entirely
//! or not at all. Files are written to a temporary file in the same directory, synced,
//! then renamed over the old one, so a crash mid-save leaves the previous file.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::sync::{Mutex, PoisonError};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::app::App;
use crate::engine::persist::EngineDoc;
use crate::engine::store::AccountData;
use crate::state::model::AccountId;
use crate::state::persist::{DataCounters, DataDoc, Prepared};
use crate::state::store::Data;
use crate::world::{Accounts, Counters as EngineCounters, World};

/// The `format` member every state document carries.
pub(crate) const FORMAT: &str = "oxido-sim-state";
/// The one version this emulator reads and writes.
pub(crate) const VERSION: u64 = 1;

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Counters {
    store: DataCounters,
    engine: EngineCounters,
}

impl Counters {
    /// The counters of `world`.
    fn of(world: &World) -> Self {
        Self {
            store: world.typed.counters(),
            engine: world.counters,
        }
    }

    /// The higher of each counter.
    fn max(self, other: Self) -> Self {
        let mut engine = self.engine;
        engine.advance(other.engine);
        Self {
            store: self.store.max(other.store),
            engine,
        }
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountDoc {
    #[serde(default)]
    store: DataDoc,
    #[serde(default)]
    engine: EngineDoc,
    /// The account's own counters (state files; a one-account document has them at its top).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    counters: Option<Counters>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct OneAccount {
    format: String,
    version: u64,
    counters: Counters,
    account: AccountDoc,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AllAccounts {
    format: String,
    version: u64,
    counters: Counters,
    accounts: BTreeMap<u32, AccountDoc>,
}

/// An account's document checked and built, ready to be installed.
struct Ready {
    account: AccountId,
    store: Prepared,
    engine: AccountData,
    counters: Option<Counters>,
}

/// One account's state as a document.
pub(crate) fn export_account(app: &App, account: AccountId) -> Value {
    let accounts = app.worlds.lock();
    let empty;
    let world = match accounts.get(account) {
        Some(world) => world,
        None => {
            empty = World::empty(accounts.max_actions(), std::time::Duration::ZERO);
            &empty
        }
    };
    let doc = OneAccount {
        format: FORMAT.to_owned(),
        version: VERSION,
        counters: Counters::of(world),
        account: AccountDoc {
            store: world.typed.export_account(account),
            engine: world.docs.export(true),
            counters: None,
        },
    };
    drop(accounts);
    serde_json::to_value(doc).unwrap_or(Value::Null)
}

/// Checks `format` and `version` first, so a file of another kind or version is named
/// as such rather than as a field-by-field mismatch.
fn check_header(value: &Value) -> Result<(), String> {
    let Some(object) = value.as_object() else {
        return Err("the document is not a JSON object".into());
    };
    match object.get("format") {
        Some(Value::String(f)) if f == FORMAT => {}
        Some(other) => {
            return Err(format!("format: {other} is not \"{FORMAT}\""));
        }
        None => return Err(format!("format: missing; not an {FORMAT} document")),
    }
    match object.get("version") {
        Some(Value::Number(n)) if n.as_u64() == Some(VERSION) => Ok(()),
        Some(other) => Err(format!(
            "version: {other} is not supported (this emulator reads version {VERSION})"
        )),
        None => Err("version: missing".into()),
    }
}

/// The two members read before the rest.
#[derive(Deserialize)]
struct Header {
    format: Option<Value>,
    version: Option<Value>,
}

fn parse<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    // The header first (other members skipped unparsed), so a file of another kind or
    // version is named as such; then the whole document straight into its types.
    let header: Header = serde_json::from_slice(bytes).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => "the document is not a JSON object".to_owned(),
        _ => format!("not valid JSON: {e}"),
    })?;
    let mut members = serde_json::Map::new();
    if let Some(f) = header.format {
        members.insert("format".into(), f);
    }
    if let Some(v) = header.version {
        members.insert("version".into(), v);
    }
    check_header(&Value::Object(members))?;
    // Plain serde first; only a document that fails is read again through
    // serde_path_to_error (several times slower), so the error names the member.
    if let Ok(doc) = serde_json::from_slice(bytes) {
        return Ok(doc);
    }
    let mut reader = serde_json::Deserializer::from_slice(bytes);
    let doc = serde_path_to_error::deserialize(&mut reader).map_err(|e| {
        let path = e.path().to_string();
        format!("{path}: {}", e.into_inner())
    })?;
    reader.end().map_err(|e| format!("not valid JSON: {e}"))?;
    Ok(doc)
}

fn prepare(
    account: AccountId,
    doc: AccountDoc,
    max_actions: usize,
    counters: Option<Counters>,
) -> Result<Ready, String> {
    Ok(Ready {
        account,
        store: doc.store.prepare(account, max_actions)?,
        engine: doc.engine.build()?,
        counters: doc.counters.or(counters),
    })
}

/// Installs every prepared account at once (all were checked whole before). Counters
/// only move forward: past the account's own, the document's and every id it holds.
fn install(accounts: &mut Accounts<'_>, ready: Vec<Ready>) {
    for r in ready {
        let before = accounts.get(r.account).map(Counters::of);
        let mut typed = Data::empty(accounts.max_actions());
        let floor = match (before, r.counters) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        typed.install(r.store, floor.map(|c| c.store));
        let mut world = World::with(typed);
        world.docs = r.engine;
        if let Some(c) = floor {
            world.counters.advance(c.engine);
        }
        accounts.put(r.account, world);
    }
}

/// Replaces one account's state with a document's; the error names what was wrong and
/// nothing changed.
pub(crate) fn import_account(app: &App, account: AccountId, bytes: &[u8]) -> Result<(), String> {
    let doc: OneAccount = parse(bytes)?;
    let max_actions = app.worlds.lock().max_actions();
    let ready = prepare(account, doc.account, max_actions, Some(doc.counters))?;
    install(&mut app.worlds.lock(), vec![ready]);
    Ok(())
}

/// Puts one account back to its initial seed.
pub(crate) fn reset_account(app: &App, account: AccountId) -> Result<(), String> {
    let max_actions = app.worlds.lock().max_actions();
    let seed = app.seed.data(max_actions);
    let doc = AccountDoc {
        store: seed.export_account(account),
        engine: EngineDoc::default(),
        counters: None,
    };
    let ready = prepare(account, doc, max_actions, None)?;
    install(&mut app.worlds.lock(), vec![ready]);
    Ok(())
}

/// Every account's state as the state file's document.
fn export_all(app: &App) -> Vec<u8> {
    let all = app.worlds.lock();
    let mut top: Option<Counters> = None;
    let accounts = all
        .iter()
        .map(|(a, world)| {
            let own = Counters::of(world);
            top = Some(top.map_or(own, |t| t.max(own)));
            let doc = AccountDoc {
                store: world.typed.export_account(a),
                // As stored: smaller, and read back without a region compared per volume.
                engine: world.docs.export(false),
                counters: Some(own),
            };
            (a.0, doc)
        })
        .collect();
    let fresh = World::empty(all.max_actions(), std::time::Duration::ZERO);
    drop(all);
    let doc = AllAccounts {
        format: FORMAT.to_owned(),
        version: VERSION,
        counters: top.unwrap_or_else(|| Counters::of(&fresh)),
        accounts,
    };
    serde_json::to_vec(&doc).unwrap_or_default()
}

/// Writes every account's state to `path` atomically.
pub(crate) fn save(app: &App, path: &Path) -> Result<(), String> {
    // One save at a time, so two never share the temporary file.
    static SAVING: Mutex<()> = Mutex::new(());
    let _one = SAVING.lock().unwrap_or_else(PoisonError::into_inner);
    let bytes = export_all(app);
    let name = path
        .file_name()
        .ok_or_else(|| format!("{}: not a file path", path.display()))?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(".{}.tmp", std::process::id()));
    let temp = dir.join(temp_name);
    let written = (|| -> std::io::Result<()> {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(&bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&temp, path)?;
        // The rename itself is durable once the directory is synced.
        #[cfg(unix)]
        std::fs::File::open(&dir)?.sync_all()?;
        Ok(())
    })();
    written.map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        format!("cannot write {}: {e}", path.display())
    })
}

/// Loads `path` if it exists (false if it does not). A file that cannot be read or used
/// is an error and nothing of it is loaded.
pub(crate) fn load(app: &App, path: &Path) -> Result<bool, String> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let doc: AllAccounts = parse(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    let max_actions = app.worlds.lock().max_actions();
    let ready = doc
        .accounts
        .into_iter()
        .map(|(id, account)| {
            prepare(AccountId(id), account, max_actions, Some(doc.counters))
                .map_err(|e| format!("{}: accounts.{id}: {e}", path.display()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    install(&mut app.worlds.lock(), ready);
    Ok(true)
}
