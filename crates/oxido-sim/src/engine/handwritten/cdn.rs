//! CDN cache purges: each is checked (the endpoint exists, `files` names 1 to 50
//! paths) and recorded under its endpoint, where `GET /_sim/cdn-purges` shows it. As
//! the API documents, an endpoint purges at most 50 files per 20 seconds (a wildcard
//! path counts once; past it, 429), and an identical purge cannot start while one
//! runs (409) — a purge runs for the action duration. Deleting the endpoint forgets
//! its purges.

use axum::response::Response;
use http::StatusCode;
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use super::object::with_object;
use crate::engine::call::Call;
use crate::engine::generate;
use crate::engine::shape::empty;
use crate::wire::error::ApiError;
use crate::world::Accounts;

const ENDPOINTS: &str = "/v2/cdn/endpoints";
/// Files one endpoint may purge per window.
const FILES_PER_WINDOW: usize = 50;
const WINDOW: SignedDuration = SignedDuration::from_secs(20);
/// Purges remembered per endpoint (the oldest are forgotten first).
const KEPT: usize = 100;
const MAX_PATH_BYTES: usize = 1024;

fn purges_path(endpoint: &str) -> String {
    format!("{ENDPOINTS}/{endpoint}/cache")
}

/// DELETE /v2/cdn/endpoints/{cdn_id}/cache
pub(super) fn purge(call: &Call<'_>) -> Result<Response, ApiError> {
    let named = call.values.first().cloned().unwrap_or_default();
    let endpoint = with_object(call, ENDPOINTS, &named, |object| {
        Ok(object
            .get("id")
            .and_then(Value::as_str)
            .map_or_else(|| named.clone(), str::to_owned))
    })?;
    let files: Vec<String> = call
        .body
        .as_ref()
        .and_then(|b| b.get("files"))
        .and_then(Value::as_array)
        .ok_or_else(|| ApiError::unprocessable("files: is required"))?
        .iter()
        .enumerate()
        .map(|(i, f)| match f.as_str() {
            Some(path) if !path.trim().is_empty() && path.len() <= MAX_PATH_BYTES => {
                Ok(path.to_owned())
            }
            _ => Err(ApiError::unprocessable(format!(
                "files.{i}: must be a path of 1 to {MAX_PATH_BYTES} bytes"
            ))),
        })
        .collect::<Result<_, _>>()?;
    if files.is_empty() {
        return Err(ApiError::unprocessable(
            "files: name at least one path (\"*\" purges everything)",
        ));
    }
    if files.len() > FILES_PER_WINDOW {
        return Err(ApiError::unprocessable(format!(
            "files: at most {FILES_PER_WINDOW} paths per purge"
        )));
    }
    let mut sorted = files.clone();
    sorted.sort();
    sorted.dedup();
    let now = Timestamp::now();
    let runs = SignedDuration::try_from(call.app.action_duration()).unwrap_or(SignedDuration::MAX);
    let path = purges_path(&endpoint);
    let mut docs = call.docs_mut();
    let data = &mut *docs;
    let earlier: Vec<(String, Value)> = data
        .items(&path)
        .map(|items| {
            items
                .iter()
                .map(|(k, v)| (k.to_owned(), v.clone()))
                .collect()
        })
        .unwrap_or_default();
    let at = |v: &Value, field: &str| {
        v.get(field)
            .and_then(Value::as_str)
            .and_then(|t| t.parse::<Timestamp>().ok())
    };
    let recent: usize = earlier
        .iter()
        .filter(|(_, p)| at(p, "created_at").is_some_and(|t| now.duration_since(t) < WINDOW))
        .map(|(_, p)| p["files"].as_array().map_or(0, Vec::len))
        .sum();
    if recent + sorted.len() > FILES_PER_WINDOW {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_requests",
            format!("files: an endpoint purges at most {FILES_PER_WINDOW} files per 20 seconds"),
        ));
    }
    let running_twin = earlier.iter().any(|(_, p)| {
        at(p, "completes_at").is_some_and(|t| t > now)
            && p["files"].as_array().is_some_and(|f| {
                let mut theirs: Vec<&str> = f.iter().filter_map(Value::as_str).collect();
                theirs.sort_unstable();
                theirs == sorted.iter().map(String::as_str).collect::<Vec<_>>()
            })
    });
    if running_twin {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            "An identical purge of this endpoint is still in progress.",
        ));
    }
    if earlier.len() >= KEPT
        && let Some((oldest, _)) = earlier.first()
    {
        data.remove(&path, oldest);
    }
    let id = generate::uuid();
    let record = json!({
        "id": id,
        "endpoint_id": endpoint,
        "files": sorted,
        "created_at": generate::now(),
        "completes_at": now.checked_add(runs).unwrap_or(now).to_string(),
    });
    data.put(&path, id, record)
        .map_err(|why| ApiError::unprocessable(format!("files: {why}")))?;
    Ok(empty(StatusCode::NO_CONTENT))
}

/// Every purge recorded, oldest first per endpoint (for `GET /_sim/cdn-purges`).
pub(crate) fn purges(accounts: &Accounts<'_>) -> Vec<Value> {
    let mut all: Vec<Value> = accounts
        .iter()
        .flat_map(|(_, world)| {
            world
                .docs
                .collections
                .iter()
                .filter(|(path, _)| path.starts_with(ENDPOINTS) && path.ends_with("/cache"))
                .flat_map(|(_, items)| items.iter().map(|(_, v)| v.clone()))
        })
        .collect();
    all.sort_by(|a, b| a["created_at"].as_str().cmp(&b["created_at"].as_str()));
    all
}

/// POST /v2/cdn/endpoints: an origin has one CDN endpoint; a second is a 409 "cdn
/// already enabled", as captured from the API in
/// ansible-collections/community.digitalocean issue 267.
pub(super) fn origin_free(call: &Call<'_>, body: &Value) -> Result<(), ApiError> {
    let Some(origin) = body.get("origin").and_then(Value::as_str) else {
        return Ok(());
    };
    let origin = origin.trim_end_matches('.');
    let taken = super::behave::any_other(call, ENDPOINTS, None, |endpoint| {
        endpoint
            .get("origin")
            .and_then(Value::as_str)
            .is_some_and(|o| o.trim_end_matches('.').eq_ignore_ascii_case(origin))
    });
    if taken {
        return Err(super::behave::conflict(format!(
            "origin: cdn already enabled for {origin}"
        )));
    }
    Ok(())
}
