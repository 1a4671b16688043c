//! Emits `docs/operations.md`: every operationId and its Rust call.

use crate::ir::Api;

pub fn emit(_api: &Api) -> String {
    String::new()
}
