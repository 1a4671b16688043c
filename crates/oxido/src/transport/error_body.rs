//! Turning a non-success answer into an [`ApiError`], whatever its body looks like.

use std::time::Duration;

use http::{HeaderMap, StatusCode};
use serde::Deserialize;

use super::rate_limit::RateLimit;
use super::request::ApiRequest;
use crate::error::ApiError;
use crate::text::{one_line, one_line_clipped};

/// The longest message kept from a body that was not the API's JSON error object.
const EXCERPT_CHARS: usize = 200;
/// The longest message kept from the API's JSON error object; real ones are a sentence or two.
const MESSAGE_CHARS: usize = 1000;
/// The longest error id or request id kept.
const ID_CHARS: usize = 200;

/// The fields of the API's JSON error object; parsed once per answer and shared by tracing and the error.
#[derive(Deserialize, Default)]
pub(crate) struct ErrorBody {
    id: Option<String>,
    message: Option<String>,
    request_id: Option<String>,
}

impl ErrorBody {
    /// The error object in `body`, or an empty one when `body` is not one.
    pub(crate) fn parse(body: &[u8]) -> Self {
        if body.is_empty() {
            return Self::default();
        }
        serde_json::from_slice(body).unwrap_or_default()
    }
}

/// Facts about the answer, gathered by the sender.
pub(crate) struct ErrorContext<'a> {
    pub(crate) status: u16,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) body: &'a [u8],
    /// `body` parsed as the API's error object.
    pub(crate) parsed: ErrorBody,
    pub(crate) rate_limit: Option<RateLimit>,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) attempts: u32,
}

/// Builds the error: id, message and request id from the JSON body when it has them, otherwise an id derived
/// from the status and a short plain-text excerpt of the body (a proxy's HTML page, for example).
pub(crate) fn api_error(request: &ApiRequest, context: ErrorContext<'_>) -> ApiError {
    let ErrorBody {
        id: body_id,
        message: body_message,
        request_id: body_request_id,
    } = context.parsed;
    let id = body_id
        .map(|id| one_line_clipped(&id, ID_CHARS))
        .filter(|id| !id.is_empty())
        .unwrap_or_else(|| id_for(context.status));
    let message = body_message
        .map(|message| one_line_clipped(&message, MESSAGE_CHARS))
        .filter(|message| !message.is_empty())
        .unwrap_or_else(|| excerpt(context.body, context.status));
    let request_id = pick_request_id(body_request_id, context.headers);
    ApiError {
        status: context.status,
        id,
        message,
        request_id,
        rate_limit: context.rate_limit,
        retry_after: context.retry_after,
        attempts: context.attempts,
        method: request.method.clone(),
        path: request.path_and_query(),
    }
}

/// The request id of an answer: the error body's `request_id` when it has one, else `x-request-id`.
pub(crate) fn request_id(headers: &HeaderMap, parsed: Option<&ErrorBody>) -> Option<String> {
    pick_request_id(parsed.and_then(|body| body.request_id.clone()), headers)
}

fn pick_request_id(from_body: Option<String>, headers: &HeaderMap) -> Option<String> {
    from_body
        .map(|id| one_line_clipped(&id, ID_CHARS))
        .filter(|id| !id.is_empty())
        .or_else(|| {
            let header = headers.get("x-request-id")?.to_str().ok()?;
            Some(one_line_clipped(header, ID_CHARS)).filter(|id| !id.is_empty())
        })
}

/// `bad_gateway` for 502, `http_599` for statuses without a standard name.
fn id_for(status: u16) -> String {
    StatusCode::from_u16(status)
        .ok()
        .and_then(|code| code.canonical_reason())
        .map(|reason| {
            reason
                .chars()
                .filter_map(|c| match c {
                    ' ' | '-' => Some('_'),
                    c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_else(|| format!("http_{status}"))
}

/// The body's visible text, tags dropped and whitespace collapsed, cut to a readable length.
fn excerpt(body: &[u8], status: u16) -> String {
    let text = String::from_utf8_lossy(body);
    let mut visible = String::with_capacity(text.len().min(EXCERPT_CHARS * 4));
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => {
                in_tag = true;
                visible.push(' ');
            }
            '>' if in_tag => in_tag = false,
            c if !in_tag => visible.push(c),
            _ => {}
        }
    }
    if one_line(&visible).is_empty() {
        return format!(
            "HTTP {status} with no readable body{}",
            StatusCode::from_u16(status)
                .ok()
                .and_then(|code| code.canonical_reason())
                .map(|reason| format!(" ({reason})"))
                .unwrap_or_default()
        );
    }
    one_line_clipped(&visible, EXCERPT_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn build(status: u16, headers: &HeaderMap, body: &[u8]) -> ApiError {
        let request = ApiRequest::get("droplet_actions.get", "/v2/droplets/1/actions/2".into());
        api_error(
            &request,
            ErrorContext {
                status,
                headers,
                body,
                parsed: ErrorBody::parse(body),
                rate_limit: None,
                retry_after: None,
                attempts: 1,
            },
        )
    }

    #[test]
    fn json_body_gives_id_message_and_request_id() {
        let error = build(
            404,
            &HeaderMap::new(),
            br#"{"id":"not_found","message":"The resource you requested could not be found.","request_id":"abc"}"#,
        );
        assert_eq!(error.id, "not_found");
        assert_eq!(
            error.message,
            "The resource you requested could not be found."
        );
        assert_eq!(error.request_id.as_deref(), Some("abc"));
        assert_eq!(
            error.to_string(),
            "GET /v2/droplets/1/actions/2: 404 not_found: The resource you requested could not be found. (request abc)"
        );
    }

    #[test]
    fn request_id_falls_back_to_header() {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", HeaderValue::from_static("515850a0"));
        let error = build(
            401,
            &headers,
            br#"{"id":"unauthorized","message":"Unable to authenticate you."}"#,
        );
        assert_eq!(error.request_id.as_deref(), Some("515850a0"));
    }

    #[test]
    fn html_body_becomes_excerpt_with_derived_id() {
        let body = b"<html>\n<head><title>502 Bad Gateway</title></head>\n<body><h1>502 Bad Gateway</h1></body></html>";
        let error = build(502, &HeaderMap::new(), body);
        assert_eq!(error.id, "bad_gateway");
        assert_eq!(error.message, "502 Bad Gateway 502 Bad Gateway");
        assert_eq!(
            error.to_string(),
            "GET /v2/droplets/1/actions/2: 502 bad_gateway: 502 Bad Gateway 502 Bad Gateway"
        );
    }

    #[test]
    fn long_or_empty_bodies() {
        let long = "x".repeat(1000);
        let error = build(500, &HeaderMap::new(), long.as_bytes());
        assert_eq!(error.message.chars().count(), EXCERPT_CHARS + 3);
        let empty = build(599, &HeaderMap::new(), b"");
        assert_eq!(empty.id, "http_599");
        assert_eq!(empty.message, "HTTP 599 with no readable body");
        let teapot = build(418, &HeaderMap::new(), b"");
        assert_eq!(teapot.id, "im_a_teapot");
    }

    #[test]
    fn multi_line_messages_are_flattened() {
        let error = build(
            422,
            &HeaderMap::new(),
            b"{\"id\":\"unprocessable_entity\",\"message\":\"line one\\nline two\"}",
        );
        assert_eq!(error.message, "line one line two");
    }
}
