//! The generated models' shapes (issue 17, item 2): comparable values, lists an answer may leave out,
//! fields the API always sends, and request bodies without the API's read-only fields.

use oxido::types::{DomainRequest, Firewall, FirewallRequest, VolumeFull};
use serde_json::json;

fn firewall_answer() -> serde_json::Value {
    json!({
        "id": "bb4b2611-3d72-467b-8602-280330ecd65c",
        "name": "firewall",
        "status": "succeeded",
        "created_at": "2017-05-23T21:24:00Z",
        "droplet_ids": [8043964],
        "tags": null
    })
}

fn assert_eq_type<T: Eq>() {}

#[test]
fn models_compare_with_eq() {
    assert_eq_type::<Firewall>();
    assert_eq_type::<FirewallRequest>();
    let a: Firewall = serde_json::from_value(firewall_answer()).expect("decodes");
    let b: Firewall = serde_json::from_value(firewall_answer()).expect("decodes");
    assert_eq!(a, b);
    let mut renamed = b.clone();
    renamed.name = "other".to_owned();
    assert_ne!(a, renamed);
}

#[test]
fn an_absent_or_null_list_in_an_answer_decodes_as_empty() {
    let firewall: Firewall = serde_json::from_value(firewall_answer()).expect("decodes");
    // `tags` is null, `inbound_rules` and `pending_changes` are absent.
    assert!(firewall.tags.is_empty());
    assert!(firewall.inbound_rules.is_empty());
    assert!(firewall.pending_changes.is_empty());
    assert_eq!(firewall.droplet_ids, [8043964]);
    // Encoded again, an empty list is left out, as the API leaves it out.
    let again = serde_json::to_value(&firewall).expect("encodes");
    assert!(again.get("tags").is_none(), "{again}");
    assert_eq!(again["droplet_ids"], json!([8043964]));
}

#[test]
fn fields_the_api_always_sends_are_plain_values() {
    let firewall: Firewall = serde_json::from_value(firewall_answer()).expect("decodes");
    let id: &str = &firewall.id;
    assert_eq!(id, "bb4b2611-3d72-467b-8602-280330ecd65c");
    assert_eq!(firewall.created_at.as_second(), 1_495_574_640);
    let mut without_id = firewall_answer();
    without_id.as_object_mut().expect("an object").remove("id");
    let error = serde_json::from_value::<Firewall>(without_id).expect_err("no id");
    assert!(error.to_string().contains("`id`"), "{error}");

    let volume: VolumeFull = serde_json::from_value(json!({
        "id": "506f78a4-e098-11e5-ad9f-000f53306ae1",
        "name": "example",
        "created_at": "2020-03-02T17:00:49Z"
    }))
    .expect("decodes");
    let id: String = volume.id;
    assert_eq!(id, "506f78a4-e098-11e5-ad9f-000f53306ae1");
    assert!(volume.droplet_ids.is_empty());
}

#[test]
fn request_bodies_have_no_read_only_fields() {
    // Every field set: the keys are exactly what a caller may send.
    let body = FirewallRequest {
        name: Some("web".to_owned()),
        droplet_ids: Some(vec![1]),
        tags: Some(vec!["frontend".to_owned()]),
        inbound_rules: Some(vec![]),
        outbound_rules: Some(vec![]),
    };
    let sent = serde_json::to_value(&body).expect("encodes");
    let mut keys: Vec<&str> = sent
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "droplet_ids",
            "inbound_rules",
            "name",
            "outbound_rules",
            "tags"
        ]
    );
    // A list set empty in a body is sent as `[]`: an update may clear with it.
    assert_eq!(sent["inbound_rules"], json!([]));
    // A read-only field in a request example is not kept: the body type has no place for it.
    let domain: DomainRequest = serde_json::from_value(json!({
        "name": "example.com", "ip_address": "192.0.2.1", "ttl": 1800, "zone_file": "…"
    }))
    .expect("decodes");
    let sent = serde_json::to_value(&domain).expect("encodes");
    assert_eq!(
        sent,
        json!({"name": "example.com", "ip_address": "192.0.2.1"})
    );
}
