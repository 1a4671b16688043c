//! Image actions: `transfer` copies the image to another region (it appears in the
//! image's `regions`), `convert` turns a backup into a snapshot; each is a real action.

use axum::response::Response;
use jiff::Timestamp;
use serde_json::Value;

use super::actions::{self, On};
use super::object::{body_str, with_object};
use crate::engine::call::Call;
use crate::state::images::DropletImage;
use crate::state::model::Family;
use crate::wire::error::ApiError;

const IMAGES: &str = "/v2/images";

/// A Droplet's own snapshot or backup the path names, if it is one.
fn droplet_image(call: &Call<'_>) -> Option<DropletImage> {
    let id = call.values.first()?.parse::<u64>().ok()?;
    call.store().image(call.who.account, id, Timestamp::now())
}

/// The image's integer id and first region, 404 if the account has no such image.
fn find(call: &Call<'_>) -> Result<(String, u64, Option<String>), ApiError> {
    let id = call.values.first().cloned().unwrap_or_default();
    if let Some(image) = droplet_image(call) {
        return Ok((id, image.id, Some(image.region.slug.to_owned())));
    }
    with_object(call, IMAGES, &id, |object| {
        let numeric = object.get("id").and_then(Value::as_u64).unwrap_or(0);
        let region = object
            .get("regions")
            .and_then(Value::as_array)
            .and_then(|r| r.first())
            .and_then(Value::as_str)
            .map(str::to_owned);
        Ok((id.clone(), numeric, region))
    })
}

/// POST /v2/images/{image_id}/actions
pub(super) fn action(call: &Call<'_>) -> Result<Response, ApiError> {
    let (key, numeric, mut region) = find(call)?;
    let type_name = match droplet_image(call) {
        Some(image) => act_on_droplet_image(call, &image, &mut region)?,
        None => act_on_engine_image(call, &key, &mut region)?,
    };
    let on = On {
        family: Family::Image,
        key,
        numeric_id: numeric,
        region,
    };
    let action = actions::record(call, on, type_name);
    actions::answer_one(call, &action)
}

/// A Droplet's own image: a transfer adds the region, a convert turns a backup into a snapshot.
fn act_on_droplet_image(
    call: &Call<'_>,
    image: &DropletImage,
    region: &mut Option<String>,
) -> Result<&'static str, ApiError> {
    match body_str(call, "type").unwrap_or_default() {
        "transfer" => {
            let to = transfer_region(call)?;
            call.store().transfer_image(call.who.account, image.id, to);
            *region = Some(to.to_owned());
            Ok("transfer")
        }
        "convert" => {
            call.store().convert_backup(call.who.account, image.id);
            Ok("convert")
        }
        other => Err(unknown_type(other)),
    }
}

/// An image the generic engine stores (custom images and the catalog's).
fn act_on_engine_image(
    call: &Call<'_>,
    key: &str,
    region: &mut Option<String>,
) -> Result<&'static str, ApiError> {
    match body_str(call, "type").unwrap_or_default() {
        "transfer" => {
            let to = transfer_region(call)?.to_owned();
            with_object(call, IMAGES, key, |object| {
                if let Some(regions) = object.get_mut("regions").and_then(Value::as_array_mut)
                    && !regions.iter().any(|r| r.as_str() == Some(to.as_str()))
                {
                    regions.push(Value::String(to.clone()));
                }
                Ok(())
            })?;
            *region = Some(to);
            Ok("transfer")
        }
        "convert" => {
            with_object(call, IMAGES, key, |object| {
                match object.get("type").and_then(Value::as_str) {
                    Some("backup") => {
                        object["type"] = Value::String("snapshot".into());
                        Ok(())
                    }
                    Some("snapshot") => Ok(()),
                    other => Err(ApiError::unprocessable(format!(
                        "type: only a backup can be converted to a snapshot (this image is {})",
                        other.unwrap_or("untyped")
                    ))),
                }
            })?;
            Ok("convert")
        }
        other => Err(unknown_type(other)),
    }
}

/// Where a transfer goes: a region of the catalog, as the API transfers only to its
/// regions (a region missing from the catalog is refused, as for every create).
fn transfer_region<'a>(call: &'a Call<'_>) -> Result<&'a str, ApiError> {
    let to = body_str(call, "region")
        .ok_or_else(|| ApiError::unprocessable("region: is required for a transfer"))?;
    crate::limits::bounded_str("region", to, crate::limits::MAX_NAME_BYTES)?;
    if crate::state::catalog::region(to).is_none() {
        return Err(ApiError::unprocessable(format!(
            "region: '{to}' is not a region (see GET /v2/regions)"
        )));
    }
    Ok(to)
}

fn unknown_type(other: &str) -> ApiError {
    ApiError::unprocessable(format!("type: '{other}' is not one of convert, transfer"))
}

/// GET /v2/images/{image_id}/actions
pub(super) fn list_actions(call: &Call<'_>) -> Result<Option<Response>, ApiError> {
    let (key, _, _) = find(call)?;
    actions::list(call, Family::Image, &key)
}

/// GET /v2/images/{image_id}/actions/{action_id}
pub(super) fn get_action(call: &Call<'_>) -> Result<Option<Response>, ApiError> {
    let (key, _, _) = find(call)?;
    actions::get(call, Family::Image, &key)
}
