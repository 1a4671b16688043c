//! The container registry through the SDK: the registry, its repositories and tags, and
//! garbage collection.

use oxido::types::GarbageCollection;
use serde_json::json;

use super::common::*;

fn status(gc: &GarbageCollection) -> serde_json::Value {
    json_of(&gc.status)
}

#[tokio::test]
async fn a_registry_garbage_collection_run_through_the_sdk_succeeds_one_at_a_time() {
    // Slow enough that the second request meets the first still running on a loaded machine.
    let sim = slow_sim().await;
    let client = client(&sim);
    let registry = client.registry();
    let started = registry
        .run_garbage_collection("example", body(json!({})))
        .await
        .expect("collection started");
    assert_eq!(status(&started), json!("requested"));
    let second = registry
        .run_garbage_collection("example", body(json!({})))
        .await
        .expect_err("one at a time");
    assert_eq!(second.status(), Some(409), "{second}");
    let done = until(
        "the collection succeeds",
        || registry.get_garbage_collection("example").send(),
        |gc| status(gc) == json!("succeeded"),
    )
    .await;
    assert_eq!(done.uuid, started.uuid);
    let all = registry
        .list_garbage_collections("example")
        .send()
        .await
        .expect("collections");
    assert_eq!(all.len(), 2, "the demo's old one and ours: {all:?}");
    assert_eq!(all[0].uuid, started.uuid);

    // A running one can be cancelled, and stays cancelled.
    let next = registry
        .run_garbage_collection("example", body(json!({})))
        .await
        .expect("another collection");
    let uuid = next.uuid.clone().expect("a uuid");
    let cancelled = registry
        .update_garbage_collection("example", &uuid, body(json!({"cancel": true})))
        .await
        .expect("cancelled");
    assert_eq!(status(&cancelled), json!("cancelled"));
    let all = registry
        .list_garbage_collections("example")
        .send()
        .await
        .expect("collections");
    assert_eq!(all[0].uuid.as_deref(), Some(uuid.as_str()));
    assert_eq!(status(&all[0]), json!("cancelled"));
}

#[tokio::test]
async fn a_repository_tag_deleted_through_the_sdk_leaves_its_repository() {
    let sim = sim().await;
    let client = client(&sim);
    let registry = client.registry();
    let account = registry.get().await.expect("the registry");
    let name = account.name.clone().expect("a name");
    let repositories = registry
        .list_repositories_v2(&name)
        .send()
        .await
        .expect("repositories");
    let repository = repositories
        .items
        .first()
        .and_then(|r| r.name.clone())
        .expect("the demo registry has a repository");
    let tags = registry
        .list_repository_tags(&name, &repository)
        .send()
        .await
        .expect("tags");
    let tag = tags
        .items
        .first()
        .and_then(|t| t.tag.clone())
        .expect("the demo repository has a tag");
    registry
        .delete_repository_tag(&name, &repository, &tag)
        .await
        .expect("tag deleted");
    let after = registry
        .list_repository_tags(&name, &repository)
        .send()
        .await
        .expect("tags");
    assert!(
        after.items.iter().all(|t| t.tag.as_deref() != Some(&tag)),
        "{after:?}"
    );
    assert_eq!(after.items.len() + 1, tags.items.len());
}

#[tokio::test]
async fn a_registry_deleted_through_the_sdk_is_gone_and_a_new_one_takes_its_place() {
    let sim = sim().await;
    let client = client(&sim);
    let registry = client.registry();
    registry.get().await.expect("the demo registry");
    registry.delete().await.expect("deleted");
    let gone = registry.get().await.expect_err("deleted");
    assert!(gone.is_not_found(), "{gone}");
    let made = registry
        .create(body(
            json!({"name": "fresh", "subscription_tier_slug": "basic", "region": "fra1"}),
        ))
        .await
        .expect("created");
    assert_eq!(made.name.as_deref(), Some("fresh"));
    let read = registry.get().await.expect("the new registry");
    assert_eq!(read.name.as_deref(), Some("fresh"));
    assert_eq!(read.region.as_ref().map(|r| r.as_str()), Some("fra1"));
}
