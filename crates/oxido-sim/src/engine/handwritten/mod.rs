//! Where the engine defers to hand-written state: operations on the hand-written
//! resources that have no route of their own, and the items those resources own.
//!
//! To hand-write an operation over the engine, add its `operationId` to `dispatch`;
//! the request arrives parsed and validated in a [`Call`].

mod droplets;
mod members;
mod object;
mod projects;
mod reserved_ips;
mod setters;
mod tags;
mod uploads;
mod volumes;

use axum::response::Response;
use jiff::Timestamp;

pub(crate) use self::droplets::create_droplets;
pub(crate) use self::uploads::{UPLOAD_PREFIX, Uploads, upload};
use super::Call;
use crate::wire::error::ApiError;

/// Whether an item lives in a hand-written store; `None` if the engine owns the collection.
pub(crate) fn exists(call: &Call<'_>, collection_path: &str, id: &str) -> Option<bool> {
    match collection_path {
        "/v2/droplets" => Some(
            id.parse::<u64>()
                .ok()
                .and_then(|id| {
                    call.app
                        .store
                        .droplet(call.who.account, id, Timestamp::now())
                })
                .is_some(),
        ),
        _ => None,
    }
}

/// Serves the operations hand-written over the engine; `None` leaves the call to it.
pub(crate) fn dispatch(call: &Call<'_>) -> Result<Option<Response>, ApiError> {
    let id = super::spec::OPS[call.op].id;
    match id {
        "droplets_destroy_byTag" => droplets::destroy_by_tag(call).map(Some),
        "inference_create_batch_file" => uploads::create_batch_file(call).map(Some),
        "volumeActions_post_byId" => volumes::action(call, volumes::Target::Path).map(Some),
        "volumeActions_post" => volumes::action(call, volumes::Target::Name).map(Some),
        "reservedIPsActions_post" => reserved_ips::action(call, "/v2/reserved_ips").map(Some),
        "floatingIPsAction_post" => reserved_ips::action(call, "/v2/floating_ips").map(Some),
        "tags_assign_resources" => tags::tag_resources(call, true).map(Some),
        "tags_unassign_resources" => tags::tag_resources(call, false).map(Some),
        "projects_assign_resources" | "projects_assign_resources_default" => {
            projects::assign(call).map(Some)
        }
        "projects_list_resources" | "projects_list_resources_default" => {
            projects::list(call).map(Some)
        }
        _ => {
            if let Some(m) = members::MEMBERSHIPS.iter().find(|m| m.operation == id) {
                return members::membership(call, m).map(Some);
            }
            if let Some(setter) = setters::SETTERS.iter().find(|s| s.operation == id) {
                return setters::set_fields(call, setter).map(Some);
            }
            Ok(None)
        }
    }
}
