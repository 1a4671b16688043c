//! Volume actions: attach, detach and resize.

use axum::response::Response;
use serde_json::Value;

use super::object::{action_answer, body_droplet, body_str, body_u64, with_object};
use crate::engine::Call;
use crate::wire::error::ApiError;

/// Which volume a volume action names.
#[derive(Debug, Clone, Copy)]
pub(super) enum Target {
    Path,
    Name,
}

/// POST /v2/volumes/{volume_id}/actions and /v2/volumes/actions (by name): attach and
/// detach change the volume's `droplet_ids`, resize its size (volumes only grow).
pub(super) fn action(call: &Call<'_>, target: Target) -> Result<Response, ApiError> {
    let kind = body_str(call, "type").unwrap_or_default().to_owned();
    let volume = match target {
        Target::Path => call.values.first().cloned().unwrap_or_default(),
        Target::Name => body_str(call, "volume_name")
            .ok_or_else(|| ApiError::unprocessable("volume_name: is required"))?
            .to_owned(),
    };
    // Attaching needs a real Droplet; detaching one that is not attached changes nothing.
    let droplet = match kind.as_str() {
        "attach" => Some(body_droplet(call)?.id),
        "detach" => body_u64(call, "droplet_id"),
        _ => None,
    };
    let size = body_u64(call, "size_gigabytes");
    with_object(call, "/v2/volumes", &volume, |object| {
        match (kind.as_str(), droplet) {
            ("attach", Some(d)) => {
                let ids = object
                    .get_mut("droplet_ids")
                    .and_then(Value::as_array_mut)
                    .ok_or_else(|| ApiError::unprocessable("the volume cannot be attached"))?;
                if !ids.iter().any(|v| v.as_u64() == Some(d)) {
                    ids.push(Value::from(d));
                }
            }
            ("detach", Some(d)) => {
                if let Some(ids) = object.get_mut("droplet_ids").and_then(Value::as_array_mut) {
                    ids.retain(|v| v.as_u64() != Some(d));
                }
            }
            ("resize", _) => {
                let size =
                    size.ok_or_else(|| ApiError::unprocessable("size_gigabytes: is required"))?;
                let current = object["size_gigabytes"].as_u64().unwrap_or(0);
                if size < current {
                    return Err(ApiError::unprocessable(format!(
                        "size_gigabytes: a volume can only grow (it has {current})"
                    )));
                }
                object["size_gigabytes"] = Value::from(size);
            }
            _ => {}
        }
        Ok(())
    })?;
    action_answer(call, &kind)
}
