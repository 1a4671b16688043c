//! Printing results on stdout, as a table or as the API's JSON.

pub mod json;
pub mod table;
pub mod values;
pub mod yaml;

use std::io;

use oxido::{Action, Page, Response};
use serde_json::value::RawValue;

use crate::cli::{GlobalArgs, OutputKind};
use crate::error::CliError;
use table::Column;

/// An action as decoded (for tables) together with the API's JSON for it (for `-o json`).
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The decoded action.
    pub action: Action,
    /// The action's object exactly as the API sent it.
    pub json: Box<RawValue>,
}

impl Fetched {
    /// From an answer `{"action": {...}}`.
    pub fn one(response: &Response<Action>) -> Result<Fetched, CliError> {
        Ok(Fetched {
            action: response.value.clone(),
            json: json::member(&response.body, "action")?,
        })
    }

    /// From an answer `{"actions": [...]}`.
    pub fn list(response: &Response<Vec<Action>>) -> Result<Vec<Fetched>, CliError> {
        pair(&response.value, &response.body)
    }

    /// From one page of a list, `{"actions": [...], "links": ..., "meta": ...}`.
    pub fn page(response: &Response<Page<Action>>) -> Result<Vec<Fetched>, CliError> {
        pair(&response.value.items, &response.body)
    }
}

fn pair(actions: &[Action], body: &[u8]) -> Result<Vec<Fetched>, CliError> {
    let raw = json::member_items(body, "actions")?;
    if raw.len() != actions.len() {
        return Err(CliError::Unexpected(format!(
            "{} actions decoded but {} in the answer",
            actions.len(),
            raw.len()
        )));
    }
    Ok(actions
        .iter()
        .cloned()
        .zip(raw)
        .map(|(action, json)| Fetched { action, json })
        .collect())
}

/// How results are printed, decided once from the global options.
#[derive(Debug, Clone)]
pub struct Output {
    kind: OutputKind,
    /// `--format` as given: action columns for the curated commands, JSON paths for the
    /// generated ones.
    format: Option<String>,
    header: bool,
    /// Widest a table cell may be: `$COLUMNS`, else the terminal's width; none into a pipe.
    max_cell: Option<usize>,
}

impl Output {
    /// Reads `-o`, `--format` and `--no-header`.
    pub fn from_args(global: &GlobalArgs) -> Output {
        Output {
            kind: global.output,
            format: global.format.clone(),
            header: !global.no_header,
            max_cell: terminal_width(),
        }
    }

    /// Table, JSON or YAML.
    pub fn kind(&self) -> OutputKind {
        self.kind
    }

    /// Whether tables get their header line (`--no-header` leaves it out).
    pub fn header(&self) -> bool {
        self.header
    }

    /// Checks `--format` against the fields a generated command's rows have, before anything
    /// is sent: an unknown column is a usage error listing the valid ones.
    pub fn check_columns(&self, op: &crate::ops::OpSpec) -> Result<(), CliError> {
        self.columns_for(op, &[]).map(|_| ())
    }

    fn columns_for(
        &self,
        op: &crate::ops::OpSpec,
        rows: &[serde_json::Value],
    ) -> Result<Vec<values::Column>, CliError> {
        values::columns(self.format.as_deref(), op.columns, op.fields, rows)
            .map_err(|e| CliError::Usage(format!("--format for `{} {}`: {e}", op.handler, op.name)))
    }

    /// The action columns `--format` names (all by default); an unknown one is a usage error.
    pub fn check_action_columns(&self) -> Result<Vec<Column>, CliError> {
        match &self.format {
            None => Ok(table::ColumnList::default().0),
            Some(text) => table::ColumnList::parse(text)
                .map(|list| list.0)
                .map_err(|e| {
                    CliError::Usage(format!(
                        "invalid value '{text}' for '--format <COL,COL>': {e}"
                    ))
                }),
        }
    }

    /// Prints the answer of a generated command: a table with the command's default columns
    /// (or `--format`'s), JSON, or the raw bytes of a non-JSON answer; nothing for 204.
    pub fn answer(
        &self,
        op: &crate::ops::OpSpec,
        answer: crate::ops::Answer,
    ) -> Result<(), CliError> {
        use crate::ops::Answer;
        let rows = match answer {
            Answer::Nothing => return Ok(()),
            Answer::Raw(bytes) => {
                return crate::stdio::out(&bytes).map_err(|e| {
                    CliError::Io(io::Error::new(
                        e.kind(),
                        format!("writing the result to stdout: {e}"),
                    ))
                });
            }
            Answer::Json(raw) if self.is_machine() => {
                return Ok(self.structured(json::raw(&raw))?);
            }
            answer @ Answer::Json(_) => return self.answer(op, answer.into_value()?),
            Answer::List(pages) => {
                if self.is_machine() {
                    return Ok(self.structured(json::raw_array(&pages))?);
                }
                pages
                    .iter()
                    .map(|raw| serde_json::from_str(raw.get()))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| CliError::Unexpected(format!("the answer is not JSON: {e}")))?
            }
            Answer::One(value) => {
                if self.is_machine() {
                    return Ok(self.structured(json::pretty(&value)?)?);
                }
                match value {
                    serde_json::Value::Array(items) => items,
                    other => vec![other],
                }
            }
        };
        let columns = self.columns_for(op, &rows)?;
        Ok(write_stdout(&values::render(
            &columns,
            &rows,
            self.header,
            self.max_cell,
        ))?)
    }

    /// True when results are JSON or YAML, which are printed from the API's own JSON
    /// (progress output stays quiet then).
    pub fn is_machine(&self) -> bool {
        matches!(self.kind, OutputKind::Json | OutputKind::Yaml)
    }

    /// Prints JSON text as is for `-o json`, or as YAML for `-o yaml`.
    pub fn structured(&self, json_text: String) -> io::Result<()> {
        match self.kind {
            OutputKind::Yaml => write_stdout(&yaml::from_json(&json_text)?),
            _ => write_stdout(&json_text),
        }
    }

    /// Prints one action: a one-row table, or the API's JSON object.
    pub fn action(&self, action: &Fetched) -> io::Result<()> {
        match self.kind {
            OutputKind::Table => write_stdout(&self.table(std::slice::from_ref(action))),
            OutputKind::Json | OutputKind::Yaml => self.structured(json::raw(&action.json)),
        }
    }

    /// Prints a list of actions: a table, or an array of the API's objects (empty lists
    /// included).
    pub fn actions(&self, actions: &[Fetched]) -> io::Result<()> {
        match self.kind {
            OutputKind::Table => write_stdout(&self.table(actions)),
            OutputKind::Json | OutputKind::Yaml => {
                let objects: Vec<Box<RawValue>> = actions.iter().map(|a| a.json.clone()).collect();
                self.structured(json::raw_array(&objects))
            }
        }
    }

    fn table(&self, actions: &[Fetched]) -> String {
        // Checked before the command ran (app.rs), so the default is never used on bad input.
        let columns = self.check_action_columns().unwrap_or_default();
        let rows: Vec<Vec<String>> = actions
            .iter()
            .map(|f| columns.iter().map(|c| cell(&f.action, *c)).collect())
            .collect();
        table::render(&columns, &rows, self.header, self.max_cell)
    }
}

/// The width a table cell may take: `$COLUMNS` when set (shells set it for their terminal,
/// and tests use it), else the width of the terminal stdout is, else none (a pipe or file gets
/// every value whole, for scripts).
fn terminal_width() -> Option<usize> {
    if let Some(columns) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0)
    {
        return Some(columns);
    }
    terminal_size::terminal_size_of(io::stdout()).map(|(w, _)| usize::from(w.0))
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
