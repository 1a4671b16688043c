//! Reserved (and floating) IP actions: assign and unassign.

use axum::response::Response;
use serde_json::Value;

use super::object::{action_answer, body_droplet, body_str, with_object};
use crate::engine::Call;
use crate::wire::droplet::droplet_json;
use crate::wire::error::ApiError;

/// POST /v2/reserved_ips/{ip}/actions (and the floating IP alias): assign puts the
/// Droplet on the address, unassign takes it off.
pub(super) fn action(call: &Call<'_>, collection: &str) -> Result<Response, ApiError> {
    let kind = body_str(call, "type").unwrap_or_default().to_owned();
    let ip = call.values.first().cloned().unwrap_or_default();
    let droplet = match kind.as_str() {
        "assign" => Some(droplet_json(&body_droplet(call)?)),
        _ => None,
    };
    with_object(call, collection, &ip, |object| {
        if let Some(map) = object.as_object_mut() {
            map.insert("droplet".into(), droplet.unwrap_or(Value::Null));
        }
        Ok(())
    })?;
    action_answer(call, &kind)
}
