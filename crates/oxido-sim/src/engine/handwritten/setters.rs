//! Operations that set members of an engine object from the same-named body fields.

use axum::response::Response;
use serde_json::Value;

use super::object::with_object;
use crate::engine::call::Call;
use crate::engine::spec::OpId;
use crate::wire::error::ApiError;

/// An operation that changes members of an object from the same-named body fields
/// (`{"version": ...}` on an upgrade sets the cluster's `version`).
pub(super) struct Setter {
    pub operation: OpId,
    collection: &'static str,
    fields: &'static [&'static str],
    /// The member the body's fields belong in, when the body is that member itself
    /// (a maintenance window's `{"day", "hour"}`).
    within: Option<&'static str>,
    /// The status the object shows while the change runs, back to the lifecycle's
    /// `done` after the action duration (a database `resizing`, `migrating`).
    busy: Option<&'static str>,
}

pub(super) const SETTERS: &[Setter] = &[
    Setter {
        operation: OpId::KubernetesUpgradeCluster,
        collection: "/v2/kubernetes/clusters",
        fields: &["version"],
        within: None,
        busy: None,
    },
    Setter {
        operation: OpId::DatabasesUpdateClusterSize,
        collection: "/v2/databases",
        fields: &["size", "num_nodes", "storage_size_mib"],
        within: None,
        busy: Some("resizing"),
    },
    Setter {
        operation: OpId::DatabasesUpdateRegion,
        collection: "/v2/databases",
        fields: &["region"],
        within: None,
        busy: Some("migrating"),
    },
    Setter {
        operation: OpId::DatabasesUpdateMaintenanceWindow,
        collection: "/v2/databases",
        fields: &["day", "hour"],
        within: Some("maintenance_window"),
        busy: None,
    },
];

pub(super) fn set_fields(call: &Call<'_>, setter: &Setter) -> Result<Response, ApiError> {
    let id = call.values.first().cloned().unwrap_or_default();
    let read = crate::engine::catalog::get()
        .collections
        .iter()
        .find(|c| c.path == setter.collection)
        .and_then(|c| c.read);
    let lifecycle = crate::engine::lifecycle::of(setter.collection);
    let key = with_object(call, setter.collection, &id, |object| {
        let mut changed = object.clone();
        let target = match setter.within {
            Some(member) => changed.get_mut(member),
            None => Some(&mut changed),
        };
        if let Some(map) = target.and_then(Value::as_object_mut) {
            for field in setter.fields {
                if let Some(value) = call.body.as_ref().and_then(|b| b.get(*field))
                    && (map.contains_key(*field) || setter.within.is_some())
                {
                    map.insert((*field).to_owned(), value.clone());
                }
            }
        }
        if let (Some(busy), Some(life)) = (setter.busy, lifecycle)
            && let Some(slot) = changed.pointer_mut(life.pointer)
        {
            *slot = Value::String(busy.to_owned());
        }
        // Only a change the object's own answer accepts is made.
        let accepted = read.is_none_or(|read| {
            crate::engine::shape::conforms(
                read,
                &crate::engine::shape::wrapped(read, changed.clone()),
            )
        });
        if accepted {
            *object = changed;
        }
        Ok(accepted.then(|| object.get("id").and_then(Value::as_str).map(str::to_owned)))
    })?;
    if let (Some(_), Some(life), Some(Some(key))) = (setter.busy, lifecycle, key) {
        call.docs_mut().transitions.insert(
            format!("{}/{key}", setter.collection),
            crate::engine::lifecycle::transition(life, call.app.action_duration()),
        );
    }
    crate::engine::call::static_answer(call)
}
