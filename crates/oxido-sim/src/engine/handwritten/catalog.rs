//! Regions and sizes from the catalog the Droplet routes use, so what `/v2/regions`
//! and `/v2/sizes` list is what a Droplet can be created with; 1-Click apps filtered
//! by `type`.

use axum::response::Response;
use serde_json::Value;

use super::object::page;
use crate::engine::Call;
use crate::engine::catalog::template;
use crate::state::catalog::{REGIONS, SIZES};
use crate::wire::droplet::size_json;
use crate::wire::error::ApiError;

/// GET /v2/regions
pub(super) fn regions(call: &Call<'_>) -> Result<Response, ApiError> {
    // Only the sizes `/v2/sizes` lists (the reference region's list names more).
    let all = REGIONS
        .iter()
        .filter_map(|r| serde_json::to_value(r).ok())
        .map(|mut r| {
            if let Some(Value::Array(sizes)) = r.get_mut("sizes") {
                sizes.retain(|s| SIZES.iter().any(|k| Some(k.slug) == s.as_str()));
            }
            r
        })
        .collect();
    page(call, all)
}

/// GET /v2/sizes
pub(super) fn sizes(call: &Call<'_>) -> Result<Response, ApiError> {
    page(call, SIZES.iter().map(size_json).collect())
}

/// GET /v2/1-clicks: the documented apps, only those of the `type` asked for.
pub(super) fn one_clicks(call: &Call<'_>) -> Result<Response, ApiError> {
    let wanted = call
        .query
        .iter()
        .find(|(k, _)| k == "type")
        .map(|(_, v)| v.as_str());
    let mut answer = template(call.op).clone();
    if let Some(Value::Array(apps)) = answer.get_mut("1_clicks") {
        apps.retain(|a| wanted.is_none_or(|w| a.get("type").and_then(Value::as_str) == Some(w)));
    }
    crate::engine::answer(call.op, Some(answer))
}
