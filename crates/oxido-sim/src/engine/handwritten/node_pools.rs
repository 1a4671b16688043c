//! Kubernetes node pools live in their cluster's `node_pools`, so adding, resizing
//! and deleting a pool (or one of its nodes) changes what the cluster reads; new
//! nodes are `provisioning` until the action duration has passed. Each node runs on a
//! worker Droplet of the typed store (its `droplet_id`), tagged `k8s`, `k8s:<cluster id>`
//! and `k8s:worker` as the API tags them: made with the node, gone with it, its pool
//! or its cluster, and replaced (the node with it) when deleted directly, as DOKS does.

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

/// The node's worker Droplet is made by `give_workers` once the node is stored.
fn node(pool: &Map<String, Value>, like: Option<&Value>) -> Value {
    let now = generate::now();
    let name = pool.get("name").and_then(Value::as_str).unwrap_or("pool");
    let id = generate::uuid();
    let mut node = like.cloned().unwrap_or_else(|| json!({}));
    if let Some(map) = node.as_object_mut() {
        map.insert("id".into(), Value::String(id.clone()));
        // godo's KubernetesNode and the Terraform provider read it as a string.
        map.insert("droplet_id".into(), Value::String(String::new()));
        map.insert("name".into(), Value::String(format!("{name}-{}", &id[..4])));
        map.insert("status".into(), json!({ "state": "provisioning" }));
        map.insert("created_at".into(), Value::String(now.clone()));
        map.insert("updated_at".into(), Value::String(now));
    }
    node
}

/// Makes `node` a new node in place of the one it was (recycled or replaced): a new
/// id and name, provisioning, its worker Droplet still to be made.
pub(super) fn renew(node: &mut Value, pool_name: &str) {
    let fresh = generate::uuid();
    let now = generate::now();
    node["id"] = Value::String(fresh.clone());
    node["name"] = Value::String(format!("{pool_name}-{}", &fresh[..4]));
    node["droplet_id"] = Value::String(String::new());
    node["status"] = json!({ "state": "provisioning" });
    node["created_at"] = Value::String(now.clone());
    node["updated_at"] = Value::String(now);
}

/// The tag only worker Droplets carry.
const WORKER_TAG: &str = "k8s:worker";

/// The image worker Droplets show (DOKS workers run Debian).
const WORKER_IMAGE: &str = "debian-12-x64";

fn node_droplet(node: &Value) -> Option<u64> {
    match node.get("droplet_id")? {
        Value::String(s) => crate::state::model::canonical_id(s),
        Value::Number(n) => n.as_u64(),
        _ => None,
    }
}

fn all_droplets() -> crate::state::store::Paging {
    crate::state::store::Paging {
        page: 1,
        per_page: u64::MAX,
    }
}

/// The worker Droplets of cluster `key`.
fn workers_of(call: &Call<'_>, key: &str) -> Vec<crate::state::model::Droplet> {
    let tag = format!("k8s:{key}");
    let (tagged, _) = call.store().droplets(
        call.who.account,
        Some(&tag),
        all_droplets(),
        jiff::Timestamp::now(),
    );
    tagged
        .into_iter()
        .filter(|d| d.tags.iter().any(|t| t == WORKER_TAG))
        .collect()
}

fn delete_worker(call: &Call<'_>, id: u64) {
    if call.store().delete_droplet(call.who.account, id) {
        super::reserved_ips::droplet_deleted(call, id);
    }
}

/// How many worker Droplets `cluster` (not yet stored, or stored) needs made.
fn missing_workers(call: &Call<'_>, cluster: &Value) -> usize {
    let now = jiff::Timestamp::now();
    nodes(cluster)
        .filter(|n| {
            node_droplet(n)
                .is_none_or(|id| call.store().droplet(call.who.account, id, now).is_none())
        })
        .count()
}

fn nodes(cluster: &Value) -> impl Iterator<Item = &Value> {
    cluster
        .get("node_pools")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(|p| {
            p.get("nodes")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        })
}

/// Refuses, before anything changes, a change that would need more worker Droplets
/// than the account may hold.
pub(super) fn room_for_workers(call: &Call<'_>, more: usize) -> Result<(), ApiError> {
    if more == 0 {
        return Ok(());
    }
    let one = crate::state::store::Paging {
        page: 1,
        per_page: 1,
    };
    let (_, held) = call
        .store()
        .droplets(call.who.account, None, one, jiff::Timestamp::now());
    let limit = crate::limits::MAX_OBJECTS_PER_ACCOUNT;
    if held + more > limit {
        return Err(ApiError::unprocessable(format!(
            "count: the nodes need {more} worker Droplets and the account holds {held} of its {limit}"
        )));
    }
    Ok(())
}

/// Gives every node of `cluster` (stored under `key`, or about to be) a worker Droplet
/// of its own, and deletes the cluster's workers no node runs on any more.
pub(super) fn give_workers(
    call: &Call<'_>,
    key: &str,
    cluster: &mut Value,
) -> Result<(), ApiError> {
    let now = jiff::Timestamp::now();
    let account = call.who.account;
    let running: Vec<u64> = nodes(cluster).filter_map(node_droplet).collect();
    for worker in workers_of(call, key) {
        if !running.contains(&worker.id) {
            delete_worker(call, worker.id);
        }
    }
    let region = cluster
        .get("region")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let vpc = cluster
        .get("vpc_uuid")
        .and_then(Value::as_str)
        .filter(|v| !v.is_empty())
        .map(str::to_owned);
    let system = [
        "k8s".to_owned(),
        format!("k8s:{key}"),
        WORKER_TAG.to_owned(),
    ];
    let Some(pools) = cluster.get_mut("node_pools").and_then(Value::as_array_mut) else {
        return Ok(());
    };
    for pool in pools {
        let size = pool
            .get("size")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        // The pool's own tags too, as DOKS tags its workers.
        let mut tags: Vec<String> = system.to_vec();
        for tag in pool
            .get("tags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !tags.iter().any(|t| t == tag) {
                tags.push(tag.to_owned());
            }
        }
        let Some(nodes) = pool.get_mut("nodes").and_then(Value::as_array_mut) else {
            continue;
        };
        for node in nodes {
            if node_droplet(node).is_some_and(|id| call.store().droplet(account, id, now).is_some())
            {
                continue;
            }
            let mut body = Map::new();
            body.insert("name".into(), node.get("name").cloned().unwrap_or_default());
            body.insert("region".into(), Value::String(region.clone()));
            body.insert("size".into(), Value::String(size.clone()));
            body.insert("image".into(), Value::String(WORKER_IMAGE.to_owned()));
            body.insert("tags".into(), json!(tags));
            if let Some(vpc) = &vpc {
                body.insert("vpc_uuid".into(), Value::String(vpc.clone()));
            }
            let spec = crate::wire::droplet_request::parse(&body)?;
            let droplet = super::droplet_make::create_worker(call, spec)?;
            node["droplet_id"] = Value::String(droplet.to_string());
        }
    }
    Ok(())
}

/// `give_workers` for the stored cluster `key`.
pub(super) fn sync_workers(call: &Call<'_>, key: &str) -> Result<(), ApiError> {
    let Some(mut cluster) = call
        .docs()
        .items(CLUSTERS)
        .and_then(|items| items.key_of(key).and_then(|k| items.get(&k)))
        .cloned()
    else {
        return Ok(());
    };
    give_workers(call, key, &mut cluster)?;
    let pools = cluster
        .get("node_pools")
        .cloned()
        .unwrap_or_else(|| json!([]));
    with_object(call, CLUSTERS, key, |stored| {
        stored["node_pools"] = pools;
        Ok(())
    })
}

/// DELETE /v2/kubernetes/clusters/{cluster_id}, before the engine deletes the cluster:
/// its workers go.
pub(super) fn cluster_deleted(call: &Call<'_>) {
    let id = cluster_id(call);
    let stored = with_object(call, CLUSTERS, &id, |c| {
        Ok(c.get("id").and_then(Value::as_str).map(str::to_owned))
    });
    if let Ok(Some(key)) = stored {
        drop_workers(call, &key);
    }
}

/// Deletes every worker Droplet of cluster `key` (the cluster goes).
pub(super) fn drop_workers(call: &Call<'_>, key: &str) {
    for worker in workers_of(call, key) {
        delete_worker(call, worker.id);
    }
}

/// A worker Droplet deleted directly: DOKS replaces its node, which comes up on a new
/// Droplet.
pub(super) fn worker_deleted(call: &Call<'_>, droplet: &crate::state::model::Droplet) {
    if !droplet.tags.iter().any(|t| t == WORKER_TAG) {
        return;
    }
    let Some(key) = droplet
        .tags
        .iter()
        .find_map(|t| t.strip_prefix("k8s:"))
        .filter(|k| *k != "worker")
        .map(str::to_owned)
    else {
        return;
    };
    let gone = droplet.id;
    let replaced = with_object(call, CLUSTERS, &key, |cluster| {
        let mut found = false;
        for pool in cluster
            .get_mut("node_pools")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            let pool_name = pool
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("pool")
                .to_owned();
            for node in pool
                .get_mut("nodes")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                if node_droplet(node) == Some(gone) {
                    renew(node, &pool_name);
                    found = true;
                }
            }
        }
        Ok(found)
    });
    if replaced == Ok(true) {
        // A full account leaves the node without a Droplet until there is room.
        let _ = sync_workers(call, &key);
    }
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
fn resize(pool: &mut Value, count: u64) -> Result<(), ApiError> {
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
            nodes.push(node(&snapshot, like.as_ref()));
        }
        nodes.truncate(want);
    }
    Ok(())
}

/// Copies the body's pool settings (name, size, count, tags, labels, taints, scaling).
fn apply(pool: &mut Value, body: &Value) -> Result<(), ApiError> {
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
        resize(pool, count)?;
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
pub(super) fn make_fresh(pool: &mut Value, cluster: &str) -> Result<(), ApiError> {
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
    resize(pool, count)
}

/// The workers a changed pool needs beyond the ones its nodes run on.
fn pool_missing(call: &Call<'_>, pool: &Value) -> usize {
    let wrapped = json!({ "node_pools": [pool] });
    missing_workers(call, &wrapped)
}

/// POST /v2/kubernetes/clusters/{cluster_id}/node_pools
pub(super) fn add(call: &Call<'_>) -> Result<Response, ApiError> {
    let body = call.body.clone().unwrap_or_else(|| json!({}));
    // Only what the request gives and what the API adds; never the documented example
    // (its tags named the example's cluster, and it autoscaled 3 to 6 nodes).
    let mut pool = json!({"name": "", "size": "", "count": 1, "tags": [], "nodes": []});
    apply(&mut pool, &body)?;
    make_fresh(&mut pool, &cluster_id(call))?;
    let pool_key = pool.get("id").cloned();
    room_for_workers(call, pool_missing(call, &pool))?;
    let key = with_object(call, CLUSTERS, &cluster_id(call), |cluster| {
        let key = cluster.get("id").and_then(Value::as_str).map(str::to_owned);
        let pools = pools(cluster)?;
        crate::limits::bounded_array("node_pools", pools, crate::limits::MAX_ARRAY_ITEMS - 1)?;
        pools.push(pool);
        Ok(key)
    })?;
    let added = synced_pool(call, key.as_deref(), pool_key.as_ref())?;
    answer(call.op, Some(json!({ "node_pool": added })))
}

/// Makes the workers of cluster `key` and reads back its pool `pool` with them.
fn synced_pool(
    call: &Call<'_>,
    key: Option<&str>,
    pool: Option<&Value>,
) -> Result<Value, ApiError> {
    let key = key.unwrap_or_default();
    sync_workers(call, key)?;
    with_object(call, CLUSTERS, key, |cluster| {
        pools(cluster)?
            .iter()
            .find(|p| p.get("id") == pool)
            .cloned()
            .ok_or_else(ApiError::not_found)
    })
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
    let key = with_object(call, CLUSTERS, &cluster_id(call), |cluster| {
        let key = cluster.get("id").and_then(Value::as_str).map(str::to_owned);
        let pool = find(pools(cluster)?, &id)?;
        let mut changed = pool.clone();
        apply(&mut changed, &body)?;
        room_for_workers(call, pool_missing(call, &changed))?;
        *pool = changed;
        Ok(key)
    })?;
    let pool = synced_pool(call, key.as_deref(), Some(&Value::String(id)))?;
    answer(call.op, Some(json!({ "node_pool": pool })))
}

/// DELETE /v2/kubernetes/clusters/{cluster_id}/node_pools/{node_pool_id}: the pool and
/// its workers go.
pub(super) fn delete(call: &Call<'_>) -> Result<Response, ApiError> {
    let id = pool_id(call);
    let key = with_object(call, CLUSTERS, &cluster_id(call), |cluster| {
        let key = cluster.get("id").and_then(Value::as_str).map(str::to_owned);
        let pools = pools(cluster)?;
        let before = pools.len();
        pools.retain(|p| p.get("id").and_then(Value::as_str) != Some(id.as_str()));
        if pools.len() == before {
            return Err(ApiError::not_found());
        }
        Ok(key)
    })?;
    sync_workers(call, key.as_deref().unwrap_or_default())?;
    Ok(crate::engine::shape::empty(StatusCode::NO_CONTENT))
}

/// DELETE .../node_pools/{node_pool_id}/nodes/{node_id}: the node and its worker go and
/// the pool counts one fewer; with `replace=1` a new node takes its place instead.
pub(super) fn delete_node(call: &Call<'_>) -> Result<Response, ApiError> {
    let id = pool_id(call);
    let node = call.values.get(2).cloned().unwrap_or_default();
    let replace = call
        .query
        .iter()
        .any(|(k, v)| k == "replace" && matches!(v.as_str(), "1" | "true"));
    let key = with_object(call, CLUSTERS, &cluster_id(call), |cluster| {
        let key = cluster.get("id").and_then(Value::as_str).map(str::to_owned);
        let pool = find(pools(cluster)?, &id)?;
        let pool_name = pool
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("pool")
            .to_owned();
        let nodes = pool
            .get_mut("nodes")
            .and_then(Value::as_array_mut)
            .ok_or_else(ApiError::not_found)?;
        let at = nodes
            .iter()
            .position(|n| n.get("id").and_then(Value::as_str) == Some(node.as_str()))
            .ok_or_else(ApiError::not_found)?;
        if replace {
            renew(&mut nodes[at], &pool_name);
        } else {
            nodes.remove(at);
            let left = nodes.len();
            pool["count"] = Value::from(left);
        }
        Ok(key)
    })?;
    sync_workers(call, key.as_deref().unwrap_or_default())?;
    Ok(crate::engine::shape::empty(StatusCode::ACCEPTED))
}
