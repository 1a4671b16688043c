//! Helpers the hand-written operations share: changing a stored engine object,
//! reading the body, answering with an action.

use jiff::Timestamp;
use serde_json::Value;

use crate::engine::call::Call;
use crate::wire::error::ApiError;

/// Runs `change` on an engine object (demo objects seeded first); 404 if it is not there.
pub(super) fn with_object<R>(
    call: &Call<'_>,
    collection: &str,
    id: &str,
    change: impl FnOnce(&mut Value) -> Result<R, ApiError>,
) -> Result<R, ApiError> {
    crate::engine::call::ensure_seeded(call, &[collection]);
    let mut docs = call.docs_mut();
    let data = &mut *docs;
    let key = data
        .items(collection)
        .and_then(|items| items.key_of(id))
        .ok_or_else(ApiError::not_found)?;
    let object = data
        .settled_mut(collection, &key)
        .ok_or_else(ApiError::not_found)?;
    change(object)
}

pub(super) fn body_str<'a>(call: &'a Call<'_>, field: &str) -> Option<&'a str> {
    call.body.as_ref()?.get(field)?.as_str()
}

pub(super) fn body_u64(call: &Call<'_>, field: &str) -> Option<u64> {
    call.body.as_ref()?.get(field)?.as_u64()
}

/// A Droplet of the caller's account, from the path's first value (`/v2/droplets/{droplet_id}/…`); 404
/// when there is none.
pub(super) fn path_droplet(call: &Call<'_>) -> Result<crate::state::model::Droplet, ApiError> {
    call.values
        .first()
        .and_then(|v| v.parse::<u64>().ok())
        .and_then(|id| call.store().droplet(call.who.account, id, Timestamp::now()))
        .ok_or_else(ApiError::not_found)
}

/// A Droplet of the caller's account, from the body's `droplet_id`.
pub(super) fn body_droplet(call: &Call<'_>) -> Result<crate::state::model::Droplet, ApiError> {
    let id = body_u64(call, "droplet_id")
        .ok_or_else(|| ApiError::unprocessable("droplet_id: is required"))?;
    call.store()
        .droplet(call.who.account, id, Timestamp::now())
        .ok_or_else(|| ApiError::unprocessable(format!("droplet_id: no Droplet {id}")))
}

/// Answers one page of `all` as the operation's list (`member`, `links`, `meta`);
/// the documented list if the page would not conform.
pub(super) fn page(call: &Call<'_>, all: Vec<Value>) -> Result<axum::response::Response, ApiError> {
    let out = page_value(call, all)?;
    if !crate::engine::shape::conforms(call.op, &out) {
        return crate::engine::call::static_answer(call);
    }
    crate::engine::shape::answer(call.op, Some(out))
}

/// One page of `all` as the operation's list: `{member: [...], links, meta}`.
pub(super) fn page_value(call: &Call<'_>, all: Vec<Value>) -> Result<Value, ApiError> {
    use crate::engine::catalog::{list_member, template};
    let query = crate::wire::page::ListQuery::parse(call.raw_query.as_deref())?;
    let total = all.len();
    let skip = usize::try_from((query.paging.page - 1).saturating_mul(query.paging.per_page))
        .unwrap_or(usize::MAX);
    let items: Vec<Value> = all
        .into_iter()
        .skip(skip)
        .take(usize::try_from(query.paging.per_page).unwrap_or(usize::MAX))
        .collect();
    let documented = template(call.op);
    let member = list_member(&documented).unwrap_or("items").to_owned();
    let info = crate::wire::page::PageInfo::new(&call.origin, &call.path, &query, total);
    let mut out = serde_json::Map::new();
    out.insert(member, Value::Array(items));
    out.insert("links".into(), info.links);
    out.insert("meta".into(), serde_json::json!({ "total": total }));
    Ok(Value::Object(out))
}

/// Whether an item lives in a hand-written store; `None` if the engine owns the collection.
pub(crate) fn exists(call: &Call<'_>, collection_path: &str, id: &str) -> Option<bool> {
    match collection_path {
        "/v2/droplets" => Some(
            id.parse::<u64>()
                .ok()
                .and_then(|id| call.store().droplet(call.who.account, id, Timestamp::now()))
                .is_some(),
        ),
        // A Droplet's own snapshot or backup; any other image is the engine's.
        "/v2/images" => id
            .parse::<u64>()
            .ok()
            .and_then(|id| call.store().image(call.who.account, id, Timestamp::now()))
            .map(|_| true),
        _ => None,
    }
}
