//! Tables of JSON values for the generated commands: columns are JSON paths (`id`,
//! `region.slug`, `networks.v4.0.ip_address`), chosen by the generator from the schema unless
//! `--format` names others.

use serde_json::Value;

use super::table::render_titled;

/// Most columns picked when neither the generator nor `--format` chose any.
const MAX_AUTO_COLUMNS: usize = 8;

/// The columns to show: `--format`'s, else the command's defaults, else the first scalar
/// fields of the first row.
pub fn columns(format: Option<&str>, defaults: &[&str], rows: &[Value]) -> Vec<String> {
    if let Some(format) = format {
        return format
            .split(',')
            .map(normalise)
            .filter(|c| !c.is_empty())
            .collect();
    }
    if !defaults.is_empty() {
        return defaults.iter().map(|c| (*c).to_owned()).collect();
    }
    match rows.first() {
        Some(Value::Object(fields)) => fields
            .iter()
            .filter(|(_, v)| !v.is_object() && !v.is_array())
            .map(|(k, _)| k.clone())
            .take(MAX_AUTO_COLUMNS)
            .collect(),
        _ => Vec::new(),
    }
}

/// `Created At` and `created-at` name the field `created_at`; dotted paths stay as written.
fn normalise(name: &str) -> String {
    let name = name.trim();
    if name.contains('.') {
        name.to_owned()
    } else {
        name.to_lowercase().replace([' ', '-'], "_")
    }
}

/// A column's title: `region.slug` → `Region`, `status.state` → `Status`, `created_at` → `Created At`, `id` → `ID`.
pub fn title(path: &str) -> String {
    // `region.slug` reads as the region it names.
    let path = match path {
        "spec.name" => "name",
        _ => path
            .strip_suffix(".slug")
            .or_else(|| path.strip_suffix(".state"))
            .unwrap_or(path),
    };
    path.split(['.', '_'])
        .filter(|w| !w.is_empty())
        .map(|word| match word {
            "id" | "ip" | "ttl" | "url" | "uuid" | "vpc" | "ipv4" | "ipv6" => word.to_uppercase(),
            _ => {
                let mut chars = word.chars();
                chars
                    .next()
                    .map(|c| c.to_uppercase().chain(chars).collect())
                    .unwrap_or_default()
            }
        })
        .collect::<Vec<String>>()
        .join(" ")
}

/// The value at a dotted path; array elements by index.
pub fn lookup<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .try_fold(value, |current, key| match current {
            Value::Object(fields) => fields.get(key),
            Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        })
}

/// A cell's text: strings as they are, absent and null blank, lists of scalars joined with
/// commas, objects as compact JSON.
pub fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) if items.iter().all(|i| !i.is_object() && !i.is_array()) => items
            .iter()
            .map(|i| cell(Some(i)))
            .collect::<Vec<_>>()
            .join(","),
        Some(other) => other.to_string(),
    }
}

/// Renders the rows under the columns.
pub fn render(columns: &[String], rows: &[Value], header: bool) -> String {
    let titles: Vec<String> = columns.iter().map(|c| title(c)).collect();
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| columns.iter().map(|c| cell(lookup(row, c))).collect())
        .collect();
    render_titled(&titles, &cells, header)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dotted_paths_reach_nested_fields_and_array_elements() {
        let droplet = json!({"id": 1, "region": {"slug": "nyc3"},
            "networks": {"v4": [{"ip_address": "10.0.0.1"}, {"ip_address": "203.0.113.7"}]},
            "tags": ["web", "prod"], "image": null});
        assert_eq!(cell(lookup(&droplet, "region.slug")), "nyc3");
        assert_eq!(
            cell(lookup(&droplet, "networks.v4.1.ip_address")),
            "203.0.113.7"
        );
        assert_eq!(cell(lookup(&droplet, "tags")), "web,prod");
        assert_eq!(cell(lookup(&droplet, "image")), "");
        assert_eq!(cell(lookup(&droplet, "missing.path")), "");
        assert_eq!(cell(lookup(&droplet, "id")), "1");
    }

    #[test]
    fn format_names_are_normalised_and_titled() {
        let cols = columns(Some("ID, Created At,region.slug"), &["name"], &[]);
        assert_eq!(cols, ["id", "created_at", "region.slug"]);
        let titles: Vec<String> = cols.iter().map(|c| title(c)).collect();
        assert_eq!(titles, ["ID", "Created At", "Region"]);
    }

    #[test]
    fn without_defaults_the_first_scalar_fields_are_shown() {
        let rows = [json!({"a": 1, "b": {"c": 2}, "d": "x"})];
        assert_eq!(columns(None, &[], &rows), ["a", "d"]);
        let text = render(&columns(None, &[], &rows), &rows, true);
        assert_eq!(text, "A   D\n1   x\n");
    }
}
