//! Tagging resources: the tag shows in each resource's `tags` and counts them.

use axum::response::Response;
use http::StatusCode;
use serde_json::Value;

use super::object::with_object;
use crate::engine::Call;
use crate::wire::error::ApiError;

/// The engine collection holding a taggable resource type.
fn tagged_collection(resource_type: &str) -> Option<&'static str> {
    Some(match resource_type {
        "volume" => "/v2/volumes",
        "image" => "/v2/images",
        "volume_snapshot" => "/v2/snapshots",
        "database" => "/v2/databases",
        _ => return None,
    })
}

/// POST|DELETE /v2/tags/{tag_id}/resources: the tag appears in (or leaves) each
/// resource's `tags`, and the tag counts its resources.
pub(super) fn tag_resources(call: &Call<'_>, assign: bool) -> Result<Response, ApiError> {
    let tag = call.values.first().cloned().unwrap_or_default();
    let resources: Vec<(String, String)> = call
        .body
        .as_ref()
        .and_then(|b| b.get("resources"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| {
            let id = match r.get("resource_id")? {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            Some((id, r.get("resource_type")?.as_str()?.to_owned()))
        })
        .collect();
    // Resources this account does not hold are passed over, as tagging is idempotent.
    let mut changed = 0i64;
    for (id, kind) in &resources {
        let Some(collection) = tagged_collection(kind) else {
            if kind == "droplet" {
                let droplet = id.parse::<u64>().ok();
                let tagged = match droplet {
                    Some(d) => call
                        .app
                        .store
                        .tag_droplet(call.who.account, d, &tag, assign)?,
                    None => None,
                };
                if tagged == Some(true) {
                    changed += 1;
                }
            }
            continue;
        };
        let _ = with_object(call, collection, id, |object| {
            let Some(map) = object.as_object_mut() else {
                return Ok(());
            };
            let tags = map
                .entry("tags")
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Some(tags) = tags.as_array_mut() {
                let has = tags.iter().any(|t| t.as_str() == Some(tag.as_str()));
                if assign && !has {
                    tags.push(Value::String(tag.clone()));
                    changed += 1;
                } else if !assign && has {
                    tags.retain(|t| t.as_str() != Some(tag.as_str()));
                    changed += 1;
                }
            }
            Ok(())
        });
    }
    let delta = if assign { changed } else { -changed };
    with_object(call, "/v2/tags", &tag, |object| {
        if let Some(count) = object.pointer_mut("/resources/count") {
            let now = count.as_i64().unwrap_or(0).saturating_add(delta).max(0);
            *count = Value::from(now);
        }
        Ok(())
    })?;
    Ok(crate::engine::empty(StatusCode::NO_CONTENT))
}
