//! `/v2/actions`: every action of the account, newest first.

use std::sync::Arc;

use axum::Extension;
use axum::extract::State;
use axum::response::Response;
use http::{StatusCode, Uri};
use jiff::Timestamp;

use super::id_at;
use crate::app::App;
use crate::auth::Principal;
use crate::server::RequestCtx;
use crate::wire::action::{action_page_response, one_action_response};
use crate::wire::error::ApiError;
use crate::wire::page::{ListQuery, PageInfo};

/// GET /v2/actions/{action_id}
pub(crate) async fn get_one(
    State(app): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let id = id_at(&uri, 3)?;
    let action = app
        .store
        .action(who.account, id)
        .ok_or_else(ApiError::not_found)?;
    one_action_response(StatusCode::OK, &action, Timestamp::now())
}

/// GET /v2/actions
pub(crate) async fn list(
    State(app): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Extension(ctx): Extension<RequestCtx>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let query = ListQuery::parse(uri.query())?;
    let (actions, total) = app.store.account_actions(who.account, query.paging);
    action_page_response(
        &actions,
        PageInfo::new(&ctx.origin, uri.path(), &query, total),
    )
}
