//! Values made from a schema: the documented examples where they fit, otherwise
//! values that are valid for their type and `format` (real UUIDs, addresses, times).

use jsonschema::Validator;
use serde_json::{Map, Value, json};

/// Deepest nesting generated; past it objects and arrays are left empty.
const MAX_DEPTH: u32 = 12;

/// Follows `#/$defs/...` references within `root`.
pub(crate) fn resolve<'a>(root: &'a Value, mut schema: &'a Value) -> &'a Value {
    for _ in 0..32 {
        let Some(name) = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/$defs/"))
        else {
            return schema;
        };
        schema = &root["$defs"][name];
    }
    schema
}

/// A random version-4 UUID.
pub(crate) fn uuid() -> String {
    let n = fastrand::u128(..);
    let n = (n & !(0xf << 76) | (0x4 << 76)) & !(0x3 << 62) | (0x2 << 62);
    let hex = format!("{n:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The current time as RFC 3339 with whole seconds, as the API writes it.
pub(crate) fn now() -> String {
    let now = jiff::Timestamp::now();
    jiff::Timestamp::from_second(now.as_second())
        .unwrap_or(now)
        .to_string()
}

fn types(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn fits(value: &Value, schema: &Value) -> bool {
    let ts = types(schema);
    if ts.is_empty() {
        return true;
    }
    ts.iter().any(|t| match *t {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        "null" => value.is_null(),
        _ => false,
    })
}

/// How values are chosen where a schema allows many.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// The documented examples where they fit: a documented answer.
    Rich,
    /// Plain valid values for each type and format.
    Plain,
    /// What a new object holds where nothing set it: `null` where allowed, `false`, `0`,
    /// `""`, `[]`; plain values only where the schema demands more (a format, a length).
    Neutral,
}

/// A value for `schema` chosen by `mode`.
pub(crate) fn generate(root: &Value, schema: &Value, mode: Mode, depth: u32) -> Value {
    // A definition met again inside itself (an agent's child agents are agents) ends in
    // an empty value, or generated answers would grow exponentially with the depth.
    let name = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/$defs/"));
    let Some(name) = name else {
        return generate_here(root, schema, mode, depth);
    };
    if EXPANDING.with(|s| s.borrow().iter().any(|n| n == name)) {
        return cut(resolve(root, schema));
    }
    EXPANDING.with(|s| s.borrow_mut().push(name.to_owned()));
    let value = generate_here(root, schema, mode, depth);
    EXPANDING.with(|s| s.borrow_mut().pop());
    value
}

thread_local! {
    /// The definitions being expanded, outermost first.
    static EXPANDING: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The smallest value of a schema's type.
fn cut(schema: &Value) -> Value {
    let ts = types(schema);
    if ts.contains(&"null") {
        Value::Null
    } else if ts.contains(&"array") || schema.get("items").is_some() {
        json!([])
    } else {
        json!({})
    }
}

fn generate_here(root: &Value, schema: &Value, mode: Mode, depth: u32) -> Value {
    let mut value = shaped(root, schema, mode, depth);
    if let Value::Object(map) = &mut value {
        fill_required(root, schema, map, 0);
    }
    value
}

/// Adds members a schema requires without describing them (the description has a few).
fn fill_required(root: &Value, schema: &Value, map: &mut Map<String, Value>, depth: u32) {
    let schema = resolve(root, schema);
    if depth > 8 {
        return;
    }
    for name in schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(name) = name.as_str()
            && !map.contains_key(name)
        {
            map.insert(name.to_owned(), Value::String("example".to_owned()));
        }
    }
    if let Some(Value::Array(parts)) = schema.get("allOf") {
        for part in parts {
            fill_required(root, part, map, depth + 1);
        }
    }
}

fn shaped(root: &Value, schema: &Value, mode: Mode, depth: u32) -> Value {
    let schema = resolve(root, schema);
    if let Some(value) = schema.get("const") {
        return value.clone();
    }
    if mode == Mode::Neutral && types(schema).contains(&"null") {
        // An empty list is shown as `[]`, as the API does; anything else as `null`.
        let list = types(schema).contains(&"array") && schema.get("minItems").is_none();
        return if list { json!([]) } else { Value::Null };
    }
    if mode == Mode::Rich
        && let Some(example) = schema.get("example")
        && fits(example, schema)
        && !example.is_null()
    {
        return example.clone();
    }
    if let Some(Value::Array(values)) = schema.get("enum")
        && let Some(first) = values.iter().find(|v| !v.is_null()).or(values.first())
    {
        return first.clone();
    }
    if let Some(Value::Array(all)) = schema.get("allOf") {
        let mut merged = Map::new();
        let mut other = None;
        for part in all {
            match generate(root, part, mode, depth + 1) {
                Value::Object(m) => merged.extend(m),
                // The first typed part decides (a later one only annotates it).
                v => {
                    other.get_or_insert(v);
                }
            }
        }
        if let Some(Value::Object(m)) = object(root, schema, mode, depth) {
            merged.extend(m);
        }
        return match other {
            Some(v) if merged.is_empty() => v,
            _ => Value::Object(merged),
        };
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(alternatives)) = schema.get(key) {
            let chosen = alternatives
                .iter()
                .find(|a| types(resolve(root, a)) != ["null"])
                .or(alternatives.first());
            if let Some(alt) = chosen {
                let value = generate(root, alt, mode, depth + 1);
                if let (Value::Object(mut m), Some(Value::Object(extra))) =
                    (value.clone(), object(root, schema, mode, depth))
                {
                    m.extend(extra);
                    return Value::Object(m);
                }
                return value;
            }
        }
    }
    let ts = types(schema);
    let kind = ts
        .iter()
        .copied()
        .find(|t| *t != "null")
        .or_else(|| ts.first().copied())
        .unwrap_or(if schema.get("properties").is_some() {
            "object"
        } else if schema.get("items").is_some() {
            "array"
        } else {
            "string"
        });
    match kind {
        "object" => object(root, schema, mode, depth).unwrap_or_else(|| json!({})),
        "array" => {
            let wanted = schema
                .get("minItems")
                .and_then(Value::as_u64)
                .unwrap_or(u64::from(mode != Mode::Neutral));
            if depth >= MAX_DEPTH || (wanted == 0 && mode != Mode::Rich) {
                return json!([]);
            }
            let items = schema.get("items").unwrap_or(&Value::Null);
            if items
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/$defs/"))
                .is_some_and(|n| EXPANDING.with(|s| s.borrow().iter().any(|e| e == n)))
            {
                return json!([]);
            }
            let item = generate(root, items, mode, depth + 1);
            let count = wanted.clamp(1, 4);
            let mut out: Vec<Value> = Vec::new();
            for n in 0..count {
                out.push(distinct(&item, n));
            }
            Value::Array(out)
        }
        "integer" | "number" => number(schema, kind == "integer", mode),
        "boolean" => Value::Bool(mode == Mode::Rich),
        "null" => Value::Null,
        // A pattern that refuses "" is met by the repair that follows.
        _ if mode == Mode::Neutral
            && schema.get("format").is_none()
            && schema.get("minLength").is_none() =>
        {
            Value::String(String::new())
        }
        _ => Value::String(string(schema)),
    }
}

fn distinct(item: &Value, n: u64) -> Value {
    match item {
        // Another UUID, not a suffixed one that breaks the format.
        Value::String(s) if n > 0 && s.len() == 36 && s.matches('-').count() == 4 => {
            Value::String(uuid())
        }
        Value::String(s) if n > 0 => Value::String(format!("{s}-{n}")),
        Value::Number(x) if n > 0 => x
            .as_u64()
            .map_or_else(|| item.clone(), |x| json!(x.saturating_add(n))),
        _ => item.clone(),
    }
}

fn object(root: &Value, schema: &Value, mode: Mode, depth: u32) -> Option<Value> {
    let props = schema.get("properties")?.as_object()?;
    let mut out = Map::new();
    if depth >= MAX_DEPTH {
        return Some(Value::Object(out));
    }
    for (name, prop) in props {
        out.insert(name.clone(), generate(root, prop, mode, depth + 1));
    }
    Some(Value::Object(out))
}

fn number(schema: &Value, integer: bool, mode: Mode) -> Value {
    let min = schema.get("minimum").and_then(Value::as_f64);
    let xmin = schema.get("exclusiveMinimum").and_then(Value::as_f64);
    let max = schema.get("maximum").and_then(Value::as_f64).or_else(|| {
        schema
            .get("exclusiveMaximum")
            .and_then(Value::as_f64)
            .map(|m| m - 1.0)
    });
    let mut n = match (min, xmin) {
        (Some(m), _) => m,
        (None, Some(x)) => x + 1.0,
        _ if mode == Mode::Neutral => 0.0,
        _ => 1.0,
    };
    if let Some(max) = max
        && n > max
    {
        n = max;
    }
    if integer {
        json!(n.ceil() as i64)
    } else {
        json!(n)
    }
}

fn string(schema: &Value) -> String {
    let base = match schema.get("format").and_then(Value::as_str) {
        Some("uuid") => uuid(),
        Some("date-time") => "2026-01-01T00:00:00Z".to_owned(),
        Some("date") => "2026-01-01".to_owned(),
        Some("ipv4") => "192.0.2.10".to_owned(),
        Some("ipv6") => "2001:db8::10".to_owned(),
        Some("email") => "sammy@example.com".to_owned(),
        Some("uri" | "url") => "https://example.com/".to_owned(),
        Some("hostname") => "example.com".to_owned(),
        _ => "example".to_owned(),
    };
    let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = schema
        .get("maxLength")
        .and_then(Value::as_u64)
        .map(|m| m as usize);
    let mut s = base;
    while s.chars().count() < min {
        s.push('x');
    }
    if let Some(max) = max
        && s.chars().count() > max
    {
        s = s.chars().take(max).collect();
    }
    s
}

/// The documented example if it conforms, else a generated value repaired until it
/// does (each failing spot replaced by its plain generated counterpart).
pub(crate) fn conforming(
    root: &Value,
    example: Option<&Value>,
    validator: Option<&Validator>,
) -> Value {
    let Some(validator) = validator else {
        return example
            .cloned()
            .unwrap_or_else(|| generate(root, root, Mode::Rich, 0));
    };
    if let Some(example) = example
        && validator.is_valid(example)
    {
        return example.clone();
    }
    repaired(root, generate(root, root, Mode::Rich, 0), validator)
}

/// A new object's answer where the request is silent: neutral values, repaired with
/// plain ones where the schema refuses them. Nothing comes from an example.
pub(crate) fn neutral(root: &Value, validator: Option<&Validator>) -> Value {
    let value = generate(root, root, Mode::Neutral, 0);
    match validator {
        Some(validator) => repaired(root, value, validator),
        None => value,
    }
}

/// `value` with each spot the validator refuses replaced by its plain counterpart.
fn repaired(root: &Value, mut value: Value, validator: &Validator) -> Value {
    let plain = generate(root, root, Mode::Plain, 0);
    for _ in 0..8 {
        let spots: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| e.instance_path().as_str().to_owned())
            .collect();
        if spots.is_empty() {
            return value;
        }
        let mut changed = false;
        for spot in spots {
            if let Some(replacement) = plain.pointer(&spot).cloned()
                && let Some(target) = value.pointer_mut(&spot)
                && *target != replacement
            {
                *target = replacement;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    if validator.is_valid(&plain) {
        plain
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_version_4_and_valid() {
        let id = uuid();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"));
        let schema = json!({"type": "string", "format": "uuid"});
        let v = crate::engine::spec::compile(&schema).expect("compiles");
        assert!(v.is_valid(&json!(id)));
    }

    #[test]
    fn recursive_definitions_end_instead_of_multiplying() {
        // Three ways for an agent to hold agents: unbounded expansion grew as 3^depth.
        let schema = json!({
            "$ref": "#/$defs/agent",
            "$defs": {"agent": {"type": "object", "properties": {
                "name": {"type": "string"},
                "children": {"type": "array", "items": {"$ref": "#/$defs/agent"}},
                "parents": {"type": "array", "items": {"$ref": "#/$defs/agent"}},
                "peer": {"$ref": "#/$defs/agent"}
            }}}
        });
        let value = generate(&schema, &schema, Mode::Rich, 0);
        assert_eq!(value["children"], json!([]));
        assert_eq!(value["peer"], json!({}));
        assert!(value.to_string().len() < 200, "{value}");
    }

    #[test]
    fn generated_values_honour_formats_and_bounds() {
        let schema = json!({
            "type": "object",
            "properties": {
                "ip": {"type": "string", "format": "ipv6", "example": "2001:db8:0:1010::30d401"},
                "at": {"type": "string", "format": "date-time"},
                "n": {"type": "integer", "minimum": 3, "maximum": 9},
                "s": {"type": "string", "minLength": 4}
            },
            "required": ["ip", "at", "n", "s"]
        });
        let v = crate::engine::spec::compile(&schema).expect("compiles");
        let value = conforming(&schema, None, Some(&v));
        assert!(v.is_valid(&value), "{value}");
        assert_eq!(value["n"], 3);
        assert_ne!(value["ip"], "2001:db8:0:1010::30d401");
    }
}
