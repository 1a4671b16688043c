//! Waiting for something to finish by polling it with a growing interval: an action ([`Wait`]) or any resource
//! ([`WaitFor`], e.g. a Droplet becoming `active`).

use std::fmt;
use std::future::IntoFuture;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use tokio::time::Instant;

use crate::client::Client;
use crate::error::Error;
use crate::models::{Action, ActionStatus};
use crate::resources::envelopes::decode_action;
use crate::response::{RawResponse, Response};
use crate::transport::{ApiRequest, execute};

/// The default limit on how long [`Wait`] polls.
pub const DEFAULT_WAIT_TIMEOUT: Duration = Duration::from_secs(600);
/// The default first pause between polls: short, so an action that takes 300 ms is seen done after about
/// that long; the pauses double from there (0.25, 0.5, 1, 2, 4, 8, 10 s), so a long wait settles at one poll
/// per 10 s, far inside the API's 250 requests a minute.
pub const DEFAULT_MIN_POLL_INTERVAL: Duration = Duration::from_millis(250);
/// The default longest pause between polls.
pub const DEFAULT_MAX_POLL_INTERVAL: Duration = Duration::from_secs(10);

/// Where a polled resource stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// Not finished yet: poll again.
    Pending,
    /// Finished as hoped: the wait returns it.
    Done,
    /// Finished in a state that will never become done (an `errored` action); the text names the state.
    Failed(String),
}

/// Decodes one poll's answer: operation, body, and the envelope member (if any) holding the value.
pub(crate) type PollDecoder<T> = fn(&'static str, &[u8], &'static str) -> Result<T, Error>;

type ProgressCallback<T> = Arc<dyn Fn(&T) + Send + Sync + 'static>;

/// The settings every waiter shares.
struct Settings<T> {
    timeout: Duration,
    min_interval: Duration,
    max_interval: Duration,
    on_progress: Option<ProgressCallback<T>>,
}

impl<T> Default for Settings<T> {
    fn default() -> Self {
        Self {
            timeout: DEFAULT_WAIT_TIMEOUT,
            min_interval: DEFAULT_MIN_POLL_INTERVAL,
            max_interval: DEFAULT_MAX_POLL_INTERVAL,
            on_progress: None,
        }
    }
}

impl<T> Settings<T> {
    fn debug_fields(&self, f: &mut fmt::DebugStruct<'_, '_>) {
        f.field("timeout", &self.timeout)
            .field("min_interval", &self.min_interval)
            .field("max_interval", &self.max_interval)
            .field(
                "on_progress",
                &self.on_progress.as_ref().map(|_| "<callback>"),
            );
    }

    fn validate(&self) -> Result<(), Error> {
        if self.timeout.is_zero() {
            return Err(Error::invalid_argument(
                "timeout",
                "must be longer than zero",
            ));
        }
        if self.min_interval.is_zero() {
            return Err(Error::invalid_argument(
                "poll_interval",
                "the minimum must be longer than zero",
            ));
        }
        if self.max_interval < self.min_interval {
            return Err(Error::invalid_argument(
                "poll_interval",
                "the maximum must not be below the minimum",
            ));
        }
        Ok(())
    }
}

/// How a poll loop ended, before it is turned into the waiter's own result.
enum Outcome<T> {
    Done(T),
    Failed(T, String),
    TimedOut(Option<T>),
}

/// The pauses between polls: the minimum first, doubling up to the maximum.
pub(crate) fn next_interval(current: Duration, max: Duration) -> Duration {
    current.saturating_mul(2).min(max)
}

/// Polls `request` until `done` says it finished or the deadline passes; `decode` turns each answer into the
/// value judged (and handed to the progress callback).
///
/// Polls start right away. A poll that starts before the deadline is cut off by it; when a pause ends at the
/// deadline, one last poll is made there (limited by the client's own time limits), so a resource finishing
/// during the final pause is seen. Timeouts too long to represent mean "no deadline"; nothing overflows.
async fn poll_until<V>(
    client: &Client,
    request: &ApiRequest,
    decode: impl Fn(&'static str, RawResponse) -> Result<V, Error>,
    done: impl Fn(&V) -> Progress,
    settings: &Settings<V>,
) -> Result<Outcome<V>, Error> {
    settings.validate()?;
    let deadline = Instant::now().checked_add(settings.timeout);
    let mut interval = settings.min_interval;
    let mut last: Option<V> = None;
    loop {
        let last_look = deadline.is_some_and(|deadline| Instant::now() >= deadline);
        let poll = async {
            let response = execute(&client.inner, request).await?;
            decode(request.operation, response)
        };
        let value = match deadline.filter(|_| !last_look) {
            Some(deadline) => match tokio::time::timeout_at(deadline, poll).await {
                Ok(result) => result?,
                Err(_) => return Ok(Outcome::TimedOut(last)),
            },
            None => poll.await?,
        };
        if let Some(callback) = &settings.on_progress {
            callback(&value);
        }
        match done(&value) {
            Progress::Done => return Ok(Outcome::Done(value)),
            Progress::Failed(state) => return Ok(Outcome::Failed(value, state)),
            Progress::Pending if last_look => return Ok(Outcome::TimedOut(Some(value))),
            Progress::Pending => last = Some(value),
        }
        let now = Instant::now();
        match (now.checked_add(interval), deadline) {
            (Some(wake), Some(deadline)) => tokio::time::sleep_until(wake.min(deadline)).await,
            (None, Some(deadline)) => tokio::time::sleep_until(deadline).await,
            (_, None) => tokio::time::sleep(interval).await,
        }
        interval = next_interval(interval, settings.max_interval);
    }
}

/// Decodes one answer with a call's decoder; a decode error keeps the answer, as a call's own does.
fn decode_with<T>(
    decode: PollDecoder<T>,
    key: &'static str,
) -> impl Fn(&'static str, RawResponse) -> Result<T, Error> {
    move |operation, response| {
        decode(operation, &response.body, key).map_err(|err| err.with_response(response))
    }
}

/// Whether an action is finished.
fn action_progress(action: &Action) -> Progress {
    match &action.status {
        ActionStatus::Completed => Progress::Done,
        ActionStatus::Errored => Progress::Failed(action.status.to_string()),
        _ => Progress::Pending,
    }
}

/// Waits for an action to reach `completed` (→ `Ok(Action)`) or `errored` (→ [`Error::ActionErrored`]), or for
/// the timeout (→ [`Error::WaitTimeout`] with the last state seen). Configure it, then `.await` it; dropping the
/// future stops polling.
///
/// Polls start right away, then pause for the minimum interval, doubling up to the maximum. When a pause ends
/// at the deadline, one last poll is made there.
#[must_use = "a wait does nothing until it is awaited"]
pub struct Wait {
    client: Client,
    request: Result<ApiRequest, Error>,
    settings: Settings<Action>,
}

impl fmt::Debug for Wait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Wait");
        debug.field(
            "request",
            &self.request.as_ref().map(ApiRequest::path_and_query),
        );
        self.settings.debug_fields(&mut debug);
        debug.finish()
    }
}

impl Wait {
    pub(crate) fn for_action(client: Client, action_id: u64) -> Self {
        let request = crate::resources::actions_get_request(action_id);
        Self::with_request(client, request)
    }

    pub(crate) fn for_droplet_action(client: Client, droplet_id: u64, action_id: u64) -> Self {
        let request = crate::resources::droplet_actions_get_request(droplet_id, action_id);
        Self::with_request(client, request)
    }

    /// Polls `request`, any GET answering `{"action": …}` (a volume, image or IP action, for example).
    #[allow(dead_code)]
    pub(crate) fn for_request(client: Client, request: ApiRequest) -> Self {
        Self::with_request(client, Ok(request))
    }

    pub(crate) fn with_request(client: Client, request: Result<ApiRequest, Error>) -> Self {
        Self {
            client,
            request,
            settings: Settings::default(),
        }
    }

    /// Gives up after `timeout` (default 10 minutes).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.timeout = timeout;
        self
    }

    /// Pauses `min` after the first poll, doubling up to `max` (defaults 250 ms and 10 s).
    pub fn poll_interval(mut self, min: Duration, max: Duration) -> Self {
        self.settings.min_interval = min;
        self.settings.max_interval = max;
        self
    }

    /// Calls `callback` with every state polled, the final one included.
    pub fn on_progress(mut self, callback: impl Fn(&Action) + Send + Sync + 'static) -> Self {
        self.settings.on_progress = Some(Arc::new(callback));
        self
    }

    async fn run(self) -> Result<Action, Error> {
        self.settings.validate()?;
        let request = self.request?;
        let outcome = poll_until(
            &self.client,
            &request,
            decode_with(|operation, body, _| decode_action(operation, body), ""),
            action_progress,
            &self.settings,
        )
        .await?;
        match outcome {
            Outcome::Done(action) => Ok(action),
            Outcome::Failed(action, _) => Err(Error::ActionErrored {
                action: Box::new(action),
            }),
            Outcome::TimedOut(last) => Err(Error::WaitTimeout {
                after: self.settings.timeout,
                last: last.map(Box::new),
            }),
        }
    }
}

impl IntoFuture for Wait {
    type Output = Result<Action, Error>;
    type IntoFuture = BoxFuture<'static, Result<Action, Error>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

/// Waits for a resource to reach a state, for example a new Droplet becoming `active`: polls one request until
/// its answer is done (→ `Ok(T)`), failed (→ [`Error::WaitFailed`]) or the timeout passes
/// (→ [`Error::WaitForTimeout`]). The same settings and polling rules as [`Wait`].
#[must_use = "a wait does nothing until it is awaited"]
pub struct WaitFor<T> {
    client: Client,
    request: Result<ApiRequest, Error>,
    key: &'static str,
    decode: PollDecoder<T>,
    done: fn(&T) -> Progress,
    settings: Settings<T>,
}

/// The `Debug` of both waits: the request's path and the settings, never a header.
fn debug_wait<X>(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    request: &Result<ApiRequest, Error>,
    settings: &Settings<X>,
) -> fmt::Result {
    let mut debug = f.debug_struct(name);
    debug.field("request", &request.as_ref().map(ApiRequest::path_and_query));
    settings.debug_fields(&mut debug);
    debug.finish()
}

impl<T> fmt::Debug for WaitFor<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_wait(f, "WaitFor", &self.request, &self.settings)
    }
}

impl<T: Send + 'static> WaitFor<T> {
    /// Polls the read call `get` (any call answering the resource, e.g. `client.volumes().get(id)`) until
    /// `done` says the resource finished. An argument `get` refused is reported when the wait is awaited.
    ///
    /// ```no_run
    /// # async fn run(client: oxido::Client) -> Result<(), oxido::Error> {
    /// use oxido::{Progress, WaitFor};
    /// let volume = WaitFor::new(client.volumes().get("506f78a4"), |volume| {
    ///     if volume.droplet_ids.is_empty() {
    ///         Progress::Pending
    ///     } else {
    ///         Progress::Done
    ///     }
    /// })
    /// .timeout(std::time::Duration::from_secs(120))
    /// .await?;
    /// # Ok(()) }
    /// ```
    pub fn new(get: crate::Call<T>, done: fn(&T) -> Progress) -> Self {
        let (client, request, key, decode) = get.into_parts();
        Self {
            client,
            request,
            key,
            decode,
            done,
            settings: Settings::default(),
        }
    }

    /// Polls `request`, decoding each answer with `decode` and asking `done` whether it finished.
    #[cfg(test)]
    pub(crate) fn with_request(
        client: Client,
        request: ApiRequest,
        key: &'static str,
        decode: PollDecoder<T>,
        done: fn(&T) -> Progress,
    ) -> Self {
        Self {
            client,
            request: Ok(request),
            key,
            decode,
            done,
            settings: Settings::default(),
        }
    }

    /// Gives up after `timeout` (default 10 minutes).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.timeout = timeout;
        self
    }

    /// Pauses `min` after the first poll, doubling up to `max` (defaults 250 ms and 10 s).
    pub fn poll_interval(mut self, min: Duration, max: Duration) -> Self {
        self.settings.min_interval = min;
        self.settings.max_interval = max;
        self
    }

    /// Calls `callback` with every state polled, the final one included.
    pub fn on_progress(mut self, callback: impl Fn(&T) + Send + Sync + 'static) -> Self {
        self.settings.on_progress = Some(Arc::new(callback));
        self
    }

    async fn run(self) -> Result<T, Error> {
        let request = self.request?;
        let operation = request.operation;
        let outcome = poll_until(
            &self.client,
            &request,
            decode_with(self.decode, self.key),
            self.done,
            &self.settings,
        )
        .await?;
        resource_result(outcome, operation, self.settings.timeout)
    }

    /// Keeps every polled answer as the API sent it: the wait then ends with a [`Response`] (the value with
    /// its status, headers and body), and `on_progress` callbacks see each one. For callers that pass the
    /// API's own JSON on, such as a CLI printing it losslessly. The settings made so far carry over.
    ///
    /// ```no_run
    /// # async fn run(client: oxido::Client) -> Result<(), oxido::Error> {
    /// let answer = client.droplets().wait_active(3164444).with_response().await?;
    /// println!("{}", String::from_utf8_lossy(&answer.body));
    /// # Ok(()) }
    /// ```
    pub fn with_response(self) -> WaitForResponse<T> {
        let settings = Settings {
            timeout: self.settings.timeout,
            min_interval: self.settings.min_interval,
            max_interval: self.settings.max_interval,
            on_progress: self.settings.on_progress.map(|callback| {
                Arc::new(move |response: &Response<T>| callback(&response.value))
                    as ProgressCallback<Response<T>>
            }),
        };
        WaitForResponse {
            client: self.client,
            request: self.request,
            key: self.key,
            decode: self.decode,
            done: self.done,
            settings,
        }
    }
}

/// A resource wait's outcome as its result: the same errors for [`WaitFor`] and [`WaitForResponse`].
fn resource_result<V>(
    outcome: Outcome<V>,
    operation: &'static str,
    timeout: Duration,
) -> Result<V, Error> {
    match outcome {
        Outcome::Done(value) => Ok(value),
        Outcome::Failed(_, state) => Err(Error::WaitFailed { operation, state }),
        Outcome::TimedOut(last) => Err(Error::WaitForTimeout {
            operation,
            after: timeout,
            polled: last.is_some(),
        }),
    }
}

impl<T: Send + 'static> IntoFuture for WaitFor<T> {
    type Output = Result<T, Error>;
    type IntoFuture = BoxFuture<'static, Result<T, Error>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

/// A [`WaitFor`] that keeps each polled answer as sent ([`WaitFor::with_response`]): it ends with the
/// [`Response`] whose value was done, and fails as [`WaitFor`] does.
#[must_use = "a wait does nothing until it is awaited"]
pub struct WaitForResponse<T> {
    client: Client,
    request: Result<ApiRequest, Error>,
    key: &'static str,
    decode: PollDecoder<T>,
    done: fn(&T) -> Progress,
    settings: Settings<Response<T>>,
}

impl<T> fmt::Debug for WaitForResponse<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_wait(f, "WaitForResponse", &self.request, &self.settings)
    }
}

impl<T: Send + 'static> WaitForResponse<T> {
    /// Gives up after `timeout` (default 10 minutes).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.timeout = timeout;
        self
    }

    /// Pauses `min` after the first poll, doubling up to `max` (defaults 250 ms and 10 s).
    pub fn poll_interval(mut self, min: Duration, max: Duration) -> Self {
        self.settings.min_interval = min;
        self.settings.max_interval = max;
        self
    }

    /// Calls `callback` with every answer polled, the final one included (in place of a callback set before).
    pub fn on_progress(mut self, callback: impl Fn(&Response<T>) + Send + Sync + 'static) -> Self {
        self.settings.on_progress = Some(Arc::new(callback));
        self
    }

    async fn run(self) -> Result<Response<T>, Error> {
        let request = self.request?;
        let operation = request.operation;
        let (decode, key, done) = (self.decode, self.key, self.done);
        let outcome = poll_until(
            &self.client,
            &request,
            move |operation, response: RawResponse| match decode(operation, &response.body, key) {
                Ok(value) => Ok(Response::from_raw(response, value)),
                Err(err) => Err(err.with_response(response)),
            },
            |response: &Response<T>| done(&response.value),
            &self.settings,
        )
        .await?;
        resource_result(outcome, operation, self.settings.timeout)
    }
}

impl<T: Send + 'static> IntoFuture for WaitForResponse<T> {
    type Output = Result<Response<T>, Error>;
    type IntoFuture = BoxFuture<'static, Result<Response<T>, Error>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interval_doubles_up_to_the_maximum_without_overflow() {
        let max = Duration::from_secs(10);
        let mut interval = Duration::from_secs(1);
        let mut seen = Vec::new();
        for _ in 0..6 {
            seen.push(interval.as_secs());
            interval = next_interval(interval, max);
        }
        assert_eq!(seen, [1, 2, 4, 8, 10, 10]);
        assert_eq!(next_interval(Duration::MAX, Duration::MAX), Duration::MAX);
    }
}

#[cfg(test)]
mod poll_tests {
    use std::sync::Mutex;

    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::*;

    #[derive(Debug, Clone, serde::Deserialize)]
    struct Droplet {
        status: String,
    }

    #[derive(serde::Deserialize)]
    struct Envelope {
        droplet: Droplet,
    }

    fn decode_droplet(operation: &'static str, body: &[u8]) -> Result<Droplet, Error> {
        crate::decode::decode_json::<Envelope>(operation, body).map(|e| e.droplet)
    }

    fn active(droplet: &Droplet) -> Progress {
        match droplet.status.as_str() {
            "active" => Progress::Done,
            "new" => Progress::Pending,
            other => Progress::Failed(other.to_owned()),
        }
    }

    async fn server_with(states: &[&str], then: &str) -> MockServer {
        let server = MockServer::start().await;
        for state in states {
            Mock::given(method("GET"))
                .and(path("/v2/droplets/7"))
                .respond_with(
                    ResponseTemplate::new(200)
                        .set_body_json(serde_json::json!({"droplet": {"status": state}})),
                )
                .up_to_n_times(1)
                .mount(&server)
                .await;
        }
        Mock::given(method("GET"))
            .and(path("/v2/droplets/7"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(serde_json::json!({"droplet": {"status": then}})),
            )
            .mount(&server)
            .await;
        server
    }

    fn client(uri: &str) -> Client {
        Client::builder()
            .token("t")
            .base_url(uri)
            .build()
            .expect("valid")
    }

    fn wait_for(uri: &str) -> WaitFor<Droplet> {
        WaitFor::with_request(
            client(uri),
            ApiRequest::get("droplets.get", "/v2/droplets/7".into()),
            "",
            |operation, body, _| decode_droplet(operation, body),
            active,
        )
        .poll_interval(Duration::from_millis(5), Duration::from_millis(20))
    }

    #[tokio::test]
    async fn a_resource_wait_returns_the_resource_once_done_and_reports_each_state() {
        let server = server_with(&["new", "new"], "active").await;
        let seen = Arc::new(Mutex::new(Vec::new()));
        let recorder = Arc::clone(&seen);
        let droplet = wait_for(&server.uri())
            .timeout(Duration::from_secs(30))
            .on_progress(move |d| recorder.lock().expect("lock").push(d.status.clone()))
            .await
            .expect("active");
        assert_eq!(droplet.status, "active");
        assert_eq!(*seen.lock().expect("lock"), ["new", "new", "active"]);
    }

    #[tokio::test]
    async fn a_wait_with_response_keeps_each_answer_as_sent() {
        let server = server_with(&["new"], "active").await;
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let recorder = Arc::clone(&bodies);
        let answer = wait_for(&server.uri())
            .timeout(Duration::from_secs(30))
            .with_response()
            .on_progress(move |r| {
                let body = String::from_utf8_lossy(&r.body).into_owned();
                recorder.lock().expect("lock").push(body);
            })
            .await
            .expect("active");
        assert_eq!(
            (answer.value.status.as_str(), answer.status),
            ("active", 200)
        );
        assert_eq!(answer.json().expect("json")["droplet"]["status"], "active");
        assert_eq!(
            *bodies.lock().expect("lock"),
            [
                r#"{"droplet":{"status":"new"}}"#,
                r#"{"droplet":{"status":"active"}}"#
            ]
        );
        let failed = server_with(&[], "archive").await;
        let err = wait_for(&failed.uri())
            .with_response()
            .timeout(Duration::from_secs(30))
            .await
            .expect_err("failed");
        assert!(matches!(err, Error::WaitFailed { .. }), "{err:?}");
        let pending = server_with(&[], "new").await;
        let err = wait_for(&pending.uri())
            .with_response()
            .timeout(Duration::from_millis(200))
            .await
            .expect_err("never active");
        assert!(
            matches!(err, Error::WaitForTimeout { polled: true, .. }),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn a_resource_wait_reports_a_failed_state_and_a_timeout() {
        let server = server_with(&["new"], "archive").await;
        let err = wait_for(&server.uri())
            .timeout(Duration::from_secs(30))
            .await
            .expect_err("failed");
        match &err {
            Error::WaitFailed { operation, state } => {
                assert_eq!((*operation, state.as_str()), ("droplets.get", "archive"));
            }
            other => panic!("expected WaitFailed, got {other:?}"),
        }
        let pending = server_with(&[], "new").await;
        let err = wait_for(&pending.uri())
            .timeout(Duration::from_millis(200))
            .await
            .expect_err("never active");
        assert!(err.is_timeout(), "{err:?}");
        assert!(matches!(err, Error::WaitForTimeout { polled: true, .. }));
    }

    #[tokio::test]
    async fn an_action_wait_can_poll_any_action_endpoint() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/v2/volumes/v-1/actions/9"))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "action": {"id": 9, "status": "completed", "type": "attach_volume",
                           "started_at": "2020-11-14T16:29:21Z", "resource_id": 1,
                           "resource_type": "volume", "region_slug": "nyc3"}
            })))
            .mount(&server)
            .await;
        let request = ApiRequest::get("volume_actions.get", "/v2/volumes/v-1/actions/9".into());
        let action = Wait::for_request(client(&server.uri()), request)
            .timeout(Duration::from_secs(30))
            .await
            .expect("completed");
        assert_eq!(action.id, 9);
    }
}
