//! The parity report: `GET /_sim/operations` and the generated `docs/sim-parity.md`.

use std::collections::HashMap;

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::common::*;

#[tokio::test]
async fn every_operation_is_listed_with_its_class() {
    let sim = demo(1000).await;
    let reply = call(
        &sim,
        Method::GET,
        "/_sim/operations",
        Some(sim.admin_token()),
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let report = reply.json();
    let operations = report["operations"].as_array().expect("operations");
    assert_eq!(operations.len(), oxido_sim::__spec::operation_count());
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for op in operations {
        let class = op["class"].as_str().expect("class");
        assert!(
            ["stateful", "generic", "computed", "retired", "example-only"].contains(&class),
            "{op}"
        );
        assert!(op["operationId"].as_str().is_some_and(|s| !s.is_empty()));
        assert!(op["path"].as_str().is_some_and(|p| p.starts_with('/')));
        *counts.entry(class).or_default() += 1;
    }
    for class in ["stateful", "generic", "computed", "retired", "example-only"] {
        assert_eq!(
            report["counts"][class].as_u64(),
            Some(counts.get(class).copied().unwrap_or(0) as u64),
            "{class}"
        );
    }
    let class_of = |id: &str| {
        operations
            .iter()
            .find(|op| op["operationId"] == id)
            .and_then(|op| op["class"].as_str())
            .unwrap_or_default()
            .to_owned()
    };
    // A hand-written route, a hand-written behaviour over the engine, plain engine CRUD.
    assert_eq!(class_of("droplets_get"), "stateful");
    assert_eq!(class_of("volumeActions_post_byId"), "stateful");
    assert_eq!(class_of("cdn_create_endpoint"), "generic");
    assert_eq!(class_of("genai_create_model_api_key"), "retired");
    // No operation that changes state is answered from its example alone.
    let example_writes: Vec<&Value> = operations
        .iter()
        .filter(|op| op["class"] == "example-only" && op["method"] != "GET")
        .collect();
    assert!(example_writes.is_empty(), "{example_writes:?}");
    assert_eq!(report["counts"]["example-only writes"], 0);
}

/// The one retired write refuses with 410 and stores nothing.
#[tokio::test]
async fn a_retired_create_refuses_and_stores_nothing() {
    let sim = demo(1000).await;
    let before = get(&sim, "/v2/gen-ai/models/api_keys").await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.text);
    let reply = send_json(
        &sim,
        Method::POST,
        "/v2/gen-ai/models/api_keys",
        serde_json::json!({"name": "retired"}),
    )
    .await;
    assert_eq!(reply.status.as_u16(), 410, "{}", reply.text);
    assert_eq!(reply.json()["id"], "gone");
    let after = get(&sim, "/v2/gen-ai/models/api_keys").await;
    assert_eq!(after.json(), before.json());
}

#[test]
fn the_parity_document_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/sim-parity.md");
    let current = oxido_sim::__spec::parity_markdown();
    if std::env::var_os("OXIDO_SIM_WRITE_PARITY").is_some() {
        std::fs::write(&path, &current).expect("docs/sim-parity.md is written");
        return;
    }
    let stored = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        stored == current,
        "docs/sim-parity.md is stale; rewrite it with \
         OXIDO_SIM_WRITE_PARITY=1 cargo test -p oxido-sim --test api parity"
    );
}
