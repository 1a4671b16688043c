//! A Droplet's neighbors and kernels from the hand-written store. The emulator puts
//! each region's Droplets of an account on one host, so neighbors share a region.

use axum::response::Response;
use jiff::Timestamp;
use serde_json::{Value, json};

use super::object::page;
use crate::engine::call::Call;
use crate::engine::shape::answer;
use crate::wire::droplet::droplet_json;
use crate::wire::error::ApiError;

/// Kernels every Droplet may boot, besides the one it runs.
const KERNELS: [u64; 3] = [7515, 8611, 9120];

fn droplet_id(call: &Call<'_>) -> Result<u64, ApiError> {
    call.values
        .first()
        .and_then(|v| v.parse::<u64>().ok())
        .ok_or_else(ApiError::not_found)
}

/// GET /v2/droplets/{droplet_id}/neighbors
pub(super) fn list(call: &Call<'_>) -> Result<Response, ApiError> {
    let neighbors = call
        .store()
        .neighbors(call.who.account, droplet_id(call)?, Timestamp::now())
        .ok_or_else(ApiError::not_found)?;
    let droplets: Vec<Value> = neighbors.iter().map(droplet_json).collect();
    answer(call.op, Some(json!({ "droplets": droplets })))
}

/// GET /v2/reports/droplet_neighbors_ids
pub(super) fn ids(call: &Call<'_>) -> Result<Response, ApiError> {
    let groups = call.store().neighbor_groups(call.who.account);
    answer(call.op, Some(json!({ "neighbor_ids": groups })))
}

/// GET /v2/droplets/{droplet_id}/kernels: the catalog's kernels and the running one,
/// named as a Droplet's `kernel` member names them.
pub(super) fn kernels(call: &Call<'_>) -> Result<Response, ApiError> {
    let droplet = call
        .store()
        .droplet(call.who.account, droplet_id(call)?, Timestamp::now())
        .ok_or_else(ApiError::not_found)?;
    let mut ids: Vec<u64> = KERNELS.to_vec();
    if let Some(current) = droplet.kernel
        && !ids.contains(&current)
    {
        ids.push(current);
    }
    let all = ids
        .into_iter()
        .map(|id| {
            json!({
                "id": id,
                "name": format!("Kernel {id}"),
                "version": format!("6.8.0-{}-generic", id % 100),
            })
        })
        .collect();
    page(call, all)
}
