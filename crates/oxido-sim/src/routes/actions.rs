//! `/v2/actions`: every action of the account, newest first.

use std::sync::Arc;

use axum::Extension;
use axum::extract::State;
use axum::response::Response;
use http::{StatusCode, Uri};
use jiff::Timestamp;
use serde::Serialize;

use super::id_at;
use crate::app::App;
use crate::auth::Principal;
use crate::server::RequestCtx;
use crate::wire::action::{ActionView, OneAction};
use crate::wire::error::{ApiError, json};
use crate::wire::page::{ListQuery, PageInfo};

/// A page of actions with links and meta.
#[derive(Serialize)]
pub(crate) struct ActionsPage {
    pub actions: Vec<ActionView>,
    #[serde(flatten)]
    pub info: PageInfo,
}

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
    json(
        StatusCode::OK,
        &OneAction {
            action: ActionView::new(&action, Timestamp::now()),
        },
    )
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
    let now = Timestamp::now();
    json(
        StatusCode::OK,
        &ActionsPage {
            actions: actions.iter().map(|a| ActionView::new(a, now)).collect(),
            info: PageInfo::new(&ctx.origin, uri.path(), &query, total),
        },
    )
}
