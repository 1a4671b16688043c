//! Stored-array and string bounds: every case sends one field past its bound and must
//! get a 422 naming the field, with nothing stored.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::*;

fn many(n: usize) -> Value {
    Value::Array((0..n).map(|i| Value::String(format!("t{i}"))).collect())
}

fn ids(n: usize) -> Value {
    Value::Array((0..n).map(|i| json!(i + 1)).collect())
}

/// (method, path, body, the field the error must name).
fn cases() -> Vec<(Method, &'static str, Value, &'static str)> {
    let long = "n".repeat(256);
    vec![
        (
            Method::POST,
            "/v2/databases",
            json!({"name": "db", "engine": "pg", "region": "nyc3", "size": "db-s-1vcpu-1gb", "num_nodes": 1, "tags": many(100_000)}),
            "tags",
        ),
        (
            Method::POST,
            "/v2/volumes",
            json!({"name": "v", "size_gigabytes": 10, "region": "nyc1", "tags": many(65)}),
            "tags",
        ),
        (
            Method::POST,
            "/v2/kubernetes/clusters",
            json!({"name": "k", "region": "nyc1", "version": "latest", "tags": many(65), "node_pools": [{"name": "p", "size": "s-1vcpu-2gb", "count": 1}]}),
            "tags",
        ),
        (
            Method::POST,
            "/v2/load_balancers",
            json!({"name": "lb", "region": "nyc1", "droplet_ids": ids(1001), "forwarding_rules": [{"entry_protocol": "http", "entry_port": 80, "target_protocol": "http", "target_port": 80}]}),
            "droplet_ids",
        ),
        (
            Method::POST,
            "/v2/firewalls",
            json!({"name": "fw", "droplet_ids": ids(1001)}),
            "droplet_ids",
        ),
        (
            Method::POST,
            "/v2/firewalls",
            json!({"name": "fw", "tags": many(65)}),
            "tags",
        ),
        (
            Method::POST,
            "/v2/vpcs",
            json!({"name": long, "region": "nyc1"}),
            "name",
        ),
        (
            Method::POST,
            "/v2/monitoring/alerts",
            json!({"type": "v1/insights/droplet/cpu", "description": "d", "compare": "GreaterThan", "value": 80, "window": "5m", "entities": many(1001), "tags": [], "alerts": {"email": ["a@example.com"]}, "enabled": true}),
            "entities",
        ),
        (
            Method::POST,
            "/v2/monitoring/alerts",
            json!({"type": "v1/insights/droplet/cpu", "description": "d", "compare": "GreaterThan", "value": 80, "window": "5m", "entities": [], "tags": many(65), "alerts": {"email": ["a@example.com"]}, "enabled": true}),
            "tags",
        ),
        (
            Method::POST,
            "/v2/vector-databases",
            json!({"name": "vec", "region": "tor1", "size": "small", "tags": many(65)}),
            "tags",
        ),
        (
            Method::POST,
            "/v2/apps",
            json!({"spec": {"name": "a", "envs": (0..1001).map(|i| json!({"key": format!("K{i}"), "value": "v"})).collect::<Vec<_>>()}}),
            "spec.envs",
        ),
        (
            Method::POST,
            "/v2/projects",
            json!({"name": long, "purpose": "testing"}),
            "name",
        ),
    ]
}

#[tokio::test]
async fn a_field_past_its_bound_is_a_422_naming_it() {
    let sim = demo(1000).await;
    let cases = cases();
    let total = cases.len();
    for (method, path, body, field) in cases {
        let reply = send_json(&sim, method.clone(), path, body).await;
        let error = reply.assert_error(422, "unprocessable_entity");
        let message = error["message"].as_str().unwrap_or_default();
        assert!(
            message.starts_with(field) || message.contains(&format!("{field}:")),
            "{method} {path}: the error names {field}: {message}"
        );
    }
    eprintln!("stored-array bounds: {total} of {total} cases refused with the field named");
}

#[tokio::test]
async fn a_hundred_thousand_tags_are_refused_and_nothing_is_stored() {
    let sim = demo(1000).await;
    let before = get(&sim, "/v2/databases").await.json();
    let count = before["databases"].as_array().map_or(0, Vec::len);
    for _ in 0..20 {
        let body = json!({"name": "flood", "engine": "pg", "region": "nyc3", "size": "db-s-1vcpu-1gb", "num_nodes": 1, "tags": many(100_000)});
        let reply = send_json(&sim, Method::POST, "/v2/databases", body).await;
        let error = reply.assert_error(422, "unprocessable_entity");
        assert_eq!(error["message"], "tags: at most 64 items, got 100000");
    }
    let after = get(&sim, "/v2/databases").await;
    assert!(after.text.len() < 256 * 1024, "{} bytes", after.text.len());
    assert_eq!(
        after.json()["databases"].as_array().map_or(0, Vec::len),
        count
    );
}
