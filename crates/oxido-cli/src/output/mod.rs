//! Printing results on stdout, as a table or as the API's JSON.

pub mod json;
pub mod table;

use std::io;

use oxido::Action;

use crate::cli::{GlobalArgs, OutputKind};
use table::Column;

/// How results are printed, decided once from the global options.
#[derive(Debug, Clone)]
pub struct Output {
    kind: OutputKind,
    columns: Vec<Column>,
    header: bool,
}

impl Output {
    /// Reads `-o`, `--format` and `--no-header`.
    pub fn from_args(global: &GlobalArgs) -> Output {
        Output {
            kind: global.output,
            columns: global.format.clone().unwrap_or_default().0,
            header: !global.no_header,
        }
    }

    /// True when results are machine-readable JSON (progress output stays quiet then).
    pub fn is_json(&self) -> bool {
        self.kind == OutputKind::Json
    }

    /// Prints one action: a one-row table, or the bare JSON object.
    pub fn action(&self, action: &Action) -> io::Result<()> {
        let text = match self.kind {
            OutputKind::Table => self.table(std::slice::from_ref(action)),
            OutputKind::Json => json::pretty(action)?,
        };
        write_stdout(&text)
    }

    /// Prints a list of actions: a table, or a JSON array (empty lists included).
    pub fn actions(&self, actions: &[Action]) -> io::Result<()> {
        let text = match self.kind {
            OutputKind::Table => self.table(actions),
            OutputKind::Json => json::pretty(actions)?,
        };
        write_stdout(&text)
    }

    fn table(&self, actions: &[Action]) -> String {
        let rows: Vec<Vec<String>> = actions
            .iter()
            .map(|action| self.columns.iter().map(|c| cell(action, *c)).collect())
            .collect();
        table::render(&self.columns, &rows, self.header)
    }
}

/// The text of one table cell; absent values are blank, never `null`.
fn cell(action: &Action, column: Column) -> String {
    match column {
        Column::Id => action.id.to_string(),
        Column::Status => action.status.to_string(),
        Column::Type => action.kind.to_string(),
        Column::StartedAt => action.started_at.to_string(),
        Column::CompletedAt => action
            .completed_at
            .map(|at| at.to_string())
            .unwrap_or_default(),
        Column::ResourceId => action
            .resource_id
            .map(|id| id.to_string())
            .unwrap_or_default(),
        Column::ResourceType => action.resource_type.clone(),
        Column::Region => action
            .region_slug
            .clone()
            .or_else(|| action.region.as_ref().map(|r| r.slug.clone()))
            .unwrap_or_default(),
    }
}

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

/// Writes a result to stdout; a reader that went away (`oxido ... | head`) is not an error,
/// a full disk is (the result was lost).
pub fn write_stdout(text: &str) -> io::Result<()> {
    crate::stdio::out(text.as_bytes())
        .map_err(|e| io::Error::new(e.kind(), format!("writing the result to stdout: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference_action() -> Action {
        serde_json::from_str(
            r#"{"id":36804636,"status":"completed","type":"create",
                "started_at":"2020-11-14T16:29:21Z","completed_at":"2020-11-14T16:30:06Z",
                "resource_id":3164444,"resource_type":"droplet",
                "region":{"name":"New York 3","slug":"nyc3","features":[],"available":true,"sizes":[]},
                "region_slug":"nyc3"}"#,
        )
        .unwrap()
    }

    #[test]
    fn cells_use_rfc3339_and_the_region_slug() {
        let action = reference_action();
        let cells: Vec<String> = Column::ALL.iter().map(|c| cell(&action, *c)).collect();
        assert_eq!(
            cells,
            [
                "36804636",
                "completed",
                "create",
                "2020-11-14T16:29:21Z",
                "2020-11-14T16:30:06Z",
                "3164444",
                "droplet",
                "nyc3"
            ]
        );
    }

    #[test]
    fn absent_values_are_blank() {
        let mut action = reference_action();
        action.completed_at = None;
        action.resource_id = None;
        action.region = None;
        action.region_slug = None;
        for column in [Column::CompletedAt, Column::ResourceId, Column::Region] {
            assert_eq!(cell(&action, column), "");
        }
    }
}
