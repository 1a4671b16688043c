//! GenAI writes that change what later reads show: API key regeneration, knowledge bases and child agents attached to an agent, agent version
//! rollback, custom model import and metadata, cancelled indexing jobs and model
//! evaluation runs, and agents moved into a workspace.

use axum::response::Response;
use serde_json::{Value, json};

use super::behave::{all, field, find, put, reply, value};
use super::object::with_object;
use crate::engine::call::Call;
use crate::engine::generate;
use crate::engine::shape::answer;
use crate::wire::error::ApiError;

const AGENTS: &str = "/v2/gen-ai/agents";
const KNOWLEDGE_BASES: &str = "/v2/gen-ai/knowledge_bases";
const MODEL_KEYS: &str = "/v2/gen-ai/models/api_keys";
const CUSTOM_MODELS: &str = "/v2/gen-ai/custom_models";

/// A fresh secret, shaped like the API's (hex, no dashes).
fn secret() -> String {
    format!("{}{}", generate::uuid(), generate::uuid()).replace('-', "")
}

fn found(call: &Call<'_>, collection: &str, id: &str, what: &str) -> Result<Value, ApiError> {
    find(call, collection, id)
        .map(|(_, v)| v)
        .ok_or_else(|| ApiError::not_found_with(format!("no {what} {id}")))
}

/// PUT …/api_keys/{api_key_uuid}/regenerate (an agent's or a model's): the key's
/// secret changes; the old one is gone.
pub(super) fn regenerate_key(call: &Call<'_>, agent_key: bool) -> Result<Response, ApiError> {
    let (collection, key_id) = if agent_key {
        let agent = value(call, 0);
        found(call, AGENTS, &agent, "agent")?;
        (format!("{AGENTS}/{agent}/api_keys"), value(call, 1))
    } else {
        (MODEL_KEYS.to_owned(), value(call, 0))
    };
    let info = with_object(call, &collection, &key_id, |info| {
        info["secret_key"] = Value::String(secret());
        Ok(info.clone())
    })?;
    answer(call.op, Some(json!({ "api_key_info": info })))
}

/// POST|DELETE /v2/gen-ai/agents/{agent_uuid}/knowledge_bases/{kb_uuid}: the knowledge
/// base joins (or leaves) the agent's `knowledge_bases`.
pub(super) fn knowledge_base(call: &Call<'_>, attach: bool) -> Result<Response, ApiError> {
    let kb_id = value(call, 1);
    let mut kb = found(call, KNOWLEDGE_BASES, &kb_id, "knowledge base")?;
    let kb_uuid = kb
        .get("uuid")
        .and_then(Value::as_str)
        .map_or_else(|| kb_id.clone(), str::to_owned);
    kb["added_to_agent_at"] = Value::String(generate::now());
    let agent = with_object(call, AGENTS, &value(call, 0), |agent| {
        let map = agent
            .as_object_mut()
            .ok_or_else(|| ApiError::unprocessable("the agent has no knowledge bases"))?;
        let list = map
            .entry("knowledge_bases")
            .or_insert_with(|| Value::Array(Vec::new()));
        let list = list
            .as_array_mut()
            .ok_or_else(|| ApiError::unprocessable("the agent's knowledge_bases is not a list"))?;
        let held = list.iter().position(|k| k["uuid"] == kb_uuid.as_str());
        match (attach, held) {
            (true, None) => {
                crate::limits::bounded_array(
                    "knowledge_bases",
                    list,
                    crate::limits::MAX_ARRAY_ITEMS - 1,
                )?;
                list.push(kb);
            }
            (false, Some(i)) => {
                list.remove(i);
            }
            (false, None) => {
                return Err(ApiError::not_found_with(format!(
                    "knowledge base {kb_uuid} is not attached to the agent"
                )));
            }
            (true, Some(_)) => {}
        }
        Ok(agent.clone())
    })?;
    reply(call, agent)
}

/// POST|DELETE /v2/gen-ai/agents/{parent}/child_agents/{child}: the child joins (or
/// leaves) the parent's `child_agents`, and the parent the child's `parent_agents`.
pub(super) fn child_agent(call: &Call<'_>, attach: bool) -> Result<Response, ApiError> {
    let parent_id = value(call, 0);
    let child_id = value(call, 1);
    let parent = found(call, AGENTS, &parent_id, "agent")?;
    let child = found(call, AGENTS, &child_id, "agent")?;
    let uuid_of = |a: &Value, fallback: &str| {
        a.get("uuid")
            .and_then(Value::as_str)
            .map_or_else(|| fallback.to_owned(), str::to_owned)
    };
    let (parent_uuid, child_uuid) = (uuid_of(&parent, &parent_id), uuid_of(&child, &child_id));
    if parent_uuid == child_uuid {
        return Err(ApiError::unprocessable(
            "child_agent_uuid: an agent cannot be its own child",
        ));
    }
    // Members of an agent listed inside another: its own relations left out.
    let summary = |a: &Value| {
        let mut a = a.clone();
        if let Some(map) = a.as_object_mut() {
            for gone in ["child_agents", "parent_agents"] {
                map.insert(gone.into(), Value::Array(Vec::new()));
            }
        }
        a
    };
    let (route, if_case) = (
        field(call, "route_name").cloned(),
        field(call, "if_case").cloned(),
    );
    let link = |agent: &mut Value, member: &str, other: Value, other_uuid: &str| {
        let Some(map) = agent.as_object_mut() else {
            return false;
        };
        let list = map
            .entry(member)
            .or_insert_with(|| Value::Array(Vec::new()));
        let Some(list) = list.as_array_mut() else {
            return false;
        };
        let held = list.iter().position(|a| a["uuid"] == other_uuid);
        match (attach, held) {
            (true, None) => {
                list.push(other);
                true
            }
            (false, Some(i)) => {
                list.remove(i);
                true
            }
            _ => !attach || held.is_some(),
        }
    };
    let mut child_summary = summary(&child);
    if let Some(map) = child_summary.as_object_mut() {
        if let Some(r) = route {
            map.insert("route_name".into(), r);
        }
        if let Some(c) = if_case {
            map.insert("if_case".into(), c);
        }
    }
    let changed = with_object(call, AGENTS, &parent_id, |p| {
        Ok(link(p, "child_agents", child_summary, &child_uuid))
    })?;
    if !changed {
        return Err(ApiError::not_found_with(format!(
            "agent {child_uuid} is not a child of agent {parent_uuid}"
        )));
    }
    with_object(call, AGENTS, &child_id, |c| {
        Ok(link(c, "parent_agents", summary(&parent), &parent_uuid))
    })?;
    answer(
        call.op,
        Some(json!({"parent_agent_uuid": parent_uuid, "child_agent_uuid": child_uuid})),
    )
}

/// PUT /v2/gen-ai/agents/{uuid}/versions: the agent's `version_hash` becomes the one
/// asked for.
pub(super) fn rollback_version(call: &Call<'_>) -> Result<Response, ApiError> {
    let hash = field(call, "version_hash")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::unprocessable("version_hash: is required"))?
        .to_owned();
    crate::limits::bounded_str("version_hash", &hash, crate::limits::MAX_NAME_BYTES)?;
    with_object(call, AGENTS, &value(call, 0), |agent| {
        agent["version_hash"] = Value::String(hash.clone());
        agent["updated_at"] = Value::String(generate::now());
        Ok(())
    })?;
    answer(call.op, Some(json!({ "version_hash": hash })))
}

/// Copies the body's descriptive members onto a custom model.
fn describe(model: &mut Value, body: &Value) {
    for member in [
        "name",
        "description",
        "license",
        "parameters",
        "input_modalities",
        "output_modalities",
        "tags",
        "source_type",
    ] {
        if let Some(v) = body.get(member) {
            model[member] = v.clone();
        }
    }
}

/// POST /v2/gen-ai/custom_models/import: a model being imported from the body's
/// source (its token not kept), then ready, readable and listed.
pub(super) fn import_custom_model(call: &Call<'_>) -> Result<Response, ApiError> {
    let body = call.body.clone().unwrap_or_else(|| json!({}));
    let name = body
        .get("name")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::unprocessable("name: is required"))?;
    crate::limits::bounded_str("name", name, crate::limits::MAX_NAME_BYTES)?;
    if all(call, CUSTOM_MODELS)
        .iter()
        .any(|(_, m)| m["name"] == name)
    {
        return Err(ApiError::unprocessable(format!(
            "name: a custom model '{name}' already exists"
        )));
    }
    let id = generate::uuid();
    let now = generate::now();
    let mut source = body.get("source_ref").cloned().unwrap_or_else(|| json!({}));
    if let Some(map) = source.as_object_mut() {
        // A Hugging Face token is a secret: it is used, never shown again.
        map.remove("hf_token");
    }
    let mut model = json!({
        "uuid": id,
        "status": "STATUS_READY",
        "created_at": now,
        "updated_at": now,
        "source_ref": source,
        "storage_region": body.get("preferred_gpu_region").cloned().unwrap_or(Value::String(String::new())),
        "active_deployments": [],
        "file_count": 0,
        "error_message": "",
    });
    describe(&mut model, &body);
    put(call, CUSTOM_MODELS, &id, model.clone())?;
    let job = json!({
        "uuid": generate::uuid(),
        "status": "IMPORT_JOB_STATUS_COMPLETED",
        "created_at": now,
        "started_at": now,
        "completed_at": now,
        "files_done": 0,
        "files_total": 0,
        "bytes_done": "0",
        "bytes_total": "0",
        "error_message": "",
        "error_step": "",
    });
    answer(call.op, Some(json!({"model": model, "import_job": job})))
}

/// PATCH /v2/gen-ai/custom_models/{uuid}/metadata
pub(super) fn custom_model_metadata(call: &Call<'_>) -> Result<Response, ApiError> {
    let body = call.body.clone().unwrap_or_else(|| json!({}));
    let model = with_object(call, CUSTOM_MODELS, &value(call, 0), |model| {
        describe(model, &body);
        model["updated_at"] = Value::String(generate::now());
        Ok(model.clone())
    })?;
    reply(call, model)
}

/// PUT …/cancel of an indexing job or a model evaluation run: a job still running ends
/// cancelled; a finished one is refused.
pub(super) fn cancel(call: &Call<'_>, run: bool) -> Result<Response, ApiError> {
    let (collection, member, finished, set): (&str, &str, &[&str], &[(&str, &str)]) = if run {
        (
            "/v2/gen-ai/model_evaluation_runs",
            "run",
            &[
                "MODEL_EVALUATION_RUN_CANCELLED",
                "MODEL_EVALUATION_RUN_SUCCESSFUL",
                "MODEL_EVALUATION_RUN_PARTIALLY_SUCCESSFUL",
                "MODEL_EVALUATION_RUN_FAILED",
            ],
            &[("status", "MODEL_EVALUATION_RUN_CANCELLED")],
        )
    } else {
        (
            "/v2/gen-ai/indexing_jobs",
            "job",
            &[
                "INDEX_JOB_STATUS_CANCELLED",
                "INDEX_JOB_STATUS_COMPLETED",
                "INDEX_JOB_STATUS_FAILED",
                "INDEX_JOB_STATUS_NO_CHANGES",
                "INDEX_JOB_STATUS_PARTIAL",
            ],
            &[
                ("status", "INDEX_JOB_STATUS_CANCELLED"),
                ("phase", "BATCH_JOB_PHASE_CANCELLED"),
            ],
        )
    };
    let object = with_object(call, collection, &value(call, 0), |object| {
        let status = object.get("status").and_then(Value::as_str).unwrap_or("");
        if finished.contains(&status) {
            return Err(super::behave::conflict(format!(
                "it already ended ({status}); only one in progress can be cancelled"
            )));
        }
        for (k, v) in set {
            object[*k] = Value::String((*v).to_owned());
        }
        if object.get("finished_at").is_some() {
            object["finished_at"] = Value::String(generate::now());
        }
        Ok(object.clone())
    })?;
    answer(call.op, Some(json!({ member: object })))
}

/// PUT /v2/gen-ai/workspaces/{workspace_uuid}/agents: the agents named move into the
/// workspace.
pub(super) fn move_agents(call: &Call<'_>) -> Result<Response, ApiError> {
    let (ws_key, workspace) =
        find(call, "/v2/gen-ai/workspaces", &value(call, 0)).ok_or_else(ApiError::not_found)?;
    let named: Vec<String> = field(call, "agent_uuids")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    crate::limits::bounded_array("agent_uuids", &named, crate::limits::MAX_ARRAY_ITEMS)?;
    for id in &named {
        if find(call, AGENTS, id).is_none() {
            return Err(ApiError::unprocessable(format!(
                "agent_uuids: no agent {id}"
            )));
        }
    }
    let summary = json!({
        "uuid": workspace.get("uuid").cloned().unwrap_or(Value::String(ws_key.clone())),
        "name": workspace.get("name").cloned().unwrap_or(Value::Null),
    });
    let mut agents = Vec::with_capacity(named.len());
    for id in &named {
        agents.push(with_object(call, AGENTS, id, |agent| {
            agent["workspace"] = summary.clone();
            Ok(agent.clone())
        })?);
    }
    let mut out = workspace;
    out["agents"] = Value::Array(agents);
    reply(call, out)
}

/// GET /v2/gen-ai/workspaces/{workspace_uuid}/agents: the agents in the workspace.
pub(super) fn agents_in_workspace(call: &Call<'_>) -> Result<Response, ApiError> {
    let (key, workspace) =
        find(call, "/v2/gen-ai/workspaces", &value(call, 0)).ok_or_else(ApiError::not_found)?;
    let uuid = workspace
        .get("uuid")
        .and_then(Value::as_str)
        .unwrap_or(&key)
        .to_owned();
    let agents: Vec<Value> = all(call, AGENTS)
        .into_iter()
        .map(|(_, a)| a)
        .filter(|a| a.pointer("/workspace/uuid").and_then(Value::as_str) == Some(uuid.as_str()))
        .collect();
    super::object::page(call, agents)
}

/// POST …/file_upload_presigned_urls (data sources, evaluation datasets, model
/// evaluation datasets): one upload slot on this emulator per file named, each a URL
/// that takes a PUT of the file.
pub(super) fn presigned_urls(call: &Call<'_>) -> Result<Response, ApiError> {
    let files: Vec<Value> = field(call, "files")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    crate::limits::bounded_array("files", &files, crate::limits::MAX_ARRAY_ITEMS)?;
    let expires = jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_secs(3600))
        .map_or_else(
            |_| generate::now(),
            |t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        );
    let uploads: Vec<Value> = files
        .iter()
        .map(|file| {
            let name = file
                .get("file_name")
                .and_then(Value::as_str)
                .unwrap_or("file")
                .to_owned();
            let id = generate::uuid();
            let signature = call.app.uploads.open(&id);
            json!({
                "original_file_name": name,
                "object_key": format!("{id}/{name}"),
                "presigned_url": format!("{}{}{id}?signature={signature}", call.origin, super::uploads::UPLOAD_PREFIX),
                "expires_at": expires,
            })
        })
        .collect();
    answer(
        call.op,
        Some(json!({"request_id": generate::uuid(), "uploads": uploads})),
    )
}

/// POST /v2/gen-ai/agents/{agent_uuid}/functions (`function_uuid` none), PUT and DELETE
/// …/functions/{function_uuid}: a function route joins, changes in or leaves the agent's
/// `functions`, and the answer is the agent as it reads after.
pub(super) fn agent_function(
    call: &Call<'_>,
    change: FunctionChange,
) -> Result<Response, ApiError> {
    let text = |name: &str| field(call, name).filter(|v| v.is_string()).cloned();
    let object = |name: &str| field(call, name).filter(|v| v.is_object()).cloned();
    let function_id = value(call, 1);
    let agent = with_object(call, AGENTS, &value(call, 0), |agent| {
        let map = agent
            .as_object_mut()
            .ok_or_else(|| ApiError::unprocessable("the agent has no functions"))?;
        let list = map
            .entry("functions")
            .or_insert_with(|| Value::Array(Vec::new()));
        let list = list
            .as_array_mut()
            .ok_or_else(|| ApiError::unprocessable("the agent's functions is not a list"))?;
        let held = list.iter().position(|f| f["uuid"] == function_id.as_str());
        let now = Value::String(generate::now());
        let fill = |function: &mut serde_json::Map<String, Value>| {
            for (member, from) in [
                ("name", "function_name"),
                ("description", "description"),
                ("faas_name", "faas_name"),
                ("faas_namespace", "faas_namespace"),
            ] {
                if let Some(v) = text(from) {
                    function.insert(member.into(), v);
                }
            }
            for member in ["input_schema", "output_schema"] {
                if let Some(v) = object(member) {
                    crate::limits::check_stored(member, &v)?;
                    function.insert(member.into(), v);
                }
            }
            function.insert("updated_at".into(), now.clone());
            Ok::<(), ApiError>(())
        };
        match (change, held) {
            (FunctionChange::Attach, _) => {
                crate::limits::bounded_array(
                    "functions",
                    list,
                    crate::limits::MAX_ARRAY_ITEMS - 1,
                )?;
                let mut function = serde_json::Map::new();
                function.insert("uuid".into(), Value::String(generate::uuid()));
                function.insert("created_at".into(), now.clone());
                fill(&mut function)?;
                list.push(Value::Object(function));
            }
            (FunctionChange::Update, Some(i)) => {
                if let Some(function) = list[i].as_object_mut() {
                    fill(function)?;
                }
            }
            (FunctionChange::Detach, Some(i)) => {
                list.remove(i);
            }
            (_, None) => {
                return Err(ApiError::not_found_with(format!(
                    "function {function_id} is not attached to the agent"
                )));
            }
        }
        Ok(agent.clone())
    })?;
    reply(call, agent)
}

/// What [`agent_function`] does to the agent's function route.
#[derive(Clone, Copy)]
pub(super) enum FunctionChange {
    Attach,
    Update,
    Detach,
}

/// The members a data source given at a knowledge base's create keeps as a data source.
const DATA_SOURCE_MEMBERS: [&str; 10] = [
    "aws_data_source",
    "bucket_name",
    "chunking_algorithm",
    "chunking_options",
    "dropbox_data_source",
    "file_upload_data_source",
    "google_drive_data_source",
    "item_path",
    "spaces_data_source",
    "web_crawler_data_source",
];

/// A new knowledge base's `datasources` become its data sources, listed and deletable
/// under `…/knowledge_bases/{uuid}/data_sources` like those added later.
pub(super) fn knowledge_base_created(call: &Call<'_>, key: &str) {
    let given: Vec<Value> = field(call, "datasources")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let path = format!("{KNOWLEDGE_BASES}/{key}/data_sources");
    let mut docs = call.docs_mut();
    // The knowledge base is new, so nothing of its data sources needs seeding.
    docs.seeded.insert(path.clone());
    for source in given {
        let mut kept = serde_json::Map::new();
        for member in DATA_SOURCE_MEMBERS {
            if let Some(v) = source.get(member) {
                kept.insert(member.to_owned(), v.clone());
            }
        }
        if let Some(region) = source.get("bucket_region") {
            kept.insert("region".into(), region.clone());
        }
        let uuid = generate::uuid();
        let now = Value::String(generate::now());
        kept.insert("uuid".into(), Value::String(uuid.clone()));
        kept.insert("created_at".into(), now.clone());
        kept.insert("updated_at".into(), now);
        // A full account keeps the knowledge base without the rest of its sources.
        if docs.put(&path, uuid, Value::Object(kept)).is_err() {
            break;
        }
    }
}
