//! The account's one container registry: created, read and deleted as a whole. Its
//! repositories' tags, manifests and garbage collections live under
//! `/v2/registry/{name}/…`, so deleting the registry takes them with it, and every
//! `/v2/registry/{registry_name}/…` path names the account's registry or is a 404.

use axum::response::Response;
use http::StatusCode;
use serde_json::Value;

use crate::engine::call::{Call, seeds_demo};
use crate::engine::catalog::template;
use crate::engine::generate;
use crate::engine::shape::{answer, empty, merge};
use crate::engine::spec::OpId;
use crate::engine::store::AccountData;
use crate::wire::error::ApiError;

/// Where the registry is kept: a collection of at most one, keyed by its name, so its
/// sub-collections (`/v2/registry/{name}/…`) go when it is removed.
const REGISTRY: &str = "/v2/registry";

/// The demo account starts with the documented registry (once).
fn seed(call: &Call<'_>, data: &mut AccountData) {
    if !seeds_demo(call.app, &call.who) || !data.seeded.insert(REGISTRY.to_owned()) {
        return;
    }
    let documented = template(OpId::RegistryGet);
    if let Some(registry) = documented.get("registry")
        && let Some(name) = registry.get("name").and_then(Value::as_str)
    {
        let _ = data.put(REGISTRY, name.to_owned(), registry.clone());
    }
}

/// The account's registry (name and object), seeded first.
pub(super) fn current(call: &Call<'_>) -> Option<(String, Value)> {
    let mut docs = call.docs_mut();
    let data = &mut *docs;
    seed(call, data);
    data.items(REGISTRY)
        .and_then(|items| items.iter().next().map(|(k, v)| (k.to_owned(), v.clone())))
}

/// 404 unless the path's `{registry_name}` is the account's registry.
pub(super) fn check_name(call: &Call<'_>) -> Result<(), ApiError> {
    let named = call.values.first().map_or("", String::as_str);
    match current(call) {
        Some((name, _)) if name == named => Ok(()),
        _ => Err(ApiError::not_found()),
    }
}

/// GET /v2/registry
pub(super) fn get(call: &Call<'_>) -> Result<Response, ApiError> {
    let (_, registry) = current(call).ok_or_else(ApiError::not_found)?;
    answer(call.op, Some(serde_json::json!({ "registry": registry })))
}

/// POST /v2/registry: an account has one registry, so a second create is refused, as
/// the API answers it (nebari-dev/nebari PR 265): 409 "name already exists" for the
/// name of a registry that exists (the account's own or another's: names are global),
/// 422 "user already has a registry" for any other name.
pub(super) fn create(call: &Call<'_>) -> Result<Response, ApiError> {
    let body = call.body.as_ref().ok_or_else(|| {
        ApiError::bad_request("The request body is empty; a JSON object is required.")
    })?;
    let name = body
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::unprocessable("name: is required"))?
        .to_owned();
    let existing = current(call).map(|(held, _)| held);
    if existing.as_deref() == Some(name.as_str()) || call.tx.registry_elsewhere(&name) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            format!("name: name already exists ({name})"),
        ));
    }
    if let Some(held) = existing {
        return Err(ApiError::unprocessable(format!(
            "name: user already has a registry ({held}); delete it first"
        )));
    }
    let mut registry = template(call.op)
        .get("registry")
        .cloned()
        .unwrap_or_else(|| serde_json::json!({}));
    merge(&mut registry, body);
    let now = generate::now();
    if let Some(map) = registry.as_object_mut() {
        map.insert("name".into(), Value::String(name.clone()));
        map.insert("created_at".into(), Value::String(now.clone()));
        if map.contains_key("storage_usage_bytes") {
            map.insert("storage_usage_bytes".into(), Value::from(0));
        }
        if map.contains_key("storage_usage_bytes_updated_at") {
            map.insert(
                "storage_usage_bytes_updated_at".into(),
                Value::String(now.clone()),
            );
        }
        // The tier is the catalog's (checked before), never the example's.
        if let (Some(tier), Some(Value::Object(subscription))) = (
            body.get("subscription_tier_slug")
                .and_then(Value::as_str)
                .and_then(crate::state::catalog::registry_tier)
                .cloned(),
            map.get_mut("subscription"),
        ) {
            subscription.insert("tier".into(), tier);
            subscription.insert("created_at".into(), Value::String(now.clone()));
            subscription.insert("updated_at".into(), Value::String(now.clone()));
        }
    }
    call.docs_mut()
        .put(REGISTRY, name, registry.clone())
        .map_err(|why| ApiError::unprocessable(format!("name: {why}")))?;
    answer(call.op, Some(serde_json::json!({ "registry": registry })))
}

/// DELETE /v2/registry: the registry goes with its repositories and collections.
pub(super) fn delete(call: &Call<'_>) -> Result<Response, ApiError> {
    let (name, _) = current(call).ok_or_else(ApiError::not_found)?;
    call.docs_mut().remove(REGISTRY, &name);
    Ok(empty(StatusCode::NO_CONTENT))
}

/// GET /v2/registry/{registry_name}/repositories[V2]: the demo's documented registry lists
/// its documented repositories; a registry made here has had nothing pushed to it (images
/// arrive by `docker push`, which the emulator does not serve), so it lists none.
pub(super) fn repositories(call: &Call<'_>) -> Result<Response, ApiError> {
    let (name, _) = current(call).ok_or_else(ApiError::not_found)?;
    let documented = template(OpId::RegistryGet);
    let demo = seeds_demo(call.app, &call.who)
        && documented.pointer("/registry/name").and_then(Value::as_str) == Some(name.as_str());
    if demo {
        return crate::engine::call::static_answer(call);
    }
    super::object::page(call, Vec::new())
}
