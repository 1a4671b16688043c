//! Per-call options: a call's own time limit, and a client that brings its own `reqwest::Client`.

mod common;

use std::time::{Duration, Instant};

use common::client_for;
use oxido::{Client, Error, TimeoutKind};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_per_call_timeout_replaces_the_clients_overall_limit() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/volumes/slow"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_delay(Duration::from_secs(3))
                .set_body_raw(r#"{"volume":{}}"#, "application/json"),
        )
        .mount(&server)
        .await;
    // The client allows 20 s overall; this call allows 200 ms.
    let client = client_for(&server.uri());
    let started = Instant::now();
    let err = client
        .volumes()
        .get("slow")
        .timeout(Duration::from_millis(200))
        .await
        .expect_err("too slow");
    match err {
        Error::Timeout { limit, after, .. } => {
            assert_eq!(limit, TimeoutKind::Overall);
            assert_eq!(after, Duration::from_millis(200));
        }
        other => panic!("expected the call's timeout, got {other:?}"),
    }
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    let err = client
        .volumes()
        .get("slow")
        .timeout(Duration::ZERO)
        .await
        .expect_err("zero");
    assert!(err.is_invalid_argument(), "{err}");
}

#[tokio::test]
async fn a_client_can_bring_its_own_reqwest_client() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/volumes/v1"))
        .and(header("x-team", "storage"))
        .and(header(
            "authorization",
            format!("Bearer {}", common::SECRET_TOKEN),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"volume":{"id":"v1","name":"data","created_at":"2020-03-02T17:00:49Z"}}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "x-team",
        reqwest::header::HeaderValue::from_static("storage"),
    );
    let http = reqwest::Client::builder()
        .no_proxy()
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("reqwest client");
    let client = Client::builder()
        .token(common::SECRET_TOKEN)
        .base_url(server.uri())
        .http_client(http)
        .build()
        .expect("valid");
    let volume = client
        .volumes()
        .get("v1")
        .await
        .expect("sent through our client");
    assert_eq!(volume.id, "v1");
}
