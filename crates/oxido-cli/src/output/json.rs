//! JSON output: the API's own JSON, re-indented and otherwise untouched.
//!
//! The SDK hands over each answer's body byte for byte (`oxido::Response`). The object or
//! array of interest is cut out of the API's envelope (`{"action": {...}}`) as raw text
//! (`RawValue`), and only whitespace is changed when printing it: fields the models do not
//! know, their order, timestamp offsets and number spellings all stay as the API sent them.

use std::collections::HashMap;
use std::io;

use serde::Serialize;
use serde_json::value::RawValue;

use crate::error::CliError;

/// Pretty JSON of a value this binary builds itself (not the API's), ending in a newline.
pub fn pretty<T: Serialize + ?Sized>(value: &T) -> io::Result<String> {
    let mut text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
    text.push('\n');
    Ok(text)
}

/// One member of an API answer's envelope, e.g. `action` of `{"action": {...}}`, as sent.
pub fn member(body: &[u8], key: &str) -> Result<Box<RawValue>, CliError> {
    let mut envelope: HashMap<String, Box<RawValue>> =
        serde_json::from_slice(body).map_err(|e| decode_error(key, &e))?;
    envelope
        .remove(key)
        .ok_or_else(|| CliError::Unexpected(format!("the answer has no `{key}` member")))
}

/// The elements of an array member, e.g. `actions` of `{"actions": [...]}`, each as sent.
pub fn member_items(body: &[u8], key: &str) -> Result<Vec<Box<RawValue>>, CliError> {
    let array = member(body, key)?;
    serde_json::from_str(array.get()).map_err(|e| decode_error(key, &e))
}

fn decode_error(key: &str, error: &serde_json::Error) -> CliError {
    CliError::Unexpected(format!("reading `{key}` from the answer: {error}"))
}

/// One value as sent, pretty-printed, ending in a newline.
pub fn raw(value: &RawValue) -> String {
    let mut out = reindent(value.get());
    out.push('\n');
    out
}

/// An array of values as sent, pretty-printed, ending in a newline (`[]` when empty).
pub fn raw_array(values: &[Box<RawValue>]) -> String {
    let joined: Vec<&str> = values.iter().map(|v| v.get()).collect();
    let mut out = reindent(&format!("[{}]", joined.join(",")));
    out.push('\n');
    out
}

const INDENT: &str = "  ";

/// Lays valid JSON text out the way `serde_json::to_string_pretty` does (two spaces,
/// `"key": value`, `{}` and `[]` for empty ones), copying every token verbatim.
fn reindent(json: &str) -> String {
    let mut out = String::with_capacity(json.len() * 2);
    let mut depth = 0usize;
    let mut chars = json.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str(INDENT);
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push('"');
                while let Some(c) = chars.next() {
                    out.push(c);
                    match c {
                        '\\' => {
                            if let Some(escaped) = chars.next() {
                                out.push(escaped);
                            }
                        }
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '{' | '[' => {
                out.push(c);
                while chars.peek().is_some_and(|c| c.is_ascii_whitespace()) {
                    chars.next();
                }
                let close = if c == '{' { '}' } else { ']' };
                if chars.peek() == Some(&close) {
                    chars.next();
                    out.push(close);
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(',');
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_ascii_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_arrays_and_end_with_a_newline() {
        assert_eq!(pretty(&[1, 2]).unwrap(), "[\n  1,\n  2\n]\n");
        let empty: [u8; 0] = [];
        assert_eq!(pretty(&empty).unwrap(), "[]\n");
        assert_eq!(raw_array(&[]), "[]\n");
    }

    #[test]
    fn reindenting_matches_serde_json_pretty_for_the_same_value() {
        let text = r#" {"b":1,"a":[ ],"c":{ },"d":[1,{"x":null,"y":[true,false]}],
                        "e":"a,b:{c}[d] \"q\" \\","f":-1.5e3} "#;
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        let ours = reindent(text);
        let back: serde_json::Value = serde_json::from_str(&ours).unwrap();
        assert_eq!(back, value);
        // Same layout as serde_json's; only the key order (kept here) and the number
        // spelling (kept here) may differ from a re-serialised value.
        assert!(
            ours.starts_with("{\n  \"b\": 1,\n  \"a\": [],\n  \"c\": {},\n"),
            "{ours}"
        );
        assert!(ours.contains("\"f\": -1.5e3\n}"), "{ours}");
        assert!(ours.contains(r#""e": "a,b:{c}[d] \"q\" \\","#), "{ours}");
    }

    #[test]
    fn members_keep_unknown_fields_offsets_and_order() {
        let body = br#"{"action":{"id":1,"zeta":true,"started_at":"2020-11-14T16:29:21+02:00","new_field":{"k":1.50}},"links":{}}"#;
        let action = member(body, "action").unwrap();
        assert_eq!(
            raw(&action),
            "{\n  \"id\": 1,\n  \"zeta\": true,\n  \"started_at\": \"2020-11-14T16:29:21+02:00\",\n  \
             \"new_field\": {\n    \"k\": 1.50\n  }\n}\n"
        );
        assert!(member(body, "actions").is_err());
        let list = br#"{"actions":[{"id":1},{"id":2,"x":"y"}],"meta":{"total":2}}"#;
        let items = member_items(list, "actions").unwrap();
        assert_eq!(
            raw_array(&items),
            "[\n  {\n    \"id\": 1\n  },\n  {\n    \"id\": 2,\n    \"x\": \"y\"\n  }\n]\n"
        );
    }
}
