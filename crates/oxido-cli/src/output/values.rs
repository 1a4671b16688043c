//! Tables of JSON values for the generated commands. A column is a field of the answer's row
//! (`id`, `size_slug`, spelt as doctl does: `SizeSlug`, `Size Slug`), one of doctl's short names
//! (`PublicIPv4`, `Volumes`), or a dotted path (`region.slug`, `networks.v4.0.ip_address`,
//! `networks.v4[type=public].ip_address`). The generator picks the defaults from the schema;
//! `--format` names others, and a name the row does not have is refused before anything is sent.

use serde_json::Value;

use super::table::render_titled;

/// Most columns picked when neither the generator nor `--format` chose any.
const MAX_AUTO_COLUMNS: usize = 8;

/// One table column: its header and the path its cells are read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The header.
    pub title: String,
    /// The dotted path, with `[field=value]` picking an array element.
    pub path: String,
}

/// doctl's short names: (name squashed, header, path, the row field it needs).
const SHORT_NAMES: &[(&str, &str, &str, &str)] = &[
    (
        "publicipv4",
        "Public IPv4",
        "networks.v4[type=public].ip_address",
        "networks",
    ),
    (
        "privateipv4",
        "Private IPv4",
        "networks.v4[type=private].ip_address",
        "networks",
    ),
    (
        "publicipv6",
        "Public IPv6",
        "networks.v6[type=public].ip_address",
        "networks",
    ),
    ("volumes", "Volumes", "volume_ids", "volume_ids"),
    ("droplets", "Droplets", "droplet_ids", "droplet_ids"),
    ("size", "Size", "size_slug", "size_slug"),
];

/// Lower case without spaces, `_` or `-`: `Public IPv4`, `public_ipv4` and `PublicIPv4` meet.
fn squash(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Resolves one column name against the row's fields (`fields` empty: the shape is unknown, so
/// any name is taken as a path). An unknown name is an error listing the valid ones.
pub fn resolve(name: &str, fields: &[&str]) -> Result<Column, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(format!("an empty column name; {}", valid(fields)));
    }
    let has = |field: &str| fields.is_empty() || fields.contains(&field);
    if name.contains(['.', '[']) {
        let root = name.split(['.', '[']).next().unwrap_or_default();
        if !has(root) {
            return Err(format!(
                "unknown column `{name}`: the rows have no field `{root}`; {}",
                valid(fields)
            ));
        }
        return Ok(Column {
            title: title(name),
            path: name.to_owned(),
        });
    }
    let wanted = squash(name);
    if let Some(field) = fields.iter().find(|f| squash(f) == wanted) {
        return Ok(Column {
            title: title(field),
            path: (*field).to_owned(),
        });
    }
    if let Some((_, header, path, _)) = SHORT_NAMES
        .iter()
        .find(|(short, _, _, needs)| *short == wanted && has(needs))
    {
        return Ok(Column {
            title: (*header).to_owned(),
            path: (*path).to_owned(),
        });
    }
    if fields.is_empty() {
        let path = name.to_lowercase().replace([' ', '-'], "_");
        return Ok(Column {
            title: title(&path),
            path,
        });
    }
    Err(format!("unknown column `{name}`; {}", valid(fields)))
}

/// "valid columns: ID, Name, ..., PublicIPv4, or a dotted path such as region.slug".
fn valid(fields: &[&str]) -> String {
    if fields.is_empty() {
        return "name a field of the answer or a dotted path such as region.slug".to_owned();
    }
    let mut names: Vec<String> = fields.iter().map(|f| words(f).replace(' ', "")).collect();
    for (_, header, _, needs) in SHORT_NAMES {
        if fields.contains(needs) && !fields.iter().any(|f| squash(f) == squash(header)) {
            names.push(header.replace(' ', ""));
        }
    }
    format!(
        "valid columns: {}, or a dotted path such as {}.…",
        names.join(", "),
        fields[0]
    )
}

/// The columns to show: `--format`'s (checked), else the command's defaults, else the first
/// scalar fields of the first row.
pub fn columns(
    format: Option<&str>,
    defaults: &[&str],
    fields: &[&str],
    rows: &[Value],
) -> Result<Vec<Column>, String> {
    if let Some(format) = format {
        return format
            .split(',')
            .map(|name| resolve(name, fields))
            .collect();
    }
    if !defaults.is_empty() {
        // The generator's defaults are fields or short names of the row; an unknown one
        // (a schema the generator misread) is left out rather than shown blank.
        return Ok(defaults
            .iter()
            .filter_map(|c| resolve(c, fields).ok())
            .collect());
    }
    Ok(match rows.first() {
        Some(Value::Object(map)) => map
            .iter()
            .filter(|(_, v)| !v.is_object() && !v.is_array())
            .take(MAX_AUTO_COLUMNS)
            .map(|(k, _)| Column {
                title: title(k),
                path: k.clone(),
            })
            .collect(),
        _ => Vec::new(),
    })
}

/// A column's header: `region.slug` → `Region`, `status.state` → `Status`, `spec.name` →
/// `Name`, `created_at` → `Created At`, `volume_ids` → `Volume IDs`,
/// `networks.v4.0.ip_address` → `IP Address`, `image.name` → `Image Name`.
pub fn title(path: &str) -> String {
    let segments: Vec<&str> = path
        .split('.')
        .map(|s| s.split('[').next().unwrap_or(s))
        .filter(|s| !s.is_empty() && s.parse::<usize>().is_err())
        .collect();
    let words = match segments.as_slice() {
        [] => path.to_owned(),
        [one] => one.strip_suffix("_slug").unwrap_or(one).to_owned(),
        [first, .., last] => match *last {
            "slug" | "state" => (*first).to_owned(),
            _ if matches!(*first, "spec" | "status") => (*last).to_owned(),
            "name" | "id" | "uuid" => format!("{first}_{last}"),
            _ => (*last).to_owned(),
        },
    };
    self::words(&words)
}

/// `volume_ids` → `Volume IDs`, `vpc_uuid` → `VPC UUID`.
fn words(name: &str) -> String {
    name.split(['_', ' ', '-'])
        .filter(|w| !w.is_empty())
        .map(|word| match word {
            "id" | "ip" | "ttl" | "url" | "uuid" | "vpc" | "urn" | "cpu" => word.to_uppercase(),
            "ids" => "IDs".to_owned(),
            "ipv4" => "IPv4".to_owned(),
            "ipv6" => "IPv6".to_owned(),
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

/// The value at a dotted path; array elements by index, or by `[field=value]` (the first
/// element whose `field` is `value`).
pub fn lookup<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(value, |current, segment| {
        let (key, filter) = match segment.split_once('[') {
            Some((key, rest)) => (key, rest.strip_suffix(']')),
            None => (segment, None),
        };
        let mut current = match current {
            Value::Object(fields) => fields.get(key)?,
            Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i))?,
            _ => return None,
        };
        if let Some(filter) = filter {
            let (field, wanted) = filter.split_once('=')?;
            current = current.as_array()?.iter().find(|item| {
                item.get(field).is_some_and(|v| {
                    v.as_str().map_or_else(|| v.to_string(), str::to_owned) == wanted
                })
            })?;
        }
        Some(current)
    })
}

/// A cell's text: strings as they are, absent and null blank, lists of scalars joined with
/// commas, an object by its slug (a region, size or image) or name when it has one, other
/// objects as compact JSON.
pub fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) if items.iter().all(|i| !i.is_object() && !i.is_array()) => items
            .iter()
            .map(|i| cell(Some(i)))
            .collect::<Vec<_>>()
            .join(","),
        Some(Value::Object(map)) => match ["slug", "name"]
            .iter()
            .find_map(|k| map.get(*k).and_then(Value::as_str))
        {
            Some(text) => text.to_owned(),
            None => Value::Object(map.clone()).to_string(),
        },
        Some(other) => other.to_string(),
    }
}

/// Renders the rows under the columns; a cell is cut to `max_cell` display columns.
pub fn render(columns: &[Column], rows: &[Value], header: bool, max_cell: Option<usize>) -> String {
    let titles: Vec<String> = columns.iter().map(|c| c.title.clone()).collect();
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| columns.iter().map(|c| cell(lookup(row, &c.path))).collect())
        .collect();
    render_titled(&titles, &cells, header, max_cell)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const DROPLET: &[&str] = &[
        "id",
        "name",
        "networks",
        "region",
        "size_slug",
        "tags",
        "volume_ids",
        "vpc_uuid",
    ];

    fn droplet() -> Value {
        json!({"id": 1, "name": "web", "region": {"slug": "nyc3", "name": "New York 3"},
            "networks": {"v4": [{"ip_address": "10.0.0.1", "type": "private"},
                                {"ip_address": "203.0.113.7", "type": "public"}]},
            "tags": ["web", "prod"], "image": null, "volume_ids": ["v1", "v2"],
            "size_slug": "s-1vcpu-1gb", "vpc_uuid": "u"})
    }

    fn paths(cols: &[Column]) -> Vec<&str> {
        cols.iter().map(|c| c.path.as_str()).collect()
    }

    #[test]
    fn dotted_paths_reach_nested_fields_and_array_elements() {
        let droplet = droplet();
        assert_eq!(cell(lookup(&droplet, "region.slug")), "nyc3");
        assert_eq!(cell(lookup(&droplet, "region")), "nyc3");
        assert_eq!(
            cell(lookup(&droplet, "networks.v4.1.ip_address")),
            "203.0.113.7"
        );
        assert_eq!(
            cell(lookup(&droplet, "networks.v4[type=public].ip_address")),
            "203.0.113.7"
        );
        assert_eq!(cell(lookup(&droplet, "tags")), "web,prod");
        assert_eq!(cell(lookup(&droplet, "image")), "");
        assert_eq!(cell(lookup(&droplet, "missing.path")), "");
        assert_eq!(cell(lookup(&droplet, "id")), "1");
    }

    #[test]
    fn doctl_short_names_pick_the_public_address_whatever_its_place() {
        let cols = columns(
            Some("ID,PublicIPv4,PrivateIPv4,Tags,Volumes,Region,Size"),
            &[],
            DROPLET,
            &[],
        )
        .unwrap();
        let text = render(&cols, &[droplet()], true, None);
        assert_eq!(
            text,
            "ID   Public IPv4   Private IPv4   Tags       Volumes   Region   Size\n\
             1    203.0.113.7   10.0.0.1       web,prod   v1,v2     nyc3     s-1vcpu-1gb\n"
        );
    }

    #[test]
    fn format_names_match_fields_in_any_spelling_and_titles_read_well() {
        let cols = columns(
            Some("ID, Size Slug,vpc-uuid,VPCUUID,region.slug,networks.v4.0.ip_address"),
            &["name"],
            DROPLET,
            &[],
        )
        .unwrap();
        assert_eq!(
            paths(&cols),
            [
                "id",
                "size_slug",
                "vpc_uuid",
                "vpc_uuid",
                "region.slug",
                "networks.v4.0.ip_address"
            ]
        );
        let titles: Vec<&str> = cols.iter().map(|c| c.title.as_str()).collect();
        assert_eq!(
            titles,
            ["ID", "Size", "VPC UUID", "VPC UUID", "Region", "IP Address"]
        );
        assert_eq!(title("volume_ids"), "Volume IDs");
        assert_eq!(title("image.name"), "Image Name");
        assert_eq!(title("spec.name"), "Name");
    }

    #[test]
    fn an_unknown_column_is_refused_naming_the_valid_ones() {
        let err = columns(Some("ID,Colour"), &[], DROPLET, &[]).unwrap_err();
        assert!(
            err.starts_with("unknown column `Colour`; valid columns: ID, Name, "),
            "{err}"
        );
        assert!(err.contains("PublicIPv4"), "{err}");
        let err = columns(Some("colour.slug"), &[], DROPLET, &[]).unwrap_err();
        assert!(err.contains("no field `colour`"), "{err}");
        assert!(columns(Some("ID,"), &[], DROPLET, &[]).is_err());
        // Without a known shape, any name is a path.
        assert_eq!(
            paths(&columns(Some("anything"), &[], &[], &[]).unwrap()),
            ["anything"]
        );
    }

    #[test]
    fn without_defaults_the_first_scalar_fields_are_shown() {
        let rows = [json!({"a": 1, "b": {"c": 2}, "d": "x"})];
        let cols = columns(None, &[], &[], &rows).unwrap();
        assert_eq!(paths(&cols), ["a", "d"]);
        let text = render(&cols, &rows, true, None);
        assert_eq!(text, "A   D\n1   x\n");
    }
}
