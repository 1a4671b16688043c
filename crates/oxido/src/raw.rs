//! The answer as the server sent it, undecoded: below errors and decoding, so both can hold it.

use bytes::Bytes;
use http::HeaderMap;

/// A success answer exactly as the server sent it, undecoded: what `send_raw()` returns, and what an
/// [`Error::Decode`](crate::Error::Decode) keeps (see [`Error::response`](crate::Error::response)) so that an answer the models cannot read is not lost.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RawResponse {
    /// The HTTP status.
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body exactly as received.
    pub body: Bytes,
}

impl RawResponse {
    /// The `x-request-id` header, which DigitalOcean support asks for.
    pub fn request_id(&self) -> Option<&str> {
        self.headers
            .get("x-request-id")
            .and_then(|value| value.to_str().ok())
    }
}
