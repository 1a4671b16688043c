//! Operations that set members of an engine object from the same-named body fields.

use axum::response::Response;

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
}

pub(super) const SETTERS: &[Setter] = &[
    Setter {
        operation: OpId::KubernetesUpgradeCluster,
        collection: "/v2/kubernetes/clusters",
        fields: &["version"],
    },
    Setter {
        operation: OpId::DatabasesUpdateClusterSize,
        collection: "/v2/databases",
        fields: &["size", "num_nodes", "storage_size_mib"],
    },
    Setter {
        operation: OpId::DatabasesUpdateRegion,
        collection: "/v2/databases",
        fields: &["region"],
    },
    Setter {
        operation: OpId::DatabasesUpdateMaintenanceWindow,
        collection: "/v2/databases",
        fields: &["maintenance_window"],
    },
];

pub(super) fn set_fields(call: &Call<'_>, setter: &Setter) -> Result<Response, ApiError> {
    let id = call.values.first().cloned().unwrap_or_default();
    let read = crate::engine::catalog::get()
        .collections
        .iter()
        .find(|c| c.path == setter.collection)
        .and_then(|c| c.read);
    with_object(call, setter.collection, &id, |object| {
        let mut changed = object.clone();
        for field in setter.fields {
            if let Some(value) = call.body.as_ref().and_then(|b| b.get(*field))
                && let Some(map) = changed.as_object_mut()
                && map.contains_key(*field)
            {
                map.insert((*field).to_owned(), value.clone());
            }
        }
        // Only a change the object's own answer accepts is made.
        if read.is_none_or(|read| {
            crate::engine::shape::conforms(
                read,
                &crate::engine::shape::wrapped(read, changed.clone()),
            )
        }) {
            *object = changed;
        }
        Ok(())
    })?;
    crate::engine::call::static_answer(call)
}
