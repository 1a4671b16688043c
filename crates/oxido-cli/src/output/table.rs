//! Plain-text tables: column selection (`--format`), alignment, and the optional header.

use std::fmt;

use unicode_width::{UnicodeWidthChar as _, UnicodeWidthStr as _};

/// One column of the action table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// The action's id.
    Id,
    /// `in-progress`, `completed` or `errored`.
    Status,
    /// The action type, e.g. `reboot`.
    Type,
    /// When the action started (RFC 3339).
    StartedAt,
    /// When the action finished (RFC 3339), blank while in progress.
    CompletedAt,
    /// The id of the resource acted on.
    ResourceId,
    /// The kind of resource acted on, e.g. `droplet`.
    ResourceType,
    /// The region's slug.
    Region,
}

impl Column {
    /// Every column, in the default order.
    pub const ALL: [Column; 8] = [
        Column::Id,
        Column::Status,
        Column::Type,
        Column::StartedAt,
        Column::CompletedAt,
        Column::ResourceId,
        Column::ResourceType,
        Column::Region,
    ];

    /// The header text, which is also the name `--format` accepts.
    pub fn title(self) -> &'static str {
        match self {
            Column::Id => "ID",
            Column::Status => "Status",
            Column::Type => "Type",
            Column::StartedAt => "Started At",
            Column::CompletedAt => "Completed At",
            Column::ResourceId => "Resource ID",
            Column::ResourceType => "Resource Type",
            Column::Region => "Region",
        }
    }

    /// Finds a column by name, ignoring case, spaces, `_` and `-` (`started_at` = `Started At`).
    fn from_name(name: &str) -> Option<Column> {
        let wanted = squash(name);
        Column::ALL
            .into_iter()
            .find(|column| squash(column.title()) == wanted)
    }
}

fn squash(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The columns chosen with `--format`, in the order given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnList(pub Vec<Column>);

impl ColumnList {
    /// Parses `ID,Status,...`; an unknown or empty name is an error listing the valid ones.
    pub fn parse(value: &str) -> Result<ColumnList, String> {
        let columns = value
            .split(',')
            .map(|name| {
                Column::from_name(name.trim())
                    .ok_or_else(|| format!("unknown column `{}`; {}", name.trim(), ValidColumns))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ColumnList(columns))
    }
}

impl Default for ColumnList {
    fn default() -> Self {
        ColumnList(Column::ALL.to_vec())
    }
}

/// Renders "valid columns: ID, Status, ..." for error messages.
struct ValidColumns;

impl fmt::Display for ValidColumns {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = Column::ALL.iter().map(|c| c.title()).collect();
        write!(f, "valid columns: {}", names.join(", "))
    }
}

/// Space between columns.
const GAP: &str = "   ";

/// Lays out rows under the given columns, each column as wide as its widest cell.
///
/// Trailing blanks are trimmed so an empty last cell leaves no stray spaces.
pub fn render(
    columns: &[Column],
    rows: &[Vec<String>],
    header: bool,
    max_cell: Option<usize>,
) -> String {
    let titles: Vec<String> = columns.iter().map(|c| c.title().to_owned()).collect();
    render_titled(&titles, rows, header, max_cell)
}

/// A cell as it may reach a terminal: control characters (a newline in a zone file, an escape
/// sequence in a name) escaped, and cut with an ellipsis past `max` display columns.
pub fn printable(cell: &str, max: Option<usize>) -> String {
    let mut out = String::with_capacity(cell.len());
    for c in cell.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    match max {
        Some(max) if max > 0 && out.width() > max => {
            let mut cut = String::new();
            let mut width = 0;
            for c in out.chars() {
                let w = c.width().unwrap_or(0);
                if width + w + 1 > max {
                    break;
                }
                width += w;
                cut.push(c);
            }
            cut.push('…');
            cut
        }
        _ => out,
    }
}

/// Lays out rows under the given column titles, as [`render`] does. Widths are display widths
/// (a CJK character or an emoji takes two columns).
pub fn render_titled(
    titles: &[String],
    rows: &[Vec<String>],
    header: bool,
    max_cell: Option<usize>,
) -> String {
    let clean = |line: &[String]| -> Vec<String> {
        line.iter().map(|cell| printable(cell, max_cell)).collect()
    };
    let lines: Vec<Vec<String>> = header
        .then(|| clean(titles))
        .into_iter()
        .chain(rows.iter().map(|row| clean(row)))
        .collect();

    let mut widths = vec![0; titles.len()];
    for line in &lines {
        for (width, cell) in widths.iter_mut().zip(line.iter()) {
            *width = (*width).max(cell.width());
        }
    }

    let mut out = String::new();
    for line in lines {
        let mut text = String::new();
        for (i, (cell, width)) in line.iter().zip(&widths).enumerate() {
            if i > 0 {
                text.push_str(GAP);
            }
            text.push_str(cell);
            let pad = width.saturating_sub(cell.width());
            text.extend(std::iter::repeat_n(' ', pad));
        }
        out.push_str(text.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_ignoring_case_and_separators() {
        let list = ColumnList::parse("id,STATUS, started_at ,Resource-ID,region").unwrap();
        assert_eq!(
            list.0,
            vec![
                Column::Id,
                Column::Status,
                Column::StartedAt,
                Column::ResourceId,
                Column::Region
            ]
        );
    }

    #[test]
    fn an_unknown_column_lists_the_valid_ones() {
        let err = ColumnList::parse("ID,Colour").unwrap_err();
        assert_eq!(
            err,
            "unknown column `Colour`; valid columns: ID, Status, Type, Started At, \
             Completed At, Resource ID, Resource Type, Region"
        );
        assert!(ColumnList::parse("ID,").is_err());
    }

    #[test]
    fn cells_align_and_blank_cells_stay_blank() {
        let rows = vec![
            vec!["1".to_owned(), "completed".to_owned()],
            vec!["22".to_owned(), String::new()],
        ];
        let text = render(&[Column::Id, Column::Status], &rows, true, None);
        assert_eq!(text, "ID   Status\n1    completed\n22\n");
        let bare = render(&[Column::Id, Column::Status], &rows, false, None);
        assert_eq!(bare, "1    completed\n22\n");
    }

    #[test]
    fn wide_characters_align_by_display_width() {
        let rows = vec![
            vec!["東京ウェブ".to_owned(), "1".to_owned()],
            vec!["web".to_owned(), "2".to_owned()],
        ];
        let text = render_titled(&["Name".to_owned(), "ID".to_owned()], &rows, true, None);
        assert_eq!(text, "Name         ID\n東京ウェブ   1\nweb          2\n");
    }

    #[test]
    fn control_characters_are_escaped_and_long_cells_cut() {
        assert_eq!(printable("a\nb\x1b[31m", None), "a\\nb\\u{1b}[31m");
        assert_eq!(printable("abcdefghij", Some(5)), "abcd…");
        assert_eq!(printable("東京東京", Some(5)), "東京…");
        assert_eq!(printable("abc", Some(5)), "abc");
    }
}
