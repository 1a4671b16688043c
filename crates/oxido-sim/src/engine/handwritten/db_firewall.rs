//! A database cluster's firewall: the rules `PUT` sets, replacing the old ones, each
//! given a `uuid`, the cluster's `cluster_uuid` and `created_at`. They are kept under
//! the cluster, so they go when it is deleted. The demo cluster starts with the
//! documented rules.

use std::net::IpAddr;

use axum::response::Response;
use http::StatusCode;
use serde_json::{Map, Value, json};

use super::object::with_object;
use crate::engine::call::{Call, seeds_demo};
use crate::engine::catalog::template;
use crate::engine::generate;
use crate::engine::shape::{answer, empty};
use crate::engine::spec::OpId;
use crate::engine::store::AccountData;
use crate::limits;
use crate::wire::error::ApiError;

const CLUSTERS: &str = "/v2/databases";

/// The cluster's uuid from the path; 404 if the account has no such cluster.
fn cluster(call: &Call<'_>) -> Result<String, ApiError> {
    let named = call.values.first().cloned().unwrap_or_default();
    with_object(call, CLUSTERS, &named, |object| {
        Ok(object
            .get("id")
            .and_then(Value::as_str)
            .map_or_else(|| named.clone(), str::to_owned))
    })
}

fn path(cluster: &str) -> String {
    format!("{CLUSTERS}/{cluster}/firewall")
}

/// The demo account's clusters start with the documented rules (once per cluster).
fn seed(call: &Call<'_>, data: &mut AccountData, cluster: &str) {
    let path = path(cluster);
    if !seeds_demo(call.app, &call.who) || !data.seeded.insert(path.clone()) {
        return;
    }
    let documented = template(OpId::DatabasesListFirewallRules);
    for rule in documented
        .get("rules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let mut rule = rule.clone();
        rule["cluster_uuid"] = Value::String(cluster.to_owned());
        if let Some(uuid) = rule.get("uuid").and_then(Value::as_str).map(str::to_owned) {
            let _ = data.put(&path, uuid, rule);
        }
    }
}

/// GET /v2/databases/{database_cluster_uuid}/firewall
pub(super) fn list(call: &Call<'_>) -> Result<Response, ApiError> {
    let cluster = cluster(call)?;
    let mut docs = call.docs_mut();
    let data = &mut *docs;
    seed(call, data, &cluster);
    let rules: Vec<Value> = data
        .items(&path(&cluster))
        .map(|items| items.iter().map(|(_, v)| v.clone()).collect())
        .unwrap_or_default();
    drop(docs);
    answer(call.op, Some(json!({ "rules": rules })))
}

/// Checks a rule's `value` for its `type`.
fn check_value(index: usize, kind: &str, value: &str) -> Result<(), ApiError> {
    let field = format!("rules.{index}.value");
    let bad = |what: &str| Err(ApiError::unprocessable(format!("{field}: {what}")));
    match kind {
        "ip_addr" => {
            let (address, prefix) = value.split_once('/').unwrap_or((value, ""));
            let Ok(ip) = address.parse::<IpAddr>() else {
                return bad("must be an IP address or a CIDR block");
            };
            let max = if ip.is_ipv4() { 32 } else { 128 };
            if !prefix.is_empty() && prefix.parse::<u8>().map_or(true, |p| p > max) {
                return bad("must be an IP address or a CIDR block");
            }
            Ok(())
        }
        "droplet" => {
            if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
                return bad("must be a Droplet id");
            }
            Ok(())
        }
        "k8s" | "app" => Ok(limits::uuid(&field, value)?),
        "tag" => Ok(limits::tag(&field, value)?),
        other => Err(ApiError::unprocessable(format!(
            "rules.{index}.type: '{other}' is not one of droplet, k8s, ip_addr, tag, app"
        ))),
    }
}

/// PUT /v2/databases/{database_cluster_uuid}/firewall: the rules are the new set.
pub(super) fn replace(call: &Call<'_>) -> Result<Response, ApiError> {
    let cluster = cluster(call)?;
    let given = call
        .body
        .as_ref()
        .and_then(|b| b.get("rules"))
        .and_then(Value::as_array)
        .ok_or_else(|| ApiError::unprocessable("rules: is required"))?;
    limits::bounded_array("rules", given, limits::MAX_ARRAY_ITEMS)?;
    let now = generate::now();
    let mut rules = Vec::with_capacity(given.len());
    for (index, rule) in given.iter().enumerate() {
        let kind = rule.get("type").and_then(Value::as_str).unwrap_or_default();
        let value = rule
            .get("value")
            .and_then(Value::as_str)
            .unwrap_or_default();
        check_value(index, kind, value)?;
        let uuid = generate::uuid();
        let mut stored = Map::new();
        stored.insert("uuid".into(), Value::String(uuid.clone()));
        stored.insert("cluster_uuid".into(), Value::String(cluster.clone()));
        stored.insert("type".into(), Value::String(kind.to_owned()));
        stored.insert("value".into(), Value::String(value.to_owned()));
        if let Some(description) = rule.get("description").and_then(Value::as_str) {
            limits::bounded_str(
                &format!("rules.{index}.description"),
                description,
                limits::MAX_NAME_BYTES,
            )?;
            stored.insert("description".into(), Value::String(description.to_owned()));
        }
        stored.insert("created_at".into(), Value::String(now.clone()));
        rules.push((uuid, Value::Object(stored)));
    }
    let path = path(&cluster);
    let mut docs = call.docs_mut();
    let data = &mut *docs;
    // The demo rules count as there already, so they are replaced too.
    data.seeded.insert(path.clone());
    data.clear(&path);
    for (uuid, rule) in rules {
        data.put(&path, uuid, rule)
            .map_err(|why| ApiError::unprocessable(format!("rules: {why}")))?;
    }
    Ok(empty(StatusCode::NO_CONTENT))
}
