//! The container registry is state: deleted, created anew, and its repositories' tags
//! and manifests deleted one by one.

use oxido_sim::Sim;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::*;

async fn delete(sim: &Sim, path: &str) -> Reply {
    call(sim, Method::DELETE, path, Some(sim.token()), None).await
}

#[tokio::test]
async fn a_deleted_registry_is_gone_with_its_paths_and_a_new_one_takes_its_place() {
    let sim = demo(100).await;
    let demo_registry = get(&sim, "/v2/registry").await;
    assert_eq!(
        demo_registry.status,
        StatusCode::OK,
        "{}",
        demo_registry.text
    );
    assert_eq!(demo_registry.json()["registry"]["name"], "example");
    // A path naming another registry is not found.
    get(&sim, "/v2/registry/other/repositoriesV2")
        .await
        .assert_error(404, "not_found");

    let gone = delete(&sim, "/v2/registry").await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
    get(&sim, "/v2/registry")
        .await
        .assert_error(404, "not_found");
    delete(&sim, "/v2/registry")
        .await
        .assert_error(404, "not_found");
    get(&sim, "/v2/registry/example/repositories/repo-1/tags")
        .await
        .assert_error(404, "not_found");

    let made = send_json(
        &sim,
        Method::POST,
        "/v2/registry",
        json!({"name": "fresh", "subscription_tier_slug": "starter", "region": "ams3"}),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    conforms("POST", "/v2/registry", &made.json());
    let read = get(&sim, "/v2/registry").await.json();
    conforms("GET", "/v2/registry", &read);
    assert_eq!(read["registry"]["name"], "fresh");
    assert_eq!(read["registry"]["region"], "ams3");
    assert_eq!(read["registry"]["subscription"]["tier"]["slug"], "starter");
    assert_eq!(read["registry"]["storage_usage_bytes"], 0);
    // The old registry's garbage collections went with it.
    get(&sim, "/v2/registry/example/garbage-collections")
        .await
        .assert_error(404, "not_found");
    let fresh = get(&sim, "/v2/registry/fresh/garbage-collections").await;
    assert_eq!(fresh.status, StatusCode::OK, "{}", fresh.text);
}

#[tokio::test]
async fn listed_repository_tags_and_manifests_can_be_deleted() {
    let sim = demo(100).await;
    let base = "/v2/registry/example/repositories/repo-1";
    let tags = get(&sim, &format!("{base}/tags")).await.json();
    conforms(
        "GET",
        "/v2/registry/{registry_name}/repositories/{repository_name}/tags",
        &tags,
    );
    let names: Vec<String> = tags["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .map(|t| t["tag"].as_str().expect("tag").to_owned())
        .collect();
    assert!(names.contains(&"latest".to_owned()), "{names:?}");
    for name in &names {
        let gone = delete(&sim, &format!("{base}/tags/{name}")).await;
        assert_eq!(gone.status, StatusCode::NO_CONTENT, "{name}: {}", gone.text);
        delete(&sim, &format!("{base}/tags/{name}"))
            .await
            .assert_error(404, "not_found");
    }
    let after = get(&sim, &format!("{base}/tags")).await.json();
    assert_eq!(after["tags"], json!([]), "{after}");

    let manifests = get(&sim, &format!("{base}/digests")).await.json();
    let digest = manifests["manifests"][0]["digest"]
        .as_str()
        .expect("a documented manifest")
        .to_owned();
    let gone = delete(&sim, &format!("{base}/digests/{digest}")).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
    let after = get(&sim, &format!("{base}/digests")).await.json();
    assert!(
        after["manifests"]
            .as_array()
            .expect("manifests")
            .iter()
            .all(|m| m["digest"] != digest.as_str()),
        "{after}"
    );
}
