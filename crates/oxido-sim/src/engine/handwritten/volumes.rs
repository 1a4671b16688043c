//! Volumes and their actions. Attachments live on the Droplets (`Store::attach_volume`),
//! so a Droplet's `volume_ids` and a volume's `droplet_ids` always agree, and deleting a
//! Droplet detaches its volumes. An attached volume cannot be deleted (409, as the API
//! answers); resize only grows; detaching what is not attached is a 422.

use std::collections::HashMap;

use axum::response::Response;
use http::StatusCode;
use serde_json::Value;

use super::actions::{self, On, region_of};
use super::object::{body_str, body_u64, with_object};
use crate::engine::call::Call;
use crate::state::model::Family;
use crate::wire::error::ApiError;

const VOLUMES: &str = "/v2/volumes";

/// Which volume a volume action names.
#[derive(Debug, Clone, Copy)]
pub(super) enum Target {
    Path,
    Name,
}

/// The id and region of the volume a path (or the body's `volume_name`) names; 404 if none.
fn find(call: &Call<'_>, target: Target) -> Result<(String, Option<String>), ApiError> {
    let named = match target {
        Target::Path => call.values.first().cloned().unwrap_or_default(),
        Target::Name => body_str(call, "volume_name")
            .ok_or_else(|| ApiError::unprocessable("volume_name: is required"))?
            .to_owned(),
    };
    with_object(call, VOLUMES, &named, |object| {
        let id = object
            .get("id")
            .and_then(Value::as_str)
            .map_or_else(|| named.clone(), str::to_owned);
        Ok((id, region_of(object)))
    })
}

fn droplet_id(call: &Call<'_>) -> Result<u64, ApiError> {
    body_u64(call, "droplet_id").ok_or_else(|| ApiError::unprocessable("droplet_id: is required"))
}

/// POST /v2/volumes/{volume_id}/actions and /v2/volumes/actions (by name).
pub(super) fn action(call: &Call<'_>, target: Target) -> Result<Response, ApiError> {
    let (id, region) = find(call, target)?;
    let account = call.who.account;
    let type_name = match body_str(call, "type").unwrap_or_default() {
        "attach" => {
            let droplet = droplet_id(call)?;
            // A volume attaches only to a Droplet in its own region, as the API requires.
            if let Some(held) = call
                .store()
                .droplet(account, droplet, jiff::Timestamp::now())
                && let Some(region) = region.as_deref()
                && held.region.slug != region
            {
                return Err(ApiError::unprocessable(format!(
                    "droplet_id: Droplet {droplet} is in {}, the volume in {region}",
                    held.region.slug
                )));
            }
            call.store().attach_volume(account, droplet, &id)?;
            "attach_volume"
        }
        "detach" => {
            call.store()
                .detach_volume(account, droplet_id(call)?, &id)?;
            "detach_volume"
        }
        "resize" => {
            let size = body_u64(call, "size_gigabytes")
                .ok_or_else(|| ApiError::unprocessable("size_gigabytes: is required"))?;
            with_object(call, VOLUMES, &id, |object| {
                let current = object["size_gigabytes"].as_u64().unwrap_or(0);
                if size > super::semantics::MAX_VOLUME_GIB {
                    return Err(ApiError::unprocessable(format!(
                        "size_gigabytes: a volume holds at most {} GiB (16 TiB)",
                        super::semantics::MAX_VOLUME_GIB
                    )));
                }
                if size < current {
                    return Err(ApiError::unprocessable(format!(
                        "size_gigabytes: a volume can only grow (it has {current})"
                    )));
                }
                object["size_gigabytes"] = Value::from(size);
                Ok(())
            })?;
            "resize_volume"
        }
        other => {
            return Err(ApiError::unprocessable(format!(
                "type: '{other}' is not one of attach, detach, resize"
            )));
        }
    };
    let on = On {
        family: Family::Volume,
        key: id,
        numeric_id: 0,
        region,
    };
    let action = actions::record(call, on, type_name);
    actions::answer_one(call, &action)
}

/// GET /v2/volumes/{volume_id}/actions
pub(super) fn list_actions(call: &Call<'_>) -> Result<Option<Response>, ApiError> {
    let (id, _) = find(call, Target::Path)?;
    actions::list(call, Family::Volume, &id)
}

/// GET /v2/volumes/{volume_id}/actions/{action_id}
pub(super) fn get_action(call: &Call<'_>) -> Result<Option<Response>, ApiError> {
    let (id, _) = find(call, Target::Path)?;
    actions::get(call, Family::Volume, &id)
}

fn refuse_if_attached(attachments: &HashMap<String, Vec<u64>>, id: &str) -> Result<(), ApiError> {
    match attachments.get(id) {
        Some(droplets) if !droplets.is_empty() => Err(ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            format!(
                "A volume that is attached to a Droplet cannot be deleted; detach it from Droplet {} first.",
                droplets[0]
            ),
        )),
        _ => Ok(()),
    }
}

/// DELETE /v2/volumes/{volume_id}: refused while attached, otherwise the engine deletes it.
pub(super) fn delete(call: &Call<'_>) -> Result<Option<Response>, ApiError> {
    let (id, _) = find(call, Target::Path)?;
    let attachments = call.store().attachments(call.who.account);
    refuse_if_attached(&attachments, &id)?;
    Ok(None)
}

/// DELETE /v2/volumes?name=&region=: every volume of that name (in that region) goes,
/// unless one of them is attached.
pub(super) fn delete_by_name(call: &Call<'_>) -> Result<Response, ApiError> {
    let param = |name: &str| {
        call.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let name = param("name").ok_or_else(|| ApiError::unprocessable("name: is required"))?;
    let region = param("region");
    crate::engine::call::ensure_seeded(call, &[VOLUMES]);
    let attachments = call.store().attachments(call.who.account);
    let mut docs = call.docs_mut();
    let data = &mut *docs;
    let doomed: Vec<(String, String)> = data
        .items(VOLUMES)
        .map(|items| {
            items
                .iter()
                .filter(|(_, v)| v.get("name").and_then(Value::as_str) == Some(name.as_str()))
                .filter(|(_, v)| region.is_none() || region_of(v) == region)
                .map(|(key, v)| {
                    let id = v.get("id").and_then(Value::as_str).unwrap_or(key);
                    (key.to_owned(), id.to_owned())
                })
                .collect()
        })
        .unwrap_or_default();
    if doomed.is_empty() {
        return Err(ApiError::not_found());
    }
    for (_, id) in &doomed {
        refuse_if_attached(&attachments, id)?;
    }
    for (key, _) in doomed {
        data.remove(VOLUMES, &key);
    }
    Ok(crate::engine::shape::empty(StatusCode::NO_CONTENT))
}

/// Up to this many volumes, a decoration looks each one up among the Droplets.
const FEW: usize = 4;

/// Puts the volumes' attachments from the hand-written store into their `droplet_ids`.
pub(super) fn decorate(call: &Call<'_>, objects: &mut [Value]) {
    if objects.len() > FEW {
        return decorate_page(call, objects);
    }
    // A read asks for one volume: look it up, rather than index every attachment of the
    // account for each request.
    let wanted: Vec<&str> = objects
        .iter()
        .map(|o| o.get("id").and_then(Value::as_str).unwrap_or_default())
        .collect();
    let attached = call.store().attached_to(call.who.account, &wanted);
    for (object, droplets) in objects.iter_mut().zip(attached) {
        if let Some(map) = object.as_object_mut()
            && map.contains_key("droplet_ids")
        {
            let ids = droplets.into_iter().map(Value::from).collect();
            map.insert("droplet_ids".into(), Value::Array(ids));
        }
    }
}

/// A page of volumes: every attachment of the account indexed once.
fn decorate_page(call: &Call<'_>, objects: &mut [Value]) {
    let attachments = call.store().attachments(call.who.account);
    for object in objects {
        let id = object.get("id").and_then(Value::as_str).unwrap_or_default();
        let ids: Vec<Value> = attachments
            .get(id)
            .map(|d| d.iter().copied().map(Value::from).collect())
            .unwrap_or_default();
        if let Some(map) = object.as_object_mut()
            && map.contains_key("droplet_ids")
        {
            map.insert("droplet_ids".into(), Value::Array(ids));
        }
    }
}
