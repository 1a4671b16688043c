//! A Droplet's firewalls: the account's firewalls that name it in `droplet_ids` or
//! share one of its tags.

use axum::response::Response;
use serde_json::Value;

use super::object::{page, path_droplet};
use crate::engine::call::{Call, ensure_seeded};
use crate::wire::error::ApiError;

const FIREWALLS: &str = "/v2/firewalls";

/// GET /v2/droplets/{droplet_id}/firewalls
pub(super) fn for_droplet(call: &Call<'_>) -> Result<Response, ApiError> {
    let droplet = path_droplet(call)?;
    ensure_seeded(call, &[FIREWALLS]);
    let docs = call.docs();
    let holding: Vec<Value> = Some(&*docs)
        .and_then(|d| {
            let items = d.items(FIREWALLS)?;
            Some(
                items
                    .iter()
                    .filter(|(_, f)| {
                        let by_id = f
                            .get("droplet_ids")
                            .and_then(Value::as_array)
                            .is_some_and(|ids| ids.iter().any(|i| i.as_u64() == Some(droplet.id)));
                        let by_tag = f.get("tags").and_then(Value::as_array).is_some_and(|tags| {
                            tags.iter()
                                .filter_map(Value::as_str)
                                .any(|t| droplet.tags.iter().any(|d| d == t))
                        });
                        by_id || by_tag
                    })
                    .map(|(key, f)| d.rendered(FIREWALLS, key, f))
                    .collect(),
            )
        })
        .unwrap_or_default();
    drop(docs);
    page(call, holding)
}

/// A firewall's rules as the API answers them: `"all"` ports, and an ICMP rule's absent
/// ones, read `"0"` (the Terraform provider reads `"0"` back as `all`).
pub(crate) fn normalize_rules(firewall: &mut Value) {
    for member in ["inbound_rules", "outbound_rules"] {
        if let Some(Value::Array(rules)) = firewall.get_mut(member) {
            rules.iter_mut().for_each(normalize_rule);
        }
    }
}

/// One rule's ports as the API answers them.
pub(crate) fn normalize_rule(rule: &mut Value) {
    let Some(map) = rule.as_object_mut() else {
        return;
    };
    let icmp = map.get("protocol").and_then(Value::as_str) == Some("icmp");
    let ports = map.get("ports").and_then(Value::as_str);
    if icmp || ports.is_none() || ports.is_some_and(|p| p.eq_ignore_ascii_case("all")) {
        map.insert("ports".into(), Value::String("0".to_owned()));
    }
}

/// A TCP or UDP rule names its ports: the API answers a rule without them "You must
/// specify a positive value for ports." (422; digitalocean/doctl issue 247,
/// digitalocean/droplet_kit issue 249, terraform-provider-digitalocean PR 39), and the
/// Terraform provider refuses such a rule before sending it (firewall/resource_firewall.go).
/// `"0"` and `"all"` stay accepted: both mean every port. ICMP rules have none.
pub(super) fn ports_given(call: &Call<'_>) -> Result<(), ApiError> {
    let Some(body) = call.body.as_ref() else {
        return Ok(());
    };
    for member in ["inbound_rules", "outbound_rules"] {
        let rules = body.get(member).and_then(Value::as_array);
        for (i, rule) in rules.into_iter().flatten().enumerate() {
            let protocol = rule.get("protocol").and_then(Value::as_str);
            let ports = rule.get("ports").and_then(Value::as_str);
            if matches!(protocol, Some("tcp" | "udp")) && ports.is_none_or(|p| p.trim().is_empty())
            {
                return Err(ApiError::unprocessable(format!(
                    "{member}.{i}.ports: You must specify a positive value for ports."
                )));
            }
        }
    }
    Ok(())
}
