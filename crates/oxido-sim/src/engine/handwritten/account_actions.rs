//! `/v2/actions`: every action of the account, newest first.

use axum::response::Response;
use http::StatusCode;
use jiff::Timestamp;

use super::droplets::raw_id;
use crate::engine::call::Call;
use crate::wire::action::{action_page_response, one_action_response};
use crate::wire::error::ApiError;
use crate::wire::page::{ListQuery, PageInfo};

/// GET /v2/actions/{action_id}
pub(super) fn get(call: &Call<'_>) -> Result<Response, ApiError> {
    let id = raw_id(call, 3)?;
    let action = call
        .store()
        .action(call.who.account, id)
        .ok_or_else(ApiError::not_found)?;
    one_action_response(StatusCode::OK, &action, Timestamp::now())
}

/// GET /v2/actions
pub(super) fn list(call: &Call<'_>) -> Result<Response, ApiError> {
    let query = ListQuery::parse(call.raw_query.as_deref())?;
    let (actions, total) = call.store().account_actions(call.who.account, query.paging);
    action_page_response(
        &actions,
        PageInfo::new(&call.origin, &call.path, &query, total),
    )
}
