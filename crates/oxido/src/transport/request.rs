//! A request described as a value, built apart from sending so that paths, queries and bodies can be checked
//! without any I/O.

use bytes::Bytes;
use http::{HeaderName, HeaderValue, Method};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use url::Url;

use crate::error::Error;

/// Everything but the alphanumerics and the RFC 3986 unreserved marks is escaped, so a tag like `env:prod`
/// or `a b&c` reaches the server as the literal value, and a path parameter stays one segment.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The `Accept` header sent unless an operation asks for another type.
pub(crate) const JSON: &str = "application/json";

/// Which server a request goes to, and with which credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[allow(dead_code)] // the other hosts are used by generated operations
pub(crate) enum Host {
    /// The client's base URL, with the API token.
    #[default]
    Api,
    /// The client's `inference_base_url`, with the inference access key (else the API token).
    Inference,
    /// The client's `agent_base_url`, with the `agent_access_key`.
    Agent,
    /// `path` is a whole URL (a presigned upload): sent as is, with no `Authorization` header at all.
    Absolute,
}

/// A request body and its media type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Body {
    /// The bytes sent.
    pub(crate) bytes: Bytes,
    /// The `Content-Type` sent with them.
    pub(crate) content_type: &'static str,
}

/// The query of a request: parameters to encode, or a query replayed exactly as a server sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Query {
    /// Unencoded name/value pairs, in order.
    Pairs(Vec<(String, String)>),
    /// An already encoded query (from a next-page link), sent byte for byte.
    Verbatim(String),
}

/// One API call, ready to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiRequest {
    /// The HTTP method.
    pub(crate) method: Method,
    /// The path below the host's base URL, starting with `/`, its parameters already encoded; for
    /// [`Host::Absolute`], the whole URL.
    pub(crate) path: String,
    /// The query.
    pub(crate) query: Query,
    /// The body, if any.
    pub(crate) body: Option<Body>,
    /// The operation's name for errors and tracing, for example `droplet_actions.get`.
    pub(crate) operation: &'static str,
    /// Which server and credential.
    pub(crate) host: Host,
    /// The `Accept` header.
    pub(crate) accept: &'static str,
    /// Extra request headers (`X-Dangerous: true`, say). `Authorization` cannot be set this way.
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    /// This call's own overall time limit, in place of the client's.
    pub(crate) timeout: Option<std::time::Duration>,
}

#[allow(dead_code)] // used by generated operations
/// Percent-encodes `value` as exactly one path segment: everything but the RFC 3986 unreserved characters is
/// escaped (`/`, `?`, `#` and `%` included), so user input can never change which endpoint a request reaches.
///
/// # Errors
/// [`Error::InvalidArgument`] naming `name` for an empty value, and for `.` and `..`: URL parsers (the WHATWG
/// rules that reqwest's `url` follows, and many servers) treat those, and their escapes `%2E` / `%2E%2E`, as
/// "this directory" and "up one", so no encoding of them survives sending.
pub(crate) fn encode_segment(name: &'static str, value: &str) -> Result<String, Error> {
    match value {
        "" => Err(Error::invalid_argument(name, "must not be empty")),
        "." | ".." => Err(Error::invalid_argument(
            name,
            format!("`{value}` is not allowed as a path segment"),
        )),
        _ => Ok(utf8_percent_encode(value, UNRESERVED).to_string()),
    }
}

/// Appends `id` in decimal to `path`. Request paths are built per call, and `format!` costs several times
/// this for a path with two ids.
pub(crate) fn push_id(path: &mut String, id: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    let mut rest = id;
    loop {
        start -= 1;
        // `rest % 10` is below 10, so the cast is exact.
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for digit in &digits[start..] {
        path.push(char::from(*digit));
    }
}

impl ApiRequest {
    /// A request to the API host without query or body, accepting JSON.
    pub(crate) fn new(operation: &'static str, method: Method, path: String) -> Self {
        Self {
            method,
            path,
            query: Query::Pairs(Vec::new()),
            body: None,
            operation,
            host: Host::Api,
            accept: JSON,
            headers: Vec::new(),
            timeout: None,
        }
    }

    /// A GET without query or body.
    pub(crate) fn get(operation: &'static str, path: String) -> Self {
        Self::new(operation, Method::GET, path)
    }

    /// A POST whose body is `body` as JSON.
    pub(crate) fn post_json<B: Serialize + ?Sized>(
        operation: &'static str,
        path: String,
        body: &B,
    ) -> Result<Self, Error> {
        Self::new(operation, Method::POST, path).with_json_body(body)
    }

    /// Adds one query parameter (unencoded; it is encoded when sent).
    #[must_use]
    pub(crate) fn with_query(mut self, name: &str, value: impl ToString) -> Self {
        match &mut self.query {
            Query::Pairs(pairs) => pairs.push((name.to_owned(), value.to_string())),
            Query::Verbatim(text) => {
                let pair = encode_pair(name, &value.to_string());
                if !text.is_empty() {
                    text.push('&');
                }
                text.push_str(&pair);
            }
        }
        self
    }

    /// Sets `body`, encoded as JSON, as the body.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] (argument `body`) when `body` cannot be encoded.
    pub(crate) fn with_json_body<B: Serialize + ?Sized>(mut self, body: &B) -> Result<Self, Error> {
        let encoded = serde_json::to_vec(body).map_err(|err| {
            Error::invalid_argument("body", format!("could not be encoded as JSON: {err}"))
        })?;
        self.body = Some(Body {
            bytes: Bytes::from(encoded),
            content_type: JSON,
        });
        Ok(self)
    }

    /// Sets raw bytes of media type `content_type` as the body.
    #[must_use]
    #[allow(dead_code)] // used by the generated upload operation
    pub(crate) fn with_bytes_body(mut self, bytes: Bytes, content_type: &'static str) -> Self {
        self.body = Some(Body {
            bytes,
            content_type,
        });
        self
    }

    /// Sets the `Accept` header (default `application/json`).
    #[must_use]
    pub(crate) fn with_accept(mut self, accept: &'static str) -> Self {
        self.accept = accept;
        self
    }

    /// Adds a request header. The credential is the client's business, so an `Authorization` header added here
    /// is never sent.
    #[must_use]
    #[allow(dead_code)] // used by generated operations
    pub(crate) fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    /// Sets the host the request goes to (default [`Host::Api`]).
    #[must_use]
    pub(crate) fn with_host(mut self, host: Host) -> Self {
        self.host = host;
        self
    }

    /// The encoded query string without `?`, or `None` when there is none.
    pub(crate) fn encoded_query(&self) -> Option<String> {
        match &self.query {
            Query::Pairs(pairs) if pairs.is_empty() => None,
            Query::Pairs(pairs) => {
                let mut text = String::new();
                for (name, value) in pairs {
                    if !text.is_empty() {
                        text.push('&');
                    }
                    text.push_str(&encode_pair(name, value));
                }
                Some(text)
            }
            Query::Verbatim(text) if text.is_empty() => None,
            Query::Verbatim(text) => Some(text.clone()),
        }
    }

    /// The path with its encoded query, as shown in errors and logs. A presigned URL's query is its
    /// signature, so for [`Host::Absolute`] only the URL without query is shown.
    pub(crate) fn path_and_query(&self) -> String {
        if self.host == Host::Absolute {
            let without_query = self.path.split(['?', '#']).next().unwrap_or_default();
            return crate::client::redact_url_credentials(without_query);
        }
        match self.encoded_query() {
            Some(query) => format!("{}?{query}", self.path),
            None => self.path.clone(),
        }
    }

    /// The full URL below `base`, keeping any path prefix `base` has.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] (argument `path`) when the URL parser would change the path (a dot segment
    /// in a hand-built path), so a request never reaches an endpoint other than the one it names.
    pub(crate) fn url_below(&self, base: &Url) -> Result<Url, Error> {
        let mut url = base.clone();
        let prefix = base.path().trim_end_matches('/');
        let joined;
        // Most base URLs have no path prefix: then the request's own path is used without a copy.
        let path = if prefix.is_empty() {
            self.path.as_str()
        } else {
            joined = format!("{prefix}{}", self.path);
            joined.as_str()
        };
        url.set_path(path);
        if url.path() != path && normalised_path(path) != url.path() {
            return Err(Error::invalid_argument(
                "path",
                format!(
                    "`{}` is not a plain path (it would be sent as `{}`)",
                    self.path,
                    url.path()
                ),
            ));
        }
        if let Some(query) = self.encoded_query() {
            url.set_query(Some(&query));
        }
        Ok(url)
    }

    /// The whole URL of a [`Host::Absolute`] request.
    pub(crate) fn absolute_url(&self) -> Result<Url, Error> {
        let mut url = Url::parse(&self.path).map_err(|err| {
            Error::invalid_argument("url", format!("not a usable absolute URL ({err})"))
        })?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(Error::invalid_argument(
                "url",
                "must be an http or https URL with a host",
            ));
        }
        if let Some(query) = self.encoded_query().filter(|_| url.query().is_none()) {
            url.set_query(Some(&query));
        }
        Ok(url)
    }

    /// The body as text, for tests and diagnostics.
    #[cfg(test)]
    pub(crate) fn body_text(&self) -> Option<&str> {
        self.body
            .as_ref()
            .and_then(|body| std::str::from_utf8(&body.bytes).ok())
    }
}

fn encode_pair(name: &str, value: &str) -> String {
    format!(
        "{}={}",
        utf8_percent_encode(name, UNRESERVED),
        utf8_percent_encode(value, UNRESERVED)
    )
}

/// How `url` writes a path it left alone apart from escaping characters that are not allowed in a path
/// (spaces, quotes, non-ASCII): what `set_path` produces when it did not resolve a dot segment.
fn normalised_path(path: &str) -> String {
    const PATH: &AsciiSet = &percent_encoding::CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'`')
        .add(b'{')
        .add(b'}')
        .add(b'^')
        .add(b'|');
    utf8_percent_encode(path, PATH).to_string()
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
            request.url_below(&base).expect("plain").as_str(),
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
            request.url_below(&base).expect("plain").as_str(),
            "https://api.digitalocean.com/v2/actions/7"
        );
        assert_eq!(request.encoded_query(), None);
    }

    #[test]
    fn push_id_writes_decimal_like_display() {
        for id in [
            0,
            1,
            9,
            10,
            99,
            100,
            36_804_636,
            u64::from(u32::MAX),
            u64::MAX - 1,
            u64::MAX,
        ] {
            let mut path = "/v2/x/".to_owned();
            push_id(&mut path, id);
            assert_eq!(path, format!("/v2/x/{id}"));
        }
    }

    fn segment(value: &str) -> String {
        encode_segment("tag", value).expect("encodable")
    }

    #[test]
    fn encode_segment_escapes_everything_that_could_leave_the_segment() {
        assert_eq!(segment("a/b"), "a%2Fb");
        assert_eq!(segment("a?b"), "a%3Fb");
        assert_eq!(segment("a#b"), "a%23b");
        assert_eq!(segment("100%"), "100%25");
        assert_eq!(segment("%2e%2e"), "%252e%252e");
        assert_eq!(segment("a\\b"), "a%5Cb");
        assert_eq!(segment("env:prod a&b;c"), "env%3Aprod%20a%26b%3Bc");
        assert_eq!(segment("A-z_0.9~"), "A-z_0.9~");
        assert_eq!(segment("..."), "...");
        assert_eq!(segment(".hidden"), ".hidden");
        assert_eq!(segment("é✓"), "%C3%A9%E2%9C%93");
    }

    #[test]
    fn encode_segment_refuses_empty_and_dot_segments_by_name() {
        for value in ["", ".", ".."] {
            match encode_segment("domain_name", value) {
                Err(Error::InvalidArgument { argument, reason }) => {
                    assert_eq!(argument, "domain_name");
                    assert!(!reason.is_empty());
                }
                other => panic!("{value:?}: expected a refusal, got {other:?}"),
            }
        }
    }

    #[test]
    fn an_encoded_segment_stays_one_segment_on_the_wire() {
        let base = Url::parse("http://127.0.0.1:1").expect("valid");
        for value in [
            "..%2F",
            "../droplets",
            "a/../../b",
            "%2e%2e",
            "?x=1",
            "#frag",
            "tag with space",
            "ünï/cødé",
        ] {
            let path = format!("/v2/tags/{}/droplets", segment(value));
            let url = ApiRequest::get("test", path.clone())
                .url_below(&base)
                .expect("plain path");
            assert_eq!(url.path(), path, "{value:?}");
            let segments: Vec<_> = url.path_segments().expect("segments").collect();
            assert_eq!(segments.len(), 4, "{value:?}: {segments:?}");
            let decoded = percent_encoding::percent_decode_str(segments[2])
                .decode_utf8()
                .expect("utf-8");
            assert_eq!(decoded, value);
            assert_eq!(url.query(), None);
            assert_eq!(url.fragment(), None);
        }
    }

    #[test]
    fn a_hand_built_dot_segment_is_refused_before_sending() {
        let base = Url::parse("http://127.0.0.1:1").expect("valid");
        for path in [
            "/v2/tags/../droplets",
            "/v2/tags/%2E%2E/droplets",
            "/v2/./x",
        ] {
            let err = ApiRequest::get("test", path.to_owned())
                .url_below(&base)
                .expect_err(path);
            assert!(err.is_invalid_argument(), "{err}");
        }
    }

    #[test]
    fn builder_constructors_set_every_part() {
        let request = ApiRequest::new("test.put", Method::PUT, "/v2/x".into())
            .with_query("a", 1)
            .with_bytes_body(Bytes::from_static(b"raw"), "application/octet-stream")
            .with_accept("text/event-stream")
            .with_host(Host::Inference);
        assert_eq!(request.method, Method::PUT);
        assert_eq!(request.path_and_query(), "/v2/x?a=1");
        assert_eq!(request.accept, "text/event-stream");
        assert_eq!(request.host, Host::Inference);
        assert_eq!(
            request.body,
            Some(Body {
                bytes: Bytes::from_static(b"raw"),
                content_type: "application/octet-stream"
            })
        );
        let json = ApiRequest::new("test.post", Method::POST, "/v2/x".into())
            .with_json_body(&serde_json::json!({"k": "v"}))
            .expect("encodable");
        assert_eq!(json.body_text(), Some(r#"{"k":"v"}"#));
        assert_eq!(json.body.as_ref().map(|b| b.content_type), Some(JSON));
        assert_eq!(json.accept, JSON);
        assert_eq!(json.host, Host::Api);
        let dangerous = ApiRequest::new("d", Method::DELETE, "/v2/x".into()).with_header(
            HeaderName::from_static("x-dangerous"),
            HeaderValue::from_static("true"),
        );
        assert_eq!(dangerous.headers.len(), 1);
    }

    #[test]
    fn an_absolute_request_hides_its_signature_and_credentials() {
        let request = ApiRequest::new(
            "upload",
            Method::PUT,
            "https://user:pw@bucket.example/obj?X-Amz-Signature=secret".into(),
        )
        .with_host(Host::Absolute);
        let shown = request.path_and_query();
        assert!(
            !shown.contains("secret") && !shown.contains("pw"),
            "{shown}"
        );
        assert_eq!(
            request.absolute_url().expect("valid").as_str(),
            "https://user:pw@bucket.example/obj?X-Amz-Signature=secret"
        );
        let bad = ApiRequest::new("upload", Method::PUT, "file:///etc/passwd".into())
            .with_host(Host::Absolute);
        assert!(bad.absolute_url().expect_err("file").is_invalid_argument());
    }
}
