//! Interceptors against a local server: a header one adds arrives, the token never reaches one, every
//! attempt of a retried call is seen, and a panicking one cannot take the client down.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{REFERENCE_ACTION, SECRET_TOKEN, fast_retry};
use http::HeaderValue;
use oxido::{AttemptInfo, Client, Error, Interceptor, OutgoingRequest};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const GET_PATH: &str = "/v2/droplets/3164444/actions/36804636";

fn client(server: &MockServer, interceptors: Vec<Arc<dyn Interceptor>>) -> Client {
    let mut builder = Client::builder()
        .no_proxy()
        .token(SECRET_TOKEN)
        .base_url(server.uri())
        .retry(fast_retry())
        .overall_timeout(Duration::from_secs(10));
    for interceptor in interceptors {
        builder = builder.interceptor_arc(interceptor);
    }
    builder.build().expect("valid client")
}

async fn answer(server: &MockServer, status: u16, body: &str, times: Option<u64>) {
    let mock = Mock::given(method("GET")).and(path(GET_PATH)).respond_with(
        ResponseTemplate::new(status).set_body_raw(body.to_owned(), "application/json"),
    );
    match times {
        Some(n) => mock.up_to_n_times(n).mount(server).await,
        None => mock.mount(server).await,
    }
}

/// Adds a header, tries to set `Authorization`, and keeps everything it was shown.
#[derive(Default)]
struct Tagger {
    seen: Mutex<Vec<String>>,
}

impl Interceptor for Tagger {
    fn modify_before_sending(&self, request: &mut OutgoingRequest<'_>) {
        self.seen.lock().unwrap().push(format!(
            "{request:?} {:?} {}",
            request.headers(),
            request.url()
        ));
        request
            .headers_mut()
            .insert("x-team", HeaderValue::from_static("storage"));
        request
            .headers_mut()
            .insert("authorization", HeaderValue::from_static("Bearer hijacked"));
    }
}

#[tokio::test]
async fn a_header_added_by_an_interceptor_arrives_and_the_token_is_never_shown_to_it() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(GET_PATH))
        .and(header("x-team", "storage"))
        .and(header(
            "authorization",
            format!("Bearer {SECRET_TOKEN}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_raw(REFERENCE_ACTION, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let tagger = Arc::new(Tagger::default());
    let action = client(&server, vec![tagger.clone()])
        .droplet_actions()
        .get(3164444, 36804636)
        .await
        .expect("the header matched and the client's own Authorization won");
    assert_eq!(action.id, 36804636);
    let seen = tagger.seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    assert!(
        seen[0].contains("droplet_actions_get") || seen[0].contains("GET"),
        "{}",
        seen[0]
    );
    assert!(seen[0].contains(GET_PATH), "{}", seen[0]);
    assert!(
        !seen[0].contains(SECRET_TOKEN),
        "the token reached an interceptor: {}",
        seen[0]
    );
    assert!(
        !seen[0].to_ascii_lowercase().contains("authorization"),
        "{}",
        seen[0]
    );
}

/// Counts attempts and records each one's number and status.
#[derive(Default)]
struct Metrics {
    before: Mutex<Vec<u32>>,
    after: Mutex<Vec<(u32, Option<u16>, Duration)>>,
}

impl Interceptor for Metrics {
    fn modify_before_sending(&self, request: &mut OutgoingRequest<'_>) {
        self.before.lock().unwrap().push(request.attempt());
    }

    fn read_after_attempt(&self, attempt: &AttemptInfo<'_>) {
        assert_eq!(attempt.method, "GET");
        if let Some(headers) = attempt.headers {
            assert!(headers.contains_key("content-type"));
        }
        self.after
            .lock()
            .unwrap()
            .push((attempt.attempt, attempt.status, attempt.elapsed));
    }
}

#[tokio::test]
async fn a_metrics_interceptor_sees_every_attempt_of_a_call_retried_after_503() {
    let server = MockServer::start().await;
    answer(
        &server,
        503,
        r#"{"id":"service_unavailable","message":"later"}"#,
        Some(2),
    )
    .await;
    answer(&server, 200, REFERENCE_ACTION, None).await;
    let metrics = Arc::new(Metrics::default());
    let action = client(&server, vec![metrics.clone()])
        .droplet_actions()
        .get(3164444, 36804636)
        .await
        .expect("the third attempt succeeds");
    assert_eq!(action.id, 36804636);
    assert_eq!(*metrics.before.lock().unwrap(), vec![1, 2, 3]);
    {
        let after = metrics.after.lock().unwrap();
        let statuses: Vec<(u32, Option<u16>)> = after.iter().map(|(n, s, _)| (*n, *s)).collect();
        assert_eq!(
            statuses,
            vec![(1, Some(503)), (2, Some(503)), (3, Some(200))]
        );
        assert!(
            after
                .iter()
                .all(|(_, _, elapsed)| *elapsed < Duration::from_secs(10))
        );
    }
    assert_eq!(
        server.received_requests().await.unwrap_or_default().len(),
        3
    );
}

#[tokio::test]
async fn an_attempt_without_an_answer_is_reported_without_a_status() {
    // A port that was free a moment ago: the connection is refused, and a GET is retried.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener);
    let metrics = Arc::new(Metrics::default());
    let client = Client::builder()
        .no_proxy()
        .token(SECRET_TOKEN)
        .base_url(url)
        .retry(fast_retry().with_max_retries(1))
        .interceptor_arc(metrics.clone())
        .build()
        .expect("client");
    let err = client
        .droplet_actions()
        .get(3164444, 36804636)
        .await
        .expect_err("nothing listens");
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    let after = metrics.after.lock().unwrap();
    let statuses: Vec<(u32, Option<u16>)> = after.iter().map(|(n, s, _)| (*n, *s)).collect();
    assert_eq!(statuses, vec![(1, None), (2, None)]);
}

struct PanicsBefore;

impl Interceptor for PanicsBefore {
    fn name(&self) -> &str {
        "panics-before"
    }
    fn modify_before_sending(&self, _: &mut OutgoingRequest<'_>) {
        panic!("a bug in the hook");
    }
}

struct PanicsAfter;

impl Interceptor for PanicsAfter {
    fn read_after_attempt(&self, _: &AttemptInfo<'_>) {
        panic!("a bug in the metrics");
    }
}

#[tokio::test]
async fn a_panicking_interceptor_cannot_panic_the_client() {
    let server = MockServer::start().await;
    answer(&server, 200, REFERENCE_ACTION, None).await;

    let err = client(&server, vec![Arc::new(PanicsBefore)])
        .droplet_actions()
        .get(3164444, 36804636)
        .await
        .expect_err("the call ends with an error, not a panic");
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("panics-before") && text.contains("a bug in the hook"),
        "{text}"
    );
    assert!(!text.contains(SECRET_TOKEN));
    assert_eq!(
        server.received_requests().await.unwrap_or_default().len(),
        0,
        "nothing is sent after modify_before_sending panicked"
    );

    let metrics = Arc::new(Metrics::default());
    let action = client(&server, vec![Arc::new(PanicsAfter), metrics.clone()])
        .droplet_actions()
        .get(3164444, 36804636)
        .await
        .expect("a panic after the answer is ignored");
    assert_eq!(action.id, 36804636);
    assert_eq!(
        metrics.after.lock().unwrap().len(),
        1,
        "the next interceptor still runs"
    );
}

#[test]
fn debug_names_the_interceptors_and_never_the_token() {
    let client = Client::builder()
        .token(SECRET_TOKEN)
        .interceptor(PanicsBefore)
        .build()
        .expect("client");
    let shown = format!("{client:?}");
    assert!(shown.contains("panics-before"), "{shown}");
    assert!(!shown.contains(SECRET_TOKEN), "{shown}");
}
