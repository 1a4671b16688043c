//! Shared helpers for the integration tests: a client aimed at a local server with fast, bounded retries.

#![allow(dead_code)]

use std::time::Duration;

use oxido::{Client, RetryPolicy};

/// A token that must never show up in any output.
pub const SECRET_TOKEN: &str = "dop_v1_0123456789abcdef_never_print_me";

/// The reference page's example response, byte for byte.
pub const REFERENCE_ACTION: &str = include_str!("../fixtures/droplet_action_get_200.json");

/// Retries with millisecond backoff, so retry tests stay quick.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy::default()
        .with_max_retries(3)
        .with_backoff(Duration::from_millis(5), Duration::from_millis(20))
}

/// A client for `base_url` with fast retries and short time limits.
pub fn client_for(base_url: &str) -> Client {
    Client::builder()
        .no_proxy()
        .token(SECRET_TOKEN)
        .base_url(base_url)
        .retry(fast_retry())
        .attempt_timeout(Duration::from_secs(5))
        .overall_timeout(Duration::from_secs(20))
        .build()
        .expect("valid test client")
}

/// An action object in the given state, shaped like the API's.
pub fn action_json(id: u64, status: &str) -> serde_json::Value {
    serde_json::json!({
        "id": id,
        "status": status,
        "type": "power_off",
        "started_at": "2020-11-14T16:29:21Z",
        "completed_at": if status == "in-progress" { serde_json::Value::Null } else { "2020-11-14T16:30:06Z".into() },
        "resource_id": 3164444,
        "resource_type": "droplet",
        "region": null,
        "region_slug": "nyc3"
    })
}
