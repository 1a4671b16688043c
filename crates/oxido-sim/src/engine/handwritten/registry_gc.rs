//! Container registry garbage collections: one runs at a time, moving `requested` →
//! `waiting for write JWTs to expire` → `scanning manifests` → `deleting unreferenced
//! blobs` → `succeeded` over the action duration, unless cancelled. Served for both
//! the `/v2/registry/` and the multi-registry `/v2/registries/` paths.

use axum::response::Response;
use http::StatusCode;
use serde_json::{Value, json};

use super::object::page;
use crate::engine::call::{Call, seeds_demo};
use crate::engine::catalog::template;
use crate::engine::generate;
use crate::engine::lifecycle::{self, GARBAGE_COLLECTION};
use crate::engine::shape::answer;
use crate::engine::store::AccountData;
use crate::wire::error::ApiError;

/// Where a registry's collections are kept (the same for both path families).
fn path(call: &Call<'_>) -> String {
    let registry = call.values.first().map_or("", String::as_str);
    format!("/v2/registry/{registry}/garbage-collections")
}

/// The documented collection, as a template for new ones.
fn documented(call: &Call<'_>) -> Value {
    let answer = template(call.op);
    answer
        .get("garbage_collection")
        .or_else(|| answer.pointer("/garbage_collections/0"))
        .cloned()
        .unwrap_or_else(|| json!({}))
}

/// The demo account starts with the documented collection, long finished (it dates
/// from 2020), so a new one can run at once.
fn seed(call: &Call<'_>, data: &mut AccountData, path: &str) {
    if !seeds_demo(call.app, &call.who) || !data.seeded.insert(path.to_owned()) {
        return;
    }
    let mut object = documented(call);
    let Some(uuid) = object
        .get("uuid")
        .and_then(Value::as_str)
        .map(str::to_owned)
    else {
        return;
    };
    if let Some(slot) = object.pointer_mut(GARBAGE_COLLECTION.pointer) {
        *slot = Value::String(GARBAGE_COLLECTION.done.to_owned());
    }
    let _ = data.put(path, uuid, object);
}

/// Whether the collection stored under `key` is still running.
fn running(data: &AccountData, path: &str, key: &str) -> bool {
    data.transitions.contains_key(&format!("{path}/{key}"))
        && data
            .items(path)
            .and_then(|items| items.get(key))
            .is_some_and(|v| {
                let now = data.rendered(path, key, v);
                !matches!(
                    now.get("status").and_then(Value::as_str),
                    Some("succeeded" | "failed" | "cancelled")
                )
            })
}

/// POST /v2/registry/{registry_name}/garbage-collection
pub(super) fn run(call: &Call<'_>) -> Result<Response, ApiError> {
    let path = path(call);
    let registry = call.values.first().cloned().unwrap_or_default();
    let mut object = documented(call);
    let uuid = generate::uuid();
    let now = generate::now();
    if let Some(map) = object.as_object_mut() {
        map.insert("uuid".into(), Value::String(uuid.clone()));
        map.insert("registry_name".into(), Value::String(registry));
        map.insert("created_at".into(), Value::String(now.clone()));
        map.insert("updated_at".into(), Value::String(now));
        map.insert("blobs_deleted".into(), Value::from(0));
        map.insert("freed_bytes".into(), Value::from(0));
    }
    lifecycle::start(&mut object, &GARBAGE_COLLECTION);
    let mut docs = call.docs_mut();
    let data = &mut *docs;
    seed(call, data, &path);
    let busy = data
        .items(&path)
        .map(|items| items.iter().map(|(k, _)| k.to_owned()).collect::<Vec<_>>())
        .unwrap_or_default()
        .iter()
        .any(|key| running(data, &path, key));
    if busy {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            "A garbage collection is already running for this registry.",
        ));
    }
    data.put(&path, uuid.clone(), object.clone())
        .map_err(|why| ApiError::unprocessable(format!("garbage_collection: {why}")))?;
    data.transitions.insert(
        format!("{path}/{uuid}"),
        lifecycle::transition(&GARBAGE_COLLECTION, call.app.action_duration()),
    );
    drop(docs);
    answer(call.op, Some(json!({ "garbage_collection": object })))
}

/// Every collection of the registry as it reads now, newest first.
fn all(call: &Call<'_>) -> Vec<Value> {
    let path = path(call);
    let mut docs = call.docs_mut();
    let data = &mut *docs;
    seed(call, data, &path);
    let mut all: Vec<Value> = data
        .items(&path)
        .map(|items| {
            items
                .iter()
                .map(|(key, v)| data.rendered(&path, key, v))
                .collect()
        })
        .unwrap_or_default();
    all.reverse();
    all
}

/// GET /v2/registry/{registry_name}/garbage-collection: the running collection, or
/// the latest one if none runs; 404 if the registry never had one.
pub(super) fn active(call: &Call<'_>) -> Result<Response, ApiError> {
    let all = all(call);
    let pick = all
        .iter()
        .find(|gc| {
            !matches!(
                gc.get("status").and_then(Value::as_str),
                Some("succeeded" | "failed" | "cancelled")
            )
        })
        .or_else(|| all.first())
        .cloned()
        .ok_or_else(ApiError::not_found)?;
    answer(call.op, Some(json!({ "garbage_collection": pick })))
}

/// GET /v2/registry/{registry_name}/garbage-collections
pub(super) fn list(call: &Call<'_>) -> Result<Response, ApiError> {
    page(call, all(call))
}

/// PUT /v2/registry/{registry_name}/garbage-collection/{uuid}: `{"cancel": true}` stops a
/// running collection; a finished one stays as it ended.
pub(super) fn update(call: &Call<'_>) -> Result<Response, ApiError> {
    let path = path(call);
    let uuid = call.values.get(1).cloned().unwrap_or_default();
    let cancel = call
        .body
        .as_ref()
        .and_then(|b| b.get("cancel"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let mut docs = call.docs_mut();
    let data = &mut *docs;
    seed(call, data, &path);
    let is_running = running(data, &path, &uuid);
    let object = data
        .settled_mut(&path, &uuid)
        .ok_or_else(ApiError::not_found)?;
    if cancel && is_running {
        object["status"] = Value::String("cancelled".into());
        object["updated_at"] = Value::String(generate::now());
    }
    let object = object.clone();
    if cancel && is_running {
        data.transitions.remove(&format!("{path}/{uuid}"));
    }
    drop(docs);
    answer(call.op, Some(json!({ "garbage_collection": object })))
}
