//! One account's engine data (collections of JSON objects, the demo paths already
//! seeded, statuses still on their way) as a serializable record, and back.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::lifecycle::{GARBAGE_COLLECTION, LIFECYCLES};
use super::store::{
    AccountData, MAX_PER_ACCOUNT, MAX_STRING, Transition, expand_region, oversized,
};

/// Longest collection path or key a document may name.
const MAX_PATH: usize = 2048;

/// The engine's part of one account.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EngineDoc {
    /// Concrete collection path → its items, oldest first.
    #[serde(default)]
    pub collections: BTreeMap<String, Vec<ItemDoc>>,
    /// Collection paths whose demo objects were already put in place (a deleted demo
    /// object does not come back).
    #[serde(default)]
    pub seeded: BTreeSet<String>,
    /// `collection/key` → the status an object is still moving through.
    #[serde(default)]
    pub transitions: BTreeMap<String, TransitionDoc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ItemDoc {
    pub key: String,
    pub object: Value,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TransitionDoc {
    pub pointer: String,
    pub steps: Vec<String>,
    pub done: String,
    pub from: Timestamp,
    pub at: Timestamp,
}

impl AccountData {
    /// The account's engine data as a record.
    /// The account's documents; with `shown`, each object as the API shows it (a volume's
    /// whole region), else as stored (by slug, which [`EngineDoc::build`] reads too).
    pub fn export(&self, shown: bool) -> EngineDoc {
        EngineDoc {
            collections: self
                .collections
                .iter()
                .filter(|(_, items)| items.len() > 0)
                .map(|(path, items)| {
                    let list = items
                        .iter()
                        .map(|(key, object)| {
                            let mut object = object.clone();
                            if shown {
                                expand_region(path, &mut object);
                            }
                            ItemDoc {
                                key: key.to_owned(),
                                object,
                            }
                        })
                        .collect();
                    (path.clone(), list)
                })
                .collect(),
            seeded: self.seeded.iter().cloned().collect(),
            transitions: self
                .transitions
                .iter()
                .map(|(key, t)| {
                    let doc = TransitionDoc {
                        pointer: t.pointer.to_owned(),
                        steps: t.steps.iter().map(|s| (*s).to_owned()).collect(),
                        done: t.done.to_owned(),
                        from: t.from,
                        at: t.at,
                    };
                    (key.clone(), doc)
                })
                .collect(),
        }
    }
}

impl EngineDoc {
    /// Builds the account's engine data, within the store's bounds, naming what is wrong.
    pub fn build(self) -> Result<AccountData, String> {
        let mut data = AccountData::default();
        let total: usize = self.collections.values().map(Vec::len).sum();
        if total > MAX_PER_ACCOUNT {
            return Err(format!(
                "engine.collections: at most {MAX_PER_ACCOUNT} objects per account, got {total}"
            ));
        }
        for (path, items) in self.collections {
            check_path("engine.collections", &path)?;
            for item in items {
                let what = format!("engine.collections[{path}][{}]", item.key);
                check_path(&what, &item.key)?;
                if data.items(&path).and_then(|i| i.get(&item.key)).is_some() {
                    return Err(format!("{what}: the key appears twice"));
                }
                if let Some(at) = oversized(&item.object, &mut Vec::new()) {
                    return Err(format!("{what}.{at}: longer than {MAX_STRING} bytes"));
                }
                data.put(&path, item.key, item.object)
                    .map_err(|why| format!("{what}: {why}"))?;
            }
        }
        if self.seeded.len() > MAX_PER_ACCOUNT {
            return Err(format!(
                "engine.seeded: at most {MAX_PER_ACCOUNT} paths, got {}",
                self.seeded.len()
            ));
        }
        for path in self.seeded {
            check_path("engine.seeded", &path)?;
            data.seeded.insert(path);
        }
        if self.transitions.len() > MAX_PER_ACCOUNT {
            return Err(format!(
                "engine.transitions: at most {MAX_PER_ACCOUNT}, got {}",
                self.transitions.len()
            ));
        }
        for (key, t) in self.transitions {
            let what = format!("engine.transitions[{key}]");
            check_path(&what, &key)?;
            let lifecycle = LIFECYCLES
                .iter()
                .chain(std::iter::once(&GARBAGE_COLLECTION))
                .find(|l| {
                    l.pointer == t.pointer
                        && l.done == t.done
                        && l.steps.len() == t.steps.len()
                        && l.steps.iter().zip(&t.steps).all(|(a, b)| *a == b.as_str())
                })
                .ok_or_else(|| {
                    format!(
                        "{what}: no long-running kind moves '{}' to '{}'",
                        t.pointer, t.done
                    )
                })?;
            data.transitions.insert(
                key,
                Transition {
                    pointer: lifecycle.pointer,
                    steps: lifecycle.steps,
                    done: lifecycle.done,
                    unset: super::lifecycle::unset_until_done(lifecycle.collection),
                    from: t.from,
                    at: t.at,
                },
            );
        }
        Ok(data)
    }
}

fn check_path(what: &str, path: &str) -> Result<(), String> {
    if path.is_empty() || path.len() > MAX_PATH {
        Err(format!("{what}: '{path:.64}' must be 1-{MAX_PATH} bytes"))
    } else {
        Ok(())
    }
}
