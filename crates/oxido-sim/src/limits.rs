//! Bounds on everything a client can make the emulator keep in memory.
//!
//! The emulator lives as long as a test suite or a shared dev server, so any field
//! it stores, and any collection of stored objects, has a cap: a token may not grow
//! memory without limit. Where the API documents a bound (name length, tag length
//! and characters, `user_data` size, UUID formats) the emulator applies exactly it;
//! where the API documents none (how many tags or SSH keys one request may carry,
//! how many objects one account may hold) the emulator picks a generous bound that
//! no real workflow reaches and says so in the error.
//!
//! This is the rule for every route, hand-written or generic: a specific field is
//! checked with the helper for its kind (`name`, `tag`, `uuid`, `bounded_str`,
//! `bounded_array`), and any other JSON value the emulator stores goes through
//! [`check_stored`], which bounds string sizes, array lengths, nesting depth and
//! the total size. Objects per account and collection stop at
//! [`MAX_OBJECTS_PER_ACCOUNT`].

use serde_json::Value;

use crate::refusal::Refusal;

/// Largest request body accepted.
pub(crate) const MAX_BODY_BYTES: usize = 1 << 20;

/// Longest resource name (the API's `maxLength` for droplet names).
pub(crate) const MAX_NAME_BYTES: usize = 255;
/// Longest tag name (the API's documented limit).
pub(crate) const MAX_TAG_BYTES: usize = 255;
/// Most tags on one resource (no documented API limit; the emulator's bound).
pub(crate) const MAX_TAGS: usize = 64;
/// Largest `user_data` (the API's documented 64 KiB).
pub(crate) const MAX_USER_DATA_BYTES: usize = 64 * 1024;
/// Most items in any other array of ids or names in a request, e.g. `ssh_keys`
/// or `volumes` (no documented API limit; the emulator's bound).
pub(crate) const MAX_ARRAY_ITEMS: usize = 64;
/// Longest string in a field without a documented bound of its own.
pub(crate) const MAX_STRING_BYTES: usize = 64 * 1024;
/// Deepest nesting of a stored JSON value.
pub(crate) const MAX_DEPTH: usize = 16;
/// Largest stored JSON value, serialized.
pub(crate) const MAX_STORED_BYTES: usize = 256 * 1024;
/// Most objects of one kind (droplets, ...) one account may hold at once.
pub(crate) const MAX_OBJECTS_PER_ACCOUNT: usize = 1000;
/// Volumes attached to one Droplet at once, as the API allows.
pub(crate) const MAX_VOLUMES_PER_DROPLET: usize = 7;

/// A UUID in its canonical 8-4-4-4-12 hexadecimal form.
pub(crate) fn uuid(field: &str, value: &str) -> Result<(), Refusal> {
    let groups: Vec<&str> = value.split('-').collect();
    let shape = [8, 4, 4, 4, 12];
    let ok = groups.len() == shape.len()
        && groups
            .iter()
            .zip(shape)
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()));
    if ok {
        Ok(())
    } else {
        Err(Refusal::invalid(format!(
            "{field} must be a UUID such as 760e09ef-dc84-11e8-981e-3cfdfeaae000."
        )))
    }
}

/// A tag name: 1-255 letters, digits, `:`, `-` and `_`, as the API documents.
pub(crate) fn tag(field: &str, value: &str) -> Result<(), Refusal> {
    let ok = !value.is_empty()
        && value.len() <= MAX_TAG_BYTES
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-:".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(Refusal::invalid(format!(
            "{field}: a tag is 1-{MAX_TAG_BYTES} letters, digits, ':', '-' and '_'."
        )))
    }
}

/// Applies (`assign`) or removes `tag` in a resource's `tags`, a valid tag within the
/// per-resource cap; whether they changed.
pub(crate) fn set_tag(tags: &mut Vec<String>, tag: &str, assign: bool) -> Result<bool, Refusal> {
    let has = tags.iter().any(|t| t == tag);
    if assign && !has {
        self::tag("tag", tag)?;
        // One more must still fit under the cap.
        bounded_array("tags", tags, MAX_TAGS - 1)?;
        tags.push(tag.to_owned());
        return Ok(true);
    }
    if !assign && has {
        tags.retain(|t| t != tag);
        return Ok(true);
    }
    Ok(false)
}

/// A string of at most `max` bytes.
pub(crate) fn bounded_str(field: &str, value: &str, max: usize) -> Result<(), Refusal> {
    if value.len() <= max {
        Ok(())
    } else {
        Err(Refusal::invalid(format!(
            "{field} must be at most {max} bytes long, got {}.",
            value.len()
        )))
    }
}

/// An array of at most `max` items.
pub(crate) fn bounded_array<T>(field: &str, items: &[T], max: usize) -> Result<(), Refusal> {
    if items.len() <= max {
        Ok(())
    } else {
        Err(Refusal::invalid(format!(
            "{field} may hold at most {max} items, got {}.",
            items.len()
        )))
    }
}

/// Room for one more object when an account holds `held` of that kind.
pub(crate) fn room_for_one(kind: &str, held: usize) -> Result<(), Refusal> {
    if held < MAX_OBJECTS_PER_ACCOUNT {
        Ok(())
    } else {
        Err(Refusal::invalid(format!(
            "This account already has {held} {kind}, the emulator's limit; delete some first."
        )))
    }
}

/// Checks any JSON value before it is stored: strings of at most
/// [`MAX_STRING_BYTES`], arrays of at most [`MAX_ARRAY_ITEMS`] items, objects of at
/// most [`MAX_ARRAY_ITEMS`] members, at most [`MAX_DEPTH`] levels, and at most
/// [`MAX_STORED_BYTES`] in all. `field` names the value in the error.
#[allow(
    dead_code,
    reason = "the generic engine's entry point; hand-written routes check fields one by one"
)]
pub(crate) fn check_stored(field: &str, value: &Value) -> Result<(), Refusal> {
    let mut total = 0usize;
    walk(field, value, 0, &mut total)
}

fn walk(path: &str, value: &Value, depth: usize, total: &mut usize) -> Result<(), Refusal> {
    if depth > MAX_DEPTH {
        return Err(Refusal::invalid(format!(
            "{path} is nested more than {MAX_DEPTH} levels deep."
        )));
    }
    // Scalars are counted at their serialized size, give or take quoting.
    let own = match value {
        Value::Null | Value::Bool(_) | Value::Number(_) => 8,
        Value::String(s) => {
            bounded_str(path, s, MAX_STRING_BYTES)?;
            s.len() + 2
        }
        Value::Array(items) => {
            bounded_array(path, items, MAX_ARRAY_ITEMS)?;
            for (i, item) in items.iter().enumerate() {
                walk(&format!("{path}[{i}]"), item, depth + 1, total)?;
            }
            2
        }
        Value::Object(map) => {
            if map.len() > MAX_ARRAY_ITEMS {
                return Err(Refusal::invalid(format!(
                    "{path} may hold at most {MAX_ARRAY_ITEMS} members, got {}.",
                    map.len()
                )));
            }
            for (key, item) in map {
                bounded_str(path, key, MAX_NAME_BYTES)?;
                *total = total.saturating_add(key.len() + 3);
                walk(&format!("{path}.{key}"), item, depth + 1, total)?;
            }
            2
        }
    };
    *total = total.saturating_add(own);
    if *total > MAX_STORED_BYTES {
        return Err(Refusal::invalid(format!(
            "{path}: the value is larger than {MAX_STORED_BYTES} bytes."
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn uuids_must_have_the_canonical_shape() {
        assert!(uuid("vpc_uuid", "760e09ef-dc84-11e8-981e-3cfdfeaae000").is_ok());
        assert!(uuid("vpc_uuid", "760E09EF-DC84-11E8-981E-3CFDFEAAE000").is_ok());
        for bad in [
            "",
            "760e09ef",
            "760e09ef-dc84-11e8-981e-3cfdfeaae0000",
            "760e09ef-dc84-11e8-981e-3cfdfeaae00g",
            "760e09efdc8411e8981e3cfdfeaae000",
            &"a".repeat(1000),
        ] {
            let err = uuid("vpc_uuid", bad).unwrap_err();
            assert!(matches!(err, Refusal::Invalid(_)), "{err:?}");
            assert!(err.message().contains("vpc_uuid"), "{}", err.message());
        }
    }

    #[test]
    fn tags_follow_the_documented_pattern_and_length() {
        assert!(tag("tags", "env:prod_1-a").is_ok());
        assert!(tag("tags", &"a".repeat(255)).is_ok());
        assert!(tag("tags", &"a".repeat(256)).is_err());
        assert!(tag("tags", "").is_err());
        assert!(tag("tags", "a b").is_err());
        assert!(tag("tags", "é").is_err());
    }

    #[test]
    fn stored_values_are_bounded_in_every_dimension() {
        assert!(check_stored("x", &json!({"a": [1, "two", {"b": null}]})).is_ok());
        let long = json!("a".repeat(MAX_STRING_BYTES + 1));
        assert!(check_stored("x", &long).is_err());
        let wide = json!(vec![0; MAX_ARRAY_ITEMS + 1]);
        assert!(check_stored("x", &wide).is_err());
        let mut deep = json!(0);
        for _ in 0..=MAX_DEPTH {
            deep = json!([deep]);
        }
        let err = check_stored("x", &deep).unwrap_err();
        assert!(err.message().contains("nested"), "{}", err.message());
        // Many strings each under the bound still hit the total.
        let chunk = "a".repeat(MAX_STRING_BYTES);
        let big = json!([chunk, chunk, chunk, chunk, chunk]);
        let err = check_stored("x", &big).unwrap_err();
        assert!(err.message().contains("larger than"), "{}", err.message());
    }

    #[test]
    fn accounts_hold_a_bounded_number_of_objects() {
        assert!(room_for_one("droplets", MAX_OBJECTS_PER_ACCOUNT - 1).is_ok());
        let err = room_for_one("droplets", MAX_OBJECTS_PER_ACCOUNT).unwrap_err();
        assert!(err.message().contains("droplets"), "{}", err.message());
    }
}
