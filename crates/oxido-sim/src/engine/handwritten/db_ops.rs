//! Database cluster writes that change the cluster: promoting a read-only replica to
//! a cluster of its own, installing the pending maintenance update, online migrations
//! (started, read, stopped) and the cluster's `do_settings`.

use axum::response::Response;
use http::StatusCode;
use serde_json::{Value, json};

use super::behave::{all, field, find, put, remove, value};
use super::object::with_object;
use crate::engine::call::Call;
use crate::engine::generate;
use crate::engine::shape::{answer, empty};
use crate::wire::error::ApiError;

const DATABASES: &str = "/v2/databases";

/// The path's cluster (key and object); 404 if there is none.
fn cluster(call: &Call<'_>) -> Result<(String, Value), ApiError> {
    find(call, DATABASES, &value(call, 0)).ok_or_else(ApiError::not_found)
}

/// PUT /v2/databases/{uuid}/replicas/{name}/promote: the replica leaves the cluster's
/// replicas and becomes a cluster of the same engine, version, users and databases,
/// with the replica's id, name, region, size and connection.
pub(super) fn promote_replica(call: &Call<'_>) -> Result<Response, ApiError> {
    let (key, primary) = cluster(call)?;
    let replicas = format!("/v2/databases/{key}/replicas");
    let (replica_key, replica) =
        find(call, &replicas, &value(call, 1)).ok_or_else(ApiError::not_found)?;
    // A replica still being created can be promoted: the API takes the request and the
    // promotion follows the creation (pydo's integration test
    // `test_databases_create_replica_and_promote_as_primary` promotes at once and expects 204).
    let mut promoted = primary.clone();
    let id = replica
        .get("id")
        .and_then(Value::as_str)
        .map_or_else(generate::uuid, str::to_owned);
    if let Some(map) = promoted.as_object_mut() {
        map.insert("id".into(), Value::String(id.clone()));
        for member in [
            "name",
            "region",
            "size",
            "connection",
            "private_connection",
            "private_network_uuid",
            "tags",
            "storage_size_mib",
            "created_at",
            "do_settings",
        ] {
            if let Some(v) = replica.get(member) {
                map.insert(member.into(), v.clone());
            }
        }
        map.insert("num_nodes".into(), Value::from(1));
        map.insert("status".into(), Value::String("online".into()));
        for gone in ["standby_connection", "standby_private_connection"] {
            map.remove(gone);
        }
    }
    remove(call, &replicas, &replica_key).ok_or_else(ApiError::not_found)?;
    put(call, DATABASES, &id, promoted)?;
    super::references::join_default_project(call, &format!("do:dbaas:{id}"));
    Ok(empty(StatusCode::NO_CONTENT))
}

/// PUT /v2/databases/{uuid}/install_update: the pending maintenance is done.
pub(super) fn install_update(call: &Call<'_>) -> Result<Response, ApiError> {
    with_object(call, DATABASES, &value(call, 0), |cluster| {
        if let Some(window) = cluster
            .get_mut("maintenance_window")
            .and_then(Value::as_object_mut)
        {
            window.insert("pending".into(), Value::Bool(false));
            window.insert("description".into(), Value::Array(Vec::new()));
        }
        Ok(())
    })?;
    Ok(empty(StatusCode::NO_CONTENT))
}

fn migrations(key: &str) -> String {
    format!("/v2/databases/{key}/online-migration")
}

/// PUT /v2/databases/{uuid}/online-migration: a migration from `source` starts
/// (`syncing`); one already under way is refused.
pub(super) fn start_migration(call: &Call<'_>) -> Result<Response, ApiError> {
    let (key, _) = cluster(call)?;
    let path = migrations(&key);
    let host = field(call, "source")
        .and_then(|s| s.get("host"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    if host.is_empty() {
        return Err(ApiError::unprocessable("source.host: is required"));
    }
    let running = all(call, &path).into_iter().any(|(_, m)| {
        matches!(
            m.get("status").and_then(Value::as_str),
            Some("running" | "syncing")
        )
    });
    if running {
        return Err(super::behave::conflict(
            "an online migration is already running on this cluster; stop it first",
        ));
    }
    let id = generate::uuid();
    let migration = json!({"id": id, "status": "syncing", "created_at": generate::now()});
    // One migration at a time: the finished ones are forgotten.
    for (old, _) in all(call, &path) {
        remove(call, &path, &old);
    }
    put(call, &path, &id, migration.clone())?;
    answer(call.op, Some(migration))
}

/// GET /v2/databases/{uuid}/online-migration: the latest migration.
pub(super) fn migration_status(call: &Call<'_>) -> Result<Response, ApiError> {
    let (key, _) = cluster(call)?;
    let (_, migration) = all(call, &migrations(&key))
        .into_iter()
        .last()
        .ok_or_else(|| ApiError::not_found_with("no online migration on this cluster"))?;
    answer(call.op, Some(migration))
}

/// DELETE /v2/databases/{uuid}/online-migration/{migration_id}: the migration stops.
pub(super) fn stop_migration(call: &Call<'_>) -> Result<Response, ApiError> {
    let (key, _) = cluster(call)?;
    let path = migrations(&key);
    let (found, _) = find(call, &path, &value(call, 1)).ok_or_else(ApiError::not_found)?;
    remove(call, &path, &found);
    Ok(empty(StatusCode::NO_CONTENT))
}

/// GET|PUT /v2/databases/{uuid}/do_settings: the cluster's own `do_settings`.
pub(super) fn do_settings(call: &Call<'_>, write: bool) -> Result<Response, ApiError> {
    let given = field(call, "do_settings").cloned();
    let settings = with_object(call, DATABASES, &value(call, 0), |cluster| {
        if write {
            let given = given
                .clone()
                .ok_or_else(|| ApiError::unprocessable("do_settings: is required"))?;
            cluster["do_settings"] = given;
        }
        Ok(cluster
            .get("do_settings")
            .cloned()
            .unwrap_or_else(|| json!({"service_cnames": []})))
    })?;
    if write {
        return Ok(empty(StatusCode::NO_CONTENT));
    }
    answer(call.op, Some(json!({ "do_settings": settings })))
}

/// POST /v2/databases/{uuid}/users: a user is addressed by its name
/// (`/users/{username}`), so a cluster holds one user of a name; a second is refused
/// rather than silently replacing the first (and its password).
pub(super) fn user_name_free(call: &Call<'_>, body: &Value) -> Result<(), ApiError> {
    let Some(name) = body.get("name").and_then(Value::as_str) else {
        return Ok(());
    };
    let cluster = value(call, 0);
    let named = |user: &Value| user.get("name").and_then(Value::as_str) == Some(name);
    let created =
        super::behave::any_other(call, &format!("{DATABASES}/{cluster}/users"), None, named);
    let initial = find(call, DATABASES, &cluster).is_some_and(|(_, c)| {
        c.get("users")
            .and_then(Value::as_array)
            .is_some_and(|users| users.iter().any(named))
    });
    if created || initial {
        return Err(ApiError::unprocessable(format!(
            "name: the cluster already has a user named {name}"
        )));
    }
    Ok(())
}

/// POST /v2/databases with `backup_restore`: the backup is taken from the cluster
/// `database_name` names, which must be one of the account's (the description: "the
/// name of an existing database cluster from which the backup will be restored").
pub(super) fn backup_source_exists(call: &Call<'_>, body: &Value) -> Result<(), ApiError> {
    let Some(name) = body
        .get("backup_restore")
        .and_then(|b| b.get("database_name"))
        .and_then(Value::as_str)
    else {
        return Ok(());
    };
    let held = super::behave::any_other(call, DATABASES, None, |c| {
        c.get("name").and_then(Value::as_str) == Some(name)
    });
    if !held {
        return Err(ApiError::unprocessable(format!(
            "backup_restore.database_name: the account has no database cluster named {name}"
        )));
    }
    Ok(())
}
