//! SSH keys: a new key's `fingerprint` is derived from its own public key, so keys
//! are found by fingerprint and two keys never share one.

use std::hash::{DefaultHasher, Hash, Hasher};

use serde_json::Value;

/// 16 bytes derived from the key's blob (the second field of `ssh-ed25519 AAAA… name`),
/// written as the API writes fingerprints: colon-separated hex pairs.
///
/// Used only where a key did not parse (`semantics::fingerprint` is the MD5 one).
fn fingerprint(public_key: &str) -> String {
    let blob = public_key.split_whitespace().nth(1).unwrap_or(public_key);
    let mut bytes = Vec::with_capacity(16);
    for half in 0u8..2 {
        let mut hasher = DefaultHasher::new();
        half.hash(&mut hasher);
        blob.hash(&mut hasher);
        bytes.extend_from_slice(&hasher.finish().to_be_bytes());
    }
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

pub(super) fn created(object: &mut Value) {
    let Some(key) = object.get("public_key").and_then(Value::as_str) else {
        return;
    };
    // Keys are parsed before they are stored; the hash is only for a key that was not.
    let print = super::semantics::fingerprint(key).unwrap_or_else(|| fingerprint(key));
    if let Some(map) = object.as_object_mut() {
        map.insert("fingerprint".into(), Value::String(print));
    }
}

#[cfg(test)]
mod tests {
    use super::fingerprint;

    #[test]
    fn fingerprints_follow_the_key_blob_only() {
        let a = fingerprint("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA one@host");
        assert_eq!(a.len(), 47);
        assert_eq!(
            a,
            fingerprint("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA other@host")
        );
        assert_ne!(
            a,
            fingerprint("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB one@host")
        );
    }
}
