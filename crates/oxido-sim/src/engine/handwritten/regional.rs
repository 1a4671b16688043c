//! Where the API puts a resource whose request leaves it out: the region's default VPC
//! (made on first use, as the API makes `default-{region}` for an account's first resource
//! there) and the default project.

use std::sync::atomic::{AtomicU32, Ordering};

use serde_json::{Value, json};

use crate::engine::call::{Call, ensure_seeded};
use crate::engine::generate;

const VPCS: &str = "/v2/vpcs";

/// /20 blocks of 10.128.0.0/9 handed to new VPCs: none overlaps another or the demo's.
static NEXT_VPC_BLOCK: AtomicU32 = AtomicU32::new(0);

pub(crate) fn fresh_vpc_range() -> String {
    let block = NEXT_VPC_BLOCK.fetch_add(1, Ordering::Relaxed) % (1 << 11);
    let base = u32::from_be_bytes([10, 128, 0, 0]) + (block << 12);
    format!("{}/20", std::net::Ipv4Addr::from(base))
}

/// The id of the account's default VPC in `region`, made if the account has none yet.
/// `None` only when the account's VPC collection is full.
pub(crate) fn default_vpc(call: &Call<'_>, region: &str) -> Option<String> {
    ensure_seeded(call, &[VPCS]);
    let found = call.docs().items(VPCS).and_then(|items| {
        items
            .iter()
            .find(|(_, v)| v["region"] == region && v["default"] == true)
            .and_then(|(_, v)| v["id"].as_str().map(str::to_owned))
    });
    if found.is_some() {
        return found;
    }
    let id = generate::uuid();
    let vpc = json!({
        "name": format!("default-{region}"),
        "description": "",
        "region": region,
        "ip_range": fresh_vpc_range(),
        "default": true,
        "id": id,
        "urn": format!("do:vpc:{id}"),
        "created_at": generate::now(),
    });
    call.docs_mut().put(VPCS, id.clone(), vpc).ok()?;
    Some(id)
}

/// The region a create names: the body's `region` slug (or `region_slug`), else the
/// object's own (`"region": "nyc1"` or `{"slug": "nyc1"}`).
pub(crate) fn region_of(call: &Call<'_>, object: &Value) -> Option<String> {
    let body = call.body.as_ref();
    let named = |v: Option<&Value>| {
        v.and_then(|r| r.as_str().or_else(|| r.get("slug")?.as_str()))
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    named(body.and_then(|b| b.get("region")))
        .or_else(|| named(body.and_then(|b| b.get("region_slug"))))
        .or_else(|| named(object.get("region")))
}

/// Whether the request body gave `member` a non-empty value.
pub(crate) fn given(call: &Call<'_>, member: &str) -> bool {
    call.body
        .as_ref()
        .and_then(|b| b.get(member))
        .is_some_and(|v| !(v.is_null() || v.as_str() == Some("")))
}

/// Puts the region's default VPC in `member` when the request did not name one.
pub(crate) fn place_in_default_vpc(call: &Call<'_>, object: &mut Value, member: &str) {
    if given(call, member) || object.get(member).is_none() {
        return;
    }
    if let Some(region) = region_of(call, object)
        && let Some(vpc) = default_vpc(call, &region)
    {
        object[member] = Value::String(vpc);
    }
}

/// Puts the default project's id in `project_id` when the request did not name one: the
/// resource joins that project, and the API answers with its id.
pub(crate) fn place_in_default_project(call: &Call<'_>, object: &mut Value) {
    if given(call, "project_id") || object.get("project_id").is_none() {
        return;
    }
    if let Some(project) = super::references::current_default(call) {
        object["project_id"] = Value::String(project);
    }
}

/// A region has one default VPC: making `key` its region's default unmarks the one
/// that was (Terraform's `default` attribute of a VPC is set by an update).
pub(crate) fn only_default_vpc(call: &Call<'_>, key: &str) {
    const VPCS: &str = "/v2/vpcs";
    let mut docs = call.docs_mut();
    let Some(items) = docs.collections.get_mut(VPCS) else {
        return;
    };
    let Some(region) = items
        .get(key)
        .filter(|v| v["default"] == true)
        .map(|v| v["region"].clone())
    else {
        return;
    };
    let others: Vec<String> = items
        .iter()
        .filter(|(k, v)| *k != key && v["region"] == region && v["default"] == true)
        .map(|(k, _)| k.to_owned())
        .collect();
    for other in others {
        if let Some(vpc) = items.get_mut(&other) {
            vpc["default"] = Value::Bool(false);
        }
    }
}
