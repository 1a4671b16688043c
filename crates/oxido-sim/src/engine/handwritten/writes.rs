//! Writes the documented example alone cannot serve, because the API changes state
//! with them: a Droplet destroyed with its associated resources (and the status of
//! that destruction), database log sinks, evaluation datasets and runs, security
//! suppressions and BYOIP prefixes. Each stores what it makes, so it can be read,
//! listed and deleted afterwards.

use axum::response::Response;
use jiff::Timestamp;
use serde_json::{Map, Value, json};

use super::object::{body_str, path_droplet, with_object};
use crate::engine::call::{Call, ensure_seeded};
use crate::engine::catalog::{template, wrapper};
use crate::engine::generate;
use crate::engine::shape::{answer, conforms};
use crate::engine::spec::OpId;
use crate::state::images::ImageKind;
use crate::wire::error::ApiError;

/// Serves the operations of this module; `None` for any other.
pub(super) fn dispatch(call: &Call<'_>) -> Result<Option<Response>, ApiError> {
    let response = match call.op {
        OpId::DropletsListAssociatedResources => associated(call),
        OpId::DropletsDestroyWithAssociatedResourcesDangerous => destroy(call, false),
        OpId::DropletsDestroyWithAssociatedResourcesSelective => destroy(call, true),
        OpId::DropletsGetDestroyAssociatedResourcesStatus => destroy_status(call),
        OpId::DropletsDestroyRetryWithAssociatedResources => destroy_retry(call),
        OpId::DatabasesCreateLogsink => logsink(call),
        OpId::DatabasesListLogsink => logsink_list(call),
        OpId::DatabasesGetLogsink => logsink_get(call),
        OpId::DatabasesUpdateLogsink => logsink_update(call),
        OpId::GenaiCreateEvaluationDataset => evaluation_dataset(call),
        OpId::GenaiRunEvaluationTestCase => evaluation_runs(call),
        OpId::SecurityCreateSuppression => suppressions(call),
        OpId::ByoipPrefixesCreate => byoip_prefix(call),
        OpId::KubernetesAddRegistry | OpId::KubernetesAddRegistries => cluster_registry(call, true),
        OpId::KubernetesRemoveRegistry | OpId::KubernetesRemoveRegistries => {
            cluster_registry(call, false)
        }
        OpId::DatabasesUpdateMajorVersion => database_version(call),
        OpId::DatabasesResetAuth => reset_auth(call),
        OpId::VectorDatabasesUpdateTags => {
            set_member(call, "/v2/vector-databases", "tags", "/tags")
        }
        OpId::GenaiUpdateAgentDeploymentVisibility => set_member(
            call,
            "/v2/gen-ai/agents",
            "visibility",
            "/deployment/visibility",
        ),
        OpId::ProjectsGetDefault | OpId::ProjectsUpdateDefault | OpId::ProjectsPatchDefault => {
            default_project(call)
        }
        op => match SETTINGS
            .iter()
            .find(|(write, read)| *write == op || *read == op)
        {
            Some((_, read)) => settings(call, *read),
            None => return Ok(None),
        },
    };
    response.map(Some)
}

/// Stores `object` under `key` in the account's `collection`, within its bounds.
fn store(call: &Call<'_>, collection: &str, key: &str, object: Value) -> Result<(), ApiError> {
    let mut docs = call.docs_mut();
    docs.put(collection, key.to_owned(), object)
        .map_err(|why| ApiError::unprocessable(format!("{collection}: {why}")))
}

fn body_strings<'a>(call: &'a Call<'_>, field: &str) -> Vec<&'a str> {
    call.body
        .as_ref()
        .and_then(|b| b.get(field))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

const VOLUMES: &str = "/v2/volumes";
const SNAPSHOTS: &str = "/v2/snapshots";
const IP_COLLECTIONS: [(&str, &str); 2] = [
    ("reserved_ips", "/v2/reserved_ips"),
    ("floating_ips", "/v2/floating_ips"),
];

/// One associated resource: its kind (the status's member), where it is stored
/// (`None` for a Droplet snapshot, kept by the hand-written store), id and name.
#[derive(Debug, Clone)]
struct Associated {
    kind: &'static str,
    collection: Option<&'static str>,
    id: String,
    name: String,
}

/// What is associated with the path's Droplet: its volumes and their snapshots, its
/// snapshots, and the reserved and floating IPs assigned to it.
fn associated_with(
    call: &Call<'_>,
) -> Result<(crate::state::model::Droplet, Vec<Associated>), ApiError> {
    let droplet = path_droplet(call)?;
    ensure_seeded(
        call,
        &[VOLUMES, SNAPSHOTS, IP_COLLECTIONS[0].1, IP_COLLECTIONS[1].1],
    );
    let mut found = Vec::new();
    let name_of = |v: &Value, fallback: &str| {
        v.get("name")
            .and_then(Value::as_str)
            .unwrap_or(fallback)
            .to_owned()
    };
    {
        let docs = call.docs();
        let items = |path: &str| docs.items(path);
        for volume in &droplet.volume_ids {
            let name = items(VOLUMES)
                .and_then(|i| i.get(volume))
                .map_or_else(|| volume.clone(), |v| name_of(v, volume));
            found.push(Associated {
                kind: "volumes",
                collection: Some(VOLUMES),
                id: volume.clone(),
                name,
            });
            for (key, snapshot) in items(SNAPSHOTS).into_iter().flat_map(|i| i.iter()) {
                if snapshot.get("resource_id").and_then(Value::as_str) == Some(volume.as_str()) {
                    found.push(Associated {
                        kind: "volume_snapshots",
                        collection: Some(SNAPSHOTS),
                        id: key.to_owned(),
                        name: name_of(snapshot, key),
                    });
                }
            }
        }
        for (kind, path) in IP_COLLECTIONS {
            for (key, ip) in items(path).into_iter().flat_map(|i| i.iter()) {
                if ip.pointer("/droplet/id").and_then(Value::as_u64) == Some(droplet.id) {
                    found.push(Associated {
                        kind,
                        collection: Some(path),
                        id: key.to_owned(),
                        name: key.to_owned(),
                    });
                }
            }
        }
    }
    let images = call
        .store()
        .account_images(call.who.account, Timestamp::now());
    for image in images
        .iter()
        .filter(|i| i.droplet_id == droplet.id && i.kind == ImageKind::Snapshot)
    {
        found.push(Associated {
            kind: "snapshots",
            collection: None,
            id: image.id.to_string(),
            name: image.name.clone(),
        });
    }
    Ok((droplet, found))
}

/// GET /v2/droplets/{droplet_id}/destroy_with_associated_resources
fn associated(call: &Call<'_>) -> Result<Response, ApiError> {
    let (_, found) = associated_with(call)?;
    let mut members = Map::new();
    for kind in [
        "reserved_ips",
        "floating_ips",
        "snapshots",
        "volumes",
        "volume_snapshots",
    ] {
        let list: Vec<Value> = found
            .iter()
            .filter(|a| a.kind == kind)
            .map(|a| json!({"id": a.id, "name": a.name, "cost": "0.00"}))
            .collect();
        members.insert(kind.to_owned(), Value::Array(list));
    }
    answer(call.op, Some(Value::Object(members)))
}

/// Where a Droplet's destruction status is kept (outside the Droplet, which is gone).
fn status_collection(droplet: &str) -> String {
    format!("/v2/droplets/{droplet}/destroy_with_associated_resources")
}

/// DELETE …/dangerous (everything associated) and …/selective (what the body lists).
fn destroy(call: &Call<'_>, selective: bool) -> Result<Response, ApiError> {
    let (droplet, found) = associated_with(call)?;
    let chosen: Vec<Associated> = if selective {
        let mut chosen = Vec::new();
        for kind in [
            "reserved_ips",
            "floating_ips",
            "snapshots",
            "volumes",
            "volume_snapshots",
        ] {
            for id in body_strings(call, kind) {
                let item = found
                    .iter()
                    .find(|a| a.kind == kind && (a.id == id || a.name == id))
                    .ok_or_else(|| {
                        ApiError::unprocessable(format!(
                            "{kind}: {id} is not associated with Droplet {}",
                            droplet.id
                        ))
                    })?;
                chosen.push(item.clone());
            }
        }
        chosen
    } else {
        found
    };
    if !call.store().delete_droplet(call.who.account, droplet.id) {
        return Err(ApiError::not_found());
    }
    super::reserved_ips::droplet_deleted(call, droplet.id);
    let now = generate::now();
    let mut resources: Map<String, Value> = [
        "reserved_ips",
        "floating_ips",
        "snapshots",
        "volumes",
        "volume_snapshots",
    ]
    .iter()
    .map(|k| ((*k).to_owned(), Value::Array(Vec::new())))
    .collect();
    {
        let mut docs = call.docs_mut();
        let data = &mut *docs;
        for item in &chosen {
            if let Some(path) = item.collection {
                data.remove(path, &item.id);
            }
            if let Some(Value::Array(list)) = resources.get_mut(item.kind) {
                list.push(json!({"id": item.id, "name": item.name, "destroyed_at": now}));
            }
        }
    }
    for item in chosen.iter().filter(|a| a.collection.is_none()) {
        if let Ok(id) = item.id.parse::<u64>() {
            call.store().delete_image(call.who.account, id);
        }
    }
    let status = json!({
        "droplet": {"id": droplet.id.to_string(), "name": droplet.name, "destroyed_at": now},
        "resources": resources,
        "completed_at": now,
        "failures": 0,
    });
    let id = droplet.id.to_string();
    store(call, &status_collection(&id), "status", status)?;
    answer(call.op, None)
}

/// GET …/status: the destruction of this Droplet; 404 if none was asked for.
fn destroy_status(call: &Call<'_>) -> Result<Response, ApiError> {
    let id = call.values.first().cloned().unwrap_or_default();
    let docs = call.docs();
    let status = docs
        .items(&status_collection(&id))
        .and_then(|items| items.get("status"))
        .cloned()
        .ok_or_else(ApiError::not_found)?;
    drop(docs);
    answer(call.op, Some(status))
}

/// POST …/retry: nothing failed here, so there is nothing to retry; 404 without a
/// destruction to retry.
fn destroy_retry(call: &Call<'_>) -> Result<Response, ApiError> {
    let id = call.values.first().cloned().unwrap_or_default();
    let known = call
        .docs()
        .items(&status_collection(&id))
        .is_some_and(|items| items.get("status").is_some());
    if !known {
        return Err(ApiError::not_found());
    }
    answer(call.op, None)
}

/// POST /v2/databases/{uuid}/logsink: the sink as given, with a new id.
fn logsink(call: &Call<'_>) -> Result<Response, ApiError> {
    let database = call.values.first().cloned().unwrap_or_default();
    database_exists(call)?;
    let id = generate::uuid();
    let sink = json!({
        "sink_id": id,
        "sink_name": body_str(call, "sink_name").unwrap_or_default(),
        "sink_type": body_str(call, "sink_type").unwrap_or_default(),
        "config": call.body.as_ref().and_then(|b| b.get("config")).cloned().unwrap_or_else(|| json!({})),
    });
    store(
        call,
        &format!("/v2/databases/{database}/logsink"),
        &id,
        sink.clone(),
    )?;
    answer(call.op, Some(json!({ "sink": sink })))
}

fn logsink_path(call: &Call<'_>) -> (String, String) {
    let database = call.values.first().cloned().unwrap_or_default();
    let sink = call.values.get(1).cloned().unwrap_or_default();
    (format!("/v2/databases/{database}/logsink"), sink)
}

/// GET /v2/databases/{uuid}/logsink: the database's sinks, oldest first.
fn logsink_list(call: &Call<'_>) -> Result<Response, ApiError> {
    let (path, _) = logsink_path(call);
    database_exists(call)?;
    let docs = call.docs();
    let sinks: Vec<Value> = docs
        .items(&path)
        .into_iter()
        .flat_map(|items| items.iter())
        .map(|(_, sink)| sink)
        .filter(|sink| sink.get("sink_id").is_some_and(Value::is_string))
        .cloned()
        .collect();
    drop(docs);
    answer(call.op, Some(json!({ "sinks": sinks })))
}

/// The path's database cluster, or 404; its sinks are then in place: the demo
/// seed's sink (the documented `logsink_id`) is a sink of the documented shape.
fn database_exists(call: &Call<'_>) -> Result<(), ApiError> {
    let database = call.values.first().cloned().unwrap_or_default();
    with_object(call, "/v2/databases", &database, |_| Ok(()))?;
    let (path, _) = logsink_path(call);
    ensure_seeded(call, &[path.as_str()]);
    let mut docs = call.docs_mut();
    let data = &mut *docs;
    let seeded: Vec<String> = data
        .items(&path)
        .into_iter()
        .flat_map(|items| items.iter())
        .filter(|(_, sink)| !sink.get("sink_id").is_some_and(Value::is_string))
        .map(|(key, _)| key.to_owned())
        .collect();
    for key in seeded {
        if let Some(sink) = data.settled_mut(&path, &key) {
            *sink = json!({
                "sink_id": key,
                "sink_name": "logs-sink",
                "sink_type": "rsyslog",
                "config": {"server": "192.0.2.1", "port": 514, "tls": false, "format": "rfc5424"},
            });
        }
    }
    Ok(())
}

/// GET /v2/databases/{uuid}/logsink/{id}: the sink itself (the answer has no envelope).
fn logsink_get(call: &Call<'_>) -> Result<Response, ApiError> {
    let (path, id) = logsink_path(call);
    database_exists(call)?;
    let sink = with_object(call, &path, &id, |sink| Ok(sink.clone()))?;
    answer(call.op, Some(sink))
}

/// PUT /v2/databases/{uuid}/logsink/{id}: a new `config`.
fn logsink_update(call: &Call<'_>) -> Result<Response, ApiError> {
    let (path, id) = logsink_path(call);
    database_exists(call)?;
    let config = call
        .body
        .as_ref()
        .and_then(|b| b.get("config"))
        .cloned()
        .ok_or_else(|| ApiError::unprocessable("config: is required"))?;
    with_object(call, &path, &id, |sink| {
        sink["config"] = config;
        Ok(())
    })?;
    answer(call.op, None)
}

/// POST /v2/gen-ai/evaluation_datasets: a dataset that then lists and deletes.
fn evaluation_dataset(call: &Call<'_>) -> Result<Response, ApiError> {
    let id = generate::uuid();
    let upload = call
        .body
        .as_ref()
        .and_then(|b| b.get("file_upload_dataset"));
    let size = upload
        .and_then(|u| u.get("size_in_bytes"))
        .and_then(|s| {
            s.as_str()
                .map(str::to_owned)
                .or_else(|| s.as_u64().map(|n| n.to_string()))
        })
        .unwrap_or_else(|| "0".to_owned());
    let dataset = json!({
        "dataset_uuid": id,
        "dataset_name": body_str(call, "name").unwrap_or_default(),
        "dataset_type": body_str(call, "dataset_type").unwrap_or("EVALUATION_DATASET_TYPE_UNKNOWN"),
        "file_size": size,
        "has_ground_truth": false,
        "row_count": 0,
        "created_at": generate::now(),
    });
    ensure_seeded(call, &["/v2/gen-ai/evaluation_datasets"]);
    store(call, "/v2/gen-ai/evaluation_datasets", &id, dataset)?;
    answer(call.op, Some(json!({ "evaluation_dataset_uuid": id })))
}

/// POST /v2/gen-ai/evaluation_runs: one stored run per agent (or deployment) named,
/// each readable at `/v2/gen-ai/evaluation_runs/{uuid}`.
fn evaluation_runs(call: &Call<'_>) -> Result<Response, ApiError> {
    let agents = body_strings(call, "agent_uuids");
    let deployments = body_strings(call, "agent_deployment_names");
    if agents.is_empty() && deployments.is_empty() {
        return Err(ApiError::unprocessable(
            "agent_uuids: name at least one agent or agent_deployment_names one deployment",
        ));
    }
    let test_case = body_str(call, "test_case_uuid").unwrap_or_default();
    let run_name = body_str(call, "run_name").unwrap_or_default();
    let now = generate::now();
    let mut uuids = Vec::new();
    let targets = agents
        .iter()
        .map(|a| (Some(*a), None))
        .chain(deployments.iter().map(|d| (None, Some(*d))))
        .take(crate::limits::MAX_ARRAY_ITEMS);
    for (agent, deployment) in targets {
        let id = generate::uuid();
        let run = json!({
            "evaluation_run_uuid": id,
            "agent_uuid": agent.unwrap_or_default(),
            "agent_deployment_name": deployment.unwrap_or_default(),
            "agent_deleted": false,
            "test_case_uuid": test_case,
            "run_name": run_name,
            "status": "EVALUATION_RUN_SUCCESSFUL",
            "queued_at": now,
            "started_at": now,
            "finished_at": now,
            "pass_status": true,
            "run_level_metric_results": [],
        });
        store(call, "/v2/gen-ai/evaluation_runs", &id, run)?;
        uuids.push(id);
    }
    answer(call.op, Some(json!({ "evaluation_run_uuids": uuids })))
}

/// POST /v2/security/settings/suppressions: one stored suppression per resource URN,
/// each deletable by its id.
fn suppressions(call: &Call<'_>) -> Result<Response, ApiError> {
    let rule = body_str(call, "rule_uuid").map_or_else(generate::uuid, str::to_owned);
    let mut made = Vec::new();
    for urn in body_strings(call, "resources")
        .into_iter()
        .take(crate::limits::MAX_ARRAY_ITEMS)
    {
        // `do:droplet:123` → type `droplet`, id `123`.
        let mut parts = urn.splitn(3, ':').skip(1);
        let kind = parts.next().unwrap_or_default();
        let id = parts.next().unwrap_or_default();
        let key = generate::uuid();
        let suppression = json!({
            "id": key,
            "rule_uuid": rule,
            "resource_id": id,
            "resource_type": kind,
        });
        store(
            call,
            "/v2/security/settings/suppressions",
            &key,
            suppression.clone(),
        )?;
        made.push(suppression);
    }
    let total = made.len();
    answer(
        call.op,
        Some(json!({ "resources": made, "links": {}, "meta": { "total": total } })),
    )
}

/// POST /v2/byoip_prefixes: the prefix as given (its `prefix` kept), being validated.
fn byoip_prefix(call: &Call<'_>) -> Result<Response, ApiError> {
    let id = generate::uuid();
    let region = body_str(call, "region").unwrap_or_default();
    let prefix = json!({
        "uuid": id,
        "name": "",
        "prefix": body_str(call, "prefix").unwrap_or_default(),
        "status": "in_progress",
        "region": region,
        "validations": [],
        "failure_reason": "",
        "locked": false,
        "advertised": false,
        "project_id": "",
    });
    ensure_seeded(call, &["/v2/byoip_prefixes"]);
    store(call, "/v2/byoip_prefixes", &id, prefix)?;
    let created = crate::engine::shape::wrapped(
        call.op,
        json!({"uuid": id, "region": region, "status": "in_progress"}),
    );
    answer(call.op, Some(created))
}

/// Settings a write changes and a read of the same path answers: (write, read).
const SETTINGS: &[(OpId, OpId)] = &[
    (
        OpId::DatabasesUpdateEvictionPolicy,
        OpId::DatabasesGetEvictionPolicy,
    ),
    (OpId::DatabasesUpdateSqlMode, OpId::DatabasesGetSqlMode),
    (OpId::DatabasesPatchConfig, OpId::DatabasesGetConfig),
    (
        OpId::DatabasesUpdateClusterMetricsCredentials,
        OpId::DatabasesGetClusterMetricsCredentials,
    ),
    (
        OpId::DatabasesUpdateKafkaSchemaConfig,
        OpId::DatabasesGetKafkaSchemaConfig,
    ),
    (OpId::DatabasesUpdateAutoscale, OpId::DatabasesGetAutoscale),
];

/// Copies `body` into `target`, adding members `target` lacks (objects merge deeply).
fn overlay(target: &mut Value, body: &Value) {
    let (Some(target), Some(body)) = (target.as_object_mut(), body.as_object()) else {
        return;
    };
    for (key, value) in body {
        match target.get_mut(key) {
            Some(slot) if slot.is_object() && value.is_object() => overlay(slot, value),
            _ => {
                target.insert(key.clone(), value.clone());
            }
        }
    }
}

/// The read's answer with the stored settings over it: at the top, or inside the
/// answer's one envelope member when the settings name none of the top's members.
fn settings_answer(call: &Call<'_>, read: OpId, stored: &Value) -> Value {
    let mut answer = settings_base(call, read);
    let wrapped = wrapper(&answer).map(str::to_owned).filter(|w| {
        stored.get(w).is_none()
            && stored
                .as_object()
                .is_some_and(|s| s.keys().all(|k| answer.get(k).is_none()))
    });
    match wrapped.and_then(|w| answer.get_mut(&w)) {
        Some(inner) => overlay(inner, stored),
        None => overlay(&mut answer, stored),
    }
    answer
}

/// What a setting reads before anything is set: the documented answer, except that a
/// database's configuration is its own engine's (the description documents MySQL's
/// only), so a cluster of another engine starts with an empty `config`.
fn settings_base(call: &Call<'_>, read: OpId) -> Value {
    if read == OpId::DatabasesGetConfig {
        let engine = call.values.first().and_then(|id| {
            with_object(call, "/v2/databases", id, |cluster| {
                Ok(cluster
                    .get("engine")
                    .and_then(Value::as_str)
                    .map(str::to_owned))
            })
            .ok()
            .flatten()
        });
        if engine.is_some_and(|e| e != "mysql") {
            return json!({ "config": {} });
        }
    }
    template(read).clone()
}

/// A setting's write stores the body over what was set before (refusing a body the
/// read could not answer with); its read answers what was set.
fn settings(call: &Call<'_>, read: OpId) -> Result<Response, ApiError> {
    if call.path.starts_with("/v2/databases/") && !call.values.is_empty() {
        database_exists(call)?;
    }
    let collection = call.path.clone();
    let stored = call
        .docs()
        .items(&collection)
        .and_then(|items| items.get("settings"))
        .cloned();
    if call.op == read {
        let answer = match &stored {
            Some(stored) => settings_answer(call, read, stored),
            None => settings_base(call, read),
        };
        return crate::engine::shape::answer(call.op, Some(answer));
    }
    let mut next = stored.unwrap_or_else(|| json!({}));
    if let Some(body) = &call.body {
        overlay(&mut next, body);
    }
    if !conforms(read, &settings_answer(call, read, &next)) {
        return Err(ApiError::unprocessable(
            "the body does not fit the settings this path answers with",
        ));
    }
    store(call, &collection, "settings", next.clone())?;
    if call.op.meta().response_media.contains("json") && !template(call.op).is_null() {
        let written = settings_answer(call, call.op, &next);
        if conforms(call.op, &written) {
            return answer(call.op, Some(written));
        }
    }
    answer(call.op, None)
}

/// The key of the account's default project among its projects, made from the documented
/// default the first time it is needed (a project list or read shows it too, as the API
/// lists the default project with the others).
pub(super) fn ensure_default_project(call: &Call<'_>) -> Result<String, ApiError> {
    const PROJECTS: &str = "/v2/projects";
    let read = OpId::ProjectsGetDefault;
    ensure_seeded(call, &[PROJECTS]);
    let documented = template(read)
        .get("project")
        .cloned()
        .unwrap_or_else(|| json!({}));
    let mut docs = call.docs_mut();
    let data = &mut *docs;
    let found = data.items(PROJECTS).and_then(|items| {
        items
            .iter()
            .find(|(_, p)| p.get("is_default").and_then(Value::as_bool) == Some(true))
            .map(|(k, _)| k.to_owned())
    });
    let key = match found {
        Some(key) => key,
        None => {
            let mut project = documented;
            project["is_default"] = Value::Bool(true);
            let key = project
                .get("id")
                .and_then(Value::as_str)
                .map_or_else(generate::uuid, str::to_owned);
            data.put(PROJECTS, key.clone(), project)
                .map_err(|why| ApiError::unprocessable(format!("projects: {why}")))?;
            key
        }
    };
    Ok(key)
}

/// `GET|PUT|PATCH /v2/projects/default`: the account's default project, kept with the
/// other projects (made from the documented default the first time it is needed).
fn default_project(call: &Call<'_>) -> Result<Response, ApiError> {
    const PROJECTS: &str = "/v2/projects";
    let read = OpId::ProjectsGetDefault;
    let key = ensure_default_project(call)?;
    if call.op != read
        && let Some(body) = &call.body
    {
        super::projects::name_free(call, body, Some(&key))?;
    }
    let mut docs = call.docs_mut();
    let data = &mut *docs;
    let project = data
        .settled_mut(PROJECTS, &key)
        .ok_or_else(ApiError::not_found)?;
    if call.op != read {
        let mut updated = project.clone();
        if let Some(body) = &call.body {
            crate::engine::shape::merge(&mut updated, body);
        }
        // The default project stays the default.
        updated["is_default"] = Value::Bool(true);
        if updated.get("updated_at").is_some_and(Value::is_string) {
            updated["updated_at"] = Value::String(generate::now());
        }
        if !conforms(read, &json!({ "project": updated })) {
            return Err(ApiError::unprocessable(
                "the body does not fit the project's shape",
            ));
        }
        *project = updated;
    }
    let project = project.clone();
    drop(docs);
    answer(call.op, Some(json!({ "project": project })))
}

/// `POST|DELETE /v2/kubernetes/registry` (and `registries`): the named clusters get
/// (or lose) the account's registry. Every cluster named must exist; none changes
/// otherwise.
fn cluster_registry(call: &Call<'_>, enabled: bool) -> Result<Response, ApiError> {
    const CLUSTERS: &str = "/v2/kubernetes/clusters";
    let named = body_strings(call, "cluster_uuids");
    if named.is_empty() {
        return Err(ApiError::unprocessable(
            "cluster_uuids: name at least one Kubernetes cluster",
        ));
    }
    ensure_seeded(call, &[CLUSTERS]);
    let mut docs = call.docs_mut();
    let data = &mut *docs;
    let mut keys = Vec::with_capacity(named.len());
    for id in &named {
        let key = data
            .items(CLUSTERS)
            .and_then(|items| items.key_of(id))
            .ok_or_else(|| {
                ApiError::unprocessable(format!("cluster_uuids: no Kubernetes cluster {id}"))
            })?;
        keys.push(key);
    }
    for key in keys {
        if let Some(cluster) = data.settled_mut(CLUSTERS, &key) {
            cluster["registry_enabled"] = Value::Bool(enabled);
        }
    }
    drop(docs);
    answer(call.op, None)
}

/// `PUT /v2/databases/{uuid}/upgrade`: the cluster's `version` becomes the one asked for,
/// which its engine must offer, with that version's `semantic_version` and dates.
fn database_version(call: &Call<'_>) -> Result<Response, ApiError> {
    let version = body_str(call, "version")
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::unprocessable("version: is required"))?
        .to_owned();
    let database = call.values.first().cloned().unwrap_or_default();
    with_object(call, "/v2/databases", &database, |cluster| {
        let engine_slug = cluster.get("engine").and_then(Value::as_str).unwrap_or("");
        if let Some(engine) = crate::state::catalog::database_engine(engine_slug)
            && !engine.versions.contains(&version.as_str())
        {
            return Err(ApiError::unprocessable(format!(
                "version: {engine_slug} offers no version '{version}' \
                 (see GET /v2/databases/options)"
            )));
        }
        super::defaults::engine_version(cluster, Some(&version));
        Ok(())
    })?;
    answer(call.op, None)
}

/// `POST /v2/databases/{uuid}/users/{name}/reset_auth`: a new password (and the MySQL
/// authentication plugin, when given).
fn reset_auth(call: &Call<'_>) -> Result<Response, ApiError> {
    let database = call.values.first().cloned().unwrap_or_default();
    let name = call.values.get(1).cloned().unwrap_or_default();
    database_exists(call)?;
    let settings = call
        .body
        .as_ref()
        .and_then(|b| b.get("mysql_settings"))
        .cloned();
    let user = with_object(
        call,
        &format!("/v2/databases/{database}/users"),
        &name,
        |user| {
            user["password"] = Value::String(generate::uuid().replace('-', ""));
            if let Some(settings) = settings {
                user["mysql_settings"] = settings;
            }
            Ok(user.clone())
        },
    )?;
    // The admin user's password is the cluster's: its connections (and their URIs) take
    // the new one, which the Terraform provider reads back as the cluster's `password`.
    if user.get("role").and_then(Value::as_str) == Some("primary")
        && let Some(password) = user.get("password").and_then(Value::as_str)
    {
        with_object(call, "/v2/databases", &database, |db| {
            for member in ["connection", "private_connection"] {
                let Some(Value::Object(conn)) = db.get_mut(member) else {
                    continue;
                };
                let old = conn
                    .get("password")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                if let Some(Value::String(uri)) = conn.get_mut("uri")
                    && !old.is_empty()
                {
                    *uri = uri.replace(&format!(":{old}@"), &format!(":{password}@"));
                }
                conn.insert("password".into(), Value::String(password.to_owned()));
            }
            Ok(())
        })?;
    }
    answer(call.op, Some(crate::engine::shape::wrapped(call.op, user)))
}

/// Sets one member (at `pointer`) of the object the path's first value names, from
/// the body's `field`, and answers with the object where the answer has room for it.
fn set_member(
    call: &Call<'_>,
    collection: &str,
    field: &str,
    pointer: &str,
) -> Result<Response, ApiError> {
    let value = call
        .body
        .as_ref()
        .and_then(|b| b.get(field))
        .cloned()
        .ok_or_else(|| ApiError::unprocessable(format!("{field}: is required")))?;
    let id = call.values.first().cloned().unwrap_or_default();
    let object = with_object(call, collection, &id, |object| {
        let (parent, last) = pointer.rsplit_once('/').unwrap_or(("", pointer));
        let slot = if parent.is_empty() {
            Some(&mut *object)
        } else {
            object.pointer_mut(parent)
        };
        match slot.and_then(Value::as_object_mut) {
            Some(map) => {
                map.insert(last.to_owned(), value);
                Ok(object.clone())
            }
            None => Err(ApiError::unprocessable(format!(
                "{field}: this object has no {parent} to set it in"
            ))),
        }
    })?;
    let wrapped = crate::engine::shape::wrapped(call.op, object);
    if wrapper(&template(call.op)).is_some() && conforms(call.op, &wrapped) {
        return answer(call.op, Some(wrapped));
    }
    crate::engine::call::static_answer(call)
}
