//! Where the emulator accepts what the API accepts although the description is
//! stricter: each operation's schemas are amended as they are parsed.

use serde_json::Value;

/// Where the emulator accepts what the API accepts although the description is stricter:
/// `data/deviations.json`, one row per change to an operation's schemas, each with the
/// evidence from the clients that run against the API (godo, doctl, Terraform); `"in":
/// "response"` rows widen what an answer may hold where the API answers more. Rows
/// `"in": "behaviour"` change no schema: they record a decision the hand-written
/// behaviours carry out (or deliberately do not, such as refusing a duplicate name),
/// with its evidence.
pub(super) static DEVIATIONS: std::sync::LazyLock<Vec<Value>> = std::sync::LazyLock::new(|| {
    serde_json::from_str(include_str!("../../data/deviations.json"))
        .expect("data/deviations.json is a JSON array (checked by a unit test)")
});

/// Applies the deviations of operation `id` to its parsed description (`detail`).
pub(crate) fn deviate(id: &str, detail: &mut Value) {
    for row in DEVIATIONS.iter().filter(|r| r["operation"] == id) {
        let place = row["in"].as_str().unwrap_or_default();
        let target = if place == "request" {
            detail.pointer_mut("/request/schema")
        } else if place == "response" {
            detail.pointer_mut("/response/schema")
        } else if let Some(name) = place.strip_prefix("param:") {
            detail
                .get_mut("params")
                .and_then(Value::as_array_mut)
                .and_then(|ps| ps.iter_mut().find(|p| p["name"] == name))
                .and_then(|p| p.get_mut("schema"))
        } else {
            None
        };
        let Some(target) = target else { continue };
        let pointer = row["pointer"].as_str().unwrap_or_default();
        let (parent, last) = pointer.rsplit_once('/').unwrap_or(("", pointer));
        if let Some(Value::String(gone)) = row.get("remove")
            && let Some(Value::Array(items)) = target.pointer_mut(pointer)
        {
            items.retain(|v| v.as_str() != Some(gone));
        }
        if let Some(value) = row.get("set") {
            if let Some(slot) = target.pointer_mut(pointer) {
                *slot = value.clone();
            } else if let Some(Value::Object(map)) = target.pointer_mut(parent) {
                // A member the description lacks, such as a discriminator's extra mapping.
                map.insert(last.to_owned(), value.clone());
            }
        }
        if let Some(Value::Array(names)) = row.get("nullable")
            && let Some(Value::Object(properties)) = target.pointer_mut(pointer)
        {
            // Each named property may also be null, which the update reads as "unchanged".
            for name in names.iter().filter_map(Value::as_str) {
                if let Some(Value::Object(property)) = properties.get_mut(name)
                    && let Some(Value::String(kind)) = property.get("type").cloned()
                {
                    property.insert("type".into(), serde_json::json!([kind, "null"]));
                    if let Some(Value::Array(allowed)) = property.get_mut("enum") {
                        allowed.push(Value::Null);
                    }
                }
            }
        }
        if row["delete"] == true
            && let Some(Value::Object(map)) = target.pointer_mut(parent)
        {
            map.remove(last);
        }
        if let Some([Value::String(from), Value::String(to)]) = row
            .get("rename")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            && let Some(Value::Object(map)) = target.pointer_mut(pointer)
            && let Some(moved) = map.remove(from)
        {
            map.insert(to.clone(), moved);
        }
    }
}
