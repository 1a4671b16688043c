//! The emulator's own bounds on every request body it may store, where the description
//! states none (a stated `maxItems` or `maxLength` is the schema validator's): tags per
//! object, names, the items of any other array, an object's members and the nesting.
//! Going over one is a 422 that names the field, before anything is validated further
//! or stored, so memory stays bounded whatever a client sends.

use serde_json::Value;

use crate::limits::{MAX_NAME_BYTES, MAX_TAGS};
use crate::wire::error::ApiError;

/// Most items in any array other than `tags`.
pub(crate) const MAX_ITEMS: usize = 1_000;
/// Most members of one JSON object.
pub(crate) const MAX_MEMBERS: usize = 1_000;
/// Deepest nesting of a body.
pub(crate) const MAX_DEPTH: usize = 32;

/// The first bound `body` goes over, as a 422 naming the field by its path.
pub(crate) fn check(body: &Value) -> Result<(), ApiError> {
    walk(body, &mut Vec::new())
}

fn named(path: &[String]) -> String {
    if path.is_empty() {
        "body".to_owned()
    } else {
        path.join(".")
    }
}

fn walk(value: &Value, path: &mut Vec<String>) -> Result<(), ApiError> {
    if path.len() > MAX_DEPTH {
        return Err(ApiError::unprocessable(format!(
            "{}: nested more than {MAX_DEPTH} levels deep",
            named(path)
        )));
    }
    let last = path.last().map(String::as_str);
    match value {
        Value::Array(items) => {
            let bound = if last == Some("tags") {
                MAX_TAGS
            } else {
                MAX_ITEMS
            };
            if items.len() > bound {
                return Err(ApiError::unprocessable(format!(
                    "{}: at most {bound} items, got {}",
                    named(path),
                    items.len()
                )));
            }
            for (i, item) in items.iter().enumerate() {
                path.push(i.to_string());
                let checked = walk(item, path);
                path.pop();
                checked?;
            }
        }
        Value::Object(map) => {
            if map.len() > MAX_MEMBERS {
                return Err(ApiError::unprocessable(format!(
                    "{}: at most {MAX_MEMBERS} members, got {}",
                    named(path),
                    map.len()
                )));
            }
            for (key, member) in map {
                path.push(key.clone());
                let checked = walk(member, path);
                path.pop();
                checked?;
            }
        }
        Value::String(s) if last == Some("name") && s.len() > MAX_NAME_BYTES => {
            return Err(ApiError::unprocessable(format!(
                "{}: at most {MAX_NAME_BYTES} bytes, got {}",
                named(path),
                s.len()
            )));
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::check;

    #[test]
    fn each_bound_names_its_field() {
        let tags: Vec<String> = (0..65).map(|i| format!("t{i}")).collect();
        let error = check(&json!({"tags": tags})).expect_err("65 tags");
        assert_eq!(error.message, "tags: at most 64 items, got 65");
        let ids: Vec<u32> = (0..1001).collect();
        let error = check(&json!({"spec": {"droplet_ids": ids}})).expect_err("1001 ids");
        assert_eq!(
            error.message,
            "spec.droplet_ids: at most 1000 items, got 1001"
        );
        let error = check(&json!({"items": [{"name": "n".repeat(256)}]})).expect_err("name");
        assert_eq!(error.message, "items.0.name: at most 255 bytes, got 256");
        let mut deep = json!(1);
        for _ in 0..40 {
            deep = json!([deep]);
        }
        assert!(check(&deep).is_err());
        assert!(check(&json!({"tags": ["a"], "name": "ok", "rules": [1, 2, 3]})).is_ok());
    }
}
