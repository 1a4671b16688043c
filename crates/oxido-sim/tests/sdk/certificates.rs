//! Certificates through the SDK: a Let's Encrypt certificate from `pending` to
//! `verified`, listed by name, deleted.

use serde_json::json;

use super::common::*;

#[tokio::test]
async fn a_lets_encrypt_certificate_is_verified_then_deleted() {
    let sim = sim().await;
    let client = client(&sim);
    let certificates = client.certificates();
    let made = certificates
        .create(body(json!({
            "name": "web-cert", "type": "lets_encrypt",
            "dns_names": ["www.example.com", "example.com"]
        })))
        .await
        .expect("requested");
    let id = made.id.clone();
    assert_eq!(json_of(&made.state), json!("pending"));
    assert_eq!(json_of(&made.kind), json!("lets_encrypt"));
    let verified = until(
        "the certificate is verified",
        || certificates.get(&id).send(),
        |c| json_of(&c.state) == json!("verified"),
    )
    .await;
    assert_eq!(
        verified.dns_names,
        vec!["www.example.com".to_owned(), "example.com".to_owned()]
    );
    let by_name = certificates
        .list()
        .name("web-cert")
        .send()
        .await
        .expect("by name");
    let ids: Vec<&str> = by_name.items.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, [id.as_str()]);
    certificates.delete(&id).await.expect("deleted");
    let gone = certificates.get(&id).await.expect_err("deleted");
    assert!(gone.is_not_found(), "{gone}");
}
