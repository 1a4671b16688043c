//! Reading the members of a request body (a JSON object the engine has already checked
//! against its schema), with errors naming the field.

use serde_json::{Map, Value};

use super::error::ApiError;

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
