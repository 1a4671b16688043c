//! An async client for the DigitalOcean API v2.
//!
//! Start with a [`Client`], then use one handler per API family: [`Client::droplet_actions`] and
//! [`Client::actions`]. Every call returns a `Result` whose error, [`Error`], tells API answers (with their
//! status, error id, message and request id) apart from transport failures, timeouts, undecodable responses
//! and arguments refused before sending.
//!
//! [`Client::from_env`] builds a client from `DIGITALOCEAN_TOKEN` and, when set, `DIGITALOCEAN_API_URL`, so
//! one program runs against the real API and against `oxido-sim`; the crate's `examples/` directory has one
//! such program per everyday task (a Droplet with an SSH key, a volume, DNS records, a Kubernetes cluster…).
//!
//! ```no_run
//! use std::time::Duration;
//! use futures::TryStreamExt;
//! use oxido::{Action, Client, DropletAction, RetryPolicy};
//!
//! # async fn run() -> Result<(), oxido::Error> {
//! let client = Client::builder()
//!     .token(std::env::var("DIGITALOCEAN_TOKEN").unwrap_or_default())
//!     .base_url("http://127.0.0.1:3000")
//!     .retry(RetryPolicy::default().with_max_retries(3))
//!     .build()?;
//!
//! let action: Action = client.droplet_actions().get(3164444, 36804636).await?;
//! println!("{} {} since {}", action.kind, action.status, action.started_at);
//!
//! let started = client.droplet_actions().post(3164444, DropletAction::Reboot).await?;
//! let done = client.actions().wait(started.id).timeout(Duration::from_secs(300)).await?;
//!
//! let history: Vec<Action> = client.droplet_actions().list(3164444).per_page(200).into_stream().try_collect().await?;
//!
//! match client.actions().get(1).await {
//!     Ok(action) => println!("{action:?}"),
//!     Err(err) if err.is_not_found() => println!("no such action"),
//!     Err(err) => return Err(err),
//! }
//! # Ok(()) }
//! ```
//!
//! Requests are traced with [`tracing`] on target `oxido`: one span per call and one DEBUG event per attempt.
//! The API token never appears in `Debug`, `Display`, errors or traces.

#![warn(missing_docs)]

#[doc(hidden)]
#[path = "bench_hooks.rs"]
pub mod __bench;
mod action_call;
mod client;
mod decode;
mod error;
mod generated;
mod hooks;
mod models;
mod operation;
mod pagination;
mod raw;
mod resource_waiters;
mod resources;
mod response;
mod text;
mod transport;
mod wait;

pub use action_call::{ActionCall, ActionWait};
pub use client::{
    BASE_URL_ENV_VAR, Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_INFERENCE_BASE_URL,
    DEFAULT_MAX_EVENT_BYTES, DEFAULT_MAX_RESPONSE_BYTES, TOKEN_ENV_VARS,
};
pub use error::{ApiError, Error, TimeoutKind, TransportErrorKind};
pub use generated::*;
pub use hooks::{AttemptInfo, Interceptor, OutgoingRequest};
/// A point in time, as every `date-time` field of the API decodes (jiff's, re-exported so no dependency
/// needs adding to name it).
pub use models::Timestamp;
pub use models::{
    Action, ActionStatus, ActionType, BackupPlan, BackupPolicy, DropletAction, ImageRef, Links,
    Meta, Page, PageLinks, Region, TagAction, Weekday,
};
pub use operation::{BoxFuture, Call, ListCall};
pub use pagination::{DEFAULT_MAX_PAGES, ItemError, ListBuilder, ListStream, MAX_PER_PAGE};
pub use resources::{Actions, DropletActions};
pub use response::{RawResponse, Response};
pub use transport::{EventStream, RateLimit, RetryPolicy, Timeouts};
pub use wait::{
    DEFAULT_MAX_POLL_INTERVAL, DEFAULT_MIN_POLL_INTERVAL, DEFAULT_WAIT_TIMEOUT, Progress, Wait,
    WaitFor, WaitForResponse,
};

// The README's Rust examples are compiled as doctests, so the front page cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
