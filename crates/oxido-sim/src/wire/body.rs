//! Reading a request body as a JSON object, with errors naming what was wrong.

use serde_json::{Map, Value};

use super::error::ApiError;

/// Parses a request body that must be a JSON object.
///
/// Something that is not JSON at all is a 400; JSON that is malformed or not an
/// object is a 422, as the API does.
pub(crate) fn json_object(bytes: &[u8]) -> Result<Map<String, Value>, ApiError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| ApiError::bad_request("The request body is not valid UTF-8 JSON."))?;
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Err(ApiError::bad_request(
            "The request body is empty; a JSON object is required.",
        ));
    }
    if !trimmed.starts_with(['{', '[', '"']) && !looks_like_json_scalar(trimmed) {
        return Err(ApiError::bad_request(
            "The request body is not JSON; a JSON object is required.",
        ));
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::unprocessable(
            "The request body must be a JSON object.",
        )),
        Err(e) => Err(ApiError::unprocessable(format!(
            "The request body is malformed JSON: {e}"
        ))),
    }
}

fn looks_like_json_scalar(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_digit() || c == '-')
        || ["true", "false", "null"]
            .iter()
            .any(|w| text.starts_with(w))
}

/// Reads an optional string field.
pub(crate) fn opt_str<'a>(
    body: &'a Map<String, Value>,
    field: &str,
) -> Result<Option<&'a str>, ApiError> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(ApiError::unprocessable(format!(
            "{field} must be a string."
        ))),
    }
}

/// Reads a required string field.
pub(crate) fn req_str<'a>(body: &'a Map<String, Value>, field: &str) -> Result<&'a str, ApiError> {
    opt_str(body, field)?.ok_or_else(|| ApiError::unprocessable(format!("{field} is required.")))
}

/// Reads an optional boolean field.
pub(crate) fn opt_bool(body: &Map<String, Value>, field: &str) -> Result<Option<bool>, ApiError> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(ApiError::unprocessable(format!(
            "{field} must be a boolean."
        ))),
    }
}

/// Reads a required positive integer field.
pub(crate) fn req_id(body: &Map<String, Value>, field: &str) -> Result<u64, ApiError> {
    match body.get(field) {
        None | Some(Value::Null) => Err(ApiError::unprocessable(format!("{field} is required."))),
        Some(v) => v
            .as_u64()
            .filter(|n| *n > 0)
            .ok_or_else(|| ApiError::unprocessable(format!("{field} must be a positive integer."))),
    }
}
