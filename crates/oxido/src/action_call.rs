//! A call that starts an action, and can chain the wait for it: `….post_by_id(…).wait().await`.

use std::fmt;
use std::future::IntoFuture;
use std::sync::Arc;
use std::time::Duration;

use crate::error::Error;
use crate::models::{Action, ActionStatus};
use crate::operation::{BoxFuture, Call};
use crate::response::{RawResponse, Response};
use crate::transport::ApiRequest;
use crate::wait::Wait;

/// Called with every state of the action seen.
type ProgressCallback = Arc<dyn Fn(&Action) + Send + Sync>;

/// Builds the request that reads an action back, from its id.
type PollRequest = Box<dyn FnOnce(u64) -> Result<ApiRequest, Error> + Send + Sync>;

/// A request that starts an action: `.await` it for the [`Action`] as the API first answers it, or call
/// [`ActionCall::wait`] to send it and then poll the action until it completes.
///
/// ```no_run
/// # async fn run(client: oxido::Client, body: oxido::types::VolumeActionsPostByIdBody) -> Result<(), oxido::Error> {
/// let done = client
///     .volume_actions()
///     .post_by_id("7724db7c-e098-11e5-b522-000f53304e51", body)
///     .wait()
///     .timeout(std::time::Duration::from_secs(300))
///     .await?;
/// assert!(done.is_done());
/// # Ok(()) }
/// ```
#[must_use = "a request does nothing until it is sent"]
pub struct ActionCall {
    client: crate::Client,
    call: Call<Action>,
    poll: PollRequest,
}

impl fmt::Debug for ActionCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ActionCall")
            .field("call", &self.call)
            .finish_non_exhaustive()
    }
}

impl ActionCall {
    /// `call` starts the action; `poll` builds the request that reads it back by id (the family's own
    /// action endpoint, or `/v2/actions/{id}`). Used by `droplet_actions().post` and the generated calls.
    pub(crate) fn new(
        client: crate::Client,
        call: Call<Action>,
        poll: impl FnOnce(u64) -> Result<ApiRequest, Error> + Send + Sync + 'static,
    ) -> Self {
        Self {
            client,
            call,
            poll: Box::new(poll),
        }
    }

    // For the builders of action calls with string options (none in the current spec).
    #[allow(dead_code)]
    pub(crate) fn query(mut self, name: &'static str, value: impl ToString) -> Self {
        self.call = self.call.query(name, value);
        self
    }

    // Called only by the generated calls that start an action; a build whose features hold none of them
    // (e.g. `droplets` alone) has no caller.
    #[allow(dead_code)]
    pub(crate) fn query_checked(
        mut self,
        name: &'static str,
        value: Result<impl ToString, Error>,
    ) -> Self {
        self.call = self.call.query_checked(name, value);
        self
    }

    /// This call's overall time limit, in place of the client's (the wait has its own).
    pub fn timeout(mut self, limit: Duration) -> Self {
        self.call = self.call.timeout(limit);
        self
    }

    /// Sends the request: the action as the API first answers it (usually `in-progress`).
    pub fn send(self) -> BoxFuture<Action> {
        self.call.send()
    }

    /// Sends the request and returns the action with the status, headers and body as the API sent them.
    pub fn send_with_response(self) -> BoxFuture<Response<Action>> {
        self.call.send_with_response()
    }

    /// Sends the request and returns the answer undecoded.
    pub fn send_raw(self) -> BoxFuture<RawResponse> {
        self.call.send_raw()
    }

    /// Sends the request, then waits for the action it started to finish (`completed` → `Ok`, `errored` →
    /// [`Error::ActionErrored`], the deadline → [`Error::WaitTimeout`]), with [`Wait`]'s settings.
    pub fn wait(self) -> ActionWait {
        ActionWait {
            call: self,
            timeout: None,
            poll_interval: None,
            on_progress: None,
        }
    }
}

impl IntoFuture for ActionCall {
    type Output = Result<Action, Error>;
    type IntoFuture = BoxFuture<Action>;

    fn into_future(self) -> Self::IntoFuture {
        self.send()
    }
}

/// [`ActionCall::wait`]: sends the request, then polls the action it started. The settings are
/// [`Wait`]'s, and apply to the polling only.
#[must_use = "a wait does nothing until it is awaited"]
pub struct ActionWait {
    call: ActionCall,
    timeout: Option<Duration>,
    poll_interval: Option<(Duration, Duration)>,
    on_progress: Option<ProgressCallback>,
}

impl fmt::Debug for ActionWait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ActionWait")
            .field("call", &self.call)
            .field("timeout", &self.timeout)
            .field("poll_interval", &self.poll_interval)
            .finish_non_exhaustive()
    }
}

impl ActionWait {
    /// Gives up polling after `timeout` (default [`crate::DEFAULT_WAIT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Pauses `min` after the first poll, doubling up to `max`.
    pub fn poll_interval(mut self, min: Duration, max: Duration) -> Self {
        self.poll_interval = Some((min, max));
        self
    }

    /// Calls `callback` with every state polled, the final one included.
    pub fn on_progress(mut self, callback: impl Fn(&Action) + Send + Sync + 'static) -> Self {
        self.on_progress = Some(Arc::new(callback));
        self
    }

    async fn run(self) -> Result<Action, Error> {
        let Self {
            call,
            timeout,
            poll_interval,
            on_progress,
        } = self;
        // Settings are checked before anything is sent, so a bad one cannot leave an action started.
        if timeout.is_some_and(|t| t.is_zero()) {
            return Err(Error::invalid_argument(
                "timeout",
                "must be longer than zero",
            ));
        }
        if let Some((min, max)) = poll_interval {
            if min.is_zero() || max < min {
                return Err(Error::invalid_argument(
                    "poll_interval",
                    "the minimum must be longer than zero and not above the maximum",
                ));
            }
        }
        let ActionCall { client, call, poll } = call;
        let started = call.send().await?;
        if let Some(callback) = &on_progress {
            callback(&started);
        }
        // An answer that is already final needs no poll.
        match started.status {
            ActionStatus::Completed => return Ok(started),
            ActionStatus::Errored => {
                return Err(Error::ActionErrored {
                    action: Box::new(started),
                });
            }
            _ => {}
        }
        let mut wait = Wait::with_request(client, poll(started.id));
        if let Some(timeout) = timeout {
            wait = wait.timeout(timeout);
        }
        if let Some((min, max)) = poll_interval {
            wait = wait.poll_interval(min, max);
        }
        if let Some(callback) = on_progress {
            wait = wait.on_progress(move |action| callback(action));
        }
        wait.await
    }
}

impl IntoFuture for ActionWait {
    type Output = Result<Action, Error>;
    type IntoFuture = BoxFuture<Action>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}
