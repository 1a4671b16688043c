//! The API's `action` object.

use axum::response::Response;
use http::StatusCode;
use jiff::Timestamp;
use serde::Serialize;

use super::Stamp;
use super::error::{ApiError, json};
use super::page::PageInfo;
use crate::state::catalog::Region;
use crate::state::model::Action;

/// An action as the API serializes it, at a given moment.
#[derive(Debug, Serialize)]
pub(crate) struct ActionView {
    id: u64,
    status: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    started_at: Stamp,
    completed_at: Option<Stamp>,
    resource_id: Option<u64>,
    resource_type: &'static str,
    region: &'static Region,
    region_slug: &'static str,
}

impl ActionView {
    pub fn new(action: &Action, now: Timestamp) -> Self {
        let (status, completed_at) = action.status_at(now);
        Self {
            id: action.id,
            status: status.as_str(),
            kind: action.type_name(),
            started_at: Stamp(action.started_at),
            completed_at: completed_at.map(Stamp),
            resource_id: action.resource_id(),
            resource_type: action.resource_type(),
            region: action.region,
            region_slug: action.region.slug,
        }
    }
}

/// `{"action": ...}`
#[derive(Debug, Serialize)]
pub(crate) struct OneAction {
    pub action: ActionView,
}

/// `{"actions": [...]}` as the by-tag post answers.
#[derive(Debug, Serialize)]
pub(crate) struct ManyActions {
    pub actions: Vec<ActionView>,
}

/// `{"actions": [...], "links": ..., "meta": ...}` as list routes answer.
#[derive(Debug, Serialize)]
struct ActionsPage {
    actions: Vec<ActionView>,
    #[serde(flatten)]
    info: PageInfo,
}

/// A `{"action": ...}` response, the action as seen at `now`.
pub(crate) fn one_action_response(
    status: StatusCode,
    action: &Action,
    now: Timestamp,
) -> Result<Response, ApiError> {
    json(
        status,
        &OneAction {
            action: ActionView::new(action, now),
        },
    )
}

/// A 200 list page of actions, all seen at the same moment.
pub(crate) fn action_page_response(
    actions: &[Action],
    info: PageInfo,
) -> Result<Response, ApiError> {
    let now = Timestamp::now();
    json(
        StatusCode::OK,
        &ActionsPage {
            actions: actions.iter().map(|a| ActionView::new(a, now)).collect(),
            info,
        },
    )
}
