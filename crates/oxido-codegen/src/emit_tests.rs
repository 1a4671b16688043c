//! Emits the generated tests under `crates/oxido/tests/`.

use crate::ir::Api;

pub fn emit(_api: &Api) -> Vec<(String, String)> {
    Vec::new()
}
