//! Droplet operations the hand-written routes leave to the engine: create several
//! at once and delete by tag.

use std::sync::Arc;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use http::StatusCode;
use jiff::Timestamp;
use serde_json::{Map, Value, json};

use crate::app::App;
use crate::auth::Principal;
use crate::engine::Call;
use crate::server::RequestCtx;
use crate::state::store::Paging;
use crate::wire::body::json_object;
use crate::wire::droplet::droplet_json;
use crate::wire::error::{ApiError, json};

/// DELETE /v2/droplets?tag_name=: every Droplet carrying the tag goes.
pub(super) fn destroy_by_tag(call: &Call<'_>) -> Result<Response, ApiError> {
    let tag = call
        .query
        .iter()
        .find(|(k, _)| k == "tag_name")
        .map(|(_, v)| v.as_str())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::unprocessable("tag_name is required as a query parameter."))?;
    let all = Paging {
        page: 1,
        per_page: u64::MAX,
    };
    let (tagged, _) = call
        .app
        .store
        .droplets(call.who.account, Some(tag), all, Timestamp::now());
    for droplet in tagged {
        if call.app.store.delete_droplet(call.who.account, droplet.id) {
            super::droplet_deleted(call.app, call.who.account, droplet.id);
        }
    }
    Ok(crate::engine::empty(StatusCode::NO_CONTENT))
}

/// Most Droplets one request may create, as the API allows.
const MAX_NAMES: usize = 10;

/// POST /v2/droplets: one Droplet (`name`) through the hand-written route, or several
/// (`names`), each created as if requested alone and all answered together.
pub(crate) async fn create_droplets(
    State(app): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Extension(ctx): Extension<RequestCtx>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let object = json_object(&body)?;
    let Some(names) = object.get("names") else {
        if who.writable {
            // The request's own shape is checked first, then what it refers to.
            crate::wire::droplet_request::parse(&object)?;
            super::references::check_droplet_body(&app, &who, &object)?;
        }
        return crate::routes::droplets::create(State(app), Extension(who), Extension(ctx), body)
            .await;
    };
    crate::routes::require_write(&who)?;
    let names: Vec<&str> = names
        .as_array()
        .filter(|n| !n.is_empty() && n.len() <= MAX_NAMES)
        .and_then(|n| n.iter().map(Value::as_str).collect::<Option<Vec<_>>>())
        .ok_or_else(|| {
            ApiError::unprocessable(format!(
                "names: must be an array of 1 to {MAX_NAMES} strings"
            ))
        })?;
    if object.contains_key("name") {
        return Err(ApiError::unprocessable(
            "name: give either name or names, not both",
        ));
    }
    // Every name is checked before any Droplet is made.
    let mut specs = Vec::with_capacity(names.len());
    for name in &names {
        let mut one: Map<String, Value> = object.clone();
        one.remove("names");
        one.insert("name".into(), Value::String((*name).to_owned()));
        specs.push(crate::wire::droplet_request::parse(&one)?);
    }
    super::references::check_droplet_body(&app, &who, &object)?;
    let mut droplets = Vec::new();
    let mut actions = Vec::new();
    for spec in specs {
        let (droplet, action) =
            app.store
                .create_droplet(who.account, spec, app.action_duration(), &|kind| {
                    app.decide(kind)
                })?;
        super::references::join_default_project(
            &app,
            who.account,
            &format!("do:droplet:{}", droplet.id),
        );
        droplets.push(droplet_json(&droplet));
        actions.push(json!({
            "id": action.id,
            "rel": "create",
            "href": format!("{}/v2/actions/{}", ctx.origin, action.id),
        }));
    }
    json(
        StatusCode::ACCEPTED,
        &json!({ "droplets": droplets, "links": { "actions": actions } }),
    )
}
