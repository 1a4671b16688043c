//! App deployments that writes start or stop: a restart, a rollback (pinned until it
//! is committed or reverted), a cancellation; and the app's alerts, made from its
//! spec, whose destinations can be set.
//!
//! Every new deployment moves PENDING_BUILD → … → ACTIVE over the action duration,
//! like the first one, so a client that follows it reaches an end.

use axum::response::Response;
use serde_json::{Value, json};

use super::behave::{all, conflict, field, find, put, reply, value};
use crate::engine::call::Call;
use crate::engine::catalog::item_template;
use crate::engine::{catalog, generate, lifecycle};
use crate::wire::error::ApiError;

const APPS: &str = "/v2/apps";
const DEPLOYMENTS: &str = "/v2/apps/{app_id}/deployments";
/// Phases a deployment does not leave.
const FINISHED: [&str; 4] = ["ACTIVE", "SUPERSEDED", "ERROR", "CANCELED"];

/// The path's app (by id), as it reads now; 404 if there is none.
fn app(call: &Call<'_>) -> Result<(String, Value), ApiError> {
    find(call, APPS, &value(call, 0)).ok_or_else(ApiError::not_found)
}

fn deployments_path(app_id: &str) -> String {
    format!("/v2/apps/{app_id}/deployments")
}

/// Starts a deployment of `spec` for the app, stores it and answers it.
pub(super) fn start(
    call: &Call<'_>,
    app_id: &str,
    cause: &str,
    spec: Option<Value>,
    cloned_from: Option<&str>,
) -> Result<Value, ApiError> {
    let catalog = catalog::get();
    let collection = catalog
        .collections
        .iter()
        .position(|c| c.path == DEPLOYMENTS)
        .ok_or_else(ApiError::not_found)?;
    let life = lifecycle::of(DEPLOYMENTS).ok_or_else(ApiError::not_found)?;
    let mut deployment = item_template(catalog, collection);
    let id = generate::uuid();
    let now = generate::now();
    if let Some(map) = deployment.as_object_mut() {
        map.insert("id".into(), Value::String(id.clone()));
        map.insert("cause".into(), Value::String(cause.to_owned()));
        for stamp in ["created_at", "updated_at", "phase_last_updated_at"] {
            map.insert(stamp.into(), Value::String(now.clone()));
        }
        match cloned_from {
            Some(from) => map.insert("cloned_from".into(), Value::String(from.to_owned())),
            None => map.remove("cloned_from"),
        };
        if let Some(spec) = spec {
            map.insert("spec".into(), spec);
        }
    }
    lifecycle::start(&mut deployment, life);
    let path = deployments_path(app_id);
    crate::engine::call::ensure_seeded(call, &[&path]);
    {
        let mut docs = call.docs_mut();
        let data = &mut *docs;
        data.put(&path, id.clone(), deployment.clone())
            .map_err(|why| ApiError::unprocessable(format!("deployments: {why}")))?;
        data.transitions.insert(
            format!("{path}/{id}"),
            lifecycle::transition(life, call.app.action_duration()),
        );
    }
    Ok(deployment)
}

/// Whether the app is pinned to a rollback: its `pinned_deployment` names a deployment
/// (a new app's is empty).
fn is_pinned(app: &Value) -> bool {
    app.pointer("/pinned_deployment/id")
        .and_then(Value::as_str)
        .is_some_and(|id| !id.is_empty())
}

/// Sets (or clears) the app's `pinned_deployment`.
fn pin(call: &Call<'_>, app_key: &str, deployment: Option<Value>) -> Result<(), ApiError> {
    super::object::with_object(call, APPS, app_key, |app| {
        if let Some(map) = app.as_object_mut() {
            match deployment {
                Some(d) => map.insert("pinned_deployment".into(), d),
                None => map.remove("pinned_deployment"),
            };
        }
        Ok(())
    })
}

/// POST /v2/apps/{app_id}/restart: a new deployment of the app's spec (every component
/// restarts with it, whichever `components` names).
pub(super) fn restart(call: &Call<'_>) -> Result<Response, ApiError> {
    let (key, app) = app(call)?;
    let deployment = start(call, &key, "app restart", app.get("spec").cloned(), None)?;
    reply(call, deployment)
}

/// The body's `deployment_id`, a deployment of the app; `Err` names what is wrong.
fn rollback_target(call: &Call<'_>, app_key: &str) -> Result<Value, ApiError> {
    let id = field(call, "deployment_id")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::unprocessable("deployment_id: is required"))?;
    find(call, &deployments_path(app_key), id)
        .map(|(_, d)| d)
        .ok_or_else(|| {
            ApiError::not_found_with(format!("deployment_id: the app has no deployment {id}"))
        })
}

/// Why the app cannot be rolled back to `target` (`code`, `message`), if it cannot.
fn rollback_refusal(app: &Value, target: &Value) -> Option<(&'static str, String)> {
    if is_pinned(app) {
        return Some((
            "app_pinned",
            "a rollback is in progress; commit or revert it first".to_owned(),
        ));
    }
    let phase = target.get("phase").and_then(Value::as_str).unwrap_or("");
    if !matches!(phase, "ACTIVE" | "SUPERSEDED") {
        return Some((
            "incompatible_phase",
            format!("a deployment in phase {phase} cannot be rolled back to"),
        ));
    }
    None
}

/// POST /v2/apps/{app_id}/rollback/validate: whether the rollback asked for can be made.
pub(super) fn validate_rollback(call: &Call<'_>) -> Result<Response, ApiError> {
    let (key, app) = app(call)?;
    let target = rollback_target(call, &key)?;
    let out = match rollback_refusal(&app, &target) {
        None => json!({"valid": true, "warnings": []}),
        Some((code, message)) => json!({
            "valid": false,
            "error": {"code": code, "message": message, "components": []},
            "warnings": [],
        }),
    };
    crate::engine::shape::answer(call.op, Some(out))
}

/// POST /v2/apps/{app_id}/rollback: a deployment of the earlier one's spec; the app is
/// pinned to it unless `skip_pin`.
pub(super) fn create_rollback(call: &Call<'_>) -> Result<Response, ApiError> {
    let (key, app) = app(call)?;
    let target = rollback_target(call, &key)?;
    if let Some((code, message)) = rollback_refusal(&app, &target) {
        return Err(ApiError::unprocessable(format!("{code}: {message}")));
    }
    let from = target.get("id").and_then(Value::as_str).unwrap_or_default();
    let deployment = start(
        call,
        &key,
        &format!("rollback to {from}"),
        target.get("spec").cloned(),
        Some(from),
    )?;
    if !field(call, "skip_pin")
        .and_then(Value::as_bool)
        .unwrap_or(false)
    {
        pin(call, &key, Some(deployment.clone()))?;
    }
    reply(call, deployment)
}

/// POST /v2/apps/{app_id}/rollback/commit: the rollback stays, the app is unpinned.
pub(super) fn commit_rollback(call: &Call<'_>) -> Result<Response, ApiError> {
    let (key, app) = app(call)?;
    if !is_pinned(&app) {
        return Err(conflict("the app has no rollback to commit"));
    }
    pin(call, &key, None)?;
    crate::engine::shape::answer(call.op, None)
}

/// POST /v2/apps/{app_id}/rollback/revert: a new deployment of the app's own spec,
/// and the app is unpinned.
pub(super) fn revert_rollback(call: &Call<'_>) -> Result<Response, ApiError> {
    let (key, app) = app(call)?;
    if !is_pinned(&app) {
        return Err(conflict("the app has no rollback to revert"));
    }
    pin(call, &key, None)?;
    let deployment = start(
        call,
        &key,
        "rollback reverted",
        app.get("spec").cloned(),
        None,
    )?;
    reply(call, deployment)
}

/// POST /v2/apps/{app_id}/deployments/{deployment_id}/cancel: a deployment still on its
/// way ends CANCELED; one that already ended is refused.
pub(super) fn cancel_deployment(call: &Call<'_>) -> Result<Response, ApiError> {
    let (key, _) = app(call)?;
    let path = deployments_path(&key);
    crate::engine::call::ensure_seeded(call, &[&path]);
    let wanted = value(call, 1);
    let mut docs = call.docs_mut();
    let data = &mut *docs;
    let id = data
        .items(&path)
        .and_then(|items| items.key_of(&wanted))
        .ok_or_else(ApiError::not_found)?;
    let deployment = data
        .settled_mut(&path, &id)
        .ok_or_else(ApiError::not_found)?;
    let phase = deployment
        .get("phase")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    if FINISHED.contains(&phase.as_str()) {
        return Err(conflict(format!(
            "the deployment already ended ({phase}); only a deployment in progress can be canceled"
        )));
    }
    deployment["phase"] = Value::String("CANCELED".into());
    deployment["phase_last_updated_at"] = Value::String(generate::now());
    let out = deployment.clone();
    data.transitions.remove(&format!("{path}/{id}"));
    drop(docs);
    reply(call, out)
}

/// Where an app's alerts are kept.
fn alerts_path(app_key: &str) -> String {
    format!("/v2/apps/{app_key}/alerts")
}

/// The app's alerts: one per alert of its spec (app-wide and per component), made the
/// first time they are read, with their destinations kept since.
fn alerts(call: &Call<'_>) -> Result<(String, Vec<(String, Value)>), ApiError> {
    let (key, app) = app(call)?;
    let path = alerts_path(&key);
    let stored = all(call, &path);
    if !stored.is_empty() {
        return Ok((key, stored));
    }
    let mut specs: Vec<(Option<String>, Value)> = app
        .pointer("/spec/alerts")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|a| (None, a.clone()))
        .collect();
    for kind in ["services", "static_sites", "workers", "jobs", "functions"] {
        for component in app
            .pointer(&format!("/spec/{kind}"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let name = component
                .get("name")
                .and_then(Value::as_str)
                .map(str::to_owned);
            for alert in component
                .get("alerts")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                specs.push((name.clone(), alert.clone()));
            }
        }
    }
    let mut made = Vec::with_capacity(specs.len());
    for (component, spec) in specs.into_iter().take(crate::limits::MAX_ARRAY_ITEMS) {
        let id = generate::uuid();
        let mut alert = json!({
            "id": id,
            "spec": spec,
            "emails": [],
            "slack_webhooks": [],
            "phase": "ACTIVE",
            "progress": {"steps": []},
        });
        if let Some(name) = component {
            alert["component_name"] = Value::String(name);
        }
        put(call, &path, &id, alert.clone())?;
        made.push((id, alert));
    }
    Ok((key, made))
}

/// GET /v2/apps/{app_id}/alerts
pub(super) fn list_alerts(call: &Call<'_>) -> Result<Response, ApiError> {
    let (_, alerts) = alerts(call)?;
    let list: Vec<Value> = alerts.into_iter().map(|(_, a)| a).collect();
    crate::engine::shape::answer(call.op, Some(json!({ "alerts": list })))
}

/// POST /v2/apps/{app_id}/alerts/{alert_id}/destinations: the alert's emails and Slack
/// webhooks become the body's.
pub(super) fn assign_alert_destinations(call: &Call<'_>) -> Result<Response, ApiError> {
    let (key, alerts) = alerts(call)?;
    let wanted = value(call, 1);
    let (id, mut alert) = alerts
        .into_iter()
        .find(|(id, _)| *id == wanted)
        .ok_or_else(|| ApiError::not_found_with(format!("the app has no alert {wanted}")))?;
    for member in ["emails", "slack_webhooks"] {
        let given = field(call, member)
            .cloned()
            .unwrap_or_else(|| Value::Array(Vec::new()));
        if let Some(list) = given.as_array() {
            crate::limits::bounded_array(member, list, crate::limits::MAX_ARRAY_ITEMS)?;
        }
        alert[member] = given;
    }
    put(call, &alerts_path(&key), &id, alert.clone())?;
    reply(call, alert)
}

/// POST /v2/apps/{app_id}/events/{event_id}/cancel: a deployment event cancels its
/// deployment, an autoscaling event its scaling; one that already ended is refused.
pub(super) fn cancel_event(call: &Call<'_>) -> Result<Response, ApiError> {
    let (key, _) = app(call)?;
    let events = format!("/v2/apps/{key}/events");
    let event = super::object::with_object(call, &events, &value(call, 1), |event| {
        let pointer = if event.get("type").and_then(Value::as_str) == Some("AUTOSCALING") {
            "/autoscaling/phase"
        } else {
            "/deployment/phase"
        };
        let phase = event
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        if FINISHED.contains(&phase.as_str()) || matches!(phase.as_str(), "SUCCEEDED" | "FAILED") {
            return Err(conflict(format!(
                "the event already ended ({phase}); only one in progress can be canceled"
            )));
        }
        if let Some(slot) = event.pointer_mut(pointer) {
            *slot = Value::String("CANCELED".into());
        }
        Ok(event.clone())
    })?;
    // The deployment itself ends too, where the app keeps it.
    if let Some(id) = event.get("deployment_id").and_then(Value::as_str) {
        let path = deployments_path(&key);
        let mut data = call.docs_mut();
        if let Some(found) = data.items(&path).and_then(|items| items.key_of(id)) {
            if let Some(d) = data.settled_mut(&path, &found)
                && !FINISHED.contains(&d["phase"].as_str().unwrap_or(""))
            {
                d["phase"] = Value::String("CANCELED".into());
            }
            data.transitions.remove(&format!("{path}/{found}"));
        }
    }
    reply(call, event)
}

/// POST /v2/apps/{app_id}/job-invocations/{id}/cancel: a pending or running invocation
/// ends CANCELED; one that already ended is refused.
pub(super) fn cancel_job_invocation(call: &Call<'_>) -> Result<Response, ApiError> {
    let (key, _) = app(call)?;
    let path = format!("/v2/apps/{key}/job-invocations");
    let invocation = super::object::with_object(call, &path, &value(call, 1), |inv| {
        let phase = inv
            .get("phase")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        if !matches!(phase.as_str(), "PENDING" | "RUNNING" | "UNKNOWN" | "") {
            return Err(conflict(format!(
                "the job invocation already ended ({phase}); only one pending or running can be canceled"
            )));
        }
        inv["phase"] = Value::String("CANCELED".into());
        inv["completed_at"] = Value::String(generate::now());
        Ok(inv.clone())
    })?;
    crate::engine::shape::answer(call.op, Some(invocation))
}
