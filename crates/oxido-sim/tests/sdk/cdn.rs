//! CDN endpoints through the SDK: created, changed, cache purged, deleted.

use serde_json::json;

use super::common::*;

#[tokio::test]
async fn a_cdn_endpoint_is_created_changed_purged_and_deleted() {
    let sim = sim().await;
    let client = client(&sim);
    let cdn = client.cdn();
    let made = cdn
        .create_endpoint(body(json!({
            "origin": "assets.nyc3.digitaloceanspaces.com", "ttl": 3600
        })))
        .await
        .expect("created");
    let id = made.id.clone().expect("an id");
    assert_eq!(made.origin, "assets.nyc3.digitaloceanspaces.com");
    assert_eq!(made.ttl, Some(3600));
    let changed = cdn
        .update_endpoints(&id, body(json!({"ttl": 86400})))
        .await
        .expect("changed");
    assert_eq!(changed.ttl, Some(86400));
    assert_eq!(changed.origin, "assets.nyc3.digitaloceanspaces.com");
    let read = cdn.get_endpoint(&id).await.expect("read back");
    assert_eq!(read.ttl, Some(86400));
    cdn.purge_cache(&id, body(json!({"files": ["assets/css/*", "index.html"]})))
        .await
        .expect("purged");
    let listed = cdn
        .list_endpoints()
        .per_page(200)
        .send()
        .await
        .expect("endpoints");
    assert!(
        listed
            .items
            .iter()
            .any(|e| e.id.as_deref() == Some(id.as_str()))
    );
    cdn.delete_endpoint(&id).await.expect("deleted");
    let gone = cdn.get_endpoint(&id).await.expect_err("deleted");
    assert!(gone.is_not_found(), "{gone}");
}

#[tokio::test]
async fn a_purge_without_files_is_refused() {
    let sim = sim().await;
    let client = client(&sim);
    let made = client
        .cdn()
        .create_endpoint(body(
            json!({"origin": "static.nyc3.digitaloceanspaces.com"}),
        ))
        .await
        .expect("created");
    let id = made.id.expect("an id");
    let refused = client
        .cdn()
        .purge_cache(&id, body(json!({"files": []})))
        .await
        .expect_err("nothing to purge");
    assert_eq!(refused.status(), Some(422), "{refused}");
    let unknown = client
        .cdn()
        .purge_cache(
            "00000000-0000-4000-8000-000000000000",
            body(json!({"files": ["index.html"]})),
        )
        .await
        .expect_err("no such endpoint");
    assert!(unknown.is_not_found(), "{unknown}");
}
