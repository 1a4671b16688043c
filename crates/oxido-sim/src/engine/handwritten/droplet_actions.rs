//! `/v2/droplets/{droplet_id}/actions` and `/v2/droplets/actions?tag_name=`.

use axum::response::Response;
use http::StatusCode;
use jiff::Timestamp;
use serde_json::Value;

use super::droplets::{body_object, droplet_id, raw_id};
use crate::engine::call::Call;
use crate::state::model::Effect;
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
    let mut body = body_object(call);
    let own = rebuild_from_own_image(call, droplet_id, &mut body)?;
    let mut request = action_request::parse(&body, Target::One)?;
    if let (Some(shown), Effect::Rebuild(_, slot)) = (own, &mut request.effect) {
        *slot = Some(Box::new(shown));
    }
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

/// A rebuild from one of the account's own images (a snapshot or backup, by id), as
/// the API rebuilds from them (godo's `RebuildByImageID`): the image must be available
/// in the Droplet's region and fit its disk; the body is given the catalog image that
/// Droplet runs, so the typed request parses, and the image as the Droplet will show it
/// is returned.
fn rebuild_from_own_image(
    call: &Call<'_>,
    droplet_id: u64,
    body: &mut serde_json::Map<String, Value>,
) -> Result<Option<Value>, ApiError> {
    if body.get("type").and_then(Value::as_str) != Some("rebuild") {
        return Ok(None);
    }
    let Some(id) = body.get("image").and_then(Value::as_u64) else {
        return Ok(None);
    };
    let Some(droplet) = call
        .store()
        .droplet(call.who.account, droplet_id, Timestamp::now())
    else {
        return Ok(None);
    };
    let Some(shown) =
        super::droplet_images::own_image(call, id, Some(droplet.region.slug), Some(droplet.disk))?
    else {
        return Ok(None);
    };
    body.insert("image".into(), Value::from(droplet.image.id));
    Ok(Some(shown))
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
