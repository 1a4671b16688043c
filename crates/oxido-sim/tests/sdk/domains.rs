//! Domains and their records through the SDK.

use serde_json::json;

use super::common::*;

#[tokio::test]
async fn a_domain_and_its_records_are_created_changed_and_deleted() {
    let sim = sim().await;
    let client = client(&sim);
    let domains = client.domains();
    let made = domains
        .create(body(
            json!({"name": "sdk-test.example", "ip_address": "192.0.2.10"}),
        ))
        .await
        .expect("created");
    assert_eq!(made.name, "sdk-test.example");
    let read = domains.get("sdk-test.example").await.expect("read back");
    assert_eq!(read.name, "sdk-test.example");
    let listed = domains.list().per_page(200).send().await.expect("domains");
    assert!(listed.items.iter().any(|d| d.name == "sdk-test.example"));

    let before = domains
        .list_records("sdk-test.example")
        .per_page(200)
        .send()
        .await
        .expect("records")
        .items
        .len();
    let record = domains
        .create_record(
            "sdk-test.example",
            body(json!({"type": "A", "name": "www", "data": "192.0.2.20", "ttl": 1800})),
        )
        .await
        .expect("record created");
    let id = record.id.expect("a record id");
    assert_eq!(record.kind, "A");
    assert_eq!(record.data.as_deref(), Some("192.0.2.20"));
    let records = domains
        .list_records("sdk-test.example")
        .per_page(200)
        .send()
        .await
        .expect("records");
    assert_eq!(records.items.len(), before + 1);
    assert!(records.items.iter().any(|r| r.id == Some(id)));

    let patched = domains
        .patch_record(
            "sdk-test.example",
            id,
            body(json!({"type": "A", "data": "192.0.2.30"})),
        )
        .await
        .expect("patched");
    assert_eq!(patched.data.as_deref(), Some("192.0.2.30"));
    assert_eq!(
        patched.name.as_deref(),
        Some("www"),
        "a patch keeps the rest"
    );
    let updated = domains
        .update_record(
            "sdk-test.example",
            id,
            body(json!({"type": "A", "name": "web", "data": "192.0.2.40", "ttl": 600})),
        )
        .await
        .expect("updated");
    assert_eq!(updated.name.as_deref(), Some("web"));
    let read = domains
        .get_record("sdk-test.example", id)
        .await
        .expect("read back");
    assert_eq!(read.data.as_deref(), Some("192.0.2.40"));
    assert_eq!(read.ttl, Some(600));

    domains
        .delete_record("sdk-test.example", id)
        .await
        .expect("record deleted");
    let gone = domains
        .get_record("sdk-test.example", id)
        .await
        .expect_err("deleted");
    assert!(gone.is_not_found(), "{gone}");

    domains.delete("sdk-test.example").await.expect("deleted");
    let gone = domains.get("sdk-test.example").await.expect_err("deleted");
    assert!(gone.is_not_found(), "{gone}");
    let orphans = domains
        .list_records("sdk-test.example")
        .send()
        .await
        .expect_err("a deleted domain has no records");
    assert!(orphans.is_not_found(), "{orphans}");
}

#[tokio::test]
async fn records_are_filtered_by_type() {
    let sim = sim().await;
    let client = client(&sim);
    let domains = client.domains();
    domains
        .create(body(json!({"name": "filtered.example"})))
        .await
        .expect("created");
    for record in [
        json!({"type": "A", "name": "www", "data": "192.0.2.1"}),
        json!({"type": "A", "name": "api", "data": "192.0.2.2"}),
        json!({"type": "CNAME", "name": "docs", "data": "www.filtered.example."}),
        json!({"type": "TXT", "name": "www", "data": "v=spf1 -all"}),
    ] {
        domains
            .create_record("filtered.example", body(record))
            .await
            .expect("record created");
    }
    let a = domains
        .list_records("filtered.example")
        .r#type("A")
        .send()
        .await
        .expect("A records");
    let mut data: Vec<&str> = a.items.iter().filter_map(|r| r.data.as_deref()).collect();
    data.sort_unstable();
    assert_eq!(data, ["192.0.2.1", "192.0.2.2"]);
}

#[tokio::test]
async fn records_are_filtered_by_full_name() {
    let sim = sim().await;
    let client = client(&sim);
    let domains = client.domains();
    domains
        .create(body(json!({"name": "filtered.example"})))
        .await
        .expect("created");
    for record in [
        json!({"type": "A", "name": "www", "data": "192.0.2.1"}),
        json!({"type": "A", "name": "api", "data": "192.0.2.2"}),
        json!({"type": "TXT", "name": "www", "data": "v=spf1 -all"}),
    ] {
        domains
            .create_record("filtered.example", body(record))
            .await
            .expect("record created");
    }
    let www = domains
        .list_records("filtered.example")
        .name("www.filtered.example")
        .send()
        .await
        .expect("www records");
    let mut kinds: Vec<&str> = www.items.iter().map(|r| r.kind.as_str()).collect();
    kinds.sort_unstable();
    assert_eq!(kinds, ["A", "TXT"]);
}
