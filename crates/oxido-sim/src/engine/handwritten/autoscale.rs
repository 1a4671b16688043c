//! Droplet autoscale pools own member Droplets, made from the pool's `droplet_template`
//! (its region, size, image and tags, so `GET /v2/droplets?tag_name=` finds them) in the
//! number its `config` asks for: `target_number_instances` for a fixed pool, else
//! `min_instances`. A pool is brought to that size when it is made and whenever it is
//! read, so an update of its config shows at the next read; the dangerous delete takes
//! its Droplets with it.

use axum::response::Response;
use http::StatusCode;
use jiff::Timestamp;
use serde_json::{Map, Value, json};

use super::behave::{find, remove, value};
use crate::engine::call::Call;
use crate::engine::shape::empty;
use crate::state::model::DropletStatus;
use crate::wire::error::ApiError;

const POOLS: &str = "/v2/droplets/autoscale";

/// Where a pool's member ids are kept (an engine collection of `{droplet_id}` records).
fn members_path(pool_key: &str) -> String {
    format!("{POOLS}/{pool_key}/members")
}

/// How many Droplets the pool's config asks for.
fn desired(pool: &Value) -> usize {
    let config = &pool["config"];
    let target = config["target_number_instances"].as_u64().unwrap_or(0);
    let count = if target > 0 {
        target
    } else {
        config["min_instances"].as_u64().unwrap_or(0)
    };
    usize::try_from(count.min(1000)).unwrap_or(0)
}

/// The pool's members that still exist, oldest first.
fn members(call: &Call<'_>, pool_key: &str) -> Vec<crate::state::model::Droplet> {
    let path = members_path(pool_key);
    let ids: Vec<u64> = call
        .docs()
        .items(&path)
        .into_iter()
        .flat_map(|items| items.iter())
        .filter_map(|(_, m)| m["droplet_id"].as_u64())
        .collect();
    let now = Timestamp::now();
    ids.into_iter()
        .filter_map(|id| call.store().droplet(call.who.account, id, now))
        .collect()
}

/// The create body of one member Droplet, from the pool's template.
fn member_body(pool: &Value) -> Map<String, Value> {
    let template = &pool["droplet_template"];
    let name = pool["name"].as_str().unwrap_or("pool");
    let mut body = Map::new();
    body.insert(
        "name".into(),
        Value::String(format!("{name}-{}", &crate::engine::generate::uuid()[..6])),
    );
    for member in ["region", "size", "image", "tags", "ipv6", "vpc_uuid"] {
        match template.get(member) {
            Some(Value::String(s)) if s.is_empty() => {}
            Some(Value::Null) | None => {}
            Some(v) => {
                body.insert(member.into(), v.clone());
            }
        }
    }
    body
}

/// Brings the pool stored under `pool_key` to the size its config asks for, and returns
/// its members. A template the Droplet create refuses leaves the pool short (its
/// `active_resources_count` says so) rather than failing the read.
fn reconcile(call: &Call<'_>, pool_key: &str, pool: &Value) -> Vec<crate::state::model::Droplet> {
    let path = members_path(pool_key);
    let mut current = members(call, pool_key);
    // Forget members deleted by other means.
    {
        let live: Vec<String> = current.iter().map(|d| d.id.to_string()).collect();
        let mut docs = call.docs_mut();
        let stale: Vec<String> = docs
            .items(&path)
            .into_iter()
            .flat_map(|items| items.iter())
            .map(|(k, _)| k.to_owned())
            .filter(|k| !live.contains(k))
            .collect();
        for key in stale {
            docs.remove(&path, &key);
        }
    }
    let want = desired(pool);
    while current.len() < want {
        let Ok(spec) = crate::wire::droplet_request::parse(&member_body(pool)) else {
            break;
        };
        let Ok((droplet, _)) = super::droplets::create_one(call, spec) else {
            break;
        };
        let record =
            json!({"droplet_id": droplet.id, "created_at": crate::engine::generate::now()});
        if call
            .docs_mut()
            .put(&path, droplet.id.to_string(), record)
            .is_err()
        {
            break;
        }
        current.push(droplet);
    }
    while current.len() > want {
        let Some(extra) = current.pop() else { break };
        if call.store().delete_droplet(call.who.account, extra.id) {
            super::reserved_ips::droplet_deleted(call, extra.id);
        }
        call.docs_mut().remove(&path, &extra.id.to_string());
    }
    current
}

fn pool_key(object: &Value) -> Option<String> {
    object.get("id").and_then(Value::as_str).map(str::to_owned)
}

/// A new pool gets its Droplets.
pub(super) fn created(call: &Call<'_>, object: &mut Value) {
    // The config is one of two shapes (static or dynamic): the body's, whole, never
    // merged into the schema's first shape.
    if let Some(config) = call.body.as_ref().and_then(|b| b.get("config")) {
        object["config"] = config.clone();
    }
    if let Some(key) = pool_key(object) {
        let count = reconcile(call, &key, object).len();
        object["active_resources_count"] = Value::from(count);
    }
}

/// Pools read with their Droplets brought to the config's size and counted.
pub(super) fn decorate(call: &Call<'_>, objects: &mut [Value]) {
    for object in objects {
        if let Some(key) = pool_key(object) {
            let count = reconcile(call, &key, object).len();
            object["active_resources_count"] = Value::from(count);
        }
    }
}

fn member_status(status: DropletStatus) -> &'static str {
    match status {
        DropletStatus::New => "provisioning",
        DropletStatus::Active => "active",
        DropletStatus::Off => "off",
    }
}

/// GET /v2/droplets/autoscale/{id}/members: the pool's Droplets.
pub(super) fn list_members(call: &Call<'_>) -> Result<Response, ApiError> {
    let (key, pool) = find(call, POOLS, &value(call, 0)).ok_or_else(ApiError::not_found)?;
    let listed: Vec<Value> = reconcile(call, &key, &pool)
        .into_iter()
        .map(|d| {
            let created = Timestamp::from_second(d.created_at.as_second())
                .unwrap_or(d.created_at)
                .to_string();
            json!({
                "droplet_id": d.id,
                "created_at": created,
                "updated_at": created,
                "health_status": "healthy",
                "status": member_status(d.status),
                "current_utilization": pool["current_utilization"].clone(),
            })
        })
        .collect();
    super::object::page(call, listed)
}

/// GET /v2/droplets/autoscale/{id}/history: the scaling the pool has done, the first to
/// its configured size when it was made.
pub(super) fn list_history(call: &Call<'_>) -> Result<Response, ApiError> {
    let (key, pool) = find(call, POOLS, &value(call, 0)).ok_or_else(ApiError::not_found)?;
    let count = reconcile(call, &key, &pool).len();
    let at = pool["created_at"].clone();
    let event = json!({
        // The one event is the pool's making, so it carries the pool's own id.
        "history_event_id": key,
        "current_instance_count": count,
        "desired_instance_count": desired(&pool),
        "reason": "CONFIGURATION_CHANGE",
        "status": "success",
        "created_at": at,
        "updated_at": pool["updated_at"].clone(),
    });
    super::object::page(call, vec![event])
}

/// DELETE /v2/droplets/autoscale/{id}/dangerous: the pool and its Droplets.
pub(super) fn delete_dangerous(call: &Call<'_>) -> Result<Response, ApiError> {
    let (key, _) = find(call, POOLS, &value(call, 0)).ok_or_else(ApiError::not_found)?;
    for droplet in members(call, &key) {
        if call.store().delete_droplet(call.who.account, droplet.id) {
            super::reserved_ips::droplet_deleted(call, droplet.id);
        }
    }
    remove(call, POOLS, &key).ok_or_else(ApiError::not_found)?;
    Ok(empty(StatusCode::ACCEPTED))
}
