//! Droplets, kept in the typed store: list, read, create (one or several), delete
//! (one, or every Droplet carrying a tag).

use http::StatusCode;
use jiff::Timestamp;
use serde::Serialize;
use serde_json::{Map, Value, json};

use axum::response::Response;

use crate::engine::call::Call;
use crate::state::model::canonical_id;
use crate::state::store::{DropletFilter, Paging};
use crate::wire::droplet::{DropletWire, droplet_json};
use crate::wire::droplet_request;
use crate::wire::error::{ApiError, json};
use crate::wire::page::{ListQuery, PageInfo};

/// The Droplet id of a `/v2/droplets/{droplet_id}…` path; anything else names no Droplet.
pub(super) fn droplet_id(call: &Call<'_>) -> Result<u64, ApiError> {
    raw_id(call, 3)
}

/// The numeric id in raw path segment `index` (`/v2/x/{id}` has it at 3), not decoded:
/// only the canonical decimal form names a resource.
pub(super) fn raw_id(call: &Call<'_>, index: usize) -> Result<u64, ApiError> {
    call.path
        .split('/')
        .nth(index)
        .and_then(canonical_id)
        .ok_or_else(ApiError::not_found)
}

/// The request body as the object the typed requests parse (the engine checked it is one).
pub(super) fn body_object(call: &Call<'_>) -> Map<String, Value> {
    match &call.body {
        Some(Value::Object(map)) => map.clone(),
        _ => Map::new(),
    }
}

/// `{"droplet": …}`, serialized without an intermediate JSON value.
#[derive(Serialize)]
struct One<'a> {
    droplet: DropletWire<'a>,
}

/// GET /v2/droplets/{droplet_id}
pub(super) fn get(call: &Call<'_>) -> Result<Response, ApiError> {
    let id = droplet_id(call)?;
    let droplet = call
        .store()
        .droplet(call.who.account, id, Timestamp::now())
        .ok_or_else(ApiError::not_found)?;
    json(
        StatusCode::OK,
        &One {
            droplet: DropletWire(&droplet),
        },
    )
}

/// GET /v2/droplets
pub(super) fn list(call: &Call<'_>) -> Result<Response, ApiError> {
    let query = ListQuery::parse(call.raw_query.as_deref())?;
    // By default the API lists the Droplets that are not GPU Droplets; `type=gpus`
    // lists only those. A tag names every Droplet carrying it.
    let tag = query.get("tag_name").filter(|t| !t.is_empty());
    let filter = DropletFilter {
        tag,
        name: query.get("name").filter(|n| !n.is_empty()),
        gpus: match query.get("type") {
            Some("gpus") => Some(true),
            _ if tag.is_some() => None,
            _ => Some(false),
        },
    };
    let (droplets, total) =
        call.store()
            .droplets_filtered(call.who.account, &filter, query.paging, Timestamp::now());
    let info = PageInfo::new(&call.origin, &call.path, &query, total);
    #[derive(Serialize)]
    struct Page<'a> {
        droplets: Vec<DropletWire<'a>>,
        links: Value,
        meta: crate::wire::page::Meta,
    }
    json(
        StatusCode::OK,
        &Page {
            droplets: droplets.iter().map(DropletWire).collect(),
            links: info.links,
            meta: info.meta,
        },
    )
}

/// DELETE /v2/droplets/{droplet_id}
pub(super) fn delete(call: &Call<'_>) -> Result<Response, ApiError> {
    let id = droplet_id(call)?;
    let droplet = call
        .store()
        .droplet(call.who.account, id, Timestamp::now())
        .ok_or_else(ApiError::not_found)?;
    if !call.store().delete_droplet(call.who.account, id) {
        return Err(ApiError::not_found());
    }
    super::reserved_ips::droplet_deleted(call, id);
    super::node_pools::worker_deleted(call, &droplet);
    Ok(crate::engine::shape::empty(StatusCode::NO_CONTENT))
}

/// DELETE /v2/droplets?tag_name=: every Droplet carrying the tag goes.
pub(super) fn destroy_by_tag(call: &Call<'_>) -> Result<Response, ApiError> {
    let tag = call
        .query
        .iter()
        .find(|(k, _)| k == "tag_name")
        .map(|(_, v)| v.as_str())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::unprocessable("tag_name is required as a query parameter."))?;
    let all = Paging {
        page: 1,
        per_page: u64::MAX,
    };
    let (tagged, _) = call
        .store()
        .droplets(call.who.account, Some(tag), all, Timestamp::now());
    for droplet in tagged {
        if call.store().delete_droplet(call.who.account, droplet.id) {
            super::reserved_ips::droplet_deleted(call, droplet.id);
            super::node_pools::worker_deleted(call, &droplet);
        }
    }
    Ok(crate::engine::shape::empty(StatusCode::NO_CONTENT))
}

/// Most Droplets one request may create, as the API allows.
const MAX_NAMES: usize = 10;

/// POST /v2/droplets: one Droplet (`name`), or several (`names`), each created as if
/// requested alone and all answered together.
pub(super) fn create(call: &Call<'_>) -> Result<Response, ApiError> {
    let mut object = body_object(call);
    let shown = own_image(call, &mut object)?;
    let Some(names) = object.get("names") else {
        // The request's own shape is checked first, then what it refers to.
        let mut spec = droplet_request::parse(&object)?;
        spec.image_shown = shown.map(Box::new);
        super::references::check_droplet_body(call, &object)?;
        let (droplet, action) = create_one(call, spec)?;
        return json(
            StatusCode::ACCEPTED,
            &json!({
                "droplet": DropletWire(&droplet),
                "links": { "actions": [action] }
            }),
        );
    };
    let names: Vec<&str> = names
        .as_array()
        .filter(|n| !n.is_empty() && n.len() <= MAX_NAMES)
        .and_then(|n| n.iter().map(Value::as_str).collect::<Option<Vec<_>>>())
        .ok_or_else(|| {
            ApiError::unprocessable(format!(
                "names: must be an array of 1 to {MAX_NAMES} strings"
            ))
        })?;
    if object.contains_key("name") {
        return Err(ApiError::unprocessable(
            "name: give either name or names, not both",
        ));
    }
    // Every name is checked before any Droplet is made.
    let mut specs = Vec::with_capacity(names.len());
    for name in &names {
        let mut one: Map<String, Value> = object.clone();
        one.remove("names");
        one.insert("name".into(), Value::String((*name).to_owned()));
        let mut spec = droplet_request::parse(&one)?;
        spec.image_shown = shown.clone().map(Box::new);
        specs.push(spec);
    }
    super::references::check_droplet_body(call, &object)?;
    let mut droplets = Vec::new();
    let mut actions = Vec::new();
    for spec in specs {
        let (droplet, action) = create_one(call, spec)?;
        droplets.push(droplet_json(&droplet));
        actions.push(action);
    }
    json(
        StatusCode::ACCEPTED,
        &json!({ "droplets": droplets, "links": { "actions": actions } }),
    )
}

/// A create naming one of the account's own images by id (a snapshot, backup or custom
/// image): checked, and the body given the catalog image that Droplet runs, so the typed
/// request parses; the image as the Droplet will show it is returned.
fn own_image(call: &Call<'_>, object: &mut Map<String, Value>) -> Result<Option<Value>, ApiError> {
    let Some(id) = object.get("image").and_then(Value::as_u64) else {
        return Ok(None);
    };
    let region = object.get("region").and_then(Value::as_str);
    let disk = object
        .get("size")
        .and_then(Value::as_str)
        .and_then(crate::state::catalog::size)
        .map(|s| s.disk);
    let Some(shown) = super::droplet_images::own_image(call, id, region, disk)? else {
        return Ok(None);
    };
    let base = crate::state::catalog::IMAGES
        .first()
        .ok_or_else(|| ApiError::unprocessable("image: the catalog holds no image"))?;
    object.insert("image".into(), Value::from(base.id));
    Ok(Some(shown))
}

/// Makes one Droplet, joins it to the default project, and gives its create action's link.
pub(super) fn create_one(
    call: &Call<'_>,
    spec: crate::state::store::NewDroplet,
) -> Result<(crate::state::model::Droplet, Value), ApiError> {
    let (droplet, link) = super::droplet_make::make(call, spec)?;
    super::references::join_default_project(call, &format!("do:droplet:{}", droplet.id));
    Ok((droplet, link))
}
