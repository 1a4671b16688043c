//! Where the engine defers to hand-written state: operations on the hand-written
//! resources that have no route of their own, and the items those resources own.
//!
//! To hand-write an operation over the engine, add its `operationId` to `dispatch`;
//! the request arrives parsed and validated in a [`Call`].

use axum::response::Response;
use http::StatusCode;
use jiff::Timestamp;

use super::Call;
use crate::state::store::Paging;
use crate::wire::error::ApiError;

/// Whether an item lives in a hand-written store; `None` if the engine owns the collection.
pub(crate) fn exists(call: &Call<'_>, collection_path: &str, id: &str) -> Option<bool> {
    match collection_path {
        "/v2/droplets" => Some(
            id.parse::<u64>()
                .ok()
                .and_then(|id| call.app.store.droplet(call.who.account, id, Timestamp::now()))
                .is_some(),
        ),
        _ => None,
    }
}

/// Serves the operations hand-written over the engine; `None` leaves the call to it.
pub(crate) fn dispatch(call: &Call<'_>) -> Result<Option<Response>, ApiError> {
    let id = super::spec::OPS[call.op].id;
    match id {
        "droplets_destroy_byTag" => destroy_by_tag(call).map(Some),
        _ => Ok(None),
    }
}

/// DELETE /v2/droplets?tag_name=: every Droplet carrying the tag goes.
fn destroy_by_tag(call: &Call<'_>) -> Result<Response, ApiError> {
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
        .app
        .store
        .droplets(call.who.account, Some(tag), all, Timestamp::now());
    for droplet in tagged {
        call.app.store.delete_droplet(call.who.account, droplet.id);
    }
    Ok(super::empty(StatusCode::NO_CONTENT))
}
