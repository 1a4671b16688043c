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
    // The cluster's worker Droplets go with it.
    let id = with_object(call, CLUSTERS, &key, |c| {
        Ok(c.get("id").and_then(Value::as_str).map(str::to_owned))
    })?;
    super::node_pools::drop_workers(call, id.as_deref().unwrap_or(&key));
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
    let key = with_object(call, CLUSTERS, &value(call, 0), |cluster| {
        let key = cluster.get("id").and_then(Value::as_str).map(str::to_owned);
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
            // A replaced node runs on a new Droplet; its old one goes.
            super::node_pools::renew(node, &pool_name);
        }
        Ok(key)
    })?;
    super::node_pools::sync_workers(call, key.as_deref().unwrap_or_default())?;
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

/// The CA the emulator's clusters name in their credentials: one fixed self-signed P-256
/// certificate, base64 of its PEM as the API sends it (no cluster is reachable, so no client
/// ever checks it against a server).
pub(super) const CLUSTER_CA: &str = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJ0RENDQVZ1Z0F3SUJBZ0lVT0lRV3lIckFqSkRqWHdvR0xOaHNuZFFVU0Fvd0NnWUlLb1pJemowRUF3SXcKTURFU01CQUdBMVVFQ2d3SmIzaHBaRzh0YzJsdE1Sb3dHQVlEVlFRRERCRnJPSE5oWVhNZ1EyeDFjM1JsY2lCRApRVEFlRncweU5qRXlNRFl5TXpVME5EVmFGdzB6TmpFeU1ETXlNelUwTkRWYU1EQXhFakFRQmdOVkJBb01DVzk0CmFXUnZMWE5wYlRFYU1CZ0dBMVVFQXd3UmF6aHpZV0Z6SUVOc2RYTjBaWElnUTBFd1dUQVRCZ2NxaGtqT1BRSUIKQmdncWhrak9QUU1CQndOQ0FBU0pIV1RVRUhTRm1tLytPcWtyOFJtY2hYSmxsejFKUVdvOGpLNmRUUTFaRWJOOQppOUZEYjY3T2lHNE42WHdxU2FZVTJycnV5cjFyYytBZG5XT29PYWZvbzFNd1VUQWRCZ05WSFE0RUZnUVUrakJsCk1IUytRamhVb09sUy82R085MjRGdkhnd0h3WURWUjBqQkJnd0ZvQVUrakJsTUhTK1FqaFVvT2xTLzZHTzkyNEYKdkhnd0R3WURWUjBUQVFIL0JBVXdBd0VCL3pBS0JnZ3Foa2pPUFFRREFnTkhBREJFQWlCNlE4ZXRuNlJJNEJJUgpZTWV6UkgwRDVTQlZtaWtENzh3VHVoRS9FTkxUendJZ1poazMxNC9MN2tHazdQenhPK29ud0NZVk1CQnMxUERsCndZUWxlck1EQ0I4PQotLS0tLUVORCBDRVJUSUZJQ0FURS0tLS0tCg==";

/// How long cluster credentials last when the request does not say (seven days, as doctl
/// documents for `kubernetes cluster kubeconfig`).
const DEFAULT_EXPIRY_SECONDS: i64 = 7 * 24 * 3600;

/// A fresh bearer token for a cluster's API server, as the API hands out per request.
fn cluster_token() -> String {
    (0..64)
        .map(|_| char::from(b"0123456789abcdef"[fastrand::usize(..16)]))
        .collect()
}

/// The cluster's context name, `do-{region}-{name}` as the API writes it.
fn context_name(cluster: &Value) -> String {
    let region = cluster
        .get("region")
        .and_then(Value::as_str)
        .unwrap_or("nyc1");
    let name = cluster
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("cluster");
    format!("do-{region}-{name}")
}

fn endpoint(cluster: &Value) -> String {
    cluster
        .get("endpoint")
        .and_then(Value::as_str)
        .filter(|e| !e.is_empty())
        .map_or_else(
            || {
                let id = cluster
                    .get("id")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                format!("https://{id}.k8s.ondigitalocean.com")
            },
            str::to_owned,
        )
}

fn expiry(call: &Call<'_>) -> Result<i64, ApiError> {
    let asked = call
        .query
        .iter()
        .find(|(name, _)| name == "expiry_seconds")
        .map(|(_, text)| text);
    match asked {
        None => Ok(DEFAULT_EXPIRY_SECONDS),
        Some(text) => match text.parse::<i64>() {
            Ok(0) => Ok(DEFAULT_EXPIRY_SECONDS),
            Ok(n) if n > 0 && n <= 10 * 365 * 24 * 3600 => Ok(n),
            _ => Err(ApiError::bad_request(format!(
                "expiry_seconds: '{text}' is not a number of seconds between 0 and ten years"
            ))),
        },
    }
}

/// GET /v2/kubernetes/clusters/{cluster_id}/kubeconfig: a kubeconfig for this cluster,
/// its server the cluster's endpoint and its user a token made for this request.
pub(super) fn kubeconfig(call: &Call<'_>) -> Result<Response, ApiError> {
    let (_, cluster) = cluster(call)?;
    expiry(call)?;
    let context = context_name(&cluster);
    let text = format!(
        "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: {CLUSTER_CA}\n    \
         server: {server}\n  name: {context}\ncontexts:\n- context:\n    cluster: {context}\n    \
         user: {context}-admin\n  name: {context}\ncurrent-context: {context}\nkind: Config\n\
         preferences: {{}}\nusers:\n- name: {context}-admin\n  user:\n    token: {token}\n",
        server = endpoint(&cluster),
        token = cluster_token(),
    );
    let mut response = Response::new(axum::body::Body::from(text));
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/yaml"),
    );
    Ok(response)
}

/// GET /v2/kubernetes/clusters/{cluster_id}/credentials: the cluster's server, CA and a
/// token that expires after `expiry_seconds`.
pub(super) fn credentials(call: &Call<'_>) -> Result<Response, ApiError> {
    let (_, cluster) = cluster(call)?;
    let seconds = expiry(call)?;
    let expires = jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_secs(seconds))
        .map_err(|_| ApiError::bad_request("expiry_seconds: too far in the future"))?;
    let expires = jiff::Timestamp::from_second(expires.as_second()).unwrap_or(expires);
    answer(
        call.op,
        Some(json!({
            "server": endpoint(&cluster),
            "certificate_authority_data": CLUSTER_CA,
            "token": cluster_token(),
            "expires_at": expires.to_string(),
        })),
    )
}
