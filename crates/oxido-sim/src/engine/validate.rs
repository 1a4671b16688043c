//! Checks parameters and bodies against the description, with errors naming the field.

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{ValidationError, Validator};
use serde_json::Value;

use super::generate::resolve;
use super::spec::{Location, Operation, Param};
use crate::wire::error::ApiError;
use crate::wire::page::MAX_PER_PAGE;

/// Longest excerpt of a client's value quoted back in an error.
const EXCERPT: usize = 40;

fn excerpt(value: &str) -> String {
    let mut s: String = value.chars().take(EXCERPT).collect();
    if value.chars().count() > EXCERPT {
        s.push('…');
    }
    s.chars().filter(|c| !c.is_control()).collect()
}

/// The JSON type a parameter's schema wants, for reading it from text.
fn wanted_type(param: &Param) -> &str {
    let schema = resolve(&param.schema, &param.schema);
    match schema.get("type") {
        Some(Value::String(t)) => t,
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("string"),
        _ => "string",
    }
}

/// Reads a parameter's text as the type its schema declares (text that does not
/// parse stays a string, so the schema check names the type it wanted).
fn typed(param: &Param, text: &str) -> Value {
    match wanted_type(param) {
        "integer" => text
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::String(text.to_owned())),
        "number" => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(|| Value::String(text.to_owned()), Value::Number),
        "boolean" => match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::String(text.to_owned()),
        },
        "array" => Value::Array(
            text.split(',')
                .map(|s| {
                    let items = resolve(&param.schema, &param.schema).get("items");
                    match items.and_then(|i| i.get("type")).and_then(Value::as_str) {
                        Some("integer") => s
                            .parse::<i64>()
                            .map(Value::from)
                            .unwrap_or_else(|_| Value::String(s.to_owned())),
                        _ => Value::String(s.to_owned()),
                    }
                })
                .collect(),
        ),
        _ => Value::String(text.to_owned()),
    }
}

fn check_param(param: &Param, text: &str) -> Result<Value, ApiError> {
    let value = typed(param, text);
    if let Some(validator) = &param.validator
        && let Err(error) = validator.validate(&value)
    {
        return Err(ApiError::bad_request(format!(
            "{}: {} (got '{}')",
            param.name,
            describe(&error),
            excerpt(text)
        )));
    }
    Ok(value)
}

/// Validates the path parameters (`values` in template order) and the query string.
pub(crate) fn params(
    op: &Operation,
    path_names: &[&str],
    values: &[String],
    query: &[(String, String)],
) -> Result<(), ApiError> {
    for (name, value) in path_names.iter().zip(values) {
        if let Some(param) = op.param(name, Location::Path) {
            check_param(param, value)?;
        }
    }
    for param in op.params.iter().filter(|p| p.location == Location::Query) {
        let given: Vec<&str> = query
            .iter()
            .filter(|(k, _)| *k == param.name || k.strip_suffix("[]") == Some(&param.name))
            .map(|(_, v)| v.as_str())
            .collect();
        if given.is_empty() {
            if param.required {
                return Err(ApiError::unprocessable(format!(
                    "{} is required as a query parameter.",
                    param.name
                )));
            }
            continue;
        }
        let text = given.join(",");
        match param.name.as_str() {
            // The API caps an oversized page instead of refusing it.
            "per_page" => {
                match text.parse::<u64>() {
                    Ok(n) if n >= 1 => check_param(param, &n.min(MAX_PER_PAGE).to_string())?,
                    _ => {
                        return Err(ApiError::unprocessable(format!(
                            "per_page must be a positive integer, got '{}'.",
                            excerpt(&text)
                        )));
                    }
                };
            }
            "page" => {
                if text.parse::<u64>().ok().is_none_or(|n| n < 1) {
                    return Err(ApiError::unprocessable(format!(
                        "page must be a positive integer, got '{}'.",
                        excerpt(&text)
                    )));
                }
            }
            "tag_name" if text.is_empty() => {
                return Err(ApiError::unprocessable(
                    "tag_name is required as a query parameter.",
                ));
            }
            _ => {
                check_param(param, &text)?;
            }
        }
    }
    Ok(())
}

/// Validates a JSON body against `validator`, compiled from `schema`.
pub(crate) fn body(validator: &Validator, schema: &Value, value: &Value) -> Result<(), ApiError> {
    match validator.validate(value) {
        Ok(()) => Ok(()),
        Err(error) => Err(ApiError::unprocessable(located(&error, schema))),
    }
}

/// The subschema of `root` at `path` (a validation error's schema path, which passes
/// through `$ref` segments where it follows a reference).
fn schema_at<'a>(root: &'a Value, path: &[String]) -> Option<&'a Value> {
    let mut node = root;
    for segment in path {
        node = if segment == "$ref" {
            resolve(root, node)
        } else {
            match node {
                Value::Object(map) => map.get(segment)?,
                Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
                _ => return None,
            }
        };
    }
    Some(resolve(root, node))
}

/// For a body matching none of the shapes of an `anyOf`/`oneOf` with a discriminator:
/// the index of the shape its discriminating member names, or the complaint that the
/// member names none.
enum Picked {
    Branch(usize),
    Unknown(String),
}

fn discriminated(error: &ValidationError<'_>, root: &Value) -> Option<Picked> {
    let path: Vec<String> = error.schema_path().iter().map(|s| s.to_string()).collect();
    let (last, parent) = path.split_last()?;
    let holder = schema_at(root, parent)?;
    let discriminator = holder.get("discriminator")?;
    let member = discriminator["propertyName"].as_str()?;
    let mapping = discriminator["mapping"].as_object()?;
    let shapes = holder.get(last.as_str())?.as_array()?;
    let given = error.instance().get(member)?;
    let mut field: Vec<String> = error
        .instance_path()
        .iter()
        .map(|s| s.to_string())
        .collect();
    field.push(member.to_owned());
    let Some(target) = given.as_str().and_then(|v| mapping.get(v)) else {
        let names: Vec<&str> = mapping.keys().map(String::as_str).collect();
        return Some(Picked::Unknown(format!(
            "{}: must be one of: {}",
            field.join("."),
            names.join(", ")
        )));
    };
    shapes
        .iter()
        .position(|shape| shape.get("$ref") == Some(target))
        .map(Picked::Branch)
}

/// `field.path: what is wrong`; for a body matching none of several shapes, the
/// complaint about the shape its discriminator (the `type` of a DNS record) names, else
/// the shape it came closest to.
pub(crate) fn located(error: &ValidationError<'_>, root: &Value) -> String {
    if let ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context } =
        error.kind()
    {
        match discriminated(error, root) {
            Some(Picked::Unknown(message)) => return message,
            Some(Picked::Branch(i)) => {
                // Every complaint about the named shape (a record missing both `name` and
                // `data` hears of both), a few at most.
                if let Some(branch) = context.get(i).filter(|b| !b.is_empty()) {
                    let all: Vec<String> =
                        branch.iter().take(4).map(|e| located(e, root)).collect();
                    return all.join("; ");
                }
            }
            None => {}
        }
        if let Some(closest) = context
            .iter()
            .filter(|branch| !branch.is_empty())
            .min_by_key(|branch| branch.len())
            && let Some(first) = closest.first()
        {
            return located(first, root);
        }
    }
    let mut field: Vec<String> = error
        .instance_path()
        .iter()
        .map(|s| s.to_string())
        .collect();
    if let ValidationErrorKind::Required { property } = error.kind() {
        field.push(
            property
                .as_str()
                .map_or_else(|| property.to_string(), str::to_owned),
        );
    }
    if field.is_empty() {
        format!("request body: {}", describe(error))
    } else {
        format!("{}: {}", field.join("."), describe(error))
    }
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// What is wrong, in words.
pub(crate) fn describe(error: &ValidationError<'_>) -> String {
    match error.kind() {
        ValidationErrorKind::Type { kind } => match kind {
            TypeKind::Single(t) => {
                let t = t.to_string();
                format!("must be {} {t}", article(&t))
            }
            TypeKind::Multiple(ts) => {
                let names: Vec<String> = ts
                    .iter()
                    .filter(|t| t.to_string() != "null")
                    .map(|t| t.to_string())
                    .collect();
                format!("must be one of the types {}", names.join(", "))
            }
        },
        ValidationErrorKind::Required { .. } => "is required".to_owned(),
        ValidationErrorKind::Enum { options } => {
            let list: Vec<String> = options
                .as_array()
                .into_iter()
                .flatten()
                .take(12)
                .map(|o| o.as_str().map_or_else(|| o.to_string(), str::to_owned))
                .collect();
            format!("must be one of: {}", list.join(", "))
        }
        ValidationErrorKind::Format { format } => format!("must be a valid {format}"),
        ValidationErrorKind::MinLength { limit } => format!("must be at least {limit} characters"),
        ValidationErrorKind::MaxLength { limit } => format!("must be at most {limit} characters"),
        ValidationErrorKind::Minimum { limit } => format!("must be at least {limit}"),
        ValidationErrorKind::Maximum { limit } => format!("must be at most {limit}"),
        ValidationErrorKind::ExclusiveMinimum { limit } => format!("must be greater than {limit}"),
        ValidationErrorKind::ExclusiveMaximum { limit } => format!("must be less than {limit}"),
        ValidationErrorKind::MinItems { limit } => format!("must have at least {limit} items"),
        ValidationErrorKind::MaxItems { limit } => format!("must have at most {limit} items"),
        ValidationErrorKind::Pattern { pattern } => format!("must match the pattern {pattern}"),
        ValidationErrorKind::OneOfNotValid { .. } | ValidationErrorKind::AnyOf { .. } => {
            "does not match any of the allowed shapes".to_owned()
        }
        ValidationErrorKind::OneOfMultipleValid { .. } => {
            "matches more than one of the allowed shapes".to_owned()
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            format!("unknown fields: {}", unexpected.join(", "))
        }
        ValidationErrorKind::UniqueItems => "must not repeat items".to_owned(),
        _ => error.to_string().chars().take(200).collect(),
    }
}
