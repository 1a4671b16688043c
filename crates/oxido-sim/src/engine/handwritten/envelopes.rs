//! Answers whose documented example has the wrong shape for its own schema (the
//! schema, which clients decode by, wins): a missing envelope, or the created object
//! where the schema answers its id.

use axum::response::Response;
use serde_json::{Value, json};

use super::object::with_object;
use crate::engine::catalog::template;
use crate::engine::{Call, answer, generate};
use crate::wire::error::ApiError;

/// GET /v2/apps/{app_id}/health: `{"app_health": {...}}` (the example lacks the
/// envelope), for an app the account has, naming its components.
pub(super) fn app_health(call: &Call<'_>) -> Result<Response, ApiError> {
    let id = call.values.first().cloned().unwrap_or_default();
    let app = with_object(call, "/v2/apps", &id, |o| Ok(o.clone()))?;
    let documented = template(call.op);
    let health = documented.get("app_health").unwrap_or(&documented).clone();
    let sample = health
        .pointer("/components/0")
        .cloned()
        .unwrap_or_else(|| json!({}));
    let names: Vec<String> = ["services", "workers", "static_sites", "jobs", "functions"]
        .iter()
        .filter_map(|kind| app.pointer(&format!("/spec/{kind}"))?.as_array())
        .flatten()
        .filter_map(|c| c.get("name")?.as_str().map(str::to_owned))
        .collect();
    let components: Vec<Value> = names
        .into_iter()
        .map(|name| {
            let mut c = sample.clone();
            c["name"] = Value::String(name);
            c
        })
        .collect();
    answer(
        call.op,
        Some(json!({ "app_health": { "components": components } })),
    )
}

/// POST /v2/gen-ai/evaluation_datasets: the new dataset's uuid.
pub(super) fn evaluation_dataset(call: &Call<'_>) -> Result<Response, ApiError> {
    answer(
        call.op,
        Some(json!({ "evaluation_dataset_uuid": generate::uuid() })),
    )
}

/// POST /v2/gen-ai/evaluation_runs: one run per agent (or deployment) named.
pub(super) fn evaluation_runs(call: &Call<'_>) -> Result<Response, ApiError> {
    let named = |field: &str| {
        call.body
            .as_ref()
            .and_then(|b| b.get(field))
            .and_then(Value::as_array)
            .map_or(0, Vec::len)
    };
    let runs = (named("agent_uuids") + named("agent_deployment_names")).clamp(1, 64);
    let uuids: Vec<String> = (0..runs).map(|_| generate::uuid()).collect();
    answer(call.op, Some(json!({ "evaluation_run_uuids": uuids })))
}

/// POST /v2/security/settings/suppressions: the resources suppressed, one per URN.
pub(super) fn suppressions(call: &Call<'_>) -> Result<Response, ApiError> {
    let body = call.body.as_ref();
    let rule = body
        .and_then(|b| b.get("rule_uuid"))
        .and_then(Value::as_str)
        .map_or_else(generate::uuid, str::to_owned);
    let resources: Vec<Value> = body
        .and_then(|b| b.get("resources"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .take(crate::limits::MAX_ARRAY_ITEMS)
        .map(|urn| {
            // `do:droplet:123` → type `droplet`, id `123`.
            let mut parts = urn.splitn(3, ':').skip(1);
            let kind = parts.next().unwrap_or_default();
            let id = parts.next().unwrap_or_default();
            json!({
                "id": generate::uuid(),
                "rule_uuid": rule,
                "resource_id": id,
                "resource_type": kind,
            })
        })
        .collect();
    let total = resources.len();
    answer(
        call.op,
        Some(json!({ "resources": resources, "links": {}, "meta": { "total": total } })),
    )
}
