//! Droplet snapshots and backups from the hand-written store: listed per Droplet,
//! and beside the engine's own objects under `/v2/snapshots` and `/v2/images` (read
//! and deleted by id there too). A snapshot action's image appears once it completes.

use axum::response::Response;
use http::StatusCode;
use jiff::Timestamp;
use serde_json::{Value, json};

use super::object::{page, path_droplet};
use crate::engine::call::{Call, ensure_seeded};
use crate::engine::shape::{answer, keeps};
use crate::state::images::{DropletImage, ImageKind, ImageUpdate};
use crate::wire::Stamp;
use crate::wire::error::ApiError;

/// As a Droplet's snapshot and backup lists show an image.
fn listed(i: &DropletImage) -> Value {
    json!({
        "id": i.id,
        "name": i.name,
        "distribution": i.distribution,
        "slug": null,
        "public": false,
        "regions": i.regions(),
        "created_at": Stamp(i.created_at).to_string(),
        "min_disk_size": i.min_disk_size,
        "size_gigabytes": i.size_gigabytes,
        "type": i.kind.as_str(),
    })
}

/// As `/v2/snapshots` shows a Droplet snapshot.
fn as_snapshot(i: &DropletImage) -> Value {
    json!({
        "id": i.id.to_string(),
        "name": i.name,
        "created_at": Stamp(i.created_at).to_string(),
        "regions": i.regions(),
        "resource_id": i.droplet_id.to_string(),
        "resource_type": "droplet",
        "min_disk_size": i.min_disk_size,
        "size_gigabytes": i.size_gigabytes,
        "tags": i.tags,
    })
}

/// As `/v2/images` shows a Droplet image.
fn as_image(i: &DropletImage) -> Value {
    let mut image = listed(i);
    if let Some(map) = image.as_object_mut() {
        for (k, v) in [
            ("description", json!(i.description)),
            ("tags", json!(i.tags)),
            ("status", json!("available")),
            ("error_message", json!("")),
        ] {
            map.insert(k.into(), v);
        }
    }
    image
}

fn query<'a>(call: &'a Call<'_>, name: &str) -> Option<&'a str> {
    call.query
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// GET /v2/droplets/{droplet_id}/snapshots and /backups
pub(super) fn list_for_droplet(call: &Call<'_>, kind: ImageKind) -> Result<Response, ApiError> {
    let droplet = call
        .values
        .first()
        .and_then(|v| v.parse::<u64>().ok())
        .ok_or_else(ApiError::not_found)?;
    let images = call
        .store()
        .droplet_images(call.who.account, droplet, kind, Timestamp::now())
        .ok_or_else(ApiError::not_found)?;
    page(call, images.iter().map(listed).collect())
}

/// The engine's stored objects of `collection` that pass the request's filters.
fn engine_items(call: &Call<'_>, collection: &str) -> Vec<Value> {
    ensure_seeded(call, &[collection]);
    let filters: Vec<&(String, String)> = call
        .query
        .iter()
        .filter(|(k, v)| k != "page" && k != "per_page" && !v.is_empty())
        .collect();
    let docs = call.docs();
    Some(&*docs)
        .and_then(|d| {
            let items = d.items(collection)?;
            Some(
                items
                    .iter()
                    .filter(|(_, v)| {
                        filters.iter().all(|(k, q)| match k.as_str() {
                            // `?tag_name=` keeps what carries the tag.
                            "tag_name" => v["tags"]
                                .as_array()
                                .is_some_and(|tags| tags.iter().any(|t| t == q.as_str())),
                            _ => keeps(v, k, q),
                        })
                    })
                    .map(|(key, v)| d.rendered(collection, key, v))
                    .collect(),
            )
        })
        .unwrap_or_default()
}

/// GET /v2/snapshots: the engine's snapshots, then the Droplets' own.
pub(super) fn list_snapshots(call: &Call<'_>) -> Result<Response, ApiError> {
    let mut all = engine_items(call, "/v2/snapshots");
    if query(call, "resource_type").is_none_or(|t| t == "droplet") {
        all.extend(
            call.store()
                .account_images(call.who.account, Timestamp::now())
                .iter()
                .filter(|i| i.kind == ImageKind::Snapshot)
                .map(as_snapshot),
        );
    }
    page(call, all)
}

/// GET /v2/images: the engine's images, then the Droplets' snapshots and backups
/// (private, untagged, neither distribution nor application images).
pub(super) fn list_images(call: &Call<'_>) -> Result<Response, ApiError> {
    let mut all = super::catalog::public_images(call);
    all.extend(engine_items(call, "/v2/images"));
    let tag = query(call, "tag_name").filter(|t| !t.is_empty());
    let ours = query(call, "type").is_none() && query(call, "private") != Some("false");
    if ours {
        all.extend(
            call.store()
                .account_images(call.who.account, Timestamp::now())
                .iter()
                .filter(|i| tag.is_none_or(|t| i.tags.iter().any(|own| own == t)))
                .map(as_image),
        );
    }
    page(call, all)
}

/// The Droplet image a path's first id names, if it is one.
fn named(call: &Call<'_>, kind: Option<ImageKind>) -> Option<DropletImage> {
    let id = call.values.first()?.parse::<u64>().ok()?;
    call.store()
        .image(call.who.account, id, Timestamp::now())
        .filter(|i| kind.is_none_or(|k| i.kind == k))
}

/// GET /v2/snapshots/{snapshot_id}: a Droplet snapshot; `None` leaves the rest to the engine.
pub(super) fn get_snapshot(call: &Call<'_>) -> Result<Option<Response>, ApiError> {
    match named(call, Some(ImageKind::Snapshot)) {
        Some(i) => answer(call.op, Some(json!({ "snapshot": as_snapshot(&i) }))).map(Some),
        None => Ok(None),
    }
}

/// GET /v2/images/{image_id}: a Droplet image; `None` leaves the rest to the engine.
pub(super) fn get_image(call: &Call<'_>) -> Result<Option<Response>, ApiError> {
    match named(call, None) {
        Some(i) => answer(call.op, Some(json!({ "image": as_image(&i) }))).map(Some),
        None => super::catalog::get_image(call),
    }
}

/// GET /v2/droplets/{droplet_id}/backups/policy: the Droplet's own policy.
pub(super) fn backup_policy(call: &Call<'_>) -> Result<Response, ApiError> {
    let droplet = path_droplet(call)?;
    answer(
        call.op,
        Some(json!({ "policy": crate::wire::droplet::backup_policy_json(&droplet) })),
    )
}

/// GET /v2/droplets/backups/policies: every Droplet's policy, by id, paged.
pub(super) fn backup_policies(call: &Call<'_>) -> Result<Response, ApiError> {
    let query = crate::wire::page::ListQuery::parse(call.raw_query.as_deref())?;
    let (droplets, total) =
        call.store()
            .droplets(call.who.account, None, query.paging, Timestamp::now());
    let policies: serde_json::Map<String, Value> = droplets
        .iter()
        .map(|d| {
            (
                d.id.to_string(),
                crate::wire::droplet::backup_policy_json(d),
            )
        })
        .collect();
    let info = crate::wire::page::PageInfo::new(&call.origin, &call.path, &query, total);
    answer(
        call.op,
        Some(json!({ "policies": policies, "links": info.links, "meta": { "total": total } })),
    )
}

/// PUT /v2/images/{image_id} of a Droplet image: its name changes.
pub(super) fn update(call: &Call<'_>) -> Result<Option<Response>, ApiError> {
    let Some(image) = named(call, None) else {
        return Ok(None);
    };
    let field = |key: &str| {
        call.body
            .as_ref()
            .and_then(|b| b.get(key))
            .and_then(Value::as_str)
    };
    let update = ImageUpdate {
        name: field("name"),
        description: field("description"),
        distribution: field("distribution"),
    };
    if let Some(name) = update.name {
        crate::limits::bounded_str("name", name, crate::limits::MAX_NAME_BYTES)?;
    }
    if let Some(description) = update.description {
        crate::limits::bounded_str("description", description, crate::limits::MAX_STRING_BYTES)?;
    }
    let image = call
        .store()
        .update_image(call.who.account, image.id, update)
        .ok_or_else(ApiError::not_found)?;
    answer(call.op, Some(json!({ "image": as_image(&image) }))).map(Some)
}

/// DELETE /v2/snapshots/{id} and /v2/images/{id} of a Droplet image.
pub(super) fn delete(
    call: &Call<'_>,
    kind: Option<ImageKind>,
) -> Result<Option<Response>, ApiError> {
    match named(call, kind) {
        Some(i) if call.store().delete_image(call.who.account, i.id) => {
            Ok(Some(crate::engine::shape::empty(StatusCode::NO_CONTENT)))
        }
        _ => Ok(None),
    }
}

/// The account's own image a Droplet create names by id (a snapshot, backup or custom
/// image), as the Droplet's `image` shows it; `Ok(None)` for an id the catalog holds
/// or none of the account's. The image must be available, in the Droplet's region, and
/// fit its size's disk, as the API requires.
pub(super) fn own_image(
    call: &Call<'_>,
    id: u64,
    region: Option<&str>,
    disk: Option<u32>,
) -> Result<Option<Value>, ApiError> {
    if crate::state::catalog::image_by_id(id).is_some() {
        return Ok(None);
    }
    let typed = call
        .store()
        .image(call.who.account, id, Timestamp::now())
        .map(|i| as_image(&i));
    let shown = match typed {
        Some(image) => image,
        None => match super::behave::find(call, "/v2/images", &id.to_string()) {
            Some((_, image)) => image,
            None => return Ok(None),
        },
    };
    if shown.get("status").and_then(Value::as_str) != Some("available") {
        return Err(ApiError::unprocessable(format!(
            "image: image {id} is not available yet"
        )));
    }
    let regions = shown.get("regions").and_then(Value::as_array);
    if let Some(region) = region
        && !regions.is_some_and(|r| r.iter().any(|x| x.as_str() == Some(region)))
    {
        return Err(ApiError::unprocessable(format!(
            "image: image {id} is not available in {region}; transfer it there first"
        )));
    }
    let needs = shown
        .get("min_disk_size")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    if let Some(disk) = disk
        && u64::from(disk) < needs
    {
        return Err(ApiError::unprocessable(format!(
            "size: the image needs a disk of at least {needs} GB (this size has {disk})"
        )));
    }
    Ok(Some(shown))
}
