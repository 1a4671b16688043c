//! A request described as a value, built apart from sending so that paths, queries and bodies can be checked
//! without any I/O.

use bytes::Bytes;
use http::Method;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use url::Url;

use crate::error::Error;

/// Everything but the alphanumerics and the RFC 3986 unreserved marks is escaped, so a tag like `env:prod`
/// or `a b&c` reaches the server as the literal value.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// One API call, ready to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiRequest {
    /// The HTTP method.
    pub(crate) method: Method,
    /// The path below the base URL, starting with `/v2/`.
    pub(crate) path: String,
    /// Query parameters, unencoded, in order.
    pub(crate) query: Vec<(String, String)>,
    /// The JSON body, if any.
    pub(crate) body: Option<Bytes>,
    /// The operation's name for errors and tracing, for example `droplet_actions.get`.
    pub(crate) operation: &'static str,
}

impl ApiRequest {
    /// A GET without query or body.
    pub(crate) fn get(operation: &'static str, path: String) -> Self {
        Self {
            method: Method::GET,
            path,
            query: Vec::new(),
            body: None,
            operation,
        }
    }

    /// A POST whose body is `body` as JSON.
    pub(crate) fn post_json<B: Serialize>(
        operation: &'static str,
        path: String,
        body: &B,
    ) -> Result<Self, Error> {
        let encoded = serde_json::to_vec(body).map_err(|err| {
            Error::invalid_argument("body", format!("could not be encoded as JSON: {err}"))
        })?;
        Ok(Self {
            method: Method::POST,
            path,
            query: Vec::new(),
            body: Some(Bytes::from(encoded)),
            operation,
        })
    }

    /// Adds one query parameter.
    #[must_use]
    pub(crate) fn with_query(mut self, name: &str, value: impl ToString) -> Self {
        self.query.push((name.to_owned(), value.to_string()));
        self
    }

    /// The encoded query string without `?`, or `None` when there are no parameters.
    pub(crate) fn encoded_query(&self) -> Option<String> {
        if self.query.is_empty() {
            return None;
        }
        let pairs: Vec<String> = self
            .query
            .iter()
            .map(|(name, value)| {
                format!(
                    "{}={}",
                    utf8_percent_encode(name, QUERY_VALUE),
                    utf8_percent_encode(value, QUERY_VALUE)
                )
            })
            .collect();
        Some(pairs.join("&"))
    }

    /// The path with its encoded query, as shown in errors and logs.
    pub(crate) fn path_and_query(&self) -> String {
        match self.encoded_query() {
            Some(query) => format!("{}?{query}", self.path),
            None => self.path.clone(),
        }
    }

    /// The full URL below `base`, keeping any path prefix `base` has.
    pub(crate) fn url(&self, base: &Url) -> Url {
        let mut url = base.clone();
        let prefix = base.path().trim_end_matches('/');
        url.set_path(&format!("{prefix}{}", self.path));
        url.set_query(self.encoded_query().as_deref());
        url
    }

    /// The body as text, for tests and diagnostics.
    #[cfg(test)]
    pub(crate) fn body_text(&self) -> Option<&str> {
        self.body
            .as_deref()
            .and_then(|body| std::str::from_utf8(body).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_keeps_base_prefix_and_encodes_query() {
        let base = Url::parse("http://127.0.0.1:3000/proxy/").expect("valid");
        let request = ApiRequest::get("test", "/v2/droplets/actions".into())
            .with_query("tag_name", "env:prod a&b");
        assert_eq!(
            request.url(&base).as_str(),
            "http://127.0.0.1:3000/proxy/v2/droplets/actions?tag_name=env%3Aprod%20a%26b"
        );
        assert_eq!(
            request.path_and_query(),
            "/v2/droplets/actions?tag_name=env%3Aprod%20a%26b"
        );
    }

    #[test]
    fn url_without_prefix_or_query() {
        let base = Url::parse("https://api.digitalocean.com").expect("valid");
        let request = ApiRequest::get("test", "/v2/actions/7".into());
        assert_eq!(
            request.url(&base).as_str(),
            "https://api.digitalocean.com/v2/actions/7"
        );
        assert_eq!(request.encoded_query(), None);
    }
}
