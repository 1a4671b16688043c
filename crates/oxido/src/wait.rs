//! Waiting for an action to finish by polling it with a growing interval.

use std::fmt;
use std::future::IntoFuture;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use tokio::time::Instant;

use crate::client::Client;
use crate::error::Error;
use crate::models::{Action, ActionStatus};
use crate::resources::{Actions, DropletActions};

/// The default limit on how long [`Wait`] polls.
pub const DEFAULT_WAIT_TIMEOUT: Duration = Duration::from_secs(600);
/// The default first pause between polls.
pub const DEFAULT_MIN_POLL_INTERVAL: Duration = Duration::from_secs(1);
/// The default longest pause between polls.
pub const DEFAULT_MAX_POLL_INTERVAL: Duration = Duration::from_secs(10);

type ProgressCallback = Arc<dyn Fn(&Action) + Send + Sync + 'static>;

#[derive(Debug, Clone, Copy)]
enum Target {
    Action { action_id: u64 },
    DropletAction { droplet_id: u64, action_id: u64 },
}

/// Waits for an action to reach `completed` (→ `Ok(Action)`) or `errored` (→ [`Error::ActionErrored`]), or for
/// the timeout (→ [`Error::WaitTimeout`] with the last state seen). Configure it, then `.await` it; dropping the
/// future stops polling.
///
/// Polls start right away, then pause for the minimum interval, doubling up to the maximum.
#[must_use = "a wait does nothing until it is awaited"]
pub struct Wait {
    client: Client,
    target: Target,
    timeout: Duration,
    min_interval: Duration,
    max_interval: Duration,
    on_progress: Option<ProgressCallback>,
}

impl fmt::Debug for Wait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wait")
            .field("target", &self.target)
            .field("timeout", &self.timeout)
            .field("min_interval", &self.min_interval)
            .field("max_interval", &self.max_interval)
            .field(
                "on_progress",
                &self.on_progress.as_ref().map(|_| "<callback>"),
            )
            .finish()
    }
}

impl Wait {
    pub(crate) fn for_action(client: Client, action_id: u64) -> Self {
        Self::new(client, Target::Action { action_id })
    }

    pub(crate) fn for_droplet_action(client: Client, droplet_id: u64, action_id: u64) -> Self {
        Self::new(
            client,
            Target::DropletAction {
                droplet_id,
                action_id,
            },
        )
    }

    fn new(client: Client, target: Target) -> Self {
        Self {
            client,
            target,
            timeout: DEFAULT_WAIT_TIMEOUT,
            min_interval: DEFAULT_MIN_POLL_INTERVAL,
            max_interval: DEFAULT_MAX_POLL_INTERVAL,
            on_progress: None,
        }
    }

    /// Gives up after `timeout` (default 10 minutes).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Pauses `min` after the first poll, doubling up to `max` (defaults 1 s and 10 s).
    pub fn poll_interval(mut self, min: Duration, max: Duration) -> Self {
        self.min_interval = min;
        self.max_interval = max;
        self
    }

    /// Calls `callback` with every state polled, the final one included.
    pub fn on_progress(mut self, callback: impl Fn(&Action) + Send + Sync + 'static) -> Self {
        self.on_progress = Some(Arc::new(callback));
        self
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

    async fn poll(&self) -> Result<Action, Error> {
        match self.target {
            Target::Action { action_id } => Actions::new(self.client.clone()).get(action_id).await,
            Target::DropletAction {
                droplet_id,
                action_id,
            } => {
                DropletActions::new(self.client.clone())
                    .get(droplet_id, action_id)
                    .await
            }
        }
    }

    async fn run(self) -> Result<Action, Error> {
        self.validate()?;
        let deadline = Instant::now() + self.timeout;
        let mut interval = self.min_interval;
        let mut last: Option<Box<Action>> = None;
        loop {
            let action = match tokio::time::timeout_at(deadline, self.poll()).await {
                Ok(result) => result?,
                Err(_) => {
                    return Err(Error::WaitTimeout {
                        after: self.timeout,
                        last,
                    });
                }
            };
            if let Some(callback) = &self.on_progress {
                callback(&action);
            }
            match action.status {
                ActionStatus::Completed => return Ok(action),
                ActionStatus::Errored => {
                    return Err(Error::ActionErrored {
                        action: Box::new(action),
                    });
                }
                _ => last = Some(Box::new(action)),
            }
            let wake = (Instant::now() + interval).min(deadline);
            tokio::time::sleep_until(wake).await;
            if wake >= deadline {
                return Err(Error::WaitTimeout {
                    after: self.timeout,
                    last,
                });
            }
            interval = interval.saturating_mul(2).min(self.max_interval);
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
