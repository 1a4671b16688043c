//! Kubernetes writes beyond the cluster's own CRUD: destroying a cluster with the
//! resources it made (the volumes, load balancers and volume snapshots tagged
//! `k8s:{cluster_id}`, as the DigitalOcean CSI driver and cloud controller tag them),
//! recycling nodes, and clusterlint runs whose result can be read back.

use axum::response::Response;
use http::StatusCode;
use serde_json::{Map, Value, json};

use super::behave::{all, field, find, put, value};
use super::object::with_object;
use crate::engine::call::Call;
use crate::engine::generate;
use crate::engine::shape::{answer, empty};
use crate::wire::error::ApiError;

const CLUSTERS: &str = "/v2/kubernetes/clusters";
/// (member of the answer and of the selective body, collection) of what a cluster makes.
const ASSOCIATED: [(&str, &str); 3] = [
    ("load_balancers", "/v2/load_balancers"),
    ("volumes", "/v2/volumes"),
    ("volume_snapshots", "/v2/snapshots"),
];

/// The path's cluster key; 404 if there is none.
fn cluster(call: &Call<'_>) -> Result<(String, Value), ApiError> {
    find(call, CLUSTERS, &value(call, 0)).ok_or_else(ApiError::not_found)
}

fn tagged(object: &Value, tag: &str) -> bool {
    object
        .get("tags")
        .and_then(Value::as_array)
        .is_some_and(|tags| tags.iter().any(|t| t.as_str() == Some(tag)))
}

/// Each kind's resources of the cluster: (member, collection, [(key, id, name)]).
type Found = Vec<(&'static str, &'static str, Vec<(String, String, String)>)>;

fn associated_with(call: &Call<'_>, cluster_id: &str) -> Found {
    let tag = format!("k8s:{cluster_id}");
    let volumes: Vec<String> = all(call, "/v2/volumes")
        .into_iter()
        .filter(|(_, v)| tagged(v, &tag))
        .map(|(k, _)| k)
        .collect();
    ASSOCIATED
        .iter()
        .map(|(member, collection)| {
            let items = all(call, collection)
                .into_iter()
                .filter(|(_, v)| {
                    tagged(v, &tag)
                        || (*member == "volume_snapshots"
                            && v.get("resource_id")
                                .and_then(Value::as_str)
                                .is_some_and(|r| volumes.iter().any(|k| k == r)))
                })
                .map(|(key, v)| {
                    let id = v
                        .get("id")
                        .and_then(Value::as_str)
                        .map_or_else(|| key.clone(), str::to_owned);
                    let name = v
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned();
                    (key, id, name)
                })
                .collect();
            (*member, *collection, items)
        })
        .collect()
}

/// GET …/destroy_with_associated_resources
pub(super) fn list_associated(call: &Call<'_>) -> Result<Response, ApiError> {
    let (key, _) = cluster(call)?;
    let mut out = Map::new();
    for (member, _, items) in associated_with(call, &key) {
        let list = items
            .into_iter()
            .map(|(_, id, name)| json!({"id": id, "name": name}))
            .collect();
        out.insert(member.to_owned(), Value::Array(list));
    }
    answer(call.op, Some(Value::Object(out)))
}

/// DELETE …/dangerous (everything associated) and …/selective (what the body names;
/// each must be the cluster's).
pub(super) fn destroy(call: &Call<'_>, selective: bool) -> Result<Response, ApiError> {
    let (key, _) = cluster(call)?;
    let found = associated_with(call, &key);
    let mut doomed: Vec<(&str, String)> = Vec::new();
    for (member, collection, items) in &found {
        if selective {
            for named in field(call, member)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                let (k, _, _) = items
                    .iter()
                    .find(|(_, id, name)| id == named || name == named)
                    .ok_or_else(|| {
                        ApiError::unprocessable(format!(
                            "{member}: {named} is not associated with cluster {key}"
                        ))
                    })?;
                doomed.push((collection, k.clone()));
            }
        } else {
            doomed.extend(items.iter().map(|(k, _, _)| (*collection, k.clone())));
        }
    }
    let mut docs = call.docs_mut();
    let data = &mut *docs;
    for (collection, k) in doomed {
        if let Some(removed) = data.remove(collection, &k)
            && let Some(kind) = super::references::urn_kind(collection)
            && let Some(id) = super::references::urn_id(collection, &removed)
        {
            super::references::forget(data, &format!("do:{kind}:{id}"), None);
        }
    }
    if let Some(removed) = data.remove(CLUSTERS, &key)
        && let Some(id) = super::references::urn_id(CLUSTERS, &removed)
    {
        super::references::forget(data, &format!("do:kubernetes:{id}"), None);
    }
    Ok(empty(StatusCode::NO_CONTENT))
}

/// POST …/node_pools/{node_pool_id}/recycle: each node named is replaced by a new one,
/// `provisioning` until the action duration has passed.
pub(super) fn recycle(call: &Call<'_>) -> Result<Response, ApiError> {
    let pool_id = value(call, 1);
    let named: Vec<String> = field(call, "nodes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    crate::limits::bounded_array("nodes", &named, crate::limits::MAX_ARRAY_ITEMS)?;
    with_object(call, CLUSTERS, &value(call, 0), |cluster| {
        let pool = cluster
            .get_mut("node_pools")
            .and_then(Value::as_array_mut)
            .and_then(|pools| {
                pools
                    .iter_mut()
                    .find(|p| p.get("id").and_then(Value::as_str) == Some(pool_id.as_str()))
            })
            .ok_or_else(ApiError::not_found)?;
        let pool_name = pool
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("pool")
            .to_owned();
        let nodes = pool
            .get_mut("nodes")
            .and_then(Value::as_array_mut)
            .ok_or_else(|| ApiError::unprocessable("nodes: the pool has no nodes"))?;
        for id in &named {
            let node = nodes
                .iter_mut()
                .find(|n| n.get("id").and_then(Value::as_str) == Some(id.as_str()))
                .ok_or_else(|| {
                    ApiError::unprocessable(format!("nodes: the pool has no node {id}"))
                })?;
            let fresh = generate::uuid();
            let now = generate::now();
            node["id"] = Value::String(fresh.clone());
            node["name"] = Value::String(format!("{pool_name}-{}", &fresh[..4]));
            node["status"] = json!({ "state": "provisioning" });
            node["created_at"] = Value::String(now.clone());
            node["updated_at"] = Value::String(now);
        }
        Ok(())
    })?;
    Ok(empty(StatusCode::ACCEPTED))
}

fn lint_path(cluster: &str) -> String {
    format!("/v2/kubernetes/clusters/{cluster}/clusterlint")
}

/// POST …/clusterlint: a run whose result the GET then answers (by `run_id`, or the
/// latest).
pub(super) fn run_lint(call: &Call<'_>) -> Result<Response, ApiError> {
    let (key, _) = cluster(call)?;
    let run = generate::uuid();
    let now = generate::now();
    let result = json!({
        "run_id": run,
        "requested_at": now,
        "completed_at": now,
        "diagnostics": [],
    });
    put(call, &lint_path(&key), &run, result)?;
    answer(call.op, Some(json!({ "run_id": run })))
}

/// GET …/clusterlint[?run_id=]: that run's result, or the latest; 404 before any run.
pub(super) fn lint_result(call: &Call<'_>) -> Result<Response, ApiError> {
    let (key, _) = cluster(call)?;
    let runs = all(call, &lint_path(&key));
    let wanted = call
        .query
        .iter()
        .find(|(k, _)| k == "run_id")
        .map(|(_, v)| v.as_str());
    let found = match wanted {
        Some(id) => runs.into_iter().find(|(k, _)| k == id),
        None => runs.into_iter().last(),
    };
    let result = match found {
        Some((_, result)) => result,
        // The demo's clusters were linted before: the documented run.
        None if super::behave::is_demo(call, CLUSTERS, &key) => super::behave::documented(call),
        None => {
            return Err(ApiError::not_found_with(
                "no clusterlint run for this cluster",
            ));
        }
    };
    answer(call.op, Some(result))
}
