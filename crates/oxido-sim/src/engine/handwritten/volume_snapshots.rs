//! Volume snapshots: made from a volume, kept with every other snapshot under
//! `/v2/snapshots` (so they list there and by id), listed per volume, read and
//! deleted through `/v2/volumes/snapshots/{id}` too. A snapshot outlives its volume.

use axum::response::Response;
use http::StatusCode;
use serde_json::{Map, Value, json};

use super::actions::region_of;
use super::object::{body_str, page, with_object};
use crate::engine::call::{Call, ensure_seeded};
use crate::engine::catalog::template;
use crate::engine::generate;
use crate::engine::shape::{answer, conforms};
use crate::wire::error::ApiError;

const SNAPSHOTS: &str = "/v2/snapshots";

fn of_volume(snapshot: &Value, volume: &str) -> bool {
    snapshot.get("resource_type").and_then(Value::as_str) == Some("volume")
        && snapshot.get("resource_id").and_then(Value::as_str) == Some(volume)
}

/// The volume the path names: its id, region and size; 404 if none.
fn volume(call: &Call<'_>) -> Result<(String, Option<String>, u64), ApiError> {
    let named = call.values.first().cloned().unwrap_or_default();
    with_object(call, "/v2/volumes", &named, |object| {
        let id = object
            .get("id")
            .and_then(Value::as_str)
            .map_or_else(|| named.clone(), str::to_owned);
        let size = object
            .get("size_gigabytes")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        Ok((id, region_of(object), size))
    })
}

/// A volume made from a snapshot has the snapshot's size, whatever `size_gigabytes` says
/// (the spec's `volume_base.size_gigabytes`: "This field does not apply when creating a
/// volume from a snapshot"; droplet_kit#320 shows the API doing so).
pub(super) fn sized_from_snapshot(call: &Call<'_>, volume: &mut Value) {
    let Some(snapshot) = volume
        .get("snapshot_id")
        .and_then(Value::as_str)
        .or_else(|| body_str(call, "snapshot_id"))
        .map(str::to_owned)
    else {
        return;
    };
    ensure_seeded(call, &[SNAPSHOTS]);
    let size = call
        .docs()
        .items(SNAPSHOTS)
        .and_then(|items| items.get(&snapshot))
        .filter(|s| s.get("resource_type").and_then(Value::as_str) == Some("volume"))
        .and_then(|s| s.get("min_disk_size"))
        .and_then(Value::as_u64)
        .filter(|size| *size > 0);
    if let (Some(size), Some(map)) = (size, volume.as_object_mut()) {
        map.insert("size_gigabytes".into(), Value::from(size));
    }
}

/// POST /v2/volumes/{volume_id}/snapshots
pub(super) fn create(call: &Call<'_>) -> Result<Response, ApiError> {
    let (volume, region, size) = volume(call)?;
    let name =
        body_str(call, "name").ok_or_else(|| ApiError::unprocessable("name: is required"))?;
    let tags = call
        .body
        .as_ref()
        .and_then(|b| b.get("tags"))
        .cloned()
        .unwrap_or_else(|| json!([]));
    let documented = template(call.op);
    let mut snapshot = documented
        .get("snapshot")
        .cloned()
        .unwrap_or_else(|| Value::Object(Map::new()));
    let id = generate::uuid();
    if let Some(map) = snapshot.as_object_mut() {
        map.insert("id".into(), Value::String(id.clone()));
        map.insert("name".into(), Value::String(name.to_owned()));
        map.insert("created_at".into(), Value::String(generate::now()));
        map.insert(
            "regions".into(),
            json!(region.into_iter().collect::<Vec<_>>()),
        );
        map.insert("resource_id".into(), Value::String(volume));
        map.insert("resource_type".into(), Value::String("volume".into()));
        map.insert("min_disk_size".into(), Value::from(size));
        // A new volume's snapshot holds no data yet.
        map.insert("size_gigabytes".into(), Value::from(0));
        map.insert("tags".into(), tags);
    }
    let answer_value = json!({ "snapshot": snapshot });
    if !conforms(call.op, &answer_value) {
        return Err(ApiError::unprocessable("tags: not a list of tag names"));
    }
    ensure_seeded(call, &[SNAPSHOTS]);
    {
        let mut docs = call.docs_mut();
        let data = &mut *docs;
        data.put(SNAPSHOTS, id, snapshot)
            .map_err(|why| ApiError::unprocessable(format!("snapshot: {why}")))?;
    }
    answer(call.op, Some(answer_value))
}

/// GET /v2/volumes/{volume_id}/snapshots: the volume's snapshots, oldest first.
pub(super) fn list(call: &Call<'_>) -> Result<Response, ApiError> {
    let (volume, _, _) = volume(call)?;
    ensure_seeded(call, &[SNAPSHOTS]);
    let docs = call.docs();
    let all: Vec<Value> = docs
        .items(SNAPSHOTS)
        .map(|items| {
            items
                .iter()
                .filter(|(_, s)| of_volume(s, &volume))
                .map(|(_, s)| s.clone())
                .collect()
        })
        .unwrap_or_default();
    drop(docs);
    page(call, all)
}

/// GET /v2/volumes/snapshots/{snapshot_id}: reads a volume snapshot made here; `None` leaves the documented ones to the engine.
pub(super) fn get(call: &Call<'_>) -> Result<Option<Response>, ApiError> {
    let id = call.values.first().cloned().unwrap_or_default();
    let docs = call.docs();
    let found = docs
        .items(SNAPSHOTS)
        .and_then(|items| items.get(&id))
        .filter(|s| s.get("resource_type").and_then(Value::as_str) == Some("volume"))
        .cloned();
    drop(docs);
    match found {
        Some(snapshot) => answer(call.op, Some(json!({ "snapshot": snapshot }))).map(Some),
        None => Ok(None),
    }
}

/// DELETE /v2/volumes/snapshots/{snapshot_id}: a volume snapshot made here goes from
/// every list; `None` leaves the documented ones to the engine.
pub(super) fn delete(call: &Call<'_>) -> Result<Option<Response>, ApiError> {
    let id = call.values.first().cloned().unwrap_or_default();
    let mut docs = call.docs_mut();
    let data = &mut *docs;
    let is_volume_snapshot = data
        .items(SNAPSHOTS)
        .and_then(|items| items.get(&id))
        .is_some_and(|s| s.get("resource_type").and_then(Value::as_str) == Some("volume"));
    if !is_volume_snapshot {
        return Ok(None);
    }
    data.remove(SNAPSHOTS, &id);
    Ok(Some(crate::engine::shape::empty(StatusCode::NO_CONTENT)))
}
