//! `/v2/droplets/{droplet_id}/actions` and `/v2/droplets/actions?tag_name=`.

use axum::response::Response;
use http::StatusCode;
use jiff::Timestamp;

use super::droplets::{body_object, droplet_id, raw_id};
use crate::engine::call::Call;
use crate::wire::action::{ActionView, ManyActions, action_page_response, one_action_response};
use crate::wire::action_request::{self, Target};
use crate::wire::error::{ApiError, json};
use crate::wire::page::{ListQuery, PageInfo};

/// GET /v2/droplets/{droplet_id}/actions/{action_id}
pub(super) fn get(call: &Call<'_>) -> Result<Response, ApiError> {
    let droplet_id = droplet_id(call)?;
    let action_id = raw_id(call, 5)?;
    let action = call
        .store()
        .droplet_action(call.who.account, droplet_id, action_id)
        .ok_or_else(ApiError::not_found)?;
    one_action_response(StatusCode::OK, &action, Timestamp::now())
}

/// GET /v2/droplets/{droplet_id}/actions
pub(super) fn list(call: &Call<'_>) -> Result<Response, ApiError> {
    let droplet_id = droplet_id(call)?;
    let query = ListQuery::parse(call.raw_query.as_deref())?;
    let (actions, total) = call
        .store()
        .droplet_actions(call.who.account, droplet_id, query.paging)
        .ok_or_else(ApiError::not_found)?;
    action_page_response(
        &actions,
        PageInfo::new(&call.origin, &call.path, &query, total),
    )
}

/// POST /v2/droplets/{droplet_id}/actions
pub(super) fn post(call: &Call<'_>) -> Result<Response, ApiError> {
    let droplet_id = droplet_id(call)?;
    let request = action_request::parse(&body_object(call), Target::One)?;
    let app = call.app;
    let action = call.store().start_action(
        call.who.account,
        droplet_id,
        request,
        app.action_duration(),
        &|kind| app.decide(kind),
    )?;
    one_action_response(StatusCode::CREATED, &action, action.started_at)
}

/// POST /v2/droplets/actions?tag_name=
pub(super) fn post_by_tag(call: &Call<'_>) -> Result<Response, ApiError> {
    let query = ListQuery::parse(call.raw_query.as_deref())?;
    let tag = query
        .get("tag_name")
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::unprocessable("tag_name is required as a query parameter."))?
        .to_owned();
    let request = action_request::parse(&body_object(call), Target::Tag)?;
    let app = call.app;
    let actions = call.store().start_by_tag(
        call.who.account,
        &tag,
        request,
        app.action_duration(),
        &|kind| app.decide(kind),
    )?;
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
