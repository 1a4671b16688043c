//! Turning an [`ApiRequest`] into a response: retries, time limits, rate-limit bookkeeping and tracing.

pub(crate) mod error_body;
mod rate_limit;
mod request;
mod retry;
mod retry_after;
mod send;
mod timeouts;

pub use rate_limit::RateLimit;
pub(crate) use request::ApiRequest;
pub use retry::RetryPolicy;
pub(crate) use send::execute;
pub use timeouts::Timeouts;
