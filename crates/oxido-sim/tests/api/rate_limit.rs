//! Rate limits per token, with the API's headers.

use oxido_sim::Sim;
use reqwest::Method;

use crate::common::*;

#[tokio::test]
async fn headers_count_down_on_every_response() {
    let sim = start(Sim::builder().rate_limit_per_hour(100)).await;
    let first = get(&sim, "/v2/actions/36804636").await;
    let second = get(&sim, "/v2/actions/1").await; // a 404 still counts and carries headers
    assert_eq!(first.header("ratelimit-limit"), Some("100"));
    assert_eq!(first.header("ratelimit-remaining"), Some("99"));
    assert_eq!(second.header("ratelimit-remaining"), Some("98"));
    let reset: i64 = first.header("ratelimit-reset").unwrap().parse().unwrap();
    let now = jiff::Timestamp::now().as_second();
    assert!(
        reset > now && reset <= now + 3601,
        "reset {reset} now {now}"
    );
}

#[tokio::test]
async fn burst_limit_answers_429_with_retry_after() {
    let sim = start(Sim::builder().rate_limit_per_minute(3).token("other")).await;
    for _ in 0..3 {
        assert_eq!(get(&sim, "/v2/actions").await.status.as_u16(), 200);
    }
    let limited = get(&sim, "/v2/actions").await;
    let body = limited.assert_error(429, "too_many_requests");
    assert_eq!(body["message"], "API Rate limit exceeded.");
    assert_eq!(limited.header("ratelimit-remaining"), Some("0"));
    let retry: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    // Limits are per token.
    let other = call(&sim, Method::GET, "/v2/actions", Some("other"), None).await;
    assert_eq!(other.status.as_u16(), 200);
}

#[tokio::test]
async fn hourly_limit_answers_429_without_retry_after() {
    let sim = start(Sim::builder().rate_limit_per_hour(2)).await;
    get(&sim, "/v2/actions").await;
    get(&sim, "/v2/actions").await;
    let limited = get(&sim, "/v2/actions").await;
    limited.assert_error(429, "too_many_requests");
    assert_eq!(limited.header("ratelimit-remaining"), Some("0"));
    assert!(limited.header("retry-after").is_none());
    // A reset clears the counts.
    sim.reset();
    assert_eq!(get(&sim, "/v2/actions").await.status.as_u16(), 200);
}
