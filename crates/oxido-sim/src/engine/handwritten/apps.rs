//! Apps: creating an app starts its first deployment, which its `pending_deployment`
//! names and which moves PENDING_BUILD → … → ACTIVE under the app's deployments.

use serde_json::Value;

use crate::engine::catalog::item_template;
use crate::engine::{Call, catalog, generate, lifecycle};

const DEPLOYMENTS: &str = "/v2/apps/{app_id}/deployments";

/// Stores the new app's first deployment and points `pending_deployment` at it.
pub(super) fn first_deployment(call: &Call<'_>, app_id: &str, app: &mut Value) {
    let catalog = catalog();
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
        for field in ["created_at", "updated_at"] {
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
        let mut accounts = call.app.engine.store.write();
        let data = accounts.entry(call.who.account).or_default();
        // The app is new, so nothing of its deployments needs seeding.
        data.seeded.insert(path.clone());
        let stored = data.put(&path, id.clone(), deployment).is_ok();
        if stored {
            data.transitions.insert(
                format!("{path}/{id}"),
                lifecycle::transition(life, call.app.action_duration()),
            );
        }
        stored
    };
    if stored
        && let Some(pending) = app
            .get_mut("pending_deployment")
            .and_then(Value::as_object_mut)
    {
        pending.insert("id".into(), Value::String(id));
    }
}
