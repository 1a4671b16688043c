//! What the engine infers from the path templates: collections, what each operation
//! does to them, and which documented ids the demo seed must hold.

use std::collections::HashMap;

use serde_json::Value;

use super::generate::conforming;
use super::router::Routes;
use super::router::Template as PathTemplate;
use std::sync::{Arc, LazyLock};

use super::spec::{Method, OPS, OpId, Operation, operation};

/// What an operation does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    List(usize),
    Create(usize),
    Read(usize),
    Update(usize),
    Delete(usize),
    /// Anything not CRUD-shaped: answers its documented example.
    Static,
}

/// A collection: a template path whose `{param}` child addresses one item.
#[derive(Debug)]
pub(crate) struct Collection {
    pub path: &'static str,
    pub param: &'static str,
    pub read: Option<OpId>,
    pub list: Option<OpId>,
    pub create: Option<OpId>,
}

/// Where the collections of a template's items sit: (collection, index of the id among
/// the template's parameter values, number of literal segments before the id).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ItemRef {
    pub collection: usize,
    pub value: usize,
    pub depth: usize,
}

/// The engine's view of the description.
#[derive(Debug)]
pub(crate) struct Catalog {
    pub routes: Routes,
    /// Per operation, by [`OpId::index`].
    pub kinds: Vec<Kind>,
    pub collections: Vec<Collection>,
    /// Per template: every item it addresses, outermost first.
    pub items: Vec<Vec<ItemRef>>,
    /// Concrete collection path → its collection and the documented ids the demo seed holds there.
    pub seed: HashMap<String, (usize, Vec<String>)>,
}

fn parent(path: &str) -> Option<(&str, &str)> {
    let (head, last) = path.rsplit_once('/')?;
    let name = last.strip_prefix('{')?.strip_suffix('}')?;
    Some((head, name))
}

impl Catalog {
    pub fn build() -> Self {
        let routes = Routes::build();
        let mut collections: Vec<Collection> = Vec::new();
        let mut by_path: HashMap<&'static str, usize> = HashMap::new();
        for template in &routes.templates {
            if let Some((head, name)) = parent(template.path)
                && !head.is_empty()
            {
                let index = *by_path.entry(head).or_insert_with(|| {
                    collections.push(Collection {
                        path: head,
                        param: name,
                        read: None,
                        list: None,
                        create: None,
                    });
                    collections.len() - 1
                });
                if let Some(read) = template.op(Method::Get) {
                    collections[index].read = Some(read);
                }
            }
        }
        let mut kinds = vec![Kind::Static; OPS.len()];
        for op in OPS {
            let index = op.op.index();
            if let Some(&c) = by_path.get(op.path) {
                match op.method {
                    Method::Get => {
                        collections[c].list = Some(op.op);
                        kinds[index] = Kind::List(c);
                    }
                    Method::Post => {
                        collections[c].create = Some(op.op);
                        kinds[index] = Kind::Create(c);
                    }
                    _ => {}
                }
            } else if let Some((head, _)) = parent(op.path)
                && let Some(&c) = by_path.get(head)
            {
                kinds[index] = match op.method {
                    Method::Get => Kind::Read(c),
                    Method::Put | Method::Patch => Kind::Update(c),
                    Method::Delete => Kind::Delete(c),
                    Method::Post => Kind::Static,
                };
            }
        }
        let items: Vec<Vec<ItemRef>> = routes
            .templates
            .iter()
            .map(|t| item_refs(t, &by_path))
            .collect();
        let mut seed: HashMap<String, (usize, Vec<String>)> = HashMap::new();
        for (t, template) in routes.templates.iter().enumerate() {
            for &(_, op) in &template.ops {
                let examples = op.meta().examples;
                if examples.len() != template.params.iter().flatten().count()
                    || examples.iter().any(|e| e.is_empty())
                {
                    continue;
                }
                let values: Vec<String> = examples.iter().map(|e| (*e).to_owned()).collect();
                for item in &items[t] {
                    let key = concrete(template, &values, item.depth);
                    let (_, ids) = seed.entry(key).or_insert((item.collection, Vec::new()));
                    let id = &values[item.value];
                    if !ids.contains(id) {
                        ids.push(id.clone());
                    }
                }
            }
        }
        Self {
            routes,
            kinds,
            collections,
            items,
            seed,
        }
    }
}

fn item_refs(template: &PathTemplate, by_path: &HashMap<&'static str, usize>) -> Vec<ItemRef> {
    let mut refs = Vec::new();
    let mut value = 0;
    for (i, param) in template.params.iter().enumerate() {
        if param.is_some() {
            let head_len: usize = template.literals[..i].iter().map(|s| s.len() + 1).sum();
            let head = &template.path[..head_len];
            if let Some(&c) = by_path.get(head) {
                refs.push(ItemRef {
                    collection: c,
                    value,
                    depth: i,
                });
            }
            value += 1;
        }
    }
    refs
}

/// The concrete path of the first `depth` segments, parameters filled in.
pub(crate) fn concrete(template: &PathTemplate, values: &[String], depth: usize) -> String {
    let mut out = String::new();
    let mut v = 0;
    for (seg, param) in template.literals.iter().zip(&template.params).take(depth) {
        out.push('/');
        if param.is_some() {
            out.push_str(values.get(v).map_or("", String::as_str));
            v += 1;
        } else {
            out.push_str(seg);
        }
    }
    out
}

/// An operation's answer template, borrowed from the operation cache.
pub(crate) struct Template(Arc<Operation>);

impl std::ops::Deref for Template {
    type Target = Value;

    fn deref(&self) -> &Value {
        self.0.template.get().unwrap_or(&Value::Null)
    }
}

/// The documented-or-generated answer of an operation, made once per parse.
/// Takes the literal quotes off every string the examples wrap in them (the GenAI
/// examples quote ids such as 12345678-… and values such as cheapest inside the JSON
/// string): the demo and the documented answers hold the value itself, as the API would. (No double quote
/// character in this comment: `parity.rs` reads this file's string literals.)
pub(crate) fn unquote(value: &mut Value) {
    const QUOTE: char = '\u{22}';
    match value {
        Value::String(s) => {
            if let Some(inner) = s
                .strip_prefix(QUOTE)
                .and_then(|s| s.strip_suffix(QUOTE))
                .filter(|inner| !inner.contains(QUOTE))
            {
                *s = inner.to_owned();
            }
        }
        Value::Array(items) => items.iter_mut().for_each(unquote),
        Value::Object(map) => map.values_mut().for_each(unquote),
        _ => {}
    }
}

pub(crate) fn template(op: OpId) -> Template {
    let operation = operation(op);
    operation
        .template
        .get_or_init(|| match &operation.response {
            Some(doc) if operation.meta.response_media.contains("json") => {
                let mut answer =
                    conforming(&doc.schema, doc.example.as_ref(), doc.validator.as_ref());
                fit_i64(&mut answer);
                unquote(&mut answer);
                answer
            }
            _ => Value::Null,
        });
    Template(operation)
}

/// An operation's answer made from its schema alone (no example), for a new object,
/// borrowed from the operation cache (made once per parse).
pub(crate) struct Fresh(Arc<Operation>);

impl std::ops::Deref for Fresh {
    type Target = Value;

    fn deref(&self) -> &Value {
        self.0.fresh.get().unwrap_or(&Value::Null)
    }
}

/// An operation's answer made from its schema alone (no example), for a new object.
pub(crate) fn fresh(op: OpId) -> Fresh {
    let operation = operation(op);
    operation.fresh.get_or_init(|| match &operation.response {
        Some(doc) if operation.meta.response_media.contains("json") => {
            super::generate::neutral(&doc.schema, doc.validator.as_ref())
        }
        _ => Value::Null,
    });
    Fresh(operation)
}

/// Integers past `i64::MAX` become `i64::MAX`: an example such as Kafka's
/// `flush_messages: 9223372036854776000` (a float's rounding of `i64::MAX`) overflows
/// every client that decodes an `int64` field.
fn fit_i64(value: &mut Value) {
    match value {
        Value::Number(n) if n.as_u64().is_some_and(|u| u > i64::MAX as u64) => {
            *value = Value::from(i64::MAX);
        }
        Value::Array(items) => items.iter_mut().for_each(fit_i64),
        Value::Object(map) => map.values_mut().for_each(fit_i64),
        _ => {}
    }
}

/// The member of an answer that holds the single object (`{"volume": {...}}`), if any.
pub(crate) fn wrapper(answer: &Value) -> Option<&str> {
    let obj = answer.as_object()?;
    let mut objects = obj
        .iter()
        .filter(|(k, v)| v.is_object() && *k != "links" && *k != "meta");
    let (key, _) = objects.next()?;
    if objects.next().is_some() {
        return None;
    }
    Some(key.as_str())
}

/// The member of a list answer that holds the items.
pub(crate) fn list_member(answer: &Value) -> Option<&str> {
    let obj = answer.as_object()?;
    obj.iter()
        .find(|(k, v)| {
            *k != "links"
                && *k != "meta"
                && v.as_array().is_some_and(|a| a.iter().all(Value::is_object))
        })
        .map(|(k, _)| k.as_str())
}

/// An item of `collection` as the description shows one, if it shows one.
pub(crate) fn item_template(catalog: &Catalog, collection: usize) -> Value {
    with_item_template(catalog, collection, Value::clone)
}

/// `f` applied to what [`item_template`] answers, borrowed (no copy of the item).
pub(crate) fn with_item_template<R>(
    catalog: &Catalog,
    collection: usize,
    f: impl FnOnce(&Value) -> R,
) -> R {
    let c = &catalog.collections[collection];
    if let Some(read) = c.read {
        let answer = template(read);
        if let Some(key) = wrapper(&answer) {
            return f(&answer[key]);
        }
        if answer.is_object() {
            return f(&answer);
        }
    }
    if let Some(list) = c.list {
        let answer = template(list);
        if let Some(key) = list_member(&answer)
            && let Some(first) = answer[key].get(0)
        {
            return f(first);
        }
    }
    if let Some(create) = c.create {
        let answer = template(create);
        if let Some(key) = wrapper(&answer) {
            return f(&answer[key]);
        }
    }
    f(&Value::Object(serde_json::Map::new()))
}

pub(crate) fn id_field<'a>(param: &str, item: &'a Value) -> Option<&'a str> {
    let obj = item.as_object()?;
    // `repository_tag` → `tag`, `manifest_digest` → `digest`.
    let suffix = param
        .rsplit_once('_')
        .map(|(_, s)| s)
        .filter(|s| matches!(*s, "tag" | "digest"));
    // A Functions namespace is addressed by its `fn-…` `namespace`, not its bare `uuid`.
    let named = (param == "namespace_id").then_some("namespace");
    let (key, _) = obj
        .get_key_value(param)
        .or_else(|| suffix.and_then(|s| obj.get_key_value(s)))
        .or_else(|| named.and_then(|n| obj.get_key_value(n)))
        .or_else(|| {
            let by_name = param == "name" || param.ends_with("_name") || param == "username";
            let order: &[&str] = if by_name {
                &["name", "id", "uuid", "slug"]
            } else {
                &["id", "uuid", "name", "slug", "fingerprint"]
            };
            order.iter().find_map(|k| obj.get_key_value(*k))
        })?;
    Some(key.as_str())
}

static CATALOG: LazyLock<Catalog> = LazyLock::new(Catalog::build);

/// The route table and collections inferred from the description (built once per process).
pub(crate) fn get() -> &'static Catalog {
    &CATALOG
}
