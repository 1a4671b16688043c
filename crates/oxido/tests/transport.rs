//! The transport against a local HTTP server: statuses, error bodies, retries, time limits, rate limits.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{REFERENCE_ACTION, SECRET_TOKEN, action_json, client_for, fast_retry};
use oxido::{
    ActionStatus, Client, DropletAction, Error, RateLimit, RetryPolicy, TagAction, TimeoutKind,
    TransportErrorKind,
};
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;
use wiremock::matchers::{body_string, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const GET_PATH: &str = "/v2/droplets/3164444/actions/36804636";
const POST_PATH: &str = "/v2/droplets/3164444/actions";

fn json_response(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_owned(), "application/json")
}

fn with_rate_limit(template: ResponseTemplate, remaining: u64, reset: u64) -> ResponseTemplate {
    template
        .insert_header("ratelimit-limit", "5000")
        .insert_header("ratelimit-remaining", remaining.to_string().as_str())
        .insert_header("ratelimit-reset", reset.to_string().as_str())
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
}

fn no_retry_client(base_url: &str) -> Client {
    Client::builder()
        .no_proxy()
        .token(SECRET_TOKEN)
        .base_url(base_url)
        .retry(RetryPolicy::disabled())
        .attempt_timeout(Duration::from_secs(5))
        .build()
        .expect("valid client")
}

async fn requests_seen(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .map(|requests| requests.len())
        .unwrap_or(0)
}

#[tokio::test]
async fn get_200_decodes_the_reference_example_and_sends_auth_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(GET_PATH))
        .and(header(
            "authorization",
            format!("Bearer {SECRET_TOKEN}").as_str(),
        ))
        .and(header("accept", "application/json"))
        .respond_with(with_rate_limit(
            json_response(200, REFERENCE_ACTION),
            4816,
            1444931833,
        ))
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server.uri());
    let action = client
        .droplet_actions()
        .get(3164444, 36804636)
        .await
        .expect("200 decodes");
    assert_eq!(action.id, 36804636);
    assert_eq!(action.status, ActionStatus::Completed);
    assert_eq!(action.resource_id, Some(3164444));
    assert_eq!(
        client.rate_limit(),
        Some(RateLimit {
            limit: 5000,
            remaining: 4816,
            reset: 1444931833
        })
    );

    let requests = server.received_requests().await.expect("recording on");
    let user_agent = requests[0]
        .headers
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(user_agent.starts_with("oxido/"), "{user_agent}");
}

#[tokio::test]
async fn every_error_status_of_the_reference_page_is_an_api_error() {
    let cases: [(u16, &str, &str); 5] = [
        (401, "unauthorized", "Unable to authenticate you."),
        (
            404,
            "not_found",
            "The resource you requested could not be found.",
        ),
        (429, "too_many_requests", "API Rate limit exceeded."),
        (500, "server_error", "Unexpected server-side error"),
        (418, "example_error", "some error message"),
    ];
    for (status, id, message) in cases {
        let server = MockServer::start().await;
        let body = serde_json::json!({ "id": id, "message": message }).to_string();
        Mock::given(method("GET"))
            .and(path(GET_PATH))
            .respond_with(with_rate_limit(
                json_response(status, &body),
                4000,
                unix_now() + 3600,
            ))
            .mount(&server)
            .await;
        let client = no_retry_client(&server.uri());
        let err = client
            .droplet_actions()
            .get(3164444, 36804636)
            .await
            .expect_err("non-2xx is an error");

        let api = err.api_error().expect("an API error");
        assert_eq!(api.status, status);
        assert_eq!(api.id, id);
        assert_eq!(api.message, message);
        assert_eq!(api.request_id, None);
        assert_eq!(api.attempts, 1);
        assert_eq!(api.rate_limit.map(|limit| limit.remaining), Some(4000));
        assert_eq!(err.status(), Some(status));
        assert_eq!(
            err.to_string(),
            format!("GET {GET_PATH}: {status} {id}: {message}")
        );
        assert_eq!(err.is_unauthorized(), status == 401);
        assert_eq!(err.is_not_found(), status == 404);
        assert_eq!(err.is_rate_limited(), status == 429);
        assert_eq!(err.is_server_error(), status == 500);
        assert_eq!(
            client.rate_limit().map(|limit| limit.remaining),
            Some(4000),
            "snapshot kept on errors"
        );
        assert_eq!(requests_seen(&server).await, 1);
    }
}

#[tokio::test]
async fn request_id_comes_from_the_header_when_the_body_has_none() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(GET_PATH))
        .respond_with(
            json_response(
                404,
                r#"{"id":"not_found","message":"The resource you requested could not be found."}"#,
            )
            .insert_header("x-request-id", "515850a0-a812-50bf-aa3c-d0d21d287e40"),
        )
        .mount(&server)
        .await;
    let err = client_for(&server.uri())
        .droplet_actions()
        .get(3164444, 36804636)
        .await
        .expect_err("404");
    assert_eq!(
        err.to_string(),
        "GET /v2/droplets/3164444/actions/36804636: 404 not_found: The resource you requested could not be found. \
         (request 515850a0-a812-50bf-aa3c-d0d21d287e40)"
    );
}

#[tokio::test]
async fn html_502_from_a_proxy_still_becomes_an_api_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(GET_PATH))
        .respond_with(ResponseTemplate::new(502).set_body_raw(
            "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>",
            "text/html",
        ))
        .mount(&server)
        .await;
    let err = no_retry_client(&server.uri())
        .droplet_actions()
        .get(3164444, 36804636)
        .await
        .expect_err("502");
    let api = err.api_error().expect("api error");
    assert_eq!(api.id, "bad_gateway");
    assert_eq!(api.message, "502 Bad Gateway 502 Bad Gateway");
    assert!(err.is_server_error());
}

#[tokio::test]
async fn get_is_retried_after_503_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(GET_PATH))
        .respond_with(json_response(
            503,
            r#"{"id":"service_unavailable","message":"try later"}"#,
        ))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(GET_PATH))
        .respond_with(json_response(200, REFERENCE_ACTION))
        .mount(&server)
        .await;

    let action = client_for(&server.uri())
        .droplet_actions()
        .get(3164444, 36804636)
        .await
        .expect("second try works");
    assert_eq!(action.id, 36804636);
    assert_eq!(requests_seen(&server).await, 2);
}

#[tokio::test]
async fn get_gives_up_after_max_retries_and_reports_attempts() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(GET_PATH))
        .respond_with(json_response(
            500,
            r#"{"id":"server_error","message":"Unexpected server-side error"}"#,
        ))
        .mount(&server)
        .await;
    let err = client_for(&server.uri())
        .droplet_actions()
        .get(3164444, 36804636)
        .await
        .expect_err("always 500");
    assert_eq!(err.api_error().map(|api| api.attempts), Some(4));
    assert_eq!(requests_seen(&server).await, 4);
}

#[tokio::test]
async fn retry_after_is_honoured_beyond_the_backoff_maximum() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(GET_PATH))
        .respond_with(
            json_response(
                429,
                r#"{"id":"too_many_requests","message":"API Rate limit exceeded."}"#,
            )
            .insert_header("retry-after", "1"),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(GET_PATH))
        .respond_with(json_response(200, REFERENCE_ACTION))
        .mount(&server)
        .await;

    // The backoff maximum is 20 ms, so a pause of about a second can only come from Retry-After.
    let started = Instant::now();
    client_for(&server.uri())
        .droplet_actions()
        .get(3164444, 36804636)
        .await
        .expect("retried after the pause");
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "waited only {:?}",
        started.elapsed()
    );
    assert_eq!(requests_seen(&server).await, 2);
}

#[tokio::test]
async fn retry_after_beyond_the_cap_returns_the_429_at_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(GET_PATH))
        .respond_with(
            json_response(
                429,
                r#"{"id":"too_many_requests","message":"API Rate limit exceeded."}"#,
            )
            .insert_header("retry-after", "3600"),
        )
        .mount(&server)
        .await;
    let err = client_for(&server.uri())
        .droplet_actions()
        .get(3164444, 36804636)
        .await
        .expect_err("429");
    assert!(err.is_rate_limited());
    assert_eq!(
        err.api_error().and_then(|api| api.retry_after),
        Some(Duration::from_secs(3600))
    );
    assert_eq!(requests_seen(&server).await, 1);
}

#[tokio::test]
async fn exhausted_quota_with_a_far_reset_returns_the_429_at_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(GET_PATH))
        .respond_with(with_rate_limit(
            json_response(
                429,
                r#"{"id":"too_many_requests","message":"API Rate limit exceeded."}"#,
            ),
            0,
            unix_now() + 3600,
        ))
        .mount(&server)
        .await;
    let err = client_for(&server.uri())
        .droplet_actions()
        .get(3164444, 36804636)
        .await
        .expect_err("429");
    assert!(err.is_rate_limited());
    assert_eq!(requests_seen(&server).await, 1);
}

#[tokio::test]
async fn exhausted_quota_with_a_near_reset_waits_and_retries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(GET_PATH))
        .respond_with(with_rate_limit(
            json_response(
                429,
                r#"{"id":"too_many_requests","message":"API Rate limit exceeded."}"#,
            ),
            0,
            unix_now() + 1,
        ))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(GET_PATH))
        .respond_with(with_rate_limit(
            json_response(200, REFERENCE_ACTION),
            4999,
            unix_now() + 3600,
        ))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    client
        .droplet_actions()
        .get(3164444, 36804636)
        .await
        .expect("waited for the reset");
    assert_eq!(requests_seen(&server).await, 2);
    assert_eq!(client.rate_limit().map(|limit| limit.remaining), Some(4999));
}

#[tokio::test]
async fn post_is_never_resent_on_500() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(POST_PATH))
        .respond_with(json_response(
            500,
            r#"{"id":"server_error","message":"Unexpected server-side error"}"#,
        ))
        .mount(&server)
        .await;
    let err = client_for(&server.uri())
        .droplet_actions()
        .post(3164444, DropletAction::PowerOff)
        .await
        .expect_err("500");
    assert!(err.is_server_error());
    assert_eq!(err.api_error().map(|api| api.attempts), Some(1));
    assert_eq!(
        requests_seen(&server).await,
        1,
        "the POST reached the server exactly once"
    );
}

#[tokio::test]
async fn post_is_retried_on_429_and_sends_the_exact_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(POST_PATH))
        .respond_with(json_response(
            429,
            r#"{"id":"too_many_requests","message":"API Rate limit exceeded."}"#,
        ))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let created = serde_json::json!({ "action": action_json(99, "in-progress") }).to_string();
    Mock::given(method("POST"))
        .and(path(POST_PATH))
        .and(header("content-type", "application/json"))
        .and(body_string(
            r#"{"type":"resize","size":"s-2vcpu-2gb","disk":true}"#,
        ))
        .respond_with(json_response(201, &created))
        .mount(&server)
        .await;
    let action = client_for(&server.uri())
        .droplet_actions()
        .post(
            3164444,
            DropletAction::Resize {
                size: "s-2vcpu-2gb".into(),
                disk: true,
            },
        )
        .await
        .expect("429 is safe to retry");
    assert_eq!(action.id, 99);
    assert_eq!(action.status, ActionStatus::InProgress);
    assert_eq!(requests_seen(&server).await, 2);
}

#[tokio::test]
async fn post_by_tag_sends_the_encoded_tag_and_returns_every_action() {
    let server = MockServer::start().await;
    let body = serde_json::json!({ "actions": [action_json(1, "in-progress"), action_json(2, "in-progress")] }).to_string();
    Mock::given(method("POST"))
        .and(path("/v2/droplets/actions"))
        .and(query_param("tag_name", "env:prod web"))
        .and(body_string(r#"{"type":"power_off"}"#))
        .respond_with(json_response(201, &body))
        .expect(1)
        .mount(&server)
        .await;
    let actions = client_for(&server.uri())
        .droplet_actions()
        .post_by_tag("env:prod web", TagAction::PowerOff)
        .await
        .expect("201");
    assert_eq!(actions.iter().map(|a| a.id).collect::<Vec<_>>(), vec![1, 2]);
    let requests = server.received_requests().await.expect("recording on");
    assert_eq!(requests[0].url.query(), Some("tag_name=env%3Aprod%20web"));
}

#[tokio::test]
async fn invalid_arguments_send_nothing() {
    let server = MockServer::start().await;
    let client = client_for(&server.uri());
    let err = client
        .droplet_actions()
        .get(0, 1)
        .await
        .expect_err("zero id");
    assert!(
        matches!(
            err,
            Error::InvalidArgument {
                argument: "droplet_id",
                ..
            }
        ),
        "{err}"
    );
    let err = client
        .droplet_actions()
        .post_by_tag("", TagAction::PowerOn)
        .await
        .expect_err("empty tag");
    assert!(
        matches!(
            err,
            Error::InvalidArgument {
                argument: "tag",
                ..
            }
        ),
        "{err}"
    );
    let err = client
        .droplet_actions()
        .list(1)
        .per_page(500)
        .send()
        .await
        .expect_err("page too big");
    assert!(
        matches!(
            err,
            Error::InvalidArgument {
                argument: "per_page",
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(requests_seen(&server).await, 0);
}

#[tokio::test]
async fn decode_failure_names_the_operation_and_json_path() {
    let server = MockServer::start().await;
    let mut broken = action_json(5, "completed");
    broken["started_at"] = serde_json::json!(12);
    let body = serde_json::json!({ "action": broken }).to_string();
    Mock::given(method("GET"))
        .and(path("/v2/actions/5"))
        .respond_with(json_response(200, &body))
        .mount(&server)
        .await;
    let err = client_for(&server.uri())
        .actions()
        .get(5)
        .await
        .expect_err("bad timestamp");
    match &err {
        Error::Decode {
            operation, path, ..
        } => {
            assert_eq!(*operation, "actions.get");
            assert_eq!(path, "action.started_at");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

/// A server that reads each request and then hangs up without answering, counting connections.
async fn hang_up_server() -> (String, Arc<AtomicUsize>, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&accepted);
    let task = tokio::spawn(async move {
        for _ in 0..16 {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            counter.fetch_add(1, Ordering::SeqCst);
            let mut buffer = [0u8; 4096];
            let _ = tokio::time::timeout(Duration::from_secs(2), socket.read(&mut buffer)).await;
            drop(socket);
        }
    });
    (format!("http://{address}"), accepted, task)
}

#[tokio::test]
async fn post_is_never_resent_after_a_dropped_connection() {
    let (url, accepted, task) = hang_up_server().await;
    let err = client_for(&url)
        .droplet_actions()
        .post(3164444, DropletAction::Reboot)
        .await
        .expect_err("dropped");
    match &err {
        Error::Transport { kind, attempts, .. } => {
            assert_ne!(*kind, TransportErrorKind::Connect);
            assert_eq!(*attempts, 1);
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        1,
        "the POST reached the server exactly once"
    );
    task.abort();
}

#[tokio::test]
async fn get_is_retried_after_a_dropped_connection() {
    let (url, accepted, task) = hang_up_server().await;
    let err = client_for(&url)
        .droplet_actions()
        .get(3164444, 36804636)
        .await
        .expect_err("always dropped");
    assert!(
        matches!(err, Error::Transport { attempts: 4, .. }),
        "{err:?}"
    );
    assert_eq!(accepted.load(Ordering::SeqCst), 4);
    task.abort();
}

#[tokio::test]
async fn post_is_retried_when_the_connection_is_refused() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    let err = client_for(&format!("http://{address}"))
        .droplet_actions()
        .post(3164444, DropletAction::Reboot)
        .await
        .expect_err("nothing listens");
    match &err {
        Error::Transport { kind, attempts, .. } => {
            assert_eq!(*kind, TransportErrorKind::Connect);
            assert_eq!(
                *attempts,
                fast_retry().max_retries() + 1,
                "refused connections are safe to retry"
            );
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert!(err.is_transport());
}

#[tokio::test]
async fn slow_post_times_out_per_attempt_and_is_not_resent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(POST_PATH))
        .respond_with(json_response(201, "{}").set_delay(Duration::from_secs(30)))
        .mount(&server)
        .await;
    let client = Client::builder()
        .no_proxy()
        .token(SECRET_TOKEN)
        .base_url(server.uri())
        .retry(fast_retry())
        .attempt_timeout(Duration::from_secs(1))
        .build()
        .expect("valid");
    let err = client
        .droplet_actions()
        .post(3164444, DropletAction::Reboot)
        .await
        .expect_err("too slow");
    assert!(err.is_timeout());
    assert!(
        matches!(
            err,
            Error::Timeout {
                limit: TimeoutKind::Attempt,
                attempts: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(requests_seen(&server).await, 1);
}

#[tokio::test]
async fn overall_timeout_bounds_the_whole_call() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(GET_PATH))
        .respond_with(json_response(200, REFERENCE_ACTION).set_delay(Duration::from_secs(30)))
        .mount(&server)
        .await;
    let client = Client::builder()
        .no_proxy()
        .token(SECRET_TOKEN)
        .base_url(server.uri())
        .retry(fast_retry())
        .attempt_timeout(Duration::from_secs(10))
        .overall_timeout(Duration::from_secs(1))
        .build()
        .expect("valid");
    let err = client
        .droplet_actions()
        .get(3164444, 36804636)
        .await
        .expect_err("too slow");
    assert!(
        matches!(
            err,
            Error::Timeout {
                limit: TimeoutKind::Overall,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn futures_do_not_borrow_their_handler_and_can_be_spawned() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(GET_PATH))
        .respond_with(json_response(200, REFERENCE_ACTION))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    // Each future is built from a temporary handler that is gone before the future runs.
    let futures: Vec<_> = (0..3)
        .map(|_| client.droplet_actions().get(3164444, 36804636))
        .collect();
    let tasks: Vec<_> = futures.into_iter().map(tokio::spawn).collect();
    for task in tasks {
        assert_eq!(task.await.expect("task ran").expect("200").id, 36804636);
    }
    assert_eq!(requests_seen(&server).await, 3);
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let server = MockServer::start().await;
    let soon = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(2));
    Mock::given(method("GET"))
        .and(path(GET_PATH))
        .respond_with(
            json_response(
                503,
                r#"{"id":"service_unavailable","message":"down for a moment"}"#,
            )
            .insert_header("retry-after", soon.as_str()),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(GET_PATH))
        .respond_with(json_response(200, REFERENCE_ACTION))
        .mount(&server)
        .await;
    // HTTP dates have whole-second precision, so the pause is between one and two seconds; the backoff alone is
    // at most 20 ms.
    let started = Instant::now();
    client_for(&server.uri())
        .droplet_actions()
        .get(3164444, 36804636)
        .await
        .expect("retried after the date");
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "waited only {:?}",
        started.elapsed()
    );
    assert_eq!(requests_seen(&server).await, 2);
}

fn limited_client(base_url: &str, limit: usize) -> Client {
    Client::builder()
        .no_proxy()
        .token(SECRET_TOKEN)
        .base_url(base_url)
        .retry(fast_retry())
        .attempt_timeout(Duration::from_secs(5))
        .max_response_bytes(limit)
        .build()
        .expect("valid client")
}

#[tokio::test]
async fn a_body_declared_larger_than_the_limit_is_refused_without_retry() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(GET_PATH))
        .respond_with(json_response(200, REFERENCE_ACTION))
        .mount(&server)
        .await;

    let limit = REFERENCE_ACTION.len() - 1;
    let err = limited_client(&server.uri(), limit)
        .droplet_actions()
        .get(3164444, 36804636)
        .await
        .expect_err("body over the limit");
    assert!(
        matches!(err, Error::ResponseTooLarge { status: 200, limit: l, .. } if l == limit),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "GET {GET_PATH}: the response body exceeds the limit of {limit} bytes (status 200)"
        )
    );
    assert_eq!(
        requests_seen(&server).await,
        1,
        "an oversized body is not retried"
    );

    let fits = limited_client(&server.uri(), REFERENCE_ACTION.len())
        .droplet_actions()
        .get(3164444, 36804636)
        .await
        .expect("a body exactly at the limit is read");
    assert_eq!(fits.id, 36804636);
}

#[tokio::test]
async fn an_endless_chunked_body_stops_at_the_limit() {
    // A server that declares no length and keeps sending: the client must stop reading at its limit.
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let server = tokio::spawn(async move {
        use tokio::io::AsyncWriteExt;
        let (mut socket, _) = listener.accept().await.expect("accept");
        let mut request = [0u8; 4096];
        let _ = socket.read(&mut request).await;
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
        if socket.write_all(head.as_bytes()).await.is_err() {
            return 0;
        }
        let chunk = format!("400\r\n{}\r\n", "x".repeat(0x400));
        let mut sent = 0;
        // Bounded: 1 MiB at most, far past the client's 16 KiB limit.
        for _ in 0..1024 {
            if socket.write_all(chunk.as_bytes()).await.is_err() {
                break;
            }
            sent += 0x400;
        }
        sent
    });

    let err = limited_client(&format!("http://{addr}"), 16 * 1024)
        .droplet_actions()
        .get(3164444, 36804636)
        .await
        .expect_err("endless body");
    assert!(
        matches!(
            err,
            Error::ResponseTooLarge {
                status: 200,
                limit: 16384,
                ..
            }
        ),
        "{err:?}"
    );
    let sent = tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("server finished")
        .expect("server task");
    assert!(sent > 16 * 1024, "the server got past the limit: {sent}");
}

#[tokio::test]
async fn a_403_is_forbidden_and_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(GET_PATH))
        .respond_with(json_response(
            403,
            r#"{"id":"forbidden","message":"You do not have access for the attempted action."}"#,
        ))
        .mount(&server)
        .await;
    let err = client_for(&server.uri())
        .droplet_actions()
        .get(3164444, 36804636)
        .await
        .expect_err("403");
    assert!(err.is_forbidden(), "{err:?}");
    assert!(!err.is_unauthorized() && !err.is_not_found());
    let api = err.api_error().expect("an API error");
    assert_eq!(
        (api.status, api.id.as_str(), api.attempts),
        (403, "forbidden", 1)
    );
    assert_eq!(requests_seen(&server).await, 1);
}

#[tokio::test]
async fn redirects_are_refused_and_never_carry_the_token_elsewhere() {
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(json_response(200, REFERENCE_ACTION))
        .mount(&elsewhere)
        .await;
    Mock::given(method("POST"))
        .respond_with(json_response(201, REFERENCE_ACTION))
        .mount(&elsewhere)
        .await;
    // Another host name for the same machine: a redirect target that is not the client's origin.
    let target = elsewhere.uri().replace("127.0.0.1", "localhost");
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(302).insert_header("location", format!("{target}{GET_PATH}")),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(307).insert_header("location", format!("{target}{POST_PATH}")),
        )
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let get = client
        .droplet_actions()
        .get(3164444, 36804636)
        .await
        .expect_err("a redirect is not followed");
    assert_eq!(get.status(), Some(302), "{get:?}");
    let post = client
        .droplet_actions()
        .post(3164444, DropletAction::Reboot)
        .await
        .expect_err("a redirect is not followed");
    assert_eq!(post.status(), Some(307), "{post:?}");
    assert_eq!(requests_seen(&server).await, 2);
    assert_eq!(
        requests_seen(&elsewhere).await,
        0,
        "nothing, token included, went to the redirect target"
    );
}

/// A listener on 127.0.0.1 whose accept queue is full, so a new connection's SYN is dropped and the connect
/// hangs: the only way to make a connect time out on loopback. Returns the address and the queued sockets.
async fn unaccepting_listener() -> (
    std::net::SocketAddr,
    tokio::net::TcpListener,
    Vec<tokio::net::TcpStream>,
) {
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket
        .bind("127.0.0.1:0".parse().expect("address"))
        .expect("bind");
    let listener = socket.listen(1).expect("listen");
    let address = listener.local_addr().expect("address");
    let mut queued = Vec::new();
    for _ in 0..64 {
        match tokio::time::timeout(
            Duration::from_millis(300),
            tokio::net::TcpStream::connect(address),
        )
        .await
        {
            Ok(Ok(stream)) => queued.push(stream),
            _ => break,
        }
    }
    (address, listener, queued)
}

#[tokio::test]
async fn a_connect_that_hangs_ends_with_the_connect_timeout() {
    let (address, _listener, queued) = unaccepting_listener().await;
    assert!(queued.len() < 64, "the accept queue never filled");
    let client = Client::builder()
        .no_proxy()
        .token(SECRET_TOKEN)
        .base_url(format!("http://{address}"))
        .retry(RetryPolicy::disabled())
        .connect_timeout(Duration::from_millis(500))
        .attempt_timeout(Duration::from_secs(30))
        .overall_timeout(Duration::from_secs(60))
        .build()
        .expect("valid");
    let started = Instant::now();
    let err = client
        .droplet_actions()
        .get(3164444, 36804636)
        .await
        .expect_err("cannot connect");
    assert!(
        matches!(
            err,
            Error::Timeout {
                limit: TimeoutKind::Connect,
                attempts: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(25),
        "ended by the connect limit, not the 30 s attempt limit"
    );
}
