//! Time arithmetic that a caller or a server can push to its limits: nothing may panic, and a wait too long to
//! represent is treated as beyond any cap.

mod common;

use std::future::IntoFuture;
use std::time::Duration;

use common::{REFERENCE_ACTION, SECRET_TOKEN, action_json, fast_retry};
use oxido::{Client, RetryPolicy};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const U64_MAX: &str = "18446744073709551615";

fn client(uri: &str, overall: Duration, cap: Duration) -> Client {
    Client::builder()
        .no_proxy()
        .token(SECRET_TOKEN)
        .base_url(uri)
        .retry(fast_retry().with_rate_limit_wait_cap(cap))
        .attempt_timeout(Duration::from_secs(10))
        .overall_timeout(overall)
        .build()
        .expect("valid")
}

async fn serve(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.map_or(0, |r| r.len())
}

/// The call, bounded so that a client sleeping "forever" fails the test instead of hanging it.
async fn get(client: &Client) -> Result<oxido::Action, oxido::Error> {
    tokio::time::timeout(
        Duration::from_secs(60),
        client.droplet_actions().get(3164444, 36804636),
    )
    .await
    .expect("the call ends by itself")
}

#[tokio::test]
async fn the_longest_time_limits_work_instead_of_overflowing() {
    let server =
        serve(ResponseTemplate::new(200).set_body_raw(REFERENCE_ACTION, "application/json")).await;
    let client = Client::builder()
        .no_proxy()
        .token(SECRET_TOKEN)
        .base_url(server.uri())
        .connect_timeout(Duration::MAX)
        .attempt_timeout(Duration::MAX)
        .overall_timeout(Duration::MAX)
        .retry(RetryPolicy::default().with_backoff(Duration::MAX, Duration::MAX))
        .build()
        .expect("valid");
    let action = get(&client).await.expect("200");
    assert_eq!(action.id, 36804636);
}

#[tokio::test]
async fn a_wait_of_the_longest_timeout_works_instead_of_overflowing() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/actions/42"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({ "action": action_json(42, "completed") })),
        )
        .mount(&server)
        .await;
    let client = client(
        &server.uri(),
        Duration::from_secs(20),
        Duration::from_secs(60),
    );
    let done = tokio::time::timeout(
        Duration::from_secs(60),
        client
            .actions()
            .wait(42)
            .timeout(Duration::MAX)
            .poll_interval(Duration::MAX, Duration::MAX)
            .into_future(),
    )
    .await
    .expect("ends")
    .expect("completed");
    assert_eq!(done.id, 42);
}

#[tokio::test]
async fn a_retry_after_of_u64_max_seconds_with_an_unlimited_cap_returns_the_429() {
    for overall in [Duration::from_secs(20), Duration::MAX] {
        let server = serve(ResponseTemplate::new(429).insert_header("retry-after", U64_MAX)).await;
        let err = get(&client(&server.uri(), overall, Duration::MAX))
            .await
            .expect_err("429");
        assert!(err.is_rate_limited(), "{err:?}");
        assert_eq!(
            requests(&server).await,
            1,
            "no retry after a wait past the deadline"
        );
    }
}

#[tokio::test]
async fn a_ratelimit_reset_of_u64_max_with_an_unlimited_cap_returns_the_429() {
    for overall in [Duration::from_secs(20), Duration::MAX] {
        let server = serve(
            ResponseTemplate::new(429)
                .insert_header("ratelimit-limit", "5000")
                .insert_header("ratelimit-remaining", "0")
                .insert_header("ratelimit-reset", U64_MAX),
        )
        .await;
        let client = client(&server.uri(), overall, Duration::MAX);
        let err = get(&client).await.expect_err("429");
        assert!(err.is_rate_limited(), "{err:?}");
        assert_eq!(requests(&server).await, 1);
        let snapshot = client.rate_limit().expect("recorded");
        assert_eq!(snapshot.reset, u64::MAX);
        assert_eq!(snapshot.reset_at(), None);
    }
}

#[tokio::test]
async fn a_retry_after_too_big_for_u64_counts_as_beyond_the_cap() {
    let server = serve(
        ResponseTemplate::new(429).insert_header("retry-after", "99999999999999999999999999"),
    )
    .await;
    let err = get(&client(
        &server.uri(),
        Duration::from_secs(20),
        Duration::from_secs(60),
    ))
    .await
    .expect_err("429");
    assert!(err.is_rate_limited(), "{err:?}");
    assert_eq!(
        requests(&server).await,
        1,
        "returned at once instead of retrying with backoff"
    );
    assert_eq!(
        err.api_error().and_then(|api| api.retry_after),
        Some(Duration::MAX)
    );
}
