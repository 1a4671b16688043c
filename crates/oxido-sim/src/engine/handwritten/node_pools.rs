//! Kubernetes node pools live in their cluster's `node_pools`, so adding, resizing
//! and deleting a pool (or one of its nodes) changes what the cluster reads; new
//! nodes are `provisioning` until the action duration has passed.

use axum::response::Response;
use http::StatusCode;
use serde_json::{Map, Value, json};

use super::object::with_object;
use crate::engine::call::Call;
use crate::engine::generate;
use crate::engine::shape::answer;
use crate::wire::error::ApiError;

const CLUSTERS: &str = "/v2/kubernetes/clusters";
/// Most nodes one pool holds here (the API's own limit is per account quota).
const MAX_NODES: u64 = 64;

fn cluster_id(call: &Call<'_>) -> String {
    call.values.first().cloned().unwrap_or_default()
}

fn pool_id(call: &Call<'_>) -> String {
    call.values.get(1).cloned().unwrap_or_default()
}

fn pools(cluster: &mut Value) -> Result<&mut Vec<Value>, ApiError> {
    let map = cluster
        .as_object_mut()
        .ok_or_else(|| ApiError::unprocessable("the cluster has no node pools"))?;
    map.entry("node_pools")
        .or_insert_with(|| Value::Array(Vec::new()))
        .as_array_mut()
        .ok_or_else(|| ApiError::unprocessable("the cluster has no node pools"))
}

fn find<'a>(pools: &'a mut [Value], id: &str) -> Result<&'a mut Value, ApiError> {
    pools
        .iter_mut()
        .find(|p| p.get("id").and_then(Value::as_str) == Some(id))
        .ok_or_else(ApiError::not_found)
}

/// Where a new node's `droplet_id` comes from: the Droplet id sequence, so it is unique
/// and stable. No Droplet is made for it (a worker's lifecycle is the pool's), so the id
/// is not readable under `/v2/droplets`.
pub(super) type DropletIds<'a> = &'a dyn Fn() -> u64;

/// The Droplet id source of `call`'s store.
pub(super) fn droplet_ids<'a>(call: &'a Call<'_>) -> impl Fn() -> u64 + 'a {
    move || call.store().reserve_droplet_id()
}

/// A new node of `pool`, in the shape of the pool's first node if it has one.
fn node(pool: &Map<String, Value>, like: Option<&Value>, ids: DropletIds<'_>) -> Value {
    let now = generate::now();
    let name = pool.get("name").and_then(Value::as_str).unwrap_or("pool");
    let id = generate::uuid();
    let mut node = like.cloned().unwrap_or_else(|| json!({}));
    if let Some(map) = node.as_object_mut() {
        map.insert("id".into(), Value::String(id.clone()));
        // godo's KubernetesNode and the Terraform provider read it as a string.
        map.insert("droplet_id".into(), Value::String(ids().to_string()));
        map.insert("name".into(), Value::String(format!("{name}-{}", &id[..4])));
        map.insert("status".into(), json!({ "state": "provisioning" }));
        map.insert("created_at".into(), Value::String(now.clone()));
        map.insert("updated_at".into(), Value::String(now));
    }
    node
}

/// Shows nodes made more than `duration` ago as `running` (they are stored as made).
pub(super) fn settle_nodes(cluster: &mut Value, duration: std::time::Duration) {
    let now = jiff::Timestamp::now();
    let Some(pools) = cluster.get_mut("node_pools").and_then(Value::as_array_mut) else {
        return;
    };
    for pool in pools {
        let Some(nodes) = pool.get_mut("nodes").and_then(Value::as_array_mut) else {
            continue;
        };
        for node in nodes {
            let ready = node
                .get("created_at")
                .and_then(Value::as_str)
                .and_then(|at| at.parse::<jiff::Timestamp>().ok())
                .and_then(|at| {
                    jiff::SignedDuration::try_from(duration)
                        .ok()
                        .and_then(|d| at.checked_add(d).ok())
                })
                .is_some_and(|ready| ready <= now);
            if ready
                && node.pointer("/status/state").and_then(Value::as_str) == Some("provisioning")
            {
                node["status"] = json!({ "state": "running" });
            }
        }
    }
}

/// A pool's `count` in a request: at least 1 (0 if it autoscales), at most what one pool
/// holds here.
pub(super) fn check_count(field: &str, pool: &Value) -> Result<(), ApiError> {
    match pool.get("count").and_then(Value::as_u64) {
        // An autoscaled pool may rest at zero nodes (DOKS scales pools to zero).
        Some(0) if pool.get("auto_scale") != Some(&Value::Bool(true)) => Err(
            ApiError::unprocessable(format!("{field}: a node pool needs at least 1 node")),
        ),
        Some(n) if n > MAX_NODES => Err(ApiError::unprocessable(format!(
            "{field}: at most {MAX_NODES} nodes per pool"
        ))),
        _ => Ok(()),
    }
}

/// Sets the pool's `count` and grows or shrinks its `nodes` to match.
fn resize(pool: &mut Value, count: u64, ids: DropletIds<'_>) -> Result<(), ApiError> {
    if count > MAX_NODES {
        return Err(ApiError::unprocessable(format!(
            "count: at most {MAX_NODES} nodes per pool"
        )));
    }
    let Some(map) = pool.as_object_mut() else {
        return Ok(());
    };
    map.insert("count".into(), Value::from(count));
    let snapshot = map.clone();
    let nodes = map
        .entry("nodes")
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Some(nodes) = nodes.as_array_mut() {
        let want = usize::try_from(count).unwrap_or(usize::MAX);
        let like = nodes.first().cloned();
        while nodes.len() < want {
            nodes.push(node(&snapshot, like.as_ref(), ids));
        }
        nodes.truncate(want);
    }
    Ok(())
}

/// Copies the body's pool settings (name, size, count, tags, labels, taints, scaling).
fn apply(pool: &mut Value, body: &Value, ids: DropletIds<'_>) -> Result<(), ApiError> {
    if let (Some(map), Some(body)) = (pool.as_object_mut(), body.as_object()) {
        for field in [
            "name",
            "size",
            "tags",
            "labels",
            "taints",
            "auto_scale",
            "min_nodes",
            "max_nodes",
        ] {
            if let Some(value) = body.get(field) {
                map.insert(field.into(), value.clone());
            }
        }
    }
    if let Some(count) = body.get("count").and_then(Value::as_u64) {
        resize(pool, count, ids)?;
    }
    Ok(())
}

/// Adds the tags the API puts on every cluster (`k8s`, `k8s:{id}`), and `extra`, after the
/// object's own tags, once each.
pub(super) fn add_system_tags(object: &mut Map<String, Value>, cluster: &str, extra: &[&str]) {
    let mut tags: Vec<Value> = object
        .get("tags")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let system = ["k8s".to_owned(), format!("k8s:{cluster}")];
    for tag in system
        .into_iter()
        .chain(extra.iter().map(|t| (*t).to_owned()))
    {
        let tag = Value::String(tag);
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    object.insert("tags".into(), Value::Array(tags));
}

/// Makes `pool` what the API answers for a pool it just made: an id, its system tags
/// beside the user's, scaling defaults, and `count` nodes that are provisioning.
pub(super) fn make_fresh(
    pool: &mut Value,
    cluster: &str,
    ids: DropletIds<'_>,
) -> Result<(), ApiError> {
    let Some(map) = pool.as_object_mut() else {
        return Ok(());
    };
    map.insert("id".into(), Value::String(generate::uuid()));
    add_system_tags(map, cluster, &["k8s:worker"]);
    for (member, default) in [
        ("auto_scale", json!(false)),
        ("min_nodes", json!(0)),
        ("max_nodes", json!(0)),
        ("labels", json!({})),
        ("taints", json!([])),
    ] {
        if map.get(member).is_none_or(Value::is_null) {
            map.insert(member.into(), default);
        }
    }
    map.insert("nodes".into(), json!([]));
    let count = map.get("count").and_then(Value::as_u64).unwrap_or(1);
    resize(pool, count, ids)
}

/// POST /v2/kubernetes/clusters/{cluster_id}/node_pools
pub(super) fn add(call: &Call<'_>) -> Result<Response, ApiError> {
    let body = call.body.clone().unwrap_or_else(|| json!({}));
    // Only what the request gives and what the API adds; never the documented example
    // (its tags named the example's cluster, and it autoscaled 3 to 6 nodes).
    let mut pool = json!({"name": "", "size": "", "count": 1, "tags": [], "nodes": []});
    let ids = droplet_ids(call);
    apply(&mut pool, &body, &ids)?;
    make_fresh(&mut pool, &cluster_id(call), &ids)?;
    let added = pool.clone();
    with_object(call, CLUSTERS, &cluster_id(call), |cluster| {
        let pools = pools(cluster)?;
        crate::limits::bounded_array("node_pools", pools, crate::limits::MAX_ARRAY_ITEMS - 1)?;
        pools.push(pool);
        Ok(())
    })?;
    answer(call.op, Some(json!({ "node_pool": added })))
}

/// GET /v2/kubernetes/clusters/{cluster_id}/node_pools
pub(super) fn list(call: &Call<'_>) -> Result<Response, ApiError> {
    let duration = call.app.action_duration();
    let all = with_object(call, CLUSTERS, &cluster_id(call), |cluster| {
        settle_nodes(cluster, duration);
        Ok(pools(cluster)?.clone())
    })?;
    answer(call.op, Some(json!({ "node_pools": all })))
}

/// GET /v2/kubernetes/clusters/{cluster_id}/node_pools/{node_pool_id}
pub(super) fn get(call: &Call<'_>) -> Result<Response, ApiError> {
    let id = pool_id(call);
    let duration = call.app.action_duration();
    let pool = with_object(call, CLUSTERS, &cluster_id(call), |cluster| {
        settle_nodes(cluster, duration);
        Ok(find(pools(cluster)?, &id)?.clone())
    })?;
    answer(call.op, Some(json!({ "node_pool": pool })))
}

/// PUT /v2/kubernetes/clusters/{cluster_id}/node_pools/{node_pool_id}
pub(super) fn update(call: &Call<'_>) -> Result<Response, ApiError> {
    let id = pool_id(call);
    let body = call.body.clone().unwrap_or_else(|| json!({}));
    let ids = droplet_ids(call);
    let pool = with_object(call, CLUSTERS, &cluster_id(call), |cluster| {
        let pool = find(pools(cluster)?, &id)?;
        let mut changed = pool.clone();
        apply(&mut changed, &body, &ids)?;
        *pool = changed.clone();
        Ok(changed)
    })?;
    answer(call.op, Some(json!({ "node_pool": pool })))
}

/// DELETE /v2/kubernetes/clusters/{cluster_id}/node_pools/{node_pool_id}
pub(super) fn delete(call: &Call<'_>) -> Result<Response, ApiError> {
    let id = pool_id(call);
    with_object(call, CLUSTERS, &cluster_id(call), |cluster| {
        let pools = pools(cluster)?;
        let before = pools.len();
        pools.retain(|p| p.get("id").and_then(Value::as_str) != Some(id.as_str()));
        if pools.len() == before {
            return Err(ApiError::not_found());
        }
        Ok(())
    })?;
    Ok(crate::engine::shape::empty(StatusCode::NO_CONTENT))
}

/// DELETE .../node_pools/{node_pool_id}/nodes/{node_id}: the node goes and the pool
/// counts one fewer.
pub(super) fn delete_node(call: &Call<'_>) -> Result<Response, ApiError> {
    let id = pool_id(call);
    let node = call.values.get(2).cloned().unwrap_or_default();
    // `?replace=1` (or true) puts a fresh node in its place, so the pool keeps its count.
    let replace = call
        .query
        .iter()
        .any(|(k, v)| k == "replace" && matches!(v.as_str(), "1" | "true"));
    let ids = droplet_ids(call);
    with_object(call, CLUSTERS, &cluster_id(call), |cluster| {
        let pool = find(pools(cluster)?, &id)?;
        let snapshot = pool.as_object().cloned().unwrap_or_default();
        let nodes = pool
            .get_mut("nodes")
            .and_then(Value::as_array_mut)
            .ok_or_else(ApiError::not_found)?;
        let at = nodes
            .iter()
            .position(|n| n.get("id").and_then(Value::as_str) == Some(node.as_str()))
            .ok_or_else(ApiError::not_found)?;
        let gone = nodes.remove(at);
        if replace {
            nodes.insert(at, self::node(&snapshot, Some(&gone), &ids));
        }
        let left = nodes.len();
        pool["count"] = Value::from(left);
        Ok(())
    })?;
    Ok(crate::engine::shape::empty(StatusCode::ACCEPTED))
}
