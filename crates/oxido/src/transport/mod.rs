//! Turning an [`ApiRequest`] into a response: retries, time limits, rate-limit bookkeeping and tracing.

pub(crate) mod error_body;
mod events;
mod rate_limit;
mod request;
mod retry;
mod retry_after;
mod send;
mod timeouts;

pub use events::EventStream;
pub use rate_limit::RateLimit;
#[allow(unused_imports)]
pub(crate) use request::{ApiRequest, Body, Host, Query, encode_segment, push_id};
pub use retry::RetryPolicy;
#[allow(unused_imports)]
pub(crate) use send::{RawResponse, StreamingResponse, execute, execute_streaming, host_base};
pub use timeouts::Timeouts;

#[cfg(test)]
mod tests;
