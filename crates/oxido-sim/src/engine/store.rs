//! The generic engine's data: one account's collections of JSON objects by id (part of
//! its `World`), and the presigned upload slots.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Mutex, PoisonError};

use serde_json::Value;

/// Most presigned uploads remembered at once; the oldest is forgotten past it.
const MAX_UPLOADS: usize = 1_000;

/// Presigned upload slots handed out by `POST /v1/batches/files`: file id → signature.
#[derive(Debug, Default)]
pub(crate) struct Uploads {
    slots: Mutex<VecDeque<(String, String, Option<usize>)>>,
}

impl Uploads {
    pub(crate) fn open(&self, file_id: &str) -> String {
        let signature = super::generate::uuid().replace('-', "");
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        if slots.len() >= MAX_UPLOADS {
            slots.pop_front();
        }
        slots.push_back((file_id.to_owned(), signature.clone(), None));
        signature
    }

    pub(crate) fn fill(&self, file_id: &str, signature: &str, size: usize) -> bool {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        match slots
            .iter_mut()
            .find(|(id, sig, _)| id == file_id && sig == signature)
        {
            Some(slot) => {
                slot.2 = Some(size);
                true
            }
            None => false,
        }
    }

    pub fn clear(&self) {
        self.slots
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

/// Most objects one collection holds; creating past it is refused.
pub(crate) const MAX_PER_COLLECTION: usize = 1_000;
/// Most objects one account holds across the engine's collections.
pub(crate) const MAX_PER_ACCOUNT: usize = 20_000;
/// Longest string stored in an object.
pub(crate) const MAX_STRING: usize = 64 * 1024;

/// One collection's items, oldest first.
#[derive(Debug, Default, Clone)]
pub(crate) struct Items {
    order: Vec<String>,
    by_id: HashMap<String, Value>,
}

impl Items {
    pub fn get(&self, id: &str) -> Option<&Value> {
        self.by_id.get(id)
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut Value> {
        self.by_id.get_mut(id)
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Every item, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.order
            .iter()
            .filter_map(|id| self.by_id.get(id).map(|v| (id.as_str(), v)))
    }

    /// The stored key of the item `id` names, directly or through one of its identifying members.
    pub fn key_of(&self, id: &str) -> Option<String> {
        if self.by_id.contains_key(id) {
            return Some(id.to_owned());
        }
        self.order
            .iter()
            .find(|k| {
                self.by_id.get(*k).is_some_and(|v| {
                    [
                        "id",
                        "uuid",
                        "name",
                        "slug",
                        "fingerprint",
                        "tag",
                        "digest",
                        "ip",
                    ]
                    .iter()
                    .any(|f| match v.get(*f) {
                        Some(Value::String(s)) => s == id,
                        Some(Value::Number(n)) => n.to_string() == id,
                        _ => false,
                    })
                })
            })
            .cloned()
    }

    /// Inserts or replaces; true if a new id was added.
    fn put(&mut self, id: String, value: Value) -> bool {
        if self.by_id.insert(id.clone(), value).is_none() {
            self.order.push(id);
            true
        } else {
            false
        }
    }

    fn remove(&mut self, id: &str) -> Option<Value> {
        let value = self.by_id.remove(id)?;
        self.order.retain(|k| k != id);
        Some(value)
    }
}

/// One account's collections, by concrete collection path.
#[derive(Debug, Default)]
pub(crate) struct AccountData {
    pub collections: HashMap<String, Items>,
    /// Concrete collection paths whose demo objects are already in place.
    pub seeded: HashSet<String>,
    /// Long-running objects still on their way: `collection/id` → where their status goes.
    pub transitions: HashMap<String, Transition>,
    objects: usize,
}

/// A status that changes by itself: through `steps`, evenly spaced from `from`,
/// to `done` at `at`.
#[derive(Debug, Clone)]
pub(crate) struct Transition {
    pub pointer: &'static str,
    pub steps: &'static [&'static str],
    pub done: &'static str,
    pub from: jiff::Timestamp,
    pub at: jiff::Timestamp,
}

impl Transition {
    /// Puts the status due at `now` into `object`; true once it is the final one.
    pub fn apply(&self, object: &mut Value, now: jiff::Timestamp) -> bool {
        let (status, finished) = self.status_at(now);
        if let Some(status) = status
            && let Some(slot) = object.pointer_mut(self.pointer)
        {
            *slot = Value::String(status.to_owned());
        }
        finished
    }

    /// The status due at `now` (`None` before the first step) and whether it is final.
    fn status_at(&self, now: jiff::Timestamp) -> (Option<&'static str>, bool) {
        if now >= self.at {
            return (Some(self.done), true);
        }
        let total = self
            .at
            .as_nanosecond()
            .saturating_sub(self.from.as_nanosecond());
        let gone = now
            .as_nanosecond()
            .saturating_sub(self.from.as_nanosecond());
        if self.steps.is_empty() || total <= 0 || gone <= 0 {
            return (None, false);
        }
        // Starting status, then each step, share the time equally.
        let slots = i128::try_from(self.steps.len() + 1).unwrap_or(i128::MAX);
        let slot = gone.saturating_mul(slots) / total;
        let index = usize::try_from(slot).unwrap_or(0);
        match index.checked_sub(1).and_then(|i| self.steps.get(i)) {
            Some(step) => (Some(step), false),
            None => (None, false),
        }
    }
}

impl AccountData {
    pub fn items(&self, collection: &str) -> Option<&Items> {
        self.collections.get(collection)
    }

    /// The stored object, with its long-running status settled first.
    pub fn settled_mut(&mut self, collection: &str, key: &str) -> Option<&mut Value> {
        let transition_key = format!("{collection}/{key}");
        let due = self.transitions.get(&transition_key).cloned();
        let object = self.collections.get_mut(collection)?.get_mut(key)?;
        if let Some(t) = due
            && t.apply(object, jiff::Timestamp::now())
        {
            self.transitions.remove(&transition_key);
        }
        self.collections.get_mut(collection)?.get_mut(key)
    }

    /// A copy of `object` (stored under `key`) as it reads now.
    pub fn rendered(&self, collection: &str, key: &str, object: &Value) -> Value {
        let mut copy = object.clone();
        if let Some(t) = self.transitions.get(&format!("{collection}/{key}")) {
            t.apply(&mut copy, jiff::Timestamp::now());
        }
        copy
    }

    /// Stores `value` under `id`, within the account's bounds.
    pub fn put(&mut self, collection: &str, id: String, value: Value) -> Result<(), &'static str> {
        let items = self.collections.entry(collection.to_owned()).or_default();
        let adding = items.get(&id).is_none();
        if adding && items.len() >= MAX_PER_COLLECTION {
            return Err("this collection is full");
        }
        if adding && self.objects >= MAX_PER_ACCOUNT {
            return Err("this account holds too many objects");
        }
        if items.put(id, value) {
            self.objects += 1;
        }
        Ok(())
    }

    /// Empties one collection (its items' own sub-collections stay).
    pub fn clear(&mut self, collection: &str) {
        if let Some(items) = self.collections.remove(collection) {
            self.objects = self.objects.saturating_sub(items.len());
        }
        let prefix = format!("{collection}/");
        self.transitions.retain(|k, _| !k.starts_with(&prefix));
    }

    pub fn remove(&mut self, collection: &str, id: &str) -> Option<Value> {
        let removed = self.collections.get_mut(collection)?.remove(id)?;
        self.transitions.remove(&format!("{collection}/{id}"));
        self.objects = self.objects.saturating_sub(1);
        // Children of the removed item go with it.
        let prefix = format!("{collection}/{id}/");
        let children: Vec<String> = self
            .collections
            .keys()
            .filter(|k| k.starts_with(&prefix))
            .cloned()
            .collect();
        self.transitions.retain(|k, _| !k.starts_with(&prefix));
        for child in children {
            if let Some(items) = self.collections.remove(&child) {
                self.objects = self.objects.saturating_sub(items.len());
            }
        }
        Some(removed)
    }
}

/// The first string longer than [`MAX_STRING`] in `value`, by its path.
pub(crate) fn oversized(value: &Value, path: &mut Vec<String>) -> Option<String> {
    match value {
        Value::String(s) if s.len() > MAX_STRING => Some(path.join(".")),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, v)| {
            path.push(i.to_string());
            let found = oversized(v, path);
            path.pop();
            found
        }),
        Value::Object(map) => map.iter().find_map(|(k, v)| {
            path.push(k.clone());
            let found = oversized(v, path);
            path.pop();
            found
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use jiff::{SignedDuration, Timestamp};
    use serde_json::json;

    use super::Transition;

    #[test]
    fn a_transition_walks_its_steps_evenly_then_finishes() {
        let from = Timestamp::UNIX_EPOCH;
        let at = from + SignedDuration::from_secs(40);
        let t = Transition {
            pointer: "/status",
            steps: &["b", "c", "d"],
            done: "e",
            from,
            at,
        };
        let mut object = json!({"status": "a"});
        let seen: Vec<(bool, String)> = [0, 9, 10, 19, 20, 35, 40, 99]
            .iter()
            .map(|s| {
                let finished = t.apply(&mut object, from + SignedDuration::from_secs(*s));
                (finished, object["status"].as_str().unwrap_or("").to_owned())
            })
            .collect();
        let statuses: Vec<&str> = seen.iter().map(|(_, s)| s.as_str()).collect();
        assert_eq!(statuses, ["a", "a", "b", "b", "c", "d", "e", "e"]);
        assert!(seen[..6].iter().all(|(f, _)| !f));
        assert!(seen[6..].iter().all(|(f, _)| *f));
    }

    #[test]
    fn a_transition_without_steps_keeps_the_start_until_done() {
        let from = Timestamp::UNIX_EPOCH;
        let t = Transition {
            pointer: "/status",
            steps: &[],
            done: "online",
            from,
            at: from + SignedDuration::from_secs(10),
        };
        let mut object = json!({"status": "creating"});
        assert!(!t.apply(&mut object, from + SignedDuration::from_secs(9)));
        assert_eq!(object["status"], "creating");
        assert!(t.apply(&mut object, from + SignedDuration::from_secs(10)));
        assert_eq!(object["status"], "online");
    }
}
