//! Waiting for an action: completed, errored and timed out, with the progress callback.

mod common;

use std::future::IntoFuture;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{action_json, client_for};
use oxido::{ActionStatus, Error};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const FAST_MIN: Duration = Duration::from_millis(10);
const FAST_MAX: Duration = Duration::from_millis(40);

async fn mount_states(server: &MockServer, route: &str, states: &[&str], then: &str) {
    for state in states {
        Mock::given(method("GET"))
            .and(path(route))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(serde_json::json!({ "action": action_json(42, state) })),
            )
            .up_to_n_times(1)
            .mount(server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path(route))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({ "action": action_json(42, then) })),
        )
        .mount(server)
        .await;
}

#[tokio::test]
async fn wait_returns_the_completed_action_and_reports_progress() {
    let server = MockServer::start().await;
    mount_states(
        &server,
        "/v2/actions/42",
        &["in-progress", "in-progress"],
        "completed",
    )
    .await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let recorder = Arc::clone(&seen);
    let done = client_for(&server.uri())
        .actions()
        .wait(42)
        .timeout(Duration::from_secs(10))
        .poll_interval(FAST_MIN, FAST_MAX)
        .on_progress(move |action| {
            recorder
                .lock()
                .expect("not poisoned")
                .push(action.status.clone())
        })
        .await
        .expect("completes");
    assert_eq!(done.status, ActionStatus::Completed);
    assert_eq!(
        *seen.lock().expect("not poisoned"),
        vec![
            ActionStatus::InProgress,
            ActionStatus::InProgress,
            ActionStatus::Completed
        ]
    );
}

#[tokio::test]
async fn wait_on_an_errored_action_returns_it_in_the_error() {
    let server = MockServer::start().await;
    mount_states(
        &server,
        "/v2/droplets/3164444/actions/42",
        &["in-progress"],
        "errored",
    )
    .await;
    let err = client_for(&server.uri())
        .droplet_actions()
        .wait(3164444, 42)
        .timeout(Duration::from_secs(30))
        .poll_interval(FAST_MIN, FAST_MAX)
        .await
        .expect_err("errored");
    assert!(matches!(err, Error::ActionErrored { .. }), "{err:?}");
    assert_eq!(
        err.action().map(|action| action.status.clone()),
        Some(ActionStatus::Errored)
    );
    assert_eq!(err.to_string(), "action 42 (power_off) errored");
}

#[tokio::test]
async fn wait_times_out_with_the_last_state_seen() {
    let server = MockServer::start().await;
    mount_states(&server, "/v2/actions/42", &[], "in-progress").await;
    let err = client_for(&server.uri())
        .actions()
        .wait(42)
        .timeout(Duration::from_secs(2))
        .poll_interval(FAST_MIN, FAST_MAX)
        .await
        .expect_err("never finishes");
    assert!(err.is_timeout());
    match &err {
        Error::WaitTimeout { after, last } => {
            assert_eq!(*after, Duration::from_secs(2));
            assert_eq!(
                last.as_ref().map(|action| action.status.clone()),
                Some(ActionStatus::InProgress)
            );
        }
        other => panic!("expected a wait timeout, got {other:?}"),
    }
    assert!(
        err.to_string()
            .starts_with("action 42 (power_off) still in-progress after waiting"),
        "{err}"
    );
    let polls = server
        .received_requests()
        .await
        .map(|requests| requests.len())
        .unwrap_or(0);
    assert!(polls >= 2, "polled more than once: {polls}");
}

#[tokio::test]
async fn wait_passes_api_errors_through() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/actions/42"))
        .respond_with(ResponseTemplate::new(404).set_body_raw(
            r#"{"id":"not_found","message":"The resource you requested could not be found."}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let err = client_for(&server.uri())
        .actions()
        .wait(42)
        .poll_interval(FAST_MIN, FAST_MAX)
        .await
        .expect_err("404");
    assert!(err.is_not_found());
}

#[tokio::test]
async fn wait_refuses_bad_settings_before_polling() {
    let server = MockServer::start().await;
    let client = client_for(&server.uri());
    let err = client
        .actions()
        .wait(42)
        .poll_interval(Duration::from_secs(5), Duration::from_secs(1))
        .await
        .expect_err("max < min");
    assert!(
        matches!(
            err,
            Error::InvalidArgument {
                argument: "poll_interval",
                ..
            }
        ),
        "{err:?}"
    );
    let err = client
        .actions()
        .wait(42)
        .timeout(Duration::ZERO)
        .await
        .expect_err("zero timeout");
    assert!(
        matches!(
            err,
            Error::InvalidArgument {
                argument: "timeout",
                ..
            }
        ),
        "{err:?}"
    );
    let err = client
        .actions()
        .wait(0)
        .poll_interval(FAST_MIN, FAST_MAX)
        .await
        .expect_err("zero id");
    assert!(
        matches!(
            err,
            Error::InvalidArgument {
                argument: "action_id",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        server
            .received_requests()
            .await
            .map(|requests| requests.len()),
        Some(0)
    );
}

#[tokio::test]
async fn wait_can_be_spawned() {
    let server = MockServer::start().await;
    mount_states(&server, "/v2/actions/42", &[], "completed").await;
    let wait = client_for(&server.uri())
        .actions()
        .wait(42)
        .poll_interval(FAST_MIN, FAST_MAX);
    let done = tokio::spawn(async move { wait.await })
        .await
        .expect("task ran")
        .expect("completed");
    assert_eq!(done.id, 42);
}

#[tokio::test]
async fn dropping_the_wait_stops_polling() {
    let server = MockServer::start().await;
    mount_states(&server, "/v2/actions/42", &[], "in-progress").await;
    let polls = || async {
        server
            .received_requests()
            .await
            .map(|requests| requests.len())
            .unwrap_or(0)
    };
    let wait = client_for(&server.uri())
        .actions()
        .wait(42)
        .poll_interval(FAST_MIN, FAST_MIN)
        .into_future();
    let task = tokio::spawn(wait);
    // Bounded in count and time, not in exact timing: run until the wait has polled at least twice.
    for _ in 0..600 {
        if polls().await >= 2 || task.is_finished() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        !task.is_finished(),
        "an in-progress action keeps the wait running"
    );
    task.abort();
    assert!(task.await.is_err_and(|err| err.is_cancelled()));
    // A poll already on the wire when the future was dropped may still arrive; after that, nothing.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let settled = polls().await;
    assert!(settled >= 2);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        polls().await,
        settled,
        "no poll after the future was dropped"
    );
}

#[tokio::test]
async fn an_action_finishing_during_the_last_pause_is_seen_by_a_poll_at_the_deadline() {
    let server = MockServer::start().await;
    // Polls at 0 s and 1 s see it running; it has finished by the deadline at 2.5 s.
    mount_states(
        &server,
        "/v2/actions/42",
        &["in-progress", "in-progress"],
        "completed",
    )
    .await;
    let done = client_for(&server.uri())
        .actions()
        .wait(42)
        .timeout(Duration::from_millis(2500))
        .poll_interval(Duration::from_secs(1), Duration::from_secs(10))
        .await
        .expect("seen completed at the deadline");
    assert_eq!(done.status, ActionStatus::Completed);
    let polls = server.received_requests().await.map_or(0, |r| r.len());
    assert!(polls >= 3, "{polls}");
}

#[tokio::test]
async fn the_pause_between_polls_doubles_up_to_the_maximum() {
    let server = MockServer::start().await;
    mount_states(&server, "/v2/actions/42", &["in-progress"; 5], "completed").await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let recorder = Arc::clone(&seen);
    client_for(&server.uri())
        .actions()
        .wait(42)
        .timeout(Duration::from_secs(60))
        .poll_interval(Duration::from_millis(50), Duration::from_millis(200))
        .on_progress(move |_| {
            recorder
                .lock()
                .expect("not poisoned")
                .push(std::time::Instant::now())
        })
        .await
        .expect("completes");
    let times = seen.lock().expect("not poisoned").clone();
    assert_eq!(times.len(), 6);
    let gaps: Vec<Duration> = times.windows(2).map(|w| w[1] - w[0]).collect();
    // A sleep is never shorter than asked, so these lower bounds hold on any machine; the doubling is what
    // makes the third and later gaps at least 200 ms.
    for (gap, least) in gaps.iter().zip([50, 100, 200, 200, 200]) {
        assert!(*gap >= Duration::from_millis(least), "{gaps:?}");
    }
}
