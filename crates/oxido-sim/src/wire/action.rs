//! The API's `action` object.

use jiff::Timestamp;
use serde::Serialize;

use super::Stamp;
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
    resource_id: u64,
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
            kind: action.kind.as_str(),
            started_at: Stamp(action.started_at),
            completed_at: completed_at.map(Stamp),
            resource_id: action.droplet_id,
            resource_type: "droplet",
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
