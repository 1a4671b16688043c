//! Lists in answers: one the API leaves out or sends as `null` is an empty list.

use serde::Deserialize as _;

/// `deserialize_with` for a `Vec<T>` answer field (with `#[serde(default)]` for an absent one): `null`
/// decodes as empty too, so callers never tell "none" apart from "not sent".
#[allow(dead_code)] // a build with no service enabled has no answer lists
pub(crate) fn null_as_empty<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(deserializer)?.unwrap_or_default())
}
