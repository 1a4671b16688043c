//! A decoded value together with exactly what the API sent.

use bytes::Bytes;
use http::HeaderMap;

use crate::decode::decode_json;
use crate::error::Error;
pub use crate::raw::RawResponse;

impl RawResponse {
    /// The body as untyped JSON (an empty body is `null`).
    ///
    /// # Errors
    /// [`Error::Decode`] when the body is not JSON.
    pub fn json(&self) -> Result<serde_json::Value, Error> {
        if self.body.is_empty() {
            return Ok(serde_json::Value::Null);
        }
        decode_json("response.json", &self.body)
    }
}

/// A typed result plus the answer it was decoded from: status, headers and the body byte for byte, so nothing
/// the API sent is lost (fields the models do not know, timestamps exactly as written, `Link` or rate-limit
/// headers).
///
/// ```no_run
/// # async fn run(client: oxido::Client) -> Result<(), oxido::Error> {
/// let response = client.actions().get_with_response(36804636).await?;
/// println!("{} is {}", response.value.id, response.value.status);
/// println!("{}", String::from_utf8_lossy(&response.body)); // the API's own JSON
/// let raw: serde_json::Value = response.json()?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Response<T> {
    /// The decoded value.
    pub value: T,
    /// The HTTP status.
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body exactly as received.
    pub body: Bytes,
}

impl<T> Response<T> {
    pub(crate) fn from_raw(raw: RawResponse, value: T) -> Self {
        Self {
            value,
            status: raw.status,
            headers: raw.headers,
            body: raw.body,
        }
    }

    /// The body as untyped JSON (an empty body is `null`).
    ///
    /// # Errors
    /// [`Error::Decode`] when the body is not JSON.
    pub fn json(&self) -> Result<serde_json::Value, Error> {
        if self.body.is_empty() {
            return Ok(serde_json::Value::Null);
        }
        decode_json("response.json", &self.body)
    }

    /// The same answer with its value transformed.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            value: f(self.value),
            status: self.status,
            headers: self.headers,
            body: self.body,
        }
    }

    /// The decoded value, dropping the rest.
    pub fn into_value(self) -> T {
        self.value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_the_body_as_sent_and_map_keeps_it() {
        let raw = RawResponse {
            status: 202,
            headers: HeaderMap::new(),
            body: Bytes::from_static(br#"{"a":{"t":"2020-01-01T00:00:00+02:00","unknown":1}}"#),
        };
        let response = Response::from_raw(raw, 7u32);
        assert_eq!(
            response.json().expect("json")["a"]["t"],
            "2020-01-01T00:00:00+02:00"
        );
        let mapped = response.map(|n| n * 2);
        assert_eq!((mapped.value, mapped.status), (14, 202));
        assert!(mapped.json().expect("json")["a"]["unknown"].is_number());
        let empty = Response::from_raw(
            RawResponse {
                status: 204,
                headers: HeaderMap::new(),
                body: Bytes::new(),
            },
            (),
        );
        assert_eq!(empty.json().expect("null"), serde_json::Value::Null);
        let html = Response::from_raw(
            RawResponse {
                status: 200,
                headers: HeaderMap::new(),
                body: Bytes::from_static(b"<html>"),
            },
            (),
        );
        assert!(matches!(html.json(), Err(Error::Decode { .. })));
    }
}
