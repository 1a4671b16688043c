//! The generic engine's data: one account's collections of JSON objects by id (part of
//! its `World`), the presigned upload slots and the app log archives.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Mutex, PoisonError};

use std::sync::LazyLock;

use serde_json::Value;
use serde_json::value::RawValue;

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

/// Most log archives kept at once; the oldest is forgotten past it (its address then
/// answers 404, as an expired presigned address stops answering).
const MAX_LOG_ARCHIVES: usize = 64;

/// App log archives handed out as `historic_urls`: id → (signature, text).
#[derive(Debug, Default)]
pub(crate) struct LogArchives {
    kept: Mutex<VecDeque<(String, String, std::sync::Arc<str>)>>,
}

impl LogArchives {
    /// Keeps `text`; gives the id and signature its address carries.
    pub(crate) fn keep(&self, text: String) -> (String, String) {
        let id = super::generate::uuid();
        let signature = super::generate::uuid().replace('-', "");
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        if kept.len() >= MAX_LOG_ARCHIVES {
            kept.pop_front();
        }
        kept.push_back((id.clone(), signature.clone(), text.into()));
        (id, signature)
    }

    /// The text kept under `id`, if `signature` is the one handed out with it.
    pub(crate) fn read(&self, id: &str, signature: &str) -> Option<std::sync::Arc<str>> {
        let kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        kept.iter()
            .find(|(i, sig, _)| i == id && sig == signature)
            .map(|(_, _, text)| text.clone())
    }

    pub fn clear(&self) {
        self.kept
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

/// Collections whose answers show `region` as the catalog's whole region object (1.4 KB,
/// where the rest of a volume is about 300 bytes): stored by slug, shown whole.
const REGION_BY_SLUG: &[&str] = &["/v2/volumes"];

/// The object as stored: its region by slug where its collection shows the catalog's
/// region whole and the object holds exactly that region (any other region stays as given).
pub(crate) fn compact_region(collection: &str, object: &mut Value) {
    if !REGION_BY_SLUG.contains(&collection) {
        return;
    }
    let Some(slot) = object.get_mut("region") else {
        return;
    };
    let Some(slug) = slot.get("slug").and_then(Value::as_str) else {
        return;
    };
    if crate::state::catalog::region_value(slug).is_some_and(|whole| whole == slot) {
        *slot = Value::String(slug.to_owned());
    }
}

/// The catalog's whole region a stored object of `collection` shows for its region slug.
pub(crate) fn shown_region(collection: &str, object: &Value) -> Option<&'static Value> {
    if !REGION_BY_SLUG.contains(&collection) {
        return None;
    }
    crate::state::catalog::region_value(object.get("region")?.as_str()?)
}

/// The catalog region a create's body names by slug, for a collection that stores it by
/// slug: its slug and its JSON text.
pub(crate) fn region_named(
    collection: &str,
    body: Option<&Value>,
) -> Option<(&'static str, &'static RawValue)> {
    if !REGION_BY_SLUG.contains(&collection) {
        return None;
    }
    let whole = crate::state::catalog::region_value(body?.get("region")?.as_str()?)?;
    let slug = whole.get("slug")?.as_str()?;
    Some((slug, region_text(slug)?))
}

/// The catalog region `slug` as JSON text, written once: an answer splices it in rather
/// than serialize its sizes and features again.
pub(crate) fn region_text(slug: &str) -> Option<&'static RawValue> {
    use crate::state::catalog::{REGIONS, region_value};
    static TEXTS: LazyLock<Vec<Option<Box<RawValue>>>> = LazyLock::new(|| {
        REGIONS
            .iter()
            .map(|r| region_value(r.slug).and_then(|v| serde_json::value::to_raw_value(v).ok()))
            .collect()
    });
    let index = REGIONS.iter().position(|r| r.slug == slug)?;
    TEXTS.get(index)?.as_deref()
}

/// The JSON text of the catalog region a stored object of `collection` names by slug.
pub(crate) fn shown_region_text(collection: &str, object: &Value) -> Option<&'static RawValue> {
    if !REGION_BY_SLUG.contains(&collection) {
        return None;
    }
    region_text(object.get("region")?.as_str()?)
}

/// The object as answered: [`compact_region`] undone.
pub(crate) fn expand_region(collection: &str, object: &mut Value) {
    if let Some(whole) = shown_region(collection, object) {
        object["region"] = whole.clone();
    }
}

/// What must be unique within a collection, as the API refuses duplicates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unique {
    /// A volume's name within its region (`region` stored as a slug or as an object with one).
    VolumeInRegion,
    /// An SSH key's `fingerprint`.
    Fingerprint,
    /// A domain's `name`, ignoring ASCII case.
    DomainName,
    /// A `name` as it is (a certificate's).
    Name,
}

impl Unique {
    /// The key `item` holds under this rule; `None` if it holds none (it then clashes with nothing).
    fn key(self, item: &Value) -> Option<String> {
        match self {
            Self::VolumeInRegion => {
                let name = item.get("name")?.as_str()?;
                let region = match item.get("region")? {
                    Value::String(slug) => slug.as_str(),
                    Value::Object(region) => region.get("slug")?.as_str()?,
                    _ => return None,
                };
                Some(Self::volume(name, region))
            }
            Self::Fingerprint => item.get("fingerprint")?.as_str().map(str::to_owned),
            Self::DomainName => item.get("name")?.as_str().map(Self::domain),
            Self::Name => item.get("name")?.as_str().map(str::to_owned),
        }
    }

    /// The key of a volume `name` in `region` (length-prefixed, so no two pairs share one).
    pub fn volume(name: &str, region: &str) -> String {
        format!("{}:{name}{region}", name.len())
    }

    /// The key of a domain `name`.
    pub fn domain(name: &str) -> String {
        name.to_ascii_lowercase()
    }
}

/// How many items of a collection hold each key of one [`Unique`] rule.
#[derive(Debug, Clone)]
struct UniqueIndex {
    rule: Unique,
    counts: HashMap<String, usize>,
    /// Items lent out to change (`Items::get_mut`): their keys are out of `counts` until
    /// the next look-up reads them again.
    lent: HashSet<String>,
}

impl UniqueIndex {
    fn build(rule: Unique, by_id: &HashMap<String, Value>) -> Self {
        let mut index = Self {
            rule,
            counts: HashMap::with_capacity(by_id.len()),
            lent: HashSet::new(),
        };
        for value in by_id.values() {
            index.add(value);
        }
        index
    }

    fn add(&mut self, value: &Value) {
        if let Some(key) = self.rule.key(value) {
            *self.counts.entry(key).or_insert(0) += 1;
        }
    }

    fn take(&mut self, value: &Value) {
        if let Some(key) = self.rule.key(value)
            && let Some(count) = self.counts.get_mut(&key)
        {
            *count -= 1;
            if *count == 0 {
                self.counts.remove(&key);
            }
        }
    }

    /// `id` is about to change where the index cannot see it: its key leaves until the next look-up.
    fn lend(&mut self, id: &str, value: &Value) {
        if !self.lent.contains(id) {
            self.take(value);
            self.lent.insert(id.to_owned());
        }
    }

    /// `id`'s stored value goes away (removed, or replaced by `put`).
    fn forget(&mut self, id: &str, value: &Value) {
        if !self.lent.remove(id) {
            self.take(value);
        }
    }
}

/// One collection's items, oldest first.
#[derive(Debug, Default, Clone)]
pub(crate) struct Items {
    order: Vec<String>,
    by_id: HashMap<String, Value>,
    /// The uniqueness index, built by the first [`Items::holds`] and from then on kept by
    /// every change below (the only ways to reach a stored value mutably).
    unique: RefCell<Option<UniqueIndex>>,
}

impl Items {
    pub fn get(&self, id: &str) -> Option<&Value> {
        self.by_id.get(id)
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut Value> {
        let value = self.by_id.get_mut(id)?;
        if let Some(index) = self.unique.get_mut() {
            index.lend(id, value);
        }
        Some(value)
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether an item holds `key` under `rule` (keys made by [`Unique::volume`],
    /// [`Unique::domain`], or a fingerprint as it is).
    pub fn holds(&self, rule: Unique, key: &str) -> bool {
        let mut slot = self.unique.borrow_mut();
        let index = match &mut *slot {
            Some(index) if index.rule == rule => index,
            other => other.insert(UniqueIndex::build(rule, &self.by_id)),
        };
        for id in std::mem::take(&mut index.lent) {
            if let Some(value) = self.by_id.get(&id) {
                index.add(value);
            }
        }
        index.counts.contains_key(key)
    }

    /// Every item, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&str, &Value)> {
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
        if let Some(index) = self.unique.get_mut() {
            if let Some(old) = self.by_id.get(&id) {
                index.forget(&id, old);
            }
            index.add(&value);
        }
        if self.by_id.insert(id.clone(), value).is_none() {
            self.order.push(id);
            true
        } else {
            false
        }
    }

    fn remove(&mut self, id: &str) -> Option<Value> {
        let value = self.by_id.remove(id)?;
        if let Some(index) = self.unique.get_mut() {
            index.forget(id, &value);
        }
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
    /// Members that read empty until the last status: what the API assigns only once
    /// the resource is up (a load balancer's address).
    pub unset: &'static [&'static str],
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

    /// Blanks the members that are not assigned before the last status.
    pub fn unset_pending(&self, object: &mut Value) {
        for pointer in self.unset {
            if let Some(slot) = object.pointer_mut(pointer) {
                *slot = Value::String(String::new());
            }
        }
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
        expand_region(collection, &mut copy);
        if let Some(t) = self.transitions.get(&format!("{collection}/{key}"))
            && !t.apply(&mut copy, jiff::Timestamp::now())
        {
            t.unset_pending(&mut copy);
        }
        copy
    }

    /// Stores `value` under `id`, within the account's bounds.
    pub fn put(
        &mut self,
        collection: &str,
        id: String,
        mut value: Value,
    ) -> Result<(), &'static str> {
        compact_region(collection, &mut value);
        // Looked up before it is made, so a put into an existing collection allocates no key.
        if !self.collections.contains_key(collection) {
            self.collections
                .insert(collection.to_owned(), Items::default());
        }
        let Some(items) = self.collections.get_mut(collection) else {
            return Err("this collection cannot be made");
        };
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
    // Nearly every value passes: a walk that builds no path first (it runs on every
    // stored object at start-up and on every request body).
    if !has_oversized(value) {
        return None;
    }
    oversized_at(value, path)
}

fn has_oversized(value: &Value) -> bool {
    match value {
        Value::String(s) => s.len() > MAX_STRING,
        Value::Array(items) => items.iter().any(has_oversized),
        Value::Object(map) => map.values().any(has_oversized),
        _ => false,
    }
}

fn oversized_at(value: &Value, path: &mut Vec<String>) -> Option<String> {
    match value {
        Value::String(s) if s.len() > MAX_STRING => Some(path.join(".")),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, v)| {
            path.push(i.to_string());
            let found = oversized_at(v, path);
            path.pop();
            found
        }),
        Value::Object(map) => map.iter().find_map(|(k, v)| {
            path.push(k.clone());
            let found = oversized_at(v, path);
            path.pop();
            found
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use jiff::{SignedDuration, Timestamp};
    use proptest::prelude::*;
    use serde_json::{Value, json};

    use super::{AccountData, Transition, Unique};

    /// Each collection of the test and the rule it is checked under.
    const RULED: [(&str, Unique); 4] = [
        ("/v2/volumes", Unique::VolumeInRegion),
        ("/v2/account/keys", Unique::Fingerprint),
        ("/v2/domains", Unique::DomainName),
        ("/v2/certificates", Unique::Name),
    ];
    const NAMES: [&str; 4] = ["a", "A", "b", "a.example.com"];
    const REGIONS: [&str; 2] = ["nyc1", "sfo2"];

    #[derive(Debug, Clone)]
    enum Op {
        /// Stores (or replaces) item `id` of collection `c`.
        Put {
            c: usize,
            id: u8,
            item: Value,
        },
        /// Changes one member of a stored item in place, as behaviours do.
        Change {
            c: usize,
            id: u8,
            member: &'static str,
            to: Value,
        },
        Remove {
            c: usize,
            id: u8,
        },
        Clear {
            c: usize,
        },
        /// Export, then build from the record (state import and `--state` load).
        Import,
        /// An account reset.
        Reset,
        /// Every look-up, compared with a scan.
        Check,
    }

    fn any_member() -> impl Strategy<Value = Value> {
        prop_oneof![
            (0..NAMES.len()).prop_map(|i| json!(NAMES[i])),
            (0..REGIONS.len()).prop_map(|i| json!({"slug": REGIONS[i], "name": "x"})),
            Just(Value::Null),
            Just(json!(7)),
        ]
    }

    fn any_item() -> impl Strategy<Value = Value> {
        (
            0..NAMES.len(),
            0..REGIONS.len(),
            any::<bool>(),
            0..3usize,
            any::<bool>(),
        )
            .prop_map(|(n, r, slug, f, named)| {
                let region = if slug {
                    json!({"slug": REGIONS[r]})
                } else {
                    json!(REGIONS[r])
                };
                let mut item = json!({"region": region, "fingerprint": format!("f{f}")});
                if named {
                    item["name"] = json!(NAMES[n]);
                }
                item
            })
    }

    fn any_op() -> impl Strategy<Value = Op> {
        let c = 0..RULED.len();
        prop_oneof![
            4 => (c.clone(), 0..6u8, any_item()).prop_map(|(c, id, item)| Op::Put { c, id, item }),
            3 => (
                c.clone(),
                0..6u8,
                prop_oneof![Just("name"), Just("region"), Just("fingerprint")],
                any_member()
            )
                .prop_map(|(c, id, member, to)| Op::Change { c, id, member, to }),
            2 => (c.clone(), 0..6u8).prop_map(|(c, id)| Op::Remove { c, id }),
            1 => c.prop_map(|c| Op::Clear { c }),
            1 => Just(Op::Import),
            1 => Just(Op::Reset),
            3 => Just(Op::Check),
        ]
    }

    /// What the uniqueness checks scanned for before the index: the answer to compare.
    fn scan(data: &AccountData, c: usize, probe: &(&str, &str)) -> bool {
        let (name, region) = *probe;
        data.items(RULED[c].0).is_some_and(|items| {
            items.iter().any(|(_, v)| match RULED[c].1 {
                Unique::VolumeInRegion => {
                    v["name"] == name && (v["region"]["slug"] == region || v["region"] == region)
                }
                Unique::Fingerprint => v["fingerprint"] == name,
                Unique::DomainName => v["name"]
                    .as_str()
                    .is_some_and(|n| n.eq_ignore_ascii_case(name)),
                Unique::Name => v["name"] == name,
            })
        })
    }

    fn looked_up(data: &AccountData, c: usize, probe: &(&str, &str)) -> bool {
        let (name, region) = *probe;
        let (path, rule) = RULED[c];
        let key = match rule {
            Unique::VolumeInRegion => Unique::volume(name, region),
            Unique::Fingerprint => name.to_owned(),
            Unique::DomainName => Unique::domain(name),
            Unique::Name => name.to_owned(),
        };
        data.items(path)
            .is_some_and(|items| items.holds(rule, &key))
    }

    fn check_all(data: &AccountData) -> Result<(), TestCaseError> {
        let mut probes: Vec<(&str, &str)> = Vec::new();
        for name in NAMES.iter().chain(&["f0", "f1", "f2"]) {
            for region in REGIONS {
                probes.push((name, region));
            }
        }
        for (c, (path, _)) in RULED.iter().enumerate() {
            for probe in &probes {
                prop_assert_eq!(
                    looked_up(data, c, probe),
                    scan(data, c, probe),
                    "{} {:?}",
                    path,
                    probe
                );
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// After any mix of creates, in-place changes (renames), deletes, clears, imports and
        /// resets, every uniqueness look-up answers what a scan of the items answers.
        #[test]
        fn the_uniqueness_index_agrees_with_a_scan(ops in proptest::collection::vec(any_op(), 1..60)) {
            let mut data = AccountData::default();
            for op in ops {
                match op {
                    Op::Put { c, id, item } => {
                        data.put(RULED[c].0, id.to_string(), item).expect("within bounds");
                    }
                    Op::Change { c, id, member, to } => {
                        if let Some(item) = data.settled_mut(RULED[c].0, &id.to_string()) {
                            item[member] = to;
                        }
                    }
                    Op::Remove { c, id } => {
                        data.remove(RULED[c].0, &id.to_string());
                    }
                    Op::Clear { c } => data.clear(RULED[c].0),
                    Op::Import => data = data.export(false).build().expect("its own export builds"),
                    Op::Reset => data = AccountData::default(),
                    Op::Check => check_all(&data)?,
                }
            }
            check_all(&data)?;
        }
    }

    #[test]
    fn a_transition_walks_its_steps_evenly_then_finishes() {
        let from = Timestamp::UNIX_EPOCH;
        let at = from + SignedDuration::from_secs(40);
        let t = Transition {
            pointer: "/status",
            steps: &["b", "c", "d"],
            done: "e",
            unset: &[],
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
            unset: &["/ip"],
            from,
            at: from + SignedDuration::from_secs(10),
        };
        let mut object = json!({"status": "creating", "ip": "192.0.2.1"});
        let mut shown = object.clone();
        t.unset_pending(&mut shown);
        assert_eq!(
            shown["ip"], "",
            "an address reads empty until the resource is up"
        );
        assert!(!t.apply(&mut object, from + SignedDuration::from_secs(9)));
        assert_eq!(object["status"], "creating");
        assert_eq!(object["ip"], "192.0.2.1", "the stored address is kept");
        assert!(t.apply(&mut object, from + SignedDuration::from_secs(10)));
        assert_eq!(object["status"], "online");
    }
}
