//! Operations answered from the request alone, changing nothing: an app spec proposal,
//! daily bandwidth of the apps named, and the Dropbox OAuth token exchange (the
//! emulator talks to no Dropbox, so the tokens are made here from the code given).

use crate::engine::spec::OpId;
use axum::response::Response;
use serde_json::{Value, json};

use super::behave::{field, find};
use crate::engine::call::Call;
use crate::engine::generate;
use crate::engine::shape::answer;
use crate::wire::error::ApiError;

/// POST /v2/apps/propose: the spec as sent, whether its name is free in the account,
/// and its monthly cost (the emulator's flat $5 per component).
fn propose(call: &Call<'_>) -> Result<Response, ApiError> {
    let spec = field(call, "spec")
        .cloned()
        .ok_or_else(|| ApiError::unprocessable("spec: is required"))?;
    let name = spec.get("name").and_then(Value::as_str).unwrap_or_default();
    let taken = super::behave::all(call, "/v2/apps")
        .iter()
        .any(|(_, app)| app.pointer("/spec/name").and_then(Value::as_str) == Some(name));
    let components: usize = ["services", "static_sites", "workers", "jobs", "functions"]
        .iter()
        .filter_map(|k| spec.get(*k).and_then(Value::as_array))
        .map(Vec::len)
        .sum();
    answer(
        call.op,
        Some(json!({
            "spec": spec,
            "app_name_available": !taken,
            "app_cost": 5 * components.max(1),
            "existing_static_apps": "0",
            "max_free_static_apps": "3",
        })),
    )
}

/// POST /v2/apps/metrics/bandwidth_daily: each app named that the account has, with
/// no bandwidth used (the emulator serves no traffic for apps).
fn bandwidth_daily(call: &Call<'_>) -> Result<Response, ApiError> {
    let mut usage = Vec::new();
    for id in field(call, "app_ids")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        // An app the account lacks has no usage to report (left out, not refused).
        if find(call, "/v2/apps", id).is_none() {
            continue;
        }
        usage.push(json!({"app_id": id, "bandwidth_bytes": "0"}));
    }
    let date = field(call, "date")
        .and_then(Value::as_str)
        .map_or_else(generate::now, str::to_owned);
    answer(
        call.op,
        Some(json!({"app_bandwidth_usage": usage, "date": date})),
    )
}

/// GET /v2/apps/{app_id}/metrics/bandwidth_daily: the app's usage (none), 404 for an app
/// the account lacks.
fn app_bandwidth_daily(call: &Call<'_>) -> Result<Response, ApiError> {
    let id = call.values.first().cloned().unwrap_or_default();
    let (_, app) = find(call, "/v2/apps", &id).ok_or_else(ApiError::not_found)?;
    let id = app
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or(&id)
        .to_owned();
    let date = call
        .query
        .iter()
        .find(|(name, _)| name == "date")
        .map_or_else(generate::now, |(_, d)| d.clone());
    answer(
        call.op,
        Some(json!({
            "app_bandwidth_usage": [{"app_id": id, "bandwidth_bytes": "0"}],
            "date": date,
        })),
    )
}

/// POST /v2/gen-ai/oauth2/dropbox/tokens: tokens for the code given.
fn dropbox_tokens(call: &Call<'_>) -> Result<Response, ApiError> {
    field(call, "code")
        .and_then(Value::as_str)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| ApiError::unprocessable("code: is required"))?;
    answer(
        call.op,
        Some(json!({
            "token": format!("sl.{}", generate::uuid().replace('-', "")),
            "refresh_token": generate::uuid().replace('-', ""),
        })),
    )
}

/// Serves the operations of this module; `None` for any other.
pub(super) fn dispatch(call: &Call<'_>) -> Result<Option<Response>, ApiError> {
    if call.op.meta().path.starts_with(super::metrics::PREFIX) {
        return super::metrics::serve(call).map(Some);
    }
    let response = match call.op {
        OpId::AppsValidateAppSpec => propose(call),
        OpId::AppsListMetricsBandwidthDaily => bandwidth_daily(call),
        OpId::AppsGetMetricsBandwidthDaily => app_bandwidth_daily(call),
        OpId::GenaiCreateOauth2DropboxTokens => dropbox_tokens(call),
        _ => return Ok(None),
    };
    response.map(Some)
}
