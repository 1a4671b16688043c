//! Answers whose documented example has the wrong shape for its own schema (the
//! schema, which clients decode by, wins): a missing envelope, or the created object
//! where the schema answers its id.

use axum::response::Response;
use serde_json::{Value, json};

use super::object::with_object;
use crate::engine::call::Call;
use crate::engine::catalog::template;
use crate::engine::shape::answer;
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
