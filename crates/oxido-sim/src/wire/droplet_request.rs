//! The body of a droplet creation request.

use serde_json::{Map, Value};

use super::action_request::{check_hostname, excerpt, opt_policy};
use super::body::{opt_bool, opt_str, req_str};
use super::error::ApiError;
use crate::limits;
use crate::state::catalog;
use crate::state::store::NewDroplet;

/// Parses and validates a single-droplet create body.
pub(crate) fn parse(body: &Map<String, Value>) -> Result<NewDroplet, ApiError> {
    if body.contains_key("names") {
        return Err(ApiError::unprocessable(
            "names: creating several droplets in one request is not supported by the simulator; send one request per name.",
        ));
    }
    let name = req_str(body, "name")?;
    check_hostname(name)?;
    let region_slug = opt_str(body, "region")?.unwrap_or("nyc3");
    let region = catalog::region(region_slug).ok_or_else(|| {
        ApiError::unprocessable(format!(
            "region: '{}' is not a known region slug.",
            excerpt(region_slug)
        ))
    })?;
    if !region.available {
        return Err(ApiError::unprocessable(format!(
            "region: '{region_slug}' is not available for new Droplets."
        )));
    }
    let size_slug = req_str(body, "size")?;
    let size = catalog::size(size_slug).ok_or_else(|| {
        ApiError::unprocessable(format!(
            "size: '{}' is not a known size slug.",
            excerpt(size_slug)
        ))
    })?;
    if !catalog::offers(region, size) {
        return Err(ApiError::unprocessable(format!(
            "size: '{size_slug}' is not available in {region_slug}."
        )));
    }
    let image = match body.get("image") {
        None | Some(Value::Null) => return Err(ApiError::unprocessable("image is required.")),
        Some(Value::String(slug)) => catalog::image_by_slug(slug),
        Some(Value::Number(n)) => n.as_u64().and_then(catalog::image_by_id),
        Some(_) => {
            return Err(ApiError::unprocessable(
                "image must be an image slug or a numeric image id.",
            ));
        }
    }
    .ok_or_else(|| ApiError::unprocessable("image: no image with that slug or id is available."))?;
    let tags = match body.get("tags") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => {
            limits::bounded_array("tags", items, limits::MAX_TAGS)?;
            items
                .iter()
                .map(|t| match t {
                    Value::String(s) => Ok(limits::tag("tags", s).map(|()| s.clone())?),
                    _ => Err(ApiError::unprocessable(
                        "tags must be an array of non-empty strings.",
                    )),
                })
                .collect::<Result<_, _>>()?
        }
        Some(_) => return Err(ApiError::unprocessable("tags must be an array of strings.")),
    };
    let vpc_uuid = opt_str(body, "vpc_uuid")?;
    if let Some(vpc) = vpc_uuid {
        limits::uuid("vpc_uuid", vpc)?;
    }
    // Accepted but not stored: checked so a request the API would refuse is refused here too.
    if let Some(user_data) = opt_str(body, "user_data")? {
        limits::bounded_str("user_data", user_data, limits::MAX_USER_DATA_BYTES)?;
    }
    id_or_name_array(body, "ssh_keys")?;
    let mut volume_ids = Vec::new();
    if let Some(volumes) = opt_array(body, "volumes")? {
        limits::bounded_array("volumes", volumes, limits::MAX_VOLUMES_PER_DROPLET)?;
        for volume in volumes {
            match volume {
                Value::String(id) => {
                    limits::uuid("volumes", id)?;
                    if !volume_ids.contains(id) {
                        volume_ids.push(id.clone());
                    }
                }
                _ => {
                    return Err(ApiError::unprocessable(
                        "volumes must be an array of UUIDs.",
                    ));
                }
            }
        }
    }
    for flag in [
        "private_networking",
        "with_droplet_agent",
        "public_networking",
    ] {
        opt_bool(body, flag)?;
    }
    Ok(NewDroplet {
        name: name.to_owned(),
        region,
        size,
        image,
        image_shown: None,
        backups: opt_bool(body, "backups")?.unwrap_or(false),
        backup_policy: opt_policy(body)?,
        ipv6: opt_bool(body, "ipv6")?.unwrap_or(false),
        // The Terraform provider's tests read no public address back from a Droplet made
        // with `public_networking: false` (droplet/resource_droplet_test.go).
        public_ipv4: opt_bool(body, "public_networking")?.unwrap_or(true),
        monitoring: opt_bool(body, "monitoring")?.unwrap_or(false),
        tags,
        vpc_uuid: vpc_uuid.map(str::to_owned),
        vpc_range: None,
        volumes: volume_ids,
    })
}

fn opt_array<'a>(
    body: &'a Map<String, Value>,
    field: &str,
) -> Result<Option<&'a [Value]>, ApiError> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => Ok(Some(items)),
        Some(_) => Err(ApiError::unprocessable(format!(
            "{field} must be an array."
        ))),
    }
}

/// An array of ids or names (`ssh_keys`: key ids or fingerprints), bounded.
fn id_or_name_array(body: &Map<String, Value>, field: &str) -> Result<(), ApiError> {
    let Some(items) = opt_array(body, field)? else {
        return Ok(());
    };
    limits::bounded_array(field, items, limits::MAX_ARRAY_ITEMS)?;
    for item in items {
        match item {
            Value::Number(n) if n.as_u64().is_some() => {}
            Value::String(s) if !s.is_empty() => {
                limits::bounded_str(field, s, limits::MAX_NAME_BYTES)?;
            }
            _ => {
                return Err(ApiError::unprocessable(format!(
                    "{field} must be an array of ids or fingerprints."
                )));
            }
        }
    }
    Ok(())
}
