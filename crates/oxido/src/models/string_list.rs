//! Decoding a JSON array of strings into a `Vec<String>` sized once.
//!
//! JSON does not say how long an array is, so serde's own `Vec` decoding starts empty and grows 4 → 8 → 16,
//! copying the strings it has each time. The region lists (`features`, `sizes`) that every action carries hold
//! about 5 to 30 entries, so starting at [`FIRST_CAPACITY`] saves those copies on nearly every answer.

use serde::de::{Deserializer, SeqAccess, Visitor};

/// The capacity reserved when the first string arrives.
const FIRST_CAPACITY: usize = 16;

/// `deserialize_with` for a `Vec<String>` field: the same result as serde's own, with fewer reallocations.
pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<String>, D::Error> {
    struct StringList;

    impl<'de> Visitor<'de> for StringList {
        type Value = Vec<String>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a sequence")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
            let Some(first) = seq.next_element::<String>()? else {
                return Ok(Vec::new());
            };
            // A format that knows the length (not JSON) gets it exactly; the hint is capped as serde does,
            // so a hostile length cannot reserve memory before the strings arrive.
            let hinted = seq.size_hint().unwrap_or(0).min(4096).saturating_add(1);
            let mut items = Vec::with_capacity(hinted.max(FIRST_CAPACITY));
            items.push(first);
            while let Some(item) = seq.next_element()? {
                items.push(item);
            }
            Ok(items)
        }
    }

    deserializer.deserialize_seq(StringList)
}

#[cfg(test)]
mod tests {
    use crate::models::Region;

    fn region(features: &str) -> Result<Region, serde_json::Error> {
        serde_json::from_str(&format!(
            r#"{{"name":"N","slug":"n1","available":true,"features":{features}}}"#
        ))
    }

    #[test]
    fn lists_of_any_length_decode_as_serde_would() {
        for len in [0usize, 1, 15, 16, 17, 40] {
            let items: Vec<String> = (0..len).map(|n| format!("f{n}")).collect();
            let json = serde_json::to_string(&items).expect("json");
            let decoded = region(&json).expect("decodes");
            assert_eq!(decoded.features, items, "{len}");
            assert!(decoded.sizes.is_empty(), "an absent list is empty");
            // A deserializer that knows the length (a `Value`) gives the same.
            let value: serde_json::Value = serde_json::from_str(&format!(
                r#"{{"name":"N","slug":"n1","available":true,"sizes":{json}}}"#
            ))
            .expect("value");
            let from_value: Region = serde_json::from_value(value).expect("from value");
            assert_eq!(from_value.sizes, items, "{len}");
        }
    }

    #[test]
    fn a_bad_list_is_refused_as_before() {
        for bad in [r#"["a", 7]"#, r#""a""#, "null", r#"{"a":1}"#] {
            let err = region(bad).expect_err(bad).to_string();
            assert!(err.contains("expected"), "{bad}: {err}");
        }
    }
}
