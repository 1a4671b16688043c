//! A Droplet's firewalls: the account's firewalls that name it in `droplet_ids` or
//! share one of its tags.

use axum::response::Response;
use serde_json::Value;

use super::object::{page, path_droplet};
use crate::engine::call::{Call, ensure_seeded};
use crate::wire::error::ApiError;

const FIREWALLS: &str = "/v2/firewalls";

/// GET /v2/droplets/{droplet_id}/firewalls
pub(super) fn for_droplet(call: &Call<'_>) -> Result<Response, ApiError> {
    let droplet = path_droplet(call)?;
    ensure_seeded(call, &[FIREWALLS]);
    let docs = call.docs();
    let holding: Vec<Value> = Some(&*docs)
        .and_then(|d| {
            let items = d.items(FIREWALLS)?;
            Some(
                items
                    .iter()
                    .filter(|(_, f)| {
                        let by_id = f
                            .get("droplet_ids")
                            .and_then(Value::as_array)
                            .is_some_and(|ids| ids.iter().any(|i| i.as_u64() == Some(droplet.id)));
                        let by_tag = f.get("tags").and_then(Value::as_array).is_some_and(|tags| {
                            tags.iter()
                                .filter_map(Value::as_str)
                                .any(|t| droplet.tags.iter().any(|d| d == t))
                        });
                        by_id || by_tag
                    })
                    .map(|(key, f)| d.rendered(FIREWALLS, key, f))
                    .collect(),
            )
        })
        .unwrap_or_default();
    drop(docs);
    page(call, holding)
}
