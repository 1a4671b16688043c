//! The parity report: `GET /_sim/operations` and the generated `docs/sim-parity.md`.

use std::collections::HashMap;

use reqwest::{Method, StatusCode};

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
            ["stateful", "generic", "computed", "example-only"].contains(&class),
            "{op}"
        );
        assert!(op["operationId"].as_str().is_some_and(|s| !s.is_empty()));
        assert!(op["path"].as_str().is_some_and(|p| p.starts_with('/')));
        *counts.entry(class).or_default() += 1;
    }
    for class in ["stateful", "generic", "computed", "example-only"] {
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
