//! The parity report: how the emulator serves each operation of the description.
//!
//! - `stateful`: a hand-written behaviour (`engine::handwritten::dispatch` and its
//!   membership and setter tables), or engine
//!   CRUD on a collection whose objects a hand-written hook shapes;
//! - `generic`: the engine's CRUD over its store (create, list, read, update, delete);
//! - `computed`: answered from the request alone, changing no state (inference, an
//!   app spec proposal, daily app bandwidth, a Dropbox token exchange);
//! - `retired`: the API has retired the endpoint; it answers its documented refusal
//!   (410) and changes nothing, as the API does;
//! - `example-only`: answered from the documented example alone.
//!
//! The hand-written behaviours are read from the dispatch sources themselves (every
//! `OpId::` variant named there), so the report cannot drift from what is dispatched.

use std::collections::HashSet;
use std::sync::LazyLock;

use serde_json::{Value, json};

use crate::engine::catalog::Kind;
use crate::engine::spec::{Method, OPS, OpId};

/// How the emulator serves one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    Stateful,
    Generic,
    Computed,
    Retired,
    ExampleOnly,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Stateful => "stateful",
            Self::Generic => "generic",
            Self::Computed => "computed",
            Self::Retired => "retired",
            Self::ExampleOnly => "example-only",
        }
    }
}

/// Operations served ahead of the router (`engine::serve`): a presigned upload.
const SERVED_AHEAD: &[OpId] = &[OpId::InferenceUploadBatchFile];

/// The sources that decide which operations are hand-written over the engine.
const DISPATCH_SOURCES: &[&str] = &[
    include_str!("engine/handwritten/mod.rs"),
    include_str!("engine/handwritten/members.rs"),
    include_str!("engine/handwritten/setters.rs"),
    include_str!("engine/handwritten/writes.rs"),
    include_str!("engine/handwritten/catalog.rs"),
    // The demo's documents as the behaviours shape them (moved out of `handwritten/mod.rs`).
    include_str!("engine/demo.rs"),
];

/// The sources of the operations answered from the request alone.
const COMPUTED_SOURCES: &[&str] = &[
    include_str!("engine/handwritten/inference.rs"),
    include_str!("engine/handwritten/computed.rs"),
];

/// Every double-quoted string literal in `source`.
fn quoted(source: &str) -> impl Iterator<Item = &str> {
    source
        .split('"')
        .skip(1)
        .step_by(2)
        .filter(|s| !s.is_empty() && !s.contains(char::is_whitespace))
}

/// Every `OpId::Variant` named in `source`.
fn variants(source: &str) -> impl Iterator<Item = &str> {
    source.split("OpId::").skip(1).map(|rest| {
        let end = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        &rest[..end]
    })
}

/// Each operation's class, by operation index.
pub(crate) fn classes() -> &'static [Class] {
    static CLASSES: LazyLock<Vec<Class>> = LazyLock::new(|| {
        let literals: HashSet<&str> = DISPATCH_SOURCES.iter().flat_map(|s| quoted(s)).collect();
        let dispatched: HashSet<&str> = DISPATCH_SOURCES.iter().flat_map(|s| variants(s)).collect();
        let computed: HashSet<&str> = COMPUTED_SOURCES.iter().flat_map(|s| variants(s)).collect();
        let catalog = crate::engine::catalog::get();
        OPS.iter()
            .enumerate()
            .map(|(index, op)| {
                let variant = format!("{:?}", op.op);
                if dispatched.contains(variant.as_str()) || SERVED_AHEAD.contains(&op.op) {
                    return Class::Stateful;
                }
                if computed.contains(variant.as_str())
                    || op
                        .op
                        .meta()
                        .path
                        .starts_with(crate::engine::handwritten::metrics::PREFIX)
                {
                    return Class::Computed;
                }
                if !(200..300).contains(&op.status) {
                    // No success is documented: the endpoint is retired, and the engine
                    // answers its documented refusal before any CRUD (`engine::answer`).
                    return Class::Retired;
                }
                let collection = match catalog.kinds[index] {
                    Kind::List(c)
                    | Kind::Create(c)
                    | Kind::Read(c)
                    | Kind::Update(c)
                    | Kind::Delete(c) => c,
                    Kind::Static => return Class::ExampleOnly,
                };
                if literals.contains(catalog.collections[collection].path) {
                    Class::Stateful
                } else {
                    Class::Generic
                }
            })
            .collect()
    });
    &CLASSES
}

fn changes_state(method: Method) -> bool {
    method != Method::Get
}

/// `GET /_sim/operations`: every operation with its class, and the counts.
pub(crate) fn report() -> Value {
    let classes = classes();
    let operations: Vec<Value> = OPS
        .iter()
        .zip(classes)
        .map(|(op, class)| {
            json!({
                "operationId": op.id,
                "method": op.method.as_str(),
                "path": op.path,
                "class": class.as_str(),
            })
        })
        .collect();
    let count = |c: Class, writes: bool| {
        OPS.iter()
            .zip(classes)
            .filter(|(op, k)| **k == c && (!writes || changes_state(op.method)))
            .count()
    };
    json!({
        "operations": operations,
        "counts": {
            "total": OPS.len(),
            "stateful": count(Class::Stateful, false),
            "generic": count(Class::Generic, false),
            "computed": count(Class::Computed, false),
            "retired": count(Class::Retired, false),
            "example-only": count(Class::ExampleOnly, false),
            "example-only writes": count(Class::ExampleOnly, true),
        },
    })
}

/// `docs/sim-parity.md`: the counts, then every operation by class.
pub(crate) fn markdown() -> String {
    let report = report();
    let counts = &report["counts"];
    let mut out = String::from(
        "# oxido-sim parity report\n\n\
         Generated from `GET /_sim/operations` by `tests/api/parity.rs`; rewrite it with\n\
         `OXIDO_SIM_WRITE_PARITY=1 cargo test -p oxido-sim --test api parity`.\n\n\
         - **stateful**: a hand-written route or behaviour, or engine CRUD on a collection a\n  \
         hand-written hook shapes;\n\
         - **generic**: the engine's create, list, read, update and delete over its store;\n\
         - **computed**: answered from the request alone; changes no state, so its POSTs\n  \
         are not writes that store anything (inference, app proposals, bandwidth, tokens);\n\
         - **retired**: the API has retired the endpoint; it answers the documented refusal\n  \
         (410 gone) and changes nothing;\n\
         - **example-only**: answered from the documented example alone.\n\n\
         | class | operations | of them writes (POST, PUT, PATCH, DELETE) |\n|---|---:|---:|\n",
    );
    let classes = classes();
    for class in [
        Class::Stateful,
        Class::Generic,
        Class::Computed,
        Class::Retired,
        Class::ExampleOnly,
    ] {
        let writes = OPS
            .iter()
            .zip(classes)
            .filter(|(op, k)| **k == class && changes_state(op.method))
            .count();
        out.push_str(&format!(
            "| {} | {} | {writes} |\n",
            class.as_str(),
            counts[class.as_str()]
        ));
    }
    out.push_str(&format!("| total | {} | |\n", counts["total"]));
    for class in [
        Class::ExampleOnly,
        Class::Retired,
        Class::Computed,
        Class::Generic,
        Class::Stateful,
    ] {
        out.push_str(&format!(
            "\n## {}\n\n| operationId | method | path |\n|---|---|---|\n",
            class.as_str()
        ));
        let mut rows: Vec<_> = OPS
            .iter()
            .zip(classes)
            .filter(|(_, k)| **k == class)
            .map(|(op, _)| (op.path, op.method.as_str(), op.id))
            .collect();
        rows.sort_unstable();
        for (path, method, id) in rows {
            out.push_str(&format!("| `{id}` | {method} | `{path}` |\n"));
        }
    }
    out
}
