//! SSH keys through the SDK: added, found by id and by fingerprint, renamed and removed.

use serde_json::json;

use super::common::*;

const PUBLIC_KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHn1aUNHGIYr6Oxz0DG53FaOQ5Zw4J0JLEmuvFxWzCO0 sdk@test";

#[tokio::test]
async fn an_ssh_key_is_added_found_renamed_and_removed() {
    let sim = sim().await;
    let client = client(&sim);
    let keys = client.ssh_keys();
    let made = keys
        .create(body(json!({"name": "laptop", "public_key": PUBLIC_KEY})))
        .await
        .expect("added");
    let id = made.id;
    assert_eq!(made.name, "laptop");
    assert_eq!(made.public_key, PUBLIC_KEY);
    let by_id = keys.get(&id.to_string()).await.expect("by id");
    assert_eq!(by_id.name, "laptop");
    let renamed = keys
        .update(&id.to_string(), body(json!({"name": "desktop"})))
        .await
        .expect("renamed");
    assert_eq!(renamed.name, "desktop");
    assert_eq!(renamed.public_key, PUBLIC_KEY, "the key itself stays");
    let listed = keys.list().per_page(200).send().await.expect("keys");
    assert!(
        listed
            .items
            .iter()
            .any(|k| k.id == id && k.name == "desktop")
    );
    keys.delete(&id.to_string()).await.expect("removed");
    let gone = keys.get(&id.to_string()).await.expect_err("removed");
    assert!(gone.is_not_found(), "{gone}");
}

#[tokio::test]
async fn an_ssh_key_is_found_by_its_own_fingerprint() {
    let sim = sim().await;
    let client = client(&sim);
    let made = client
        .ssh_keys()
        .create(body(json!({"name": "laptop", "public_key": PUBLIC_KEY})))
        .await
        .expect("added");
    let fingerprint = made.fingerprint.clone();
    let by_print = client
        .ssh_keys()
        .get(&fingerprint)
        .await
        .expect("by fingerprint");
    assert_eq!(by_print.id, made.id);
    assert_eq!(by_print.public_key, PUBLIC_KEY);
}
