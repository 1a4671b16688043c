//! Reserved IP, floating IP and reserved IPv6 actions: assign puts the Droplet on the
//! address, unassign takes it off; each is a real action.

use std::net::IpAddr;

use axum::response::Response;
use serde_json::{Value, json};

use super::actions::{self, On, region_of};
use super::object::{body_droplet, body_str, with_object};
use crate::engine::call::Call;
use crate::state::model::Family;
use crate::wire::droplet::droplet_json;
use crate::wire::error::ApiError;

/// Where a family's addresses are stored.
fn collection(family: Family) -> &'static str {
    match family {
        Family::FloatingIp => "/v2/floating_ips",
        Family::ReservedIpv6 => "/v2/reserved_ipv6",
        _ => "/v2/reserved_ips",
    }
}

/// The integer an action names an address by: an IPv4 address as the API does
/// (`45.55.96.168` is 758604968); an IPv6 address by its low 48 bits.
fn numeric(ip: &str) -> u64 {
    match ip.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => u64::from(u32::from(v4)),
        Ok(IpAddr::V6(v6)) => (u128::from(v6) & 0xffff_ffff_ffff) as u64,
        Err(_) => 0,
    }
}

/// A new reserved or floating IP: a fresh address, on the body's Droplet (if any) and
/// in its region or the body's, as the API makes one. Made for a Droplet, it is
/// assigned by an `assign_ip` action, and the answer's `links` name both (the spec's
/// `reserved_ip_created`: "the response's `links` object will contain links to both
/// the Droplet and the assignment action"); the links are returned.
pub(super) fn created(call: &Call<'_>, family: Family, object: &mut Value) -> Option<Value> {
    let map = object.as_object_mut()?;
    let next = call.tx.next_address();
    let address = if map
        .get("ip")
        .and_then(Value::as_str)
        .is_some_and(|ip| ip.contains(':'))
    {
        // IPv6 from the documentation prefix 2001:db8::/32.
        let v6 = (0x2001_0db8_u128 << 96) | u128::from(next);
        std::net::Ipv6Addr::from(v6).to_string()
    } else {
        std::net::Ipv4Addr::from(next).to_string()
    };
    map.insert("ip".into(), Value::String(address));
    let droplet = body_droplet(call).ok();
    let region = droplet.as_ref().map(|d| d.region).or_else(|| {
        body_str(call, "region")
            .or_else(|| body_str(call, "region_slug"))
            .and_then(crate::state::catalog::region)
    });
    if map.contains_key("region_slug")
        && let Some(slug) = region
            .map(|r| r.slug)
            .or_else(|| body_str(call, "region_slug"))
    {
        map.insert("region_slug".into(), Value::String(slug.to_owned()));
    }
    if map.contains_key("droplet") {
        map.insert(
            "droplet".into(),
            droplet.as_ref().map_or(Value::Null, droplet_json),
        );
    }
    if map.get("region").is_some_and(Value::is_object)
        && let Some(region) = region.and_then(|r| serde_json::to_value(r).ok())
    {
        map.insert("region".into(), region);
    }
    let droplet = droplet?;
    let ip = map.get("ip").and_then(Value::as_str)?.to_owned();
    let on = On {
        family,
        numeric_id: numeric(&ip),
        key: ip,
        region: region.map(|r| r.slug.to_owned()),
    };
    let action = actions::record(call, on, "assign_ip");
    Some(json!({
        "droplets": [{
            "id": droplet.id,
            "rel": "droplet",
            "href": format!("{}/v2/droplets/{}", call.origin, droplet.id),
        }],
        "actions": [{
            "id": action.id,
            "rel": "assign_ip",
            "href": format!("{}/v2/actions/{}", call.origin, action.id),
        }],
    }))
}

/// A deleted Droplet's addresses are free again, as the API frees them, and it
/// leaves every project, load balancer and firewall.
pub(crate) fn droplet_deleted(call: &Call<'_>, id: u64) {
    let mut data = call.docs_mut();
    super::references::droplet_deleted(&mut data, id);
    for family in [Family::ReservedIp, Family::FloatingIp, Family::ReservedIpv6] {
        let path = collection(family);
        let held: Vec<String> = data
            .items(path)
            .map(|items| {
                items
                    .iter()
                    .filter(|(_, v)| v.pointer("/droplet/id").and_then(Value::as_u64) == Some(id))
                    .map(|(k, _)| k.to_owned())
                    .collect()
            })
            .unwrap_or_default();
        for key in held {
            if let Some(object) = data.settled_mut(path, &key) {
                object["droplet"] = Value::Null;
            }
        }
    }
}

/// POST /v2/{reserved_ips,floating_ips,reserved_ipv6}/{ip}/actions
pub(super) fn action(call: &Call<'_>, family: Family) -> Result<Response, ApiError> {
    let ip = call.values.first().cloned().unwrap_or_default();
    let (droplet, type_name) = match body_str(call, "type").unwrap_or_default() {
        "assign" => (droplet_json(&body_droplet(call)?), "assign_ip"),
        "unassign" => (Value::Null, "unassign_ip"),
        other => {
            return Err(ApiError::unprocessable(format!(
                "type: '{other}' is not one of assign, unassign"
            )));
        }
    };
    let region = with_object(call, collection(family), &ip, |object| {
        // Unassigning an address no Droplet holds is refused; the Terraform provider
        // expects the 422 (reservedip/resource_reserved_ip.go, its delete).
        if droplet.is_null() && object.get("droplet").is_none_or(Value::is_null) {
            return Err(ApiError::unprocessable(
                "The reserved IP is not assigned to a Droplet.",
            ));
        }
        if let Some(map) = object.as_object_mut() {
            map.insert("droplet".into(), droplet);
        }
        Ok(region_of(object).or_else(|| {
            object
                .get("region_slug")
                .and_then(Value::as_str)
                .map(str::to_owned)
        }))
    })?;
    let on = On {
        family,
        numeric_id: numeric(&ip),
        key: ip,
        region,
    };
    let action = actions::record(call, on, type_name);
    actions::answer_one(call, &action)
}

/// GET /v2/{reserved_ips,floating_ips}/{ip}/actions
pub(super) fn list_actions(call: &Call<'_>, family: Family) -> Result<Option<Response>, ApiError> {
    let ip = call.values.first().cloned().unwrap_or_default();
    with_object(call, collection(family), &ip, |_| Ok(()))?;
    actions::list(call, family, &ip)
}

/// GET /v2/{reserved_ips,floating_ips}/{ip}/actions/{action_id}
pub(super) fn get_action(call: &Call<'_>, family: Family) -> Result<Option<Response>, ApiError> {
    let ip = call.values.first().cloned().unwrap_or_default();
    with_object(call, collection(family), &ip, |_| Ok(()))?;
    actions::get(call, family, &ip)
}
