//! Apps: creating an app starts its first deployment, which its `pending_deployment`
//! names and which moves PENDING_BUILD → … → ACTIVE under the app's deployments.

use serde_json::Value;

use crate::engine::call::Call;
use crate::engine::catalog::item_template;
use crate::engine::{catalog, generate, lifecycle};

const DEPLOYMENTS: &str = "/v2/apps/{app_id}/deployments";

/// An app whose spec an update replaced deploys it: a new deployment (cause "app spec
/// updated") that the answer's `pending_deployment` names, as the API does; the Terraform
/// provider follows that deployment after every spec change (app/resource_app.go).
pub(super) fn spec_updated(call: &Call<'_>, app_id: &str, answer: &mut Value) {
    let Some(spec) = call.body.as_ref().and_then(|b| b.get("spec")).cloned() else {
        return;
    };
    let Ok(deployment) =
        super::app_deployments::start(call, app_id, "app spec updated", Some(spec), None)
    else {
        return;
    };
    let _ = super::object::with_object(call, "/v2/apps", app_id, |app| {
        if let Some(map) = app.as_object_mut() {
            map.insert("pending_deployment".into(), deployment.clone());
        }
        Ok(())
    });
    if let Some(Value::Object(app)) = answer.get_mut("app") {
        app.insert("pending_deployment".into(), deployment);
    }
}

/// Stores the new app's first deployment and points `pending_deployment` at it.
pub(super) fn first_deployment(call: &Call<'_>, app_id: &str, app: &mut Value) {
    // The app's spec is the one sent (alerts included), not the example's merged with it.
    if let Some(spec) = call.body.as_ref().and_then(|b| b.get("spec"))
        && let Some(map) = app.as_object_mut()
    {
        map.insert("spec".into(), spec.clone());
    }
    let catalog = catalog::get();
    let Some(collection) = catalog
        .collections
        .iter()
        .position(|c| c.path == DEPLOYMENTS)
    else {
        return;
    };
    let Some(life) = lifecycle::of(DEPLOYMENTS) else {
        return;
    };
    let mut deployment = item_template(catalog, collection);
    let id = generate::uuid();
    let now = generate::now();
    if let Some(map) = deployment.as_object_mut() {
        map.insert("id".into(), Value::String(id.clone()));
        for field in ["created_at", "updated_at", "phase_last_updated_at"] {
            if map.contains_key(field) {
                map.insert(field.into(), Value::String(now.clone()));
            }
        }
        if let (Some(spec), true) = (app.get("spec"), map.contains_key("spec")) {
            map.insert("spec".into(), spec.clone());
        }
    }
    lifecycle::start(&mut deployment, life);
    let path = format!("/v2/apps/{app_id}/deployments");
    let stored = {
        let mut docs = call.docs_mut();
        let data = &mut *docs;
        // The app is new, so nothing of its deployments needs seeding.
        data.seeded.insert(path.clone());
        let stored = data.put(&path, id.clone(), deployment.clone()).is_ok();
        if stored {
            data.transitions.insert(
                format!("{path}/{id}"),
                lifecycle::transition(life, call.app.action_duration()),
            );
        }
        stored
    };
    // A new app has no active deployment yet (the example's is not its own).
    if let Some(map) = app.as_object_mut() {
        map.remove("active_deployment");
    }
    // The pending deployment is the one just made, as it reads now (not a schema filler
    // with another app's spec).
    if stored && let Some(map) = app.as_object_mut() {
        map.insert("pending_deployment".into(), deployment);
    }
}

/// The kinds of component an app's spec lists, each by `name`.
const COMPONENT_KINDS: [&str; 5] = ["services", "static_sites", "workers", "jobs", "functions"];

/// The component names of an app's (or a deployment's) `spec`.
fn component_names(object: &Value) -> Vec<String> {
    COMPONENT_KINDS
        .iter()
        .filter_map(|kind| object.pointer(&format!("/spec/{kind}"))?.as_array())
        .flatten()
        .filter_map(|c| c.get("name")?.as_str().map(str::to_owned))
        .collect()
}

/// GET /v2/apps/{app_id}[/deployments/{deployment_id}][/components/{component_name}]/logs:
/// where the logs of that app, deployment (the active one if none is named) and
/// component (all if none is named) are, of the `type` asked for.
pub(super) fn logs(
    call: &Call<'_>,
    deployment_named: bool,
    component_named: bool,
) -> Result<axum::response::Response, crate::wire::error::ApiError> {
    use crate::wire::error::ApiError;
    let app_id = call.values.first().cloned().unwrap_or_default();
    let app = super::object::with_object(call, "/v2/apps", &app_id, |o| Ok(o.clone()))?;
    let app_id = app
        .get("id")
        .and_then(Value::as_str)
        .map_or(app_id, str::to_owned);
    let path = format!("/v2/apps/{app_id}/deployments");
    crate::engine::call::ensure_seeded(call, &[&path]);
    let deployment: Option<Value> = {
        let docs = call.docs();
        let items = docs.items(&path).map(|items| (&*docs, items));
        if deployment_named {
            let wanted = call.values.get(1).cloned().unwrap_or_default();
            let found = items.and_then(|(d, items)| {
                let key = items.key_of(&wanted)?;
                items.get(&key).map(|v| d.rendered(&path, &key, v))
            });
            Some(found.ok_or_else(ApiError::not_found)?)
        } else {
            // The newest deployment that is active, else the app's own record of it.
            items.and_then(|(d, items)| {
                items
                    .iter()
                    .rev()
                    .map(|(k, v)| d.rendered(&path, k, v))
                    .find(|v| v.get("phase").and_then(Value::as_str) == Some("ACTIVE"))
            })
        }
    };
    let deployment_id = deployment
        .as_ref()
        .and_then(|d| d.get("id"))
        .or_else(|| app.pointer("/active_deployment/id"))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| ApiError::not_found_with("the app has no active deployment"))?;
    let component = if component_named {
        let name = call.values.last().cloned().unwrap_or_default();
        let mut known = component_names(&app);
        if let Some(d) = &deployment {
            known.extend(component_names(d));
        }
        if !known.contains(&name) {
            return Err(ApiError::not_found_with(format!(
                "component_name: the app has no component '{name}'"
            )));
        }
        Some(name)
    } else {
        None
    };
    let kind = call
        .query
        .iter()
        .find(|(k, _)| k == "type")
        .map_or("UNSPECIFIED", |(_, v)| v.as_str())
        .to_ascii_lowercase();
    let region = app
        .pointer("/region/slug")
        .or_else(|| app.pointer("/spec/region"))
        .and_then(Value::as_str)
        .unwrap_or("nyc");
    // `.invalid` (RFC 6761): the emulator serves no live stream, and this never resolves.
    let host = format!("logs.{region}.apps.oxido-sim.invalid");
    let mut scope = format!("{app_id}/{deployment_id}");
    if let Some(c) = &component {
        scope.push('/');
        scope.push_str(c);
    }
    // A client that follows gets the live stream alone (godo's `TestApps_GetLogs`: with
    // `follow=true` the answer is `{"live_url": …}`); one that does not gets the archive.
    // doctl opens `live_url` whenever one is given, so it must be absent when not following.
    let follow = call
        .query
        .iter()
        .any(|(k, v)| k == "follow" && v.eq_ignore_ascii_case("true"));
    let logs = if follow {
        serde_json::json!({ "live_url": format!("wss://{host}/live/{scope}?type={kind}") })
    } else {
        let spec = deployment
            .as_ref()
            .and_then(|d| d.get("spec"))
            .or_else(|| app.get("spec"))
            .cloned()
            .unwrap_or(Value::Null);
        let text = super::app_logs::lines(&spec, deployment.as_ref(), component.as_deref(), &kind);
        serde_json::json!({ "historic_urls": [super::app_logs::archive(call, text)] })
    };
    crate::engine::shape::answer(call.op, Some(logs))
}

/// An app's `active_deployment` is its newest deployment that reached ACTIVE.
pub(super) fn decorate(call: &Call<'_>, apps: &mut [Value]) {
    let docs = call.docs();
    let data = &*docs;
    for app in apps {
        let Some(id) = app.get("id").and_then(Value::as_str) else {
            continue;
        };
        let path = format!("/v2/apps/{id}/deployments");
        let active = data.items(&path).and_then(|items| {
            items
                .iter()
                .rev()
                .map(|(k, v)| data.rendered(&path, k, v))
                .find(|d| d.get("phase").and_then(Value::as_str) == Some("ACTIVE"))
        });
        // The pending deployment as it reads now, not as it was when the app was made.
        let pending = app
            .pointer("/pending_deployment/id")
            .and_then(Value::as_str)
            .and_then(|wanted| {
                let items = data.items(&path)?;
                let key = items.key_of(wanted)?;
                items.get(&key).map(|v| data.rendered(&path, &key, v))
            });
        let Some(map) = app.as_object_mut() else {
            continue;
        };
        if let Some(mut pending) = pending {
            super::app_progress::derive(&mut pending);
            map.insert("pending_deployment".into(), pending);
        }
        if let Some(mut active) = active {
            // The deployment that was pending is pending no more once it is active.
            if map.get("pending_deployment").and_then(|p| p.get("id")) == active.get("id") {
                map.remove("pending_deployment");
            }
            super::app_progress::derive(&mut active);
            map.insert("active_deployment".into(), active);
        }
    }
}

/// POST /v2/apps and PUT /v2/apps/{id}: `spec.name` is "unique across all apps in the
/// same account" (the description, and the Terraform provider's app_spec.go); the API
/// answers a taken name with 409, which `doctl apps create --upsert` reads as "the app
/// exists, update it" (doctl commands/apps.go RunAppsCreate).
pub(super) fn name_free(call: &Call<'_>, body: &Value) -> Result<(), crate::wire::error::ApiError> {
    let Some(name) = body.pointer("/spec/name").and_then(Value::as_str) else {
        return Ok(());
    };
    // An update may keep its own name.
    let own = call.values.first().map(String::as_str);
    let taken = super::behave::any_other(call, "/v2/apps", own, |app| {
        app.pointer("/spec/name").and_then(Value::as_str) == Some(name)
    });
    if taken {
        return Err(super::behave::conflict(format!(
            "spec.name: an app named {name} already exists"
        )));
    }
    Ok(())
}
