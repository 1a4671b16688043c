//! A request as the behaviours see it: routed, authorized and validated, with the
//! caller's world held for the rest of the request (one transaction), and the helpers
//! every behaviour shares to read it and answer.

use std::cell::{Ref, RefMut};
use std::sync::Arc;

use axum::response::Response;
use serde_json::{Map, Value};

use super::catalog::{template, wrapper};
use super::router::Template;
use super::shape::{answer_value, conforms, one_whole_page, substitute};
use super::spec::OpId;
use super::store::AccountData;
use crate::app::App;
use crate::auth::{PRIMARY_ACCOUNT, Principal};
use crate::seed::Seed;
use crate::wire::error::ApiError;
use crate::world::Tx;

/// Per-request facts the pipeline hands the engine (a request extension).
#[derive(Clone, Debug)]
pub(crate) struct RequestCtx {
    /// `http(s)://host[:port]` as the client addressed us, for absolute links.
    pub origin: Arc<str>,
}

/// A request as the engine sees it.
pub(crate) struct Call<'a> {
    pub app: &'a App,
    pub who: Principal,
    pub origin: Arc<str>,
    pub op: OpId,
    pub template: &'static Template,
    /// Index of `template` in the route table.
    pub template_index: usize,
    pub values: Vec<String>,
    pub query: Vec<(String, String)>,
    pub raw_query: Option<String>,
    pub path: String,
    pub body: Option<Value>,
    /// The caller's world, locked for the rest of the request.
    pub tx: Tx<'a>,
}

impl Call<'_> {
    /// The caller's Droplets, actions and Droplet images.
    pub fn store(&self) -> crate::state::store::Store<'_> {
        self.tx.store()
    }

    /// The caller's engine documents, to read.
    pub fn docs(&self) -> Ref<'_, AccountData> {
        self.tx.docs()
    }

    /// The caller's engine documents, to change.
    pub fn docs_mut(&self) -> RefMut<'_, AccountData> {
        self.tx.docs_mut()
    }
}

/// Whether the caller's account is the demo one, whose documents are seeded lazily.
pub(crate) fn seeds_demo(app: &App, who: &Principal) -> bool {
    app.seed == Seed::Demo && who.account == PRIMARY_ACCOUNT
}

/// Makes sure the demo objects of every collection in `paths` exist.
pub(crate) fn ensure_seeded(call: &Call<'_>, paths: &[&str]) {
    if !seeds_demo(call.app, &call.who) {
        return;
    }
    if paths.iter().all(|p| call.docs().seeded.contains(*p)) {
        return;
    }
    let mut data = call.docs_mut();
    for path in paths {
        super::demo::seed_collection(&mut data, path);
    }
}

/// The documented answer, with the path's ids put where the answer names them.
pub(crate) fn static_answer(call: &Call<'_>) -> Result<Response, ApiError> {
    let mut answer = template(call.op).clone();
    if answer.is_null() {
        return super::shape::answer(call.op, None);
    }
    let names: Vec<&str> = call.template.params.iter().flatten().copied().collect();
    let mut targets: Vec<&mut Map<String, Value>> = Vec::new();
    if let Some(key) = wrapper(&answer).map(str::to_owned) {
        if let Some(Value::Object(inner)) = answer.get_mut(&key) {
            substitute(inner, &names, &call.values);
        }
    }
    if let Some(obj) = answer.as_object_mut() {
        targets.push(obj);
    }
    for obj in targets {
        substitute(obj, &names, &call.values);
    }
    one_whole_page(&mut answer);
    if !conforms(call.op, &answer) {
        answer = template(call.op).clone();
    }
    answer_value(call.op, answer)
}
