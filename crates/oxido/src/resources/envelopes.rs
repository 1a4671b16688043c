//! The JSON wrappers around actions in responses (`{"action": ...}`, `{"actions": [...], "links": ..}`).

use serde::Deserialize;

use crate::decode::decode_json;
use crate::error::Error;
use crate::models::{Action, Links, Meta, Page};

#[derive(Deserialize)]
struct ActionEnvelope {
    action: Action,
}

#[derive(Deserialize)]
struct ActionsEnvelope {
    actions: Vec<Action>,
    #[serde(default)]
    links: Links,
    #[serde(default)]
    meta: Meta,
}

pub(crate) fn decode_action(operation: &'static str, body: &[u8]) -> Result<Action, Error> {
    decode_json::<ActionEnvelope>(operation, body).map(|envelope| envelope.action)
}

pub(crate) fn decode_action_list(
    operation: &'static str,
    body: &[u8],
) -> Result<Vec<Action>, Error> {
    decode_json::<ActionsEnvelope>(operation, body).map(|envelope| envelope.actions)
}

pub(crate) fn decode_action_page(
    operation: &'static str,
    body: &[u8],
) -> Result<Page<Action>, Error> {
    decode_json::<ActionsEnvelope>(operation, body).map(|envelope| Page {
        items: envelope.actions,
        links: envelope.links,
        meta: envelope.meta,
    })
}
