//! NFS share actions: `resize` sets `size_gib`, `attach` and `detach` change `vpc_ids`;
//! every action (snapshot, reassign and tier switches too) is a real action, so the
//! SDK's waiter can follow it on `/v2/actions/{id}`.

use axum::response::Response;
use serde_json::Value;

use super::actions::{self, On, region_of};
use super::object::{body_str, with_object};
use crate::engine::call::Call;
use crate::engine::{generate, lifecycle};
use crate::state::model::Family;
use crate::wire::error::ApiError;

const SHARES: &str = "/v2/nfs";

fn param<'a>(call: &'a Call<'_>, name: &str) -> Option<&'a Value> {
    call.body.as_ref()?.get("params")?.get(name)
}

/// POST /v2/nfs/{nfs_id}/actions
pub(super) fn action(call: &Call<'_>) -> Result<Response, ApiError> {
    let share = call.values.first().cloned().unwrap_or_default();
    let kind = body_str(call, "type").unwrap_or_default().to_owned();
    let type_name = match kind.as_str() {
        "resize" => "RESIZE_SHARE",
        "snapshot" => "SNAPSHOT_SHARE",
        "attach" => "ATTACH_SHARE",
        "detach" => "DETACH_SHARE",
        "reassign" => "REASSIGN_SHARE",
        "switch_performance_tier" => "SWITCH_PERFORMANCE_TIER",
        other => {
            return Err(ApiError::unprocessable(format!(
                "type: '{other}' is not a known NFS action"
            )));
        }
    };
    super::references::check_vpcs(call)?;
    let vpc = param(call, "vpc_id")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let size = param(call, "size_gib").and_then(Value::as_u64);
    // A share is served in its region: a VPC it joins is there too.
    if let (Some(vpc), Some((_, object))) = (&vpc, super::behave::find(call, SHARES, &share))
        && let Some(region) = object.get("region").and_then(Value::as_str)
    {
        super::references::check_vpc_region(call, "params.vpc_id", vpc, region)?;
    }
    let (id, region, size) = with_object(call, SHARES, &share, |object| {
        match (kind.as_str(), &vpc, size) {
            ("resize", _, Some(size)) => {
                let current = object["size_gib"].as_u64().unwrap_or(0);
                if size < current {
                    return Err(ApiError::unprocessable(format!(
                        "params.size_gib: a share can only grow (it has {current})"
                    )));
                }
                object["size_gib"] = Value::from(size);
            }
            ("attach", Some(vpc), _) => {
                if let Some(vpcs) = object.get_mut("vpc_ids").and_then(Value::as_array_mut)
                    && !vpcs.iter().any(|v| v.as_str() == Some(vpc.as_str()))
                {
                    crate::limits::bounded_array(
                        "vpc_ids",
                        vpcs,
                        crate::limits::MAX_ARRAY_ITEMS - 1,
                    )?;
                    vpcs.push(Value::String(vpc.clone()));
                }
            }
            ("detach", Some(vpc), _) => {
                if let Some(vpcs) = object.get_mut("vpc_ids").and_then(Value::as_array_mut) {
                    vpcs.retain(|v| v.as_str() != Some(vpc.as_str()));
                }
            }
            _ => {}
        }
        let id = object
            .get("id")
            .and_then(Value::as_str)
            .map_or_else(|| share.clone(), str::to_owned);
        let size = object.get("size_gib").cloned().unwrap_or(Value::from(0));
        Ok((id, region_of(object), size))
    })?;
    let (id, region, size) = (id, region, size);
    // A snapshot action makes the snapshot, and names it as the action's resource: the
    // Terraform provider takes the snapshot's id from `resource_id`
    // (nfs/resource_nfs_snapshot.go) and reads it under /v2/nfs/snapshots.
    let resource = if kind == "snapshot" {
        snapshot(call, &id, region.as_deref(), size)?
    } else {
        id.clone()
    };
    let on = On {
        family: Family::NfsShare,
        key: id.clone(),
        numeric_id: 0,
        region,
    };
    let action = actions::record(call, on, type_name);
    actions::answer_nfs(call, &action, &resource)
}

const SNAPSHOTS: &str = "/v2/nfs/snapshots";

/// Stores a new snapshot of the share `share` (its size now), `CREATING` until the action
/// duration has passed; answers its id.
fn snapshot(
    call: &Call<'_>,
    share: &str,
    region: Option<&str>,
    size: Value,
) -> Result<String, ApiError> {
    let name = param(call, "name")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty())
        .map_or_else(|| format!("{share}-snapshot"), str::to_owned);
    crate::limits::check_stored("params.name", &Value::String(name.clone()))?;
    let id = generate::uuid();
    let mut object = serde_json::json!({
        "id": id, "name": name, "size_gib": size, "region": region.unwrap_or_default(),
        "status": "ACTIVE", "created_at": generate::now(), "share_id": share,
    });
    crate::engine::call::ensure_seeded(call, &[SNAPSHOTS]);
    let mut docs = call.docs_mut();
    if let Some(life) = lifecycle::of(SNAPSHOTS) {
        lifecycle::start(&mut object, life);
        docs.transitions.insert(
            format!("{SNAPSHOTS}/{id}"),
            lifecycle::transition(life, call.app.action_duration()),
        );
    }
    docs.put(SNAPSHOTS, id.clone(), object)
        .map_err(|why| ApiError::unprocessable(format!("snapshots: {why}")))?;
    Ok(id)
}
