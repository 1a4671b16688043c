//! `-o yaml`: the same document `-o json` prints, as YAML.
//!
//! The API's JSON text is parsed into a `serde_json::Value` and written by serde-saphyr, so
//! every field the API sent is there (numbers keep their value; object keys come out sorted).

use std::io;

/// YAML for one JSON document, ending in a newline.
pub fn from_json(json_text: &str) -> io::Result<String> {
    let value: serde_json::Value = serde_json::from_str(json_text).map_err(io::Error::other)?;
    let mut text = serde_saphyr::to_string(&value).map_err(io::Error::other)?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_becomes_equivalent_yaml() {
        let yaml = from_json(
            r#"{"id":3164444,"name":"web: 1","tags":["a","b"],"empty":[],"none":null,"ok":true,"size":{"slug":"s-1","price":5.5}}"#,
        )
        .unwrap();
        assert!(yaml.contains("id: 3164444\n"), "{yaml}");
        // Members keep the answer's order.
        assert!(
            yaml.contains("size:\n  slug: s-1\n  price: 5.5\n"),
            "{yaml}"
        );
        // A value that would read as YAML syntax is quoted.
        assert!(
            yaml.contains("name: \"web: 1\"") || yaml.contains("name: 'web: 1'"),
            "{yaml}"
        );
        assert!(yaml.contains("- a\n"), "{yaml}");
        assert!(yaml.ends_with('\n'));
    }

    #[test]
    fn lists_are_sequences() {
        let yaml = from_json(r#"[{"id":1},{"id":2}]"#).unwrap();
        assert!(yaml.starts_with("- id: 1\n- id: 2"), "{yaml}");
        assert_eq!(from_json("[]").unwrap().trim(), "[]");
    }
}
