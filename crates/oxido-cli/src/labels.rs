//! How an action is named in progress lines, tables and error messages.

use oxido::Action;

/// Names an action for progress and error lines: `action 42 (reboot on droplet 7)`.
pub fn describe(action: &Action) -> String {
    match action.resource_id {
        Some(resource) => format!(
            "action {} ({} on {} {resource})",
            action.id, action.kind, action.resource_type
        ),
        None => format!("action {} ({})", action.id, action.kind),
    }
}
