//! Interceptors: code of yours that runs around every attempt of every request (custom headers, metrics).
//!
//! Register one with [`ClientBuilder::interceptor`](crate::ClientBuilder::interceptor). Each attempt (the
//! first and every retry, of every call, list page and wait poll) calls
//! [`modify_before_sending`](Interceptor::modify_before_sending) on each interceptor in the order they were
//! registered, then sends, then calls [`read_after_attempt`](Interceptor::read_after_attempt) with what
//! came back.
//!
//! **Credentials.** An interceptor never sees them: the `Authorization` header (the API token, an access
//! key) is added after `modify_before_sending` returns, over anything an interceptor put there, so
//! logging a [`OutgoingRequest`] whole cannot leak the token.
//!
//! **Panics.** A panic in an interceptor is caught (unless the program is built with `panic = "abort"`): one
//! in `modify_before_sending` ends the call with [`Error::Config`](crate::Error::Config) naming the
//! interceptor, before anything is sent; one in `read_after_attempt` is reported as a `WARN` tracing event
//! and the call goes on as if it had returned.

use std::any::Any;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderMap, Method};

/// Runs around each attempt of each request. Both methods do nothing by default: implement the ones you
/// need. They run on the task that sends the request, so keep them quick and never block.
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use oxido::{AttemptInfo, Interceptor, OutgoingRequest};
///
/// #[derive(Default)]
/// struct Metrics {
///     attempts: AtomicU64,
/// }
///
/// impl Interceptor for Metrics {
///     fn modify_before_sending(&self, request: &mut OutgoingRequest<'_>) {
///         request.headers_mut().insert("x-team", http::HeaderValue::from_static("storage"));
///     }
///     fn read_after_attempt(&self, attempt: &AttemptInfo<'_>) {
///         self.attempts.fetch_add(1, Ordering::Relaxed);
///     }
/// }
///
/// let metrics = std::sync::Arc::new(Metrics::default());
/// let client = oxido::Client::builder()
///     .token("dop_v1_example")
///     .interceptor_arc(metrics.clone())
///     .build()?;
/// # Ok::<(), oxido::Error>(())
/// ```
pub trait Interceptor: Send + Sync + 'static {
    /// A name for errors and log events; default the type's name.
    fn name(&self) -> &str {
        std::any::type_name::<Self>()
    }

    /// Called before each attempt is sent: may add, change or remove headers. `Authorization` is not
    /// there yet, and is set after this returns whatever this does.
    fn modify_before_sending(&self, request: &mut OutgoingRequest<'_>) {
        let _ = request;
    }

    /// Called after each attempt: with the status and headers of an answer (success or error), or with
    /// neither when the attempt failed (connection error, time limit, oversized body).
    fn read_after_attempt(&self, attempt: &AttemptInfo<'_>) {
        let _ = attempt;
    }
}

/// One attempt about to be sent, as an [`Interceptor`] sees it: no credential in it.
pub struct OutgoingRequest<'a> {
    pub(crate) operation: &'static str,
    pub(crate) attempt: u32,
    pub(crate) request: &'a mut reqwest::Request,
}

impl OutgoingRequest<'_> {
    /// The operation, e.g. `droplets_get`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// 1 for the first attempt, 2 for the first retry, and so on.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        self.request.method()
    }

    /// The whole URL.
    pub fn url(&self) -> &url::Url {
        self.request.url()
    }

    /// The headers (without `Authorization`).
    pub fn headers(&self) -> &HeaderMap {
        self.request.headers()
    }

    /// The headers, to change. An `Authorization` set here is replaced by the client's own.
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        self.request.headers_mut()
    }

    /// The body, if the request has one.
    pub fn body(&self) -> Option<&[u8]> {
        self.request.body().and_then(reqwest::Body::as_bytes)
    }
}

impl fmt::Debug for OutgoingRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OutgoingRequest")
            .field("operation", &self.operation)
            .field("attempt", &self.attempt)
            .field("method", self.request.method())
            .field("url", &self.request.url().as_str())
            .field("headers", self.request.headers())
            .finish()
    }
}

/// What one attempt came to, for [`Interceptor::read_after_attempt`].
#[derive(Debug)]
#[non_exhaustive]
pub struct AttemptInfo<'a> {
    /// The operation, e.g. `droplets_get`.
    pub operation: &'static str,
    /// The HTTP method.
    pub method: &'a Method,
    /// 1 for the first attempt, 2 for the first retry, and so on.
    pub attempt: u32,
    /// From sending to the end of the answer's body (or of the failure).
    pub elapsed: Duration,
    /// The answer's status; `None` when no answer arrived.
    pub status: Option<u16>,
    /// The answer's headers; `None` when no answer arrived.
    pub headers: Option<&'a HeaderMap>,
}

/// The registered interceptors, in order. Empty costs one length check per attempt.
#[derive(Clone, Default)]
pub(crate) struct Interceptors(pub(crate) Vec<Arc<dyn Interceptor>>);

impl fmt::Debug for Interceptors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|i| i.name()))
            .finish()
    }
}

impl Interceptors {
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Runs every `modify_before_sending`; `Err` names the interceptor that panicked.
    pub(crate) fn before_sending(
        &self,
        operation: &'static str,
        attempt: u32,
        request: &mut reqwest::Request,
    ) -> Result<(), String> {
        for interceptor in &self.0 {
            let mut outgoing = OutgoingRequest {
                operation,
                attempt,
                request: &mut *request,
            };
            catch_unwind(AssertUnwindSafe(|| {
                interceptor.modify_before_sending(&mut outgoing);
            }))
            .map_err(|panic| {
                format!(
                    "interceptor {}: modify_before_sending panicked: {}",
                    interceptor.name(),
                    panic_message(&*panic)
                )
            })?;
        }
        Ok(())
    }

    /// Runs every `read_after_attempt`; a panic is logged and otherwise ignored.
    pub(crate) fn after_attempt(&self, info: &AttemptInfo<'_>) {
        for interceptor in &self.0 {
            if let Err(panic) = catch_unwind(AssertUnwindSafe(|| {
                interceptor.read_after_attempt(info);
            })) {
                tracing::warn!(
                    target: "oxido",
                    interceptor = interceptor.name(),
                    operation = info.operation,
                    panic = panic_message(&*panic),
                    "an interceptor's read_after_attempt panicked; ignored"
                );
            }
        }
    }
}

fn panic_message(panic: &(dyn Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(a non-text panic)")
}
