//! Errors in the shape an endpoint documents when it documents its own: the Messages
//! route answers Anthropic's `{"type":"error","error":{"type","message"}}` for a bad
//! request, the NFS access point routes `{"code","message"}` for 400 and 409, and a
//! tag create `{"error","messages","root_causes"}` for 400. Every other error keeps
//! `{"id","message","request_id"}` (authentication and rate limits included, as the
//! description documents them for these routes too).

use crate::engine::spec::OpId;
use axum::response::Response;
use http::StatusCode;
use serde_json::{Value, json};

use crate::wire::error::{ApiError, json_bytes};

/// An error body other than the standard one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// `POST /v1/messages`
    Anthropic,
    /// The NFS access point routes.
    Nfs,
    /// `POST /v2/tags`
    Tags,
}

/// The documented error shape of the operation a request reaches, if it has its own.
pub(crate) fn shape_for(method: &http::Method, path: &str) -> Option<Shape> {
    let catalog = crate::engine::catalog::get();
    let matched = catalog.routes.find(path)?;
    let template = &catalog.routes.templates[matched.template];
    let op = crate::engine::spec::Method::from_http(method).and_then(|m| template.op(m))?;
    match op {
        OpId::InferenceCreateMessages => Some(Shape::Anthropic),
        OpId::NfsCreateAccessPoint | OpId::NfsListAccessPoints | OpId::NfsDeleteAccessPoint => {
            Some(Shape::Nfs)
        }
        OpId::TagsCreate => Some(Shape::Tags),
        _ => None,
    }
}

/// A client error the request itself caused (not authentication, access, absence or
/// rate limiting, which keep the standard shape).
fn invalid_request(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY | StatusCode::PAYLOAD_TOO_LARGE
    )
}

/// `error` in `shape`, or `None` where the shape's documentation does not cover it.
pub(crate) fn render(shape: Shape, error: &ApiError) -> Option<Response> {
    let (status, body): (StatusCode, Value) = match shape {
        Shape::Anthropic if invalid_request(error.status) => (
            StatusCode::BAD_REQUEST,
            json!({"type": "error", "error": {"type": "invalid_request_error", "message": error.message}}),
        ),
        Shape::Nfs if invalid_request(error.status) => (
            StatusCode::BAD_REQUEST,
            json!({"code": "INVALID_ARGUMENT", "message": error.message}),
        ),
        Shape::Nfs if error.status == StatusCode::CONFLICT => (
            StatusCode::CONFLICT,
            json!({"code": "ALREADY_EXISTS", "message": error.message}),
        ),
        Shape::Tags if error.status == StatusCode::BAD_REQUEST => (
            StatusCode::BAD_REQUEST,
            json!({"error": error.message, "messages": null, "root_causes": [error.message]}),
        ),
        _ => return None,
    };
    Some(json_bytes(
        status,
        serde_json::to_vec(&body).unwrap_or_default(),
    ))
}
