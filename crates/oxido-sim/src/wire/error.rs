//! The API's error shape `{"id","message","request_id"}`.
//!
//! Handlers return [`ApiError`]; it travels as a response extension and the request
//! pipeline renders it with the request's id, so every error gets the same shape.

use std::borrow::Cow;

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde::Serialize;

impl From<crate::refusal::Refusal> for ApiError {
    fn from(refusal: crate::refusal::Refusal) -> Self {
        match refusal {
            crate::refusal::Refusal::NotFound => Self::not_found(),
            crate::refusal::Refusal::Invalid(message) => Self::unprocessable(message),
        }
    }
}

/// An API error waiting to be rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub id: &'static str,
    pub message: Cow<'static, str>,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        id: &'static str,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self {
            status,
            id,
            message: message.into(),
        }
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Unable to authenticate you.",
        )
    }

    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "You do not have access for the attempted action.",
        )
    }

    /// The API's own wording, which the Terraform provider's import test matches
    /// (droplet/import_droplet_test.go, run against the real API).
    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "The resource you were accessing could not be found.",
        )
    }

    /// A 404 that says what was not found.
    pub fn not_found_with(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn too_many_requests() -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_requests",
            "API Rate limit exceeded.",
        )
    }

    pub fn unprocessable(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unprocessable_entity",
            message,
        )
    }

    pub fn bad_request(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub fn payload_too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "request_entity_too_large",
            format!("The request body is larger than {limit} bytes."),
        )
    }

    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "The requested method is not allowed on this resource.",
        )
    }

    /// The error a given status code stands for when no handler chose one
    /// (framework rejections and injected faults).
    pub fn for_status(status: StatusCode) -> Self {
        match status.as_u16() {
            400 => Self::bad_request("The request could not be understood."),
            401 => Self::unauthorized(),
            403 => Self::forbidden(),
            404 => Self::not_found(),
            405 => Self::method_not_allowed(),
            413 => Self::payload_too_large(crate::limits::MAX_BODY_BYTES),
            422 => Self::unprocessable("The request could not be processed."),
            429 => Self::too_many_requests(),
            502 => Self::new(status, "bad_gateway", "Bad gateway."),
            503 => Self::new(
                status,
                "service_unavailable",
                "The service is temporarily unavailable.",
            ),
            504 => Self::new(status, "gateway_timeout", "The upstream server timed out."),
            500..=599 => Self::new(status, "server_error", "Unexpected server-side error"),
            _ => Self::new(
                status,
                "error",
                status.canonical_reason().unwrap_or("Error"),
            ),
        }
    }

    /// Renders the JSON body with the request's id.
    pub fn render(&self, request_id: &str) -> Response {
        #[derive(Serialize)]
        struct Body<'a> {
            id: &'a str,
            message: &'a str,
            request_id: &'a str,
        }
        let body = Body {
            id: self.id,
            message: &self.message,
            request_id,
        };
        let bytes = serde_json::to_vec(&body).unwrap_or_default();
        json_bytes(self.status, bytes)
    }
}

/// Marks a response whose body the pipeline must render from this error.
#[derive(Debug, Clone)]
pub(crate) struct PendingError(pub ApiError);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = Response::new(Body::empty());
        *response.status_mut() = self.status;
        response.extensions_mut().insert(PendingError(self));
        response
    }
}

/// The content type the API answers with.
pub(crate) const JSON_CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// A response with a JSON body that is already serialized.
pub(crate) fn json_bytes(status: StatusCode, bytes: Vec<u8>) -> Response {
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(JSON_CONTENT_TYPE),
    );
    response
}

/// Serializes `value` into a JSON response.
pub(crate) fn json<T: Serialize>(status: StatusCode, value: &T) -> Result<Response, ApiError> {
    serde_json::to_vec(value)
        .map(|bytes| json_bytes(status, bytes))
        .map_err(|e| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                e.to_string(),
            )
        })
}
