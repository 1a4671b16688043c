//! Entry points for the fuzzers and benchmarks: the exact code paths real responses and requests go through,
//! without a network. Not part of the public API; they may change at any time.

use bytes::Bytes;
use http::{HeaderMap, Method};

use crate::error::{ApiError, Error};
use crate::models::{Action, DropletAction, Page, TagAction};
use crate::resources::{droplet_actions, envelopes};
use crate::transport::{ApiRequest, error_body};

/// A request as it would be sent: method, path with encoded query, JSON body.
pub type BuiltRequest = (Method, String, Option<Bytes>);

fn parts(request: ApiRequest) -> BuiltRequest {
    let path = request.path_and_query();
    (request.method, path, request.body.map(|body| body.bytes))
}

/// Decodes a `{"action": ...}` body as `droplet_actions.get` does.
pub fn decode_action(body: &[u8]) -> Result<Action, Error> {
    envelopes::decode_action("droplet_actions.get", body)
}

/// Decodes a `{"actions": [...], "links": .., "meta": ..}` body as `droplet_actions.list` does.
pub fn decode_action_page(body: &[u8]) -> Result<Page<Action>, Error> {
    envelopes::decode_action_page("droplet_actions.list", body)
}

/// Turns a non-success answer into the error a `droplet_actions.get` call would return after one attempt.
pub fn decode_api_error(status: u16, headers: &HeaderMap, body: &[u8]) -> ApiError {
    let request = ApiRequest::get("droplet_actions.get", "/v2/droplets/1/actions/2".to_owned());
    let context = error_body::ErrorContext {
        status,
        headers,
        body,
        parsed: error_body::ErrorBody::parse(body),
        rate_limit: crate::transport::RateLimit::from_headers(headers),
        retry_after: None,
        attempts: 1,
    };
    error_body::api_error(&request, context)
}

/// The request `droplet_actions().get(droplet_id, action_id)` sends.
pub fn droplet_action_get_request(droplet_id: u64, action_id: u64) -> Result<BuiltRequest, Error> {
    droplet_actions::get_request(droplet_id, action_id).map(parts)
}

/// The request `droplet_actions().post(droplet_id, action)` sends.
pub fn droplet_action_post_request(
    droplet_id: u64,
    action: &DropletAction,
) -> Result<BuiltRequest, Error> {
    droplet_actions::post_request(droplet_id, action).map(parts)
}

/// The request `droplet_actions().post_by_tag(tag, action)` sends.
pub fn droplet_action_post_by_tag_request(
    tag: &str,
    action: &TagAction,
) -> Result<BuiltRequest, Error> {
    droplet_actions::post_by_tag_request(tag, action).map(parts)
}
