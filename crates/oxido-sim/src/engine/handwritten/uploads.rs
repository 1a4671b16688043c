//! The inference batch file upload: a presigned URL on this emulator, credentialed
//! by its signature rather than a token.

use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde_json::Value;

use crate::app::App;
use crate::engine::call::Call;
use crate::wire::error::ApiError;

/// Where presigned uploads go: outside the API's paths, so they carry no token.
pub(crate) const UPLOAD_PREFIX: &str = "/_sim/uploads/";

/// POST /v1/batches/files: a file id and a presigned URL on this emulator to PUT it to.
pub(super) fn create_batch_file(call: &Call<'_>) -> Result<Response, ApiError> {
    let mut answer = crate::engine::catalog::template(call.op).clone();
    let file_id = crate::engine::generate::uuid();
    let signature = call.app.uploads.open(&file_id);
    if let Some(map) = answer.as_object_mut() {
        map.insert("file_id".into(), Value::String(file_id.clone()));
        map.insert(
            "upload_url".into(),
            Value::String(format!(
                "{}{UPLOAD_PREFIX}{file_id}?signature={signature}",
                call.origin
            )),
        );
    }
    crate::engine::shape::answer(call.op, Some(answer))
}

/// PUT to a presigned upload URL: no token, the signature in the URL is the credential.
pub(crate) async fn upload(app: &App, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    if parts.method != http::Method::PUT {
        let mut response = ApiError::method_not_allowed().into_response();
        response
            .headers_mut()
            .insert(http::header::ALLOW, http::HeaderValue::from_static("PUT"));
        return response;
    }
    let file_id = parts
        .uri
        .path()
        .strip_prefix(UPLOAD_PREFIX)
        .unwrap_or_default()
        .to_owned();
    let signature = url::form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes())
        .find(|(k, _)| k == "signature")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    let Ok(bytes) = axum::body::to_bytes(body, crate::limits::MAX_BODY_BYTES).await else {
        return ApiError::payload_too_large(crate::limits::MAX_BODY_BYTES).into_response();
    };
    if app.uploads.fill(&file_id, &signature, bytes.len()) {
        crate::engine::shape::empty(StatusCode::OK)
    } else {
        ApiError::forbidden().into_response()
    }
}
