//! A VPC's members: the Droplets (from the hand-written store) and the engine's load
//! balancers, Kubernetes clusters and database clusters whose network is that VPC.

use axum::response::Response;
use jiff::Timestamp;
use serde_json::{Value, json};

use super::object::page;
use crate::engine::call::{Call, ensure_seeded};
use crate::state::store::Paging;
use crate::wire::Stamp;
use crate::wire::error::ApiError;

/// Engine collections that join VPCs: (collection, URN kind, member naming the VPC).
pub(super) const JOINERS: &[(&str, &str, &str)] = &[
    ("/v2/load_balancers", "loadbalancer", "vpc_uuid"),
    ("/v2/kubernetes/clusters", "kubernetes", "vpc_uuid"),
    ("/v2/databases", "dbaas", "private_network_uuid"),
];

/// GET /v2/vpcs/{vpc_id}/members?resource_type=
pub(super) fn list(call: &Call<'_>) -> Result<Response, ApiError> {
    let vpc = call.values.first().cloned().unwrap_or_default();
    let wanted = call
        .query
        .iter()
        .find(|(k, _)| k == "resource_type")
        .map(|(_, v)| v.as_str());
    let all = Paging {
        page: 1,
        per_page: u64::MAX,
    };
    let (droplets, _) = call
        .store()
        .droplets(call.who.account, None, all, Timestamp::now());
    let inside: Vec<Value> = droplets
        .iter()
        .filter(|d| d.vpc_uuid == vpc)
        .map(|d| {
            json!({
                "urn": format!("do:droplet:{}", d.id),
                "name": d.name,
                "created_at": Stamp(d.created_at).to_string(),
            })
        })
        .collect();
    // A VPC exists if the engine holds it or a Droplet is in it (every Droplet's is real).
    let known = !inside.is_empty();
    let mut members = Vec::new();
    if wanted.is_none_or(|w| w == "droplet") {
        members = inside;
    }
    let joiners: Vec<_> = JOINERS
        .iter()
        .filter(|(_, kind, _)| wanted.is_none_or(|w| w == *kind))
        .collect();
    ensure_seeded(
        call,
        &joiners.iter().map(|(c, _, _)| *c).collect::<Vec<_>>(),
    );
    let docs = call.docs();
    {
        let data = &*docs;
        for (collection, kind, field) in joiners {
            let Some(items) = data.items(collection) else {
                continue;
            };
            for (key, item) in items.iter() {
                if item.get(*field).and_then(Value::as_str) != Some(vpc.as_str()) {
                    continue;
                }
                let id = item
                    .get("id")
                    .map(|v| match v {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .unwrap_or_else(|| key.to_owned());
                members.push(json!({
                    "urn": format!("do:{kind}:{id}"),
                    "name": item.get("name").cloned().unwrap_or(Value::Null),
                    "created_at": item.get("created_at").cloned().unwrap_or(Value::Null),
                }));
            }
        }
    }
    let known = known
        || docs
            .items("/v2/vpcs")
            .and_then(|items| items.key_of(&vpc))
            .is_some();
    drop(docs);
    if !known {
        ensure_seeded(call, &["/v2/vpcs"]);
        super::object::with_object(call, "/v2/vpcs", &vpc, |_| Ok(()))?;
    }
    page(call, members)
}

/// GET /v2/vpcs/{vpc_id}/peerings: the VPC's peerings, made under the VPC or through
/// `/v2/vpc_peerings` (godo's `ListVPCPeeringsByVPCID` reads this list).
pub(super) fn peerings(call: &Call<'_>) -> Result<Response, ApiError> {
    let vpc = call.values.first().cloned().unwrap_or_default();
    if super::behave::find(call, "/v2/vpcs", &vpc).is_none() {
        return Err(ApiError::not_found());
    }
    let joins = |p: &Value| {
        p.get("vpc_ids")
            .and_then(Value::as_array)
            .is_some_and(|ids| ids.iter().any(|id| id.as_str() == Some(vpc.as_str())))
    };
    let mut listed: Vec<Value> = super::behave::all(call, "/v2/vpc_peerings")
        .into_iter()
        .map(|(_, p)| p)
        .filter(|p| joins(p))
        .collect();
    for (_, own) in super::behave::all(call, &format!("/v2/vpcs/{vpc}/peerings")) {
        if !listed.iter().any(|p| p.get("id") == own.get("id")) {
            listed.push(own);
        }
    }
    page(call, listed)
}

/// POST /v2/vpcs, PUT/PATCH /v2/vpcs/{id}: a VPC's name "must be unique" (the
/// description of `name`; the Terraform provider's digitalocean_vpc documents the same).
/// The description names no scope, so it is the account's: the API's own default VPCs
/// carry their region in their name (`default-nyc1`).
pub(super) fn vpc_name_free(call: &Call<'_>, body: &Value) -> Result<(), ApiError> {
    let Some(name) = body.get("name").and_then(Value::as_str) else {
        return Ok(());
    };
    let own = call.values.first().map(String::as_str);
    let taken = super::behave::any_other(call, "/v2/vpcs", own, |vpc| {
        vpc.get("name").and_then(Value::as_str) == Some(name)
    });
    if taken {
        return Err(ApiError::unprocessable(format!(
            "name: a VPC named {name} already exists"
        )));
    }
    Ok(())
}

/// Every collection that holds peerings: `/v2/vpc_peerings` and each VPC's own.
fn peering_collections(call: &Call<'_>) -> Vec<String> {
    ensure_seeded(call, &["/v2/vpc_peerings"]);
    call.docs()
        .collections
        .keys()
        .filter(|k| {
            *k == "/v2/vpc_peerings" || (k.starts_with("/v2/vpcs/") && k.ends_with("/peerings"))
        })
        .cloned()
        .collect()
}

/// A new (or renamed) VPC peering: it joins two different VPCs (the description: "a
/// list of two VPC IDs to peer"), and its name "must be unique within the team" (the
/// description of `name`), among the peerings made either way.
pub(super) fn peering_ok(call: &Call<'_>, body: &Value, creating: bool) -> Result<(), ApiError> {
    if creating {
        let mut ids: Vec<&str> = body
            .get("vpc_ids")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        ids.extend(call.values.first().map(String::as_str));
        ids.extend(body.get("vpc_id").and_then(Value::as_str));
        if ids.len() == 2 && ids[0] == ids[1] {
            return Err(ApiError::unprocessable(format!(
                "vpc_ids: a VPC cannot be peered with itself ({})",
                ids[0]
            )));
        }
    }
    let Some(name) = body.get("name").and_then(Value::as_str) else {
        return Ok(());
    };
    // An update (`…/peerings/{id}`, the path's last value) may keep its own name.
    let own = (!creating)
        .then(|| call.values.last().map(String::as_str))
        .flatten();
    let taken = peering_collections(call).iter().any(|collection| {
        super::behave::any_other(call, collection, own, |p| {
            p.get("name").and_then(Value::as_str) == Some(name)
        })
    });
    if taken {
        return Err(ApiError::unprocessable(format!(
            "name: a VPC peering named {name} already exists"
        )));
    }
    Ok(())
}
