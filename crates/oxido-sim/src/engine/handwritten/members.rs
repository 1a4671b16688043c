//! Operations that add members to (or take them out of) arrays of an engine object:
//! Droplets, tags and rules of firewalls, Droplets and forwarding rules of load balancers.

use axum::response::Response;
use http::StatusCode;
use serde_json::Value;

use super::object::with_object;
use crate::engine::call::Call;
use crate::engine::spec::OpId;
use crate::wire::error::ApiError;

/// An operation that adds members to (or removes them from) arrays of an object:
/// each field of the body is appended to (or taken out of) the same-named array.
pub(super) struct Membership {
    pub operation: OpId,
    collection: &'static str,
    fields: &'static [&'static str],
    add: bool,
}

pub(super) const MEMBERSHIPS: &[Membership] = &[
    Membership {
        operation: OpId::FirewallsAssignDroplets,
        collection: "/v2/firewalls",
        fields: &["droplet_ids"],
        add: true,
    },
    Membership {
        operation: OpId::FirewallsDeleteDroplets,
        collection: "/v2/firewalls",
        fields: &["droplet_ids"],
        add: false,
    },
    Membership {
        operation: OpId::FirewallsAddTags,
        collection: "/v2/firewalls",
        fields: &["tags"],
        add: true,
    },
    Membership {
        operation: OpId::FirewallsDeleteTags,
        collection: "/v2/firewalls",
        fields: &["tags"],
        add: false,
    },
    Membership {
        operation: OpId::FirewallsAddRules,
        collection: "/v2/firewalls",
        fields: &["inbound_rules", "outbound_rules"],
        add: true,
    },
    Membership {
        operation: OpId::FirewallsDeleteRules,
        collection: "/v2/firewalls",
        fields: &["inbound_rules", "outbound_rules"],
        add: false,
    },
    Membership {
        operation: OpId::LoadBalancersAddDroplets,
        collection: "/v2/load_balancers",
        fields: &["droplet_ids"],
        add: true,
    },
    Membership {
        operation: OpId::LoadBalancersRemoveDroplets,
        collection: "/v2/load_balancers",
        fields: &["droplet_ids"],
        add: false,
    },
    Membership {
        operation: OpId::LoadBalancersAddForwardingRules,
        collection: "/v2/load_balancers",
        fields: &["forwarding_rules"],
        add: true,
    },
    Membership {
        operation: OpId::LoadBalancersRemoveForwardingRules,
        collection: "/v2/load_balancers",
        fields: &["forwarding_rules"],
        add: false,
    },
];

/// Whether a stored member is the one `given` names: equal, or for an object, every
/// member given is the stored one's (a rule stored with its defaults filled in).
fn names(stored: &Value, given: &Value) -> bool {
    match (stored, given) {
        (Value::Object(s), Value::Object(g)) => g.iter().all(|(k, v)| s.get(k) == Some(v)),
        _ => stored == given,
    }
}

pub(super) fn membership(call: &Call<'_>, m: &Membership) -> Result<Response, ApiError> {
    if m.add {
        // Droplets added must exist (checked in the same transaction as the add).
        super::references::check_named(call)?;
    }
    let id = call.values.first().cloned().unwrap_or_default();
    let catalog = crate::engine::catalog::get();
    let read = catalog
        .collections
        .iter()
        .find(|c| c.path == m.collection)
        .and_then(|c| c.read);
    with_object(call, m.collection, &id, |object| {
        let before = object.clone();
        for field in m.fields {
            let given: Vec<Value> = call
                .body
                .as_ref()
                .and_then(|b| b.get(*field))
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let Some(map) = object.as_object_mut() else {
                continue;
            };
            let list = map
                .entry(*field)
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Some(list) = list.as_array_mut() {
                for mut value in given {
                    if m.collection == "/v2/firewalls" {
                        super::firewalls::normalize_rule(&mut value);
                    }
                    let present = list.contains(&value);
                    if m.add && !present {
                        list.push(value);
                    } else if !m.add {
                        list.retain(|v| !names(v, &value));
                    }
                }
            }
        }
        // A change the object's own answer would not accept is not made.
        if let Some(read) = read
            && !crate::engine::shape::conforms(
                read,
                &crate::engine::shape::wrapped(read, object.clone()),
            )
        {
            *object = before;
            return Err(ApiError::unprocessable(format!(
                "{}: the given members do not fit this resource",
                m.fields.join(", ")
            )));
        }
        Ok(())
    })?;
    Ok(crate::engine::shape::empty(StatusCode::NO_CONTENT))
}
