//! `/v2/droplets/{droplet_id}/actions` and `/v2/droplets/actions?tag_name=`.

use std::sync::Arc;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use http::{StatusCode, Uri};
use jiff::Timestamp;

use super::{id_at, require_write};
use crate::app::App;
use crate::auth::Principal;
use crate::server::RequestCtx;
use crate::wire::action::{ActionView, ManyActions, action_page_response, one_action_response};
use crate::wire::action_request::{self, Target};
use crate::wire::body::json_object;
use crate::wire::error::{ApiError, json};
use crate::wire::page::{ListQuery, PageInfo};

/// GET /v2/droplets/{droplet_id}/actions/{action_id}
pub(crate) async fn get_one(
    State(app): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let droplet_id = id_at(&uri, 3)?;
    let action_id = id_at(&uri, 5)?;
    let action = app
        .store
        .droplet_action(who.account, droplet_id, action_id)
        .ok_or_else(ApiError::not_found)?;
    one_action_response(StatusCode::OK, &action, Timestamp::now())
}

/// GET /v2/droplets/{droplet_id}/actions
pub(crate) async fn list(
    State(app): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Extension(ctx): Extension<RequestCtx>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let droplet_id = id_at(&uri, 3)?;
    let query = ListQuery::parse(uri.query())?;
    let (actions, total) = app
        .store
        .droplet_actions(who.account, droplet_id, query.paging)
        .ok_or_else(ApiError::not_found)?;
    action_page_response(
        &actions,
        PageInfo::new(&ctx.origin, uri.path(), &query, total),
    )
}

/// POST /v2/droplets/{droplet_id}/actions
pub(crate) async fn post(
    State(app): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    uri: Uri,
    body: Bytes,
) -> Result<Response, ApiError> {
    require_write(&who)?;
    let droplet_id = id_at(&uri, 3)?;
    let request = action_request::parse(&json_object(&body)?, Target::One)?;
    let action = app.store.start_action(
        who.account,
        droplet_id,
        request,
        app.action_duration(),
        &|kind| app.decide(kind),
    )?;
    one_action_response(StatusCode::CREATED, &action, action.started_at)
}

/// POST /v2/droplets/actions?tag_name=
pub(crate) async fn post_by_tag(
    State(app): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    uri: Uri,
    body: Bytes,
) -> Result<Response, ApiError> {
    require_write(&who)?;
    let query = ListQuery::parse(uri.query())?;
    let tag = query
        .get("tag_name")
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::unprocessable("tag_name is required as a query parameter."))?
        .to_owned();
    let request = action_request::parse(&json_object(&body)?, Target::Tag)?;
    let actions =
        app.store
            .start_by_tag(who.account, &tag, request, app.action_duration(), &|kind| {
                app.decide(kind)
            })?;
    json(
        StatusCode::CREATED,
        &ManyActions {
            actions: actions
                .iter()
                .map(|a| ActionView::new(a, a.started_at))
                .collect(),
        },
    )
}
