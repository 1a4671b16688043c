//! Reads answered from the object they describe, where the engine alone could only
//! answer the documented example: a Kubernetes cluster's status messages and user, a
//! database cluster's CA, backups and events, an app's instances and log locations, an
//! uptime check's state. Each names only objects that exist, with their own ids, names,
//! regions and times no earlier than their creation.

use axum::response::Response;
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use super::behave::{find, value};
use crate::engine::call::Call;
use crate::engine::catalog::template;
use crate::engine::shape::answer;
use crate::engine::spec::OpId;
use crate::wire::error::ApiError;

const CLUSTERS: &str = "/v2/kubernetes/clusters";
const DATABASES: &str = "/v2/databases";
const APPS: &str = "/v2/apps";

/// The object the path's first value names in `collection`; 404 if there is none.
fn parent(call: &Call<'_>, collection: &str) -> Result<(String, Value), ApiError> {
    find(call, collection, &value(call, 0)).ok_or_else(ApiError::not_found)
}

fn created(object: &Value) -> Timestamp {
    object
        .get("created_at")
        .and_then(Value::as_str)
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(Timestamp::now)
}

fn seconds(t: Timestamp) -> String {
    Timestamp::from_second(t.as_second())
        .unwrap_or(t)
        .to_string()
}

/// GET …/clusters/{cluster_id}/status_messages: a cluster with no incident has none.
pub(super) fn k8s_status_messages(call: &Call<'_>) -> Result<Response, ApiError> {
    parent(call, CLUSTERS)?;
    answer(call.op, Some(json!({ "messages": [] })))
}

/// GET …/clusters/{cluster_id}/user: the account's own user, in the group every
/// authenticated user of a DOKS cluster is in.
pub(super) fn k8s_cluster_user(call: &Call<'_>) -> Result<Response, ApiError> {
    parent(call, CLUSTERS)?;
    let email = template(OpId::AccountGet)
        .pointer("/account/email")
        .cloned()
        .unwrap_or(Value::Null);
    answer(
        call.op,
        Some(json!({
            "kubernetes_cluster_user": {
                "username": email,
                "groups": ["k8saas:authenticated"],
            }
        })),
    )
}

/// GET /v2/databases/{uuid}/ca: the CA the emulator's clusters name (base64 of its PEM,
/// as the API sends it).
pub(super) fn database_ca(call: &Call<'_>) -> Result<Response, ApiError> {
    parent(call, DATABASES)?;
    answer(
        call.op,
        Some(json!({ "ca": { "certificate": super::k8s_ops::CLUSTER_CA } })),
    )
}

/// How far apart a database cluster's backups are: the action duration stands for the
/// schedule's hour, as with Droplet backups, so a day is 24 of them.
fn backup_interval(call: &Call<'_>) -> Option<SignedDuration> {
    let hour = SignedDuration::try_from(call.app.action_duration()).ok()?;
    (!hour.is_zero()).then(|| hour * 24)
}

/// GET /v2/databases/{uuid}/backups: a full backup once the cluster is online, then one a
/// day (24 action durations), the newest seven kept; the schedule is the creation's time
/// of day.
pub(super) fn database_backups(call: &Call<'_>) -> Result<Response, ApiError> {
    let (_, cluster) = parent(call, DATABASES)?;
    let born = created(&cluster);
    let online = cluster.get("status").and_then(Value::as_str) == Some("online");
    let mut backups = Vec::new();
    if online {
        let now = Timestamp::now();
        let mut at = born;
        let interval = backup_interval(call);
        while at <= now && backups.len() < 1000 {
            backups.push(json!({
                "created_at": seconds(at),
                "size_gigabytes": 0.03,
                "incremental": false,
            }));
            match interval.and_then(|i| at.checked_add(i).ok()) {
                Some(next) => at = next,
                None => break,
            }
        }
        let keep = backups.len().saturating_sub(7);
        backups.drain(..keep);
    }
    let of_day = born.as_second().rem_euclid(86_400);
    answer(
        call.op,
        Some(json!({
            "backups": backups,
            "scheduled_backup_time": {
                "backup_hour": of_day / 3600,
                "backup_minute": of_day % 3600 / 60,
                "backup_interval_hours": 24,
            },
        })),
    )
}

/// A short event id made from the cluster's id, so it reads the same each time.
fn event_id(cluster_id: &str, n: u32) -> String {
    let digits: String = cluster_id
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(7)
        .collect();
    format!("{digits}{n}")
}

/// GET /v2/databases/{uuid}/events: the cluster's creation.
pub(super) fn database_events(call: &Call<'_>) -> Result<Response, ApiError> {
    let (key, cluster) = parent(call, DATABASES)?;
    let name = cluster.get("name").cloned().unwrap_or(Value::Null);
    answer(
        call.op,
        Some(json!({
            "events": [{
                "id": event_id(&key, 1),
                "cluster_name": name,
                "event_type": "cluster_create",
                "create_time": seconds(created(&cluster)),
            }]
        })),
    )
}

/// Whether the app has a deployment that reached ACTIVE.
fn deployed(call: &Call<'_>, app_key: &str) -> bool {
    let path = format!("/v2/apps/{app_key}/deployments");
    super::behave::all(call, &path)
        .iter()
        .any(|(_, d)| d.get("phase").and_then(Value::as_str) == Some("ACTIVE"))
}

/// A stable lowercase tag of `n` characters made from `seed`.
fn stable(seed: &str, n: usize) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut out = String::with_capacity(n);
    for i in 0..n {
        for b in seed
            .bytes()
            .chain(std::iter::once(u8::try_from(i).unwrap_or(0)))
        {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        let alphabet = b"bcdfghjklmnpqrstvwxz2456789";
        out.push(char::from(alphabet[usize::try_from(h % 27).unwrap_or(0)]));
    }
    out
}

/// GET /v2/apps/{app_id}/instances: one instance per `instance_count` of each service
/// and worker of the deployed spec (a job runs only while invoked); none before the first
/// deployment is ACTIVE.
pub(super) fn app_instances(call: &Call<'_>) -> Result<Response, ApiError> {
    let (key, app) = parent(call, APPS)?;
    let mut instances = Vec::new();
    if deployed(call, &key) {
        for (kind, component_type) in [("services", "SERVICE"), ("workers", "WORKER")] {
            for component in app
                .pointer(&format!("/spec/{kind}"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let Some(name) = component.get("name").and_then(Value::as_str) else {
                    continue;
                };
                let count = component
                    .get("instance_count")
                    .and_then(Value::as_u64)
                    .unwrap_or(1)
                    .min(250);
                let replica_set = stable(&format!("{key}/{name}"), 10);
                for i in 0..count {
                    instances.push(json!({
                        "component_name": name,
                        "component_type": component_type,
                        "instance_name": format!(
                            "{name}-{replica_set}-{}",
                            stable(&format!("{key}/{name}/{i}"), 5)
                        ),
                        "instance_alias": format!("{name}-{i}"),
                    }));
                }
            }
        }
    }
    answer(call.op, Some(json!({ "instances": instances })))
}

/// Where an app's logs of `scope` are: the archive of `text`, served by the emulator, and
/// a live stream it does not serve (the same host scheme as `apps::logs`).
fn log_urls(call: &Call<'_>, app: &Value, app_key: &str, scope: &str, text: String) -> Value {
    let region = app
        .pointer("/region/slug")
        .or_else(|| app.pointer("/spec/region"))
        .and_then(Value::as_str)
        .unwrap_or("nyc");
    let host = format!("logs.{region}.apps.oxido-sim.invalid");
    json!({
        "live_url": format!("wss://{host}/live/{app_key}/{scope}"),
        "historic_urls": [super::app_logs::archive(call, text)],
    })
}

/// GET /v2/apps/{app_id}/events/{event_id}/logs: the event must be the app's.
pub(super) fn app_event_logs(call: &Call<'_>) -> Result<Response, ApiError> {
    let (key, app) = parent(call, APPS)?;
    let (event, _) = find(call, &format!("/v2/apps/{key}/events"), &value(call, 1))
        .ok_or_else(ApiError::not_found)?;
    answer(
        call.op,
        Some(log_urls(
            call,
            &app,
            &key,
            &format!("events/{event}"),
            super::app_logs::lines(&app["spec"], None, None, "deploy"),
        )),
    )
}

/// GET /v2/apps/{app_id}/jobs/{job_name}/invocations/{id}/logs: the job must be in the
/// app's spec and the invocation the app's.
pub(super) fn job_invocation_logs(call: &Call<'_>) -> Result<Response, ApiError> {
    let (key, app) = parent(call, APPS)?;
    let job = value(call, 1);
    let known = app
        .pointer("/spec/jobs")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|j| j.get("name").and_then(Value::as_str) == Some(job.as_str()));
    if !known {
        return Err(ApiError::not_found_with(format!(
            "job_name: the app has no job '{job}'"
        )));
    }
    let (invocation, _) = find(
        call,
        &format!("/v2/apps/{key}/job-invocations"),
        &value(call, 2),
    )
    .ok_or_else(ApiError::not_found)?;
    answer(
        call.op,
        Some(log_urls(
            call,
            &app,
            &key,
            &format!("jobs/{job}/{invocation}"),
            super::app_logs::lines(&app["spec"], None, Some(&job), "run"),
        )),
    )
}

/// GET /v2/uptime/checks/{check_id}/state: every region the check probes from sees its
/// target UP since the check was made; there has been no outage.
pub(super) fn uptime_state(call: &Call<'_>) -> Result<Response, ApiError> {
    let (_, check) =
        find(call, "/v2/uptime/checks", &value(call, 0)).ok_or_else(ApiError::not_found)?;
    let since = seconds(created(&check));
    let mut regions = serde_json::Map::new();
    for region in check
        .get("regions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        regions.insert(
            region.to_owned(),
            json!({
                "status": "UP",
                "status_changed_at": since,
                "thirty_day_uptime_percentage": 100.0,
            }),
        );
    }
    answer(call.op, Some(json!({ "state": { "regions": regions } })))
}

/// GET /v2/gen-ai/agents/{uuid}/child_agents: the agents attached to this one as children
/// (`genai_writes::child_agent` keeps them in its `child_agents`).
pub(super) fn agent_children(call: &Call<'_>) -> Result<Response, ApiError> {
    let (_, agent) =
        find(call, "/v2/gen-ai/agents", &value(call, 0)).ok_or_else(ApiError::not_found)?;
    let children = agent
        .get("child_agents")
        .filter(|c| c.is_array())
        .cloned()
        .unwrap_or_else(|| json!([]));
    answer(call.op, Some(json!({ "children": children })))
}

/// GET /v2/gen-ai/agents/{uuid}/versions: the agent's version as it stands (the one
/// applied), made from the agent itself: its settings, model and what is attached to it.
pub(super) fn agent_versions(call: &Call<'_>) -> Result<Response, ApiError> {
    let (_, agent) =
        find(call, "/v2/gen-ai/agents", &value(call, 0)).ok_or_else(ApiError::not_found)?;
    let text = |member: &str| agent.get(member).cloned().unwrap_or(Value::Null);
    let listed = |member: &str, keep: &[&str]| -> Value {
        let items = agent.get(member).and_then(Value::as_array);
        Value::Array(
            items
                .into_iter()
                .flatten()
                .map(|item| {
                    let mut picked = serde_json::Map::new();
                    for k in keep {
                        if let Some(v) = item.get(*k) {
                            picked.insert((*k).to_owned(), v.clone());
                        }
                    }
                    picked.insert("is_deleted".into(), Value::Bool(false));
                    Value::Object(picked)
                })
                .collect(),
        )
    };
    let version = json!({
        "id": "1",
        "agent_uuid": text("uuid"),
        "name": text("name"),
        "description": text("description"),
        "instruction": text("instruction"),
        "model_name": agent.pointer("/model/name").cloned().unwrap_or(Value::Null),
        "k": text("k"),
        "max_tokens": text("max_tokens"),
        "temperature": text("temperature"),
        "top_p": text("top_p"),
        "tags": text("tags"),
        "retrieval_method": text("retrieval_method"),
        "provide_citations": text("provide_citations"),
        "version_hash": text("version_hash"),
        "created_at": agent.get("updated_at").or_else(|| agent.get("created_at")).cloned(),
        "currently_applied": true,
        "can_rollback": false,
        "attached_functions": listed("functions", &["name", "description", "faas_name", "faas_namespace"]),
        "attached_knowledgebases": listed("knowledge_bases", &["uuid", "name"]),
        "attached_child_agents": [],
        "attached_guardrails": [],
    });
    // Members the agent holds as null are left out, as the API omits what is unset.
    let version = match version {
        Value::Object(map) => {
            Value::Object(map.into_iter().filter(|(_, v)| !v.is_null()).collect())
        }
        other => other,
    };
    let mut listing = template(call.op).clone();
    if let Some(map) = listing.as_object_mut() {
        map.insert("agent_versions".into(), Value::Array(vec![version]));
    }
    crate::engine::shape::one_whole_page(&mut listing);
    answer(call.op, Some(listing))
}

/// Lists of one collection's objects that name the path's parent: (operation, parent
/// collection, listed collection, JSON pointer of the member naming the parent).
const NAMED_BY: &[(OpId, &str, &str, &str)] = &[
    (
        OpId::GenaiListIndexingJobsByKnowledgeBase,
        "/v2/gen-ai/knowledge_bases",
        "/v2/gen-ai/indexing_jobs",
        "/knowledge_base_uuid",
    ),
    (
        OpId::GenaiListAgentsByAnthropicKey,
        "/v2/gen-ai/anthropic/keys",
        "/v2/gen-ai/agents",
        "/anthropic_api_key/uuid",
    ),
    (
        OpId::GenaiListAgentsByOpenaiKey,
        "/v2/gen-ai/openai/keys",
        "/v2/gen-ai/agents",
        "/openai_api_key/uuid",
    ),
    (
        OpId::GenaiListEvaluationRunsByTestCase,
        "/v2/gen-ai/evaluation_test_cases",
        "/v2/gen-ai/evaluation_runs",
        "/test_case_uuid",
    ),
];

/// Answers the operations of [`NAMED_BY`]: the parent must exist; the list holds the
/// objects whose member names it (by its `uuid`, `test_case_uuid` or key), none else.
pub(super) fn named_by(call: &Call<'_>) -> Result<Response, ApiError> {
    let (_, parent_collection, listed, pointer) = NAMED_BY
        .iter()
        .find(|(op, ..)| *op == call.op)
        .ok_or_else(ApiError::not_found)?;
    let (key, parent) =
        find(call, parent_collection, &value(call, 0)).ok_or_else(ApiError::not_found)?;
    let names: Vec<String> = ["uuid", "test_case_uuid"]
        .iter()
        .filter_map(|m| parent.get(*m).and_then(Value::as_str))
        .map(str::to_owned)
        .chain(std::iter::once(key))
        .collect();
    let items: Vec<Value> = super::behave::all(call, listed)
        .into_iter()
        .map(|(_, v)| v)
        .filter(|v| {
            v.pointer(pointer)
                .and_then(Value::as_str)
                .is_some_and(|named| names.iter().any(|n| n == named))
        })
        .collect();
    super::object::page(call, items)
}
