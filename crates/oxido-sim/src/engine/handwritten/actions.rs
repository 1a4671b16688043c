//! Actions on resources other than Droplets (volumes, images, floating and reserved
//! IPs, reserved IPv6, NFS shares): recorded in the hand-written store, so each one
//! reads under `/v2/actions` and `/v2/actions/{id}` and moves from `in-progress` to
//! `completed` over the action duration, and listed per resource.

use axum::response::Response;
use jiff::Timestamp;
use serde_json::{Map, Value, json};

use crate::engine::call::Call;
use crate::engine::catalog::template;
use crate::engine::shape::{answer, conforms};
use crate::state::catalog::{self, Region};
use crate::state::model::{Action, ActionStatus, Family, Outcome};
use crate::state::store::ResourceAction;
use crate::wire::action::ActionView;
use crate::wire::error::ApiError;
use crate::wire::page::{ListQuery, PageInfo};

/// The resource an action acts on.
pub(super) struct On {
    pub family: Family,
    /// Its id or address, as its routes name it.
    pub key: String,
    /// Its integer id, where it has one.
    pub numeric_id: u64,
    pub region: Option<String>,
}

/// The region slug of an engine object (`"region": "nyc1"` or `{"slug": "nyc1"}`).
pub(super) fn region_of(object: &Value) -> Option<String> {
    match object.get("region")? {
        Value::String(slug) => Some(slug.clone()),
        other => other.get("slug")?.as_str().map(str::to_owned),
    }
}

/// Records an action of type `type_name` on `on`.
pub(super) fn record(call: &Call<'_>, on: On, type_name: &'static str) -> Action {
    let region: &'static Region = on
        .region
        .as_deref()
        .and_then(catalog::region)
        .unwrap_or(&catalog::REGIONS[0]);
    let outcome = if call.app.failures.should_fail(type_name) {
        Outcome::Errored
    } else {
        Outcome::Completed
    };
    call.store().record_action(
        call.who.account,
        ResourceAction {
            family: on.family,
            type_name,
            key: on.key,
            numeric_id: on.numeric_id,
            region,
            outcome,
        },
        call.app.action_duration(),
    )
}

/// The action as the API's `action` object, plus any member the operation documents
/// beyond it (a floating IP action's `project_id`).
fn view(action: &Action, documented: Option<&Value>) -> Value {
    let mut view =
        serde_json::to_value(ActionView::new(action, Timestamp::now())).unwrap_or(Value::Null);
    if let (Some(Value::Object(doc)), Some(map)) = (documented, view.as_object_mut()) {
        for (key, value) in doc {
            map.entry(key.clone()).or_insert_with(|| value.clone());
        }
    }
    view
}

/// Answers a posted action with `{"action": ...}`.
pub(super) fn answer_one(call: &Call<'_>, action: &Action) -> Result<Response, ApiError> {
    let documented = template(call.op);
    let view = view(action, documented.get("action"));
    answer(call.op, Some(json!({ "action": view })))
}

/// The NFS answer's own action shape: the id as a string, upper-case statuses.
pub(super) fn answer_nfs(
    call: &Call<'_>,
    action: &Action,
    share: &str,
) -> Result<Response, ApiError> {
    let (status, _) = action.status_at(Timestamp::now());
    let status = match status {
        ActionStatus::InProgress => "IN_PROGRESS",
        ActionStatus::Completed => "COMPLETED",
        ActionStatus::Errored => "ACTION_FAILED",
    };
    let view = json!({
        "id": action.id.to_string(),
        "region_slug": action.region.slug,
        "resource_id": share,
        "resource_type": "SHARE",
        "started_at": crate::wire::Stamp(action.started_at).to_string(),
        "status": status,
        "type": action.type_name(),
    });
    answer(call.op, Some(json!({ "action": view })))
}

/// GET /v2/<family>/{id}/actions: the resource's recorded actions, newest first (none
/// is an empty page: the documented list names another resource).
pub(super) fn list(
    call: &Call<'_>,
    family: Family,
    key: &str,
) -> Result<Option<Response>, ApiError> {
    let query = ListQuery::parse(call.raw_query.as_deref())?;
    let (actions, total) =
        call.store()
            .resource_actions(call.who.account, family, key, query.paging);
    let documented = template(call.op);
    let item = documented
        .get("actions")
        .and_then(Value::as_array)
        .and_then(|a| a.first());
    let views: Vec<Value> = actions.iter().map(|a| view(a, item)).collect();
    let info = PageInfo::new(&call.origin, &call.path, &query, total);
    let mut out = Map::new();
    out.insert("actions".into(), Value::Array(views));
    out.insert("links".into(), info.links);
    out.insert("meta".into(), json!({ "total": total }));
    let out = Value::Object(out);
    if !conforms(call.op, &out) {
        return Ok(None);
    }
    answer(call.op, Some(out)).map(Some)
}

/// GET /v2/<family>/{id}/actions/{action_id}: one recorded action; `None` leaves
/// the engine's documented actions to answer.
pub(super) fn get(
    call: &Call<'_>,
    family: Family,
    key: &str,
) -> Result<Option<Response>, ApiError> {
    let Some(id) = call.values.last().and_then(|v| v.parse::<u64>().ok()) else {
        return Ok(None);
    };
    match call
        .store()
        .resource_action(call.who.account, family, key, id)
    {
        Some(action) => answer_one(call, &action).map(Some),
        None => Ok(None),
    }
}
