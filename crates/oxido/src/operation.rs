//! The small runtime that generated operations call: building requests, sending them through the transport
//! and decoding the answer. Generated code never touches the transport directly, so a transport change is
//! absorbed here.
//!
//! Per-operation code is plain request building, emitted `#[inline]` so that it, and the generic decoding
//! and encoding below that it instantiates for its types, is compiled by the crate that calls the operation
//! rather than in this crate for all 650 operations (see `emit_method` in `oxido-codegen`).

// With only some services enabled (`--no-default-features --features droplets`), some helpers are unused.
#![allow(dead_code)]

use std::fmt;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;

use bytes::Bytes;
use serde::Serialize;
use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

pub(crate) use http::Method;

use crate::decode::decode_seed;
pub(crate) use crate::decode::page;
pub(crate) use crate::error::Error;
pub(crate) use crate::models::Page;
use crate::pagination::{ItemError, ListBuilder, ListStream, PageDecoder};
use crate::response::{RawResponse, Response};
pub(crate) use crate::transport::{ApiRequest, Host};
use crate::transport::{EventStream, encode_segment, execute};

pub(crate) mod table;

/// The future every operation returns: boxed, so no per-operation state machine is compiled.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'static>>;

/// A request to the API host without query or body.
pub(crate) fn request(operation: &'static str, method: Method, path: String) -> ApiRequest {
    ApiRequest::new(operation, method, path)
}

/// Percent-encodes one path segment, refusing an empty value (or `.`/`..`) by name.
pub(crate) fn segment(name: &'static str, value: &str) -> Result<String, Error> {
    encode_segment(name, value)
}

/// Refuses an id of 0: the API's ids start at 1, and `/v2/droplets/0` would only ever be a 404 (or worse,
/// a different route), as the hand-written calls refuse it.
pub(crate) fn id(name: &'static str, value: u64) -> Result<(), Error> {
    if value == 0 {
        return Err(Error::invalid_argument(name, "must be 1 or greater"));
    }
    Ok(())
}

/// Checks an integer against the bounds the spec states for it.
pub(crate) fn int_in(
    name: &'static str,
    value: i64,
    min: Option<i64>,
    max: Option<i64>,
) -> Result<i64, Error> {
    match (min, max) {
        (Some(min), Some(max)) if !(min..=max).contains(&value) => Err(Error::invalid_argument(
            name,
            format!("{value} is not between {min} and {max}"),
        )),
        (Some(min), _) if value < min => Err(Error::invalid_argument(
            name,
            format!("{value} is less than {min}"),
        )),
        (_, Some(max)) if value > max => Err(Error::invalid_argument(
            name,
            format!("{value} is more than {max}"),
        )),
        _ => Ok(value),
    }
}

/// Refuses an empty (or all-blank) required string, and one longer than the spec's `maxLength` in
/// characters.
pub(crate) fn text(name: &'static str, value: &str, max_chars: Option<u64>) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(Error::invalid_argument(name, "must not be empty"));
    }
    if let Some(max) = max_chars {
        let chars = value.chars().count() as u64;
        if chars > max {
            return Err(Error::invalid_argument(
                name,
                format!("is {chars} characters long; at most {max} are allowed"),
            ));
        }
    }
    Ok(())
}

/// Refuses a string with a character outside the spec's one-class `pattern` (`^[a-zA-Z0-9_\-:]+$`).
pub(crate) fn chars_in(
    name: &'static str,
    value: &str,
    ranges: &[(char, char)],
    singles: &str,
) -> Result<(), Error> {
    let allowed =
        |c: char| singles.contains(c) || ranges.iter().any(|&(a, z)| (a..=z).contains(&c));
    match value.chars().find(|&c| !allowed(c)) {
        Some(bad) => Err(Error::invalid_argument(
            name,
            format!("contains {bad:?}, which is not allowed here"),
        )),
        None => Ok(()),
    }
}

/// Checks a whole URL given by the caller (a presigned upload URL).
pub(crate) fn absolute_url(name: &'static str, value: &str) -> Result<String, Error> {
    let url = url::Url::parse(value)
        .map_err(|err| Error::invalid_argument(name, format!("not a URL: {err}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::invalid_argument(
            name,
            "the scheme must be http or https",
        ));
    }
    Ok(url.into())
}

/// Adds the request body as JSON.
pub(crate) fn json_body<B: Serialize>(request: ApiRequest, body: &B) -> Result<ApiRequest, Error> {
    request.with_json_body(body)
}

/// Serializes one variant of a tagged union with its tag property set to the variant's own value, so
/// the variant chosen, not a field that could disagree with it, tells the API which kind is meant.
#[inline]
pub(crate) fn serialize_tagged<T: Serialize, S: serde::Serializer>(
    value: &T,
    tag: &'static str,
    tag_value: &'static str,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::Error as _;
    let mut value = serde_json::to_value(value).map_err(S::Error::custom)?;
    if let Some(fields) = value.as_object_mut() {
        fields.insert(tag.to_owned(), serde_json::Value::from(tag_value));
    }
    value.serialize(serializer)
}

/// Adds the request body as JSON with `"stream": true`, for the server-sent-events variant of an operation.
pub(crate) fn stream_json_body<B: Serialize>(
    request: ApiRequest,
    body: &B,
) -> Result<ApiRequest, Error> {
    let mut value = serde_json::to_value(body).map_err(|err| {
        Error::invalid_argument("body", format!("could not be encoded as JSON: {err}"))
    })?;
    match value.as_object_mut() {
        Some(fields) => {
            fields.insert("stream".to_owned(), serde_json::Value::Bool(true));
        }
        None => return Err(Error::invalid_argument("body", "must be a JSON object")),
    }
    request
        .with_accept("text/event-stream")
        .with_json_body(&value)
}

/// Adds a raw body with its content type.
pub(crate) fn bytes_body(
    request: ApiRequest,
    body: Bytes,
    content_type: &'static str,
) -> ApiRequest {
    request.with_bytes_body(body, content_type)
}

/// Asks for a non-JSON answer.
pub(crate) fn accept(request: ApiRequest, accept: &'static str) -> ApiRequest {
    request.with_accept(accept)
}

/// Sends the request to another host than the API's.
pub(crate) fn host(request: ApiRequest, host: Host) -> ApiRequest {
    request.with_host(host)
}

/// Adds a fixed request header; `name` is lower case.
pub(crate) fn header(request: ApiRequest, name: &'static str, value: &'static str) -> ApiRequest {
    request.with_header(
        http::HeaderName::from_static(name),
        http::HeaderValue::from_static(value),
    )
}

/// Adds one query parameter per value.
#[allow(dead_code)] // no operation has a required list parameter today
pub(crate) fn query_list(mut request: ApiRequest, name: &str, values: &[&str]) -> ApiRequest {
    for value in values {
        request = request.with_query(name, value);
    }
    request
}

/// Opens the server-sent-events answer of `request`, each event decoded as `T`.
pub(crate) fn open_stream<T: DeserializeOwned + Send + 'static>(
    client: crate::Client,
    request: Result<ApiRequest, Error>,
) -> BoxFuture<EventStream<T>> {
    Box::pin(
        async move { EventStream::open(&client, request?, crate::decode::decode_json::<T>).await },
    )
}

pub(crate) type Decoder<T> = fn(&'static str, &[u8], &'static str) -> Result<T, Error>;

/// One operation, ready to send: `.await` it or call [`Call::send`].
#[must_use = "a request does nothing until it is sent"]
pub struct Call<T> {
    client: crate::Client,
    request: Result<ApiRequest, Error>,
    key: &'static str,
    decode: Decoder<T>,
}

impl<T> fmt::Debug for Call<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field(
                "request",
                &self.request.as_ref().map(ApiRequest::path_and_query),
            )
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned + Send + 'static> Call<T> {
    /// The whole answer is `T`.
    pub(crate) fn json(client: crate::Client, request: Result<ApiRequest, Error>) -> Self {
        Self {
            client,
            request,
            key: "",
            decode: decode_whole,
        }
    }

    /// The answer is `{"key": T}`.
    pub(crate) fn member(
        client: crate::Client,
        request: Result<ApiRequest, Error>,
        key: &'static str,
    ) -> Self {
        Self {
            client,
            request,
            key,
            decode: decode_member,
        }
    }
}

impl Call<()> {
    /// The answer has no body worth reading (204).
    pub(crate) fn empty(client: crate::Client, request: Result<ApiRequest, Error>) -> Self {
        Self {
            client,
            request,
            key: "",
            decode: |_, _, _| Ok(()),
        }
    }
}

impl Call<String> {
    /// The answer is text (YAML, CSV).
    pub(crate) fn text(client: crate::Client, request: Result<ApiRequest, Error>) -> Self {
        Self {
            client,
            request,
            key: "",
            decode: |operation, body, _| {
                String::from_utf8(body.to_vec()).map_err(|_| {
                    Error::decode(
                        operation,
                        String::new(),
                        "the text answer is not UTF-8".to_owned(),
                    )
                })
            },
        }
    }
}

impl Call<Bytes> {
    /// The answer is binary (PDF).
    pub(crate) fn bytes(client: crate::Client, request: Result<ApiRequest, Error>) -> Self {
        Self {
            client,
            request,
            key: "",
            decode: |_, body, _| Ok(Bytes::copy_from_slice(body)),
        }
    }
}

impl<T: Send + 'static> Call<T> {
    /// The client, request, envelope member and decoder, for a waiter that polls this call.
    pub(crate) fn into_parts(
        self,
    ) -> (
        crate::Client,
        Result<ApiRequest, Error>,
        &'static str,
        Decoder<T>,
    ) {
        (self.client, self.request, self.key, self.decode)
    }

    pub(crate) fn query(mut self, name: &'static str, value: impl ToString) -> Self {
        self.request = self.request.map(|request| request.with_query(name, value));
        self
    }

    /// Sets this call's overall time limit (all attempts and retries), in place of the client's
    /// [`overall_timeout`](crate::ClientBuilder::overall_timeout). Zero is refused when the call is sent.
    pub fn timeout(mut self, limit: std::time::Duration) -> Self {
        self.request = with_timeout(self.request, limit);
        self
    }

    /// Adds a query parameter that was checked; a refused value makes the call fail before sending.
    pub(crate) fn query_checked(
        mut self,
        name: &'static str,
        value: Result<impl ToString, Error>,
    ) -> Self {
        self.request = with_checked_query(self.request, name, value);
        self
    }

    /// Sends the request and decodes the answer.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for an argument refused before sending; otherwise any failure of the call.
    pub fn send(self) -> BoxFuture<T> {
        Box::pin(run(self.client, self.request, self.key, self.decode))
    }

    /// Sends the request and returns the answer undecoded: status, headers and body exactly as the API sent
    /// them, whatever their shape. The escape hatch for an answer the models cannot read.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for an argument refused before sending; otherwise a failure of the call
    /// (a non-success status included), never a decode error.
    pub fn send_raw(self) -> BoxFuture<RawResponse> {
        let (client, request) = (self.client, self.request);
        Box::pin(async move { execute(&client.inner, &request?).await })
    }

    /// Sends the request and returns the decoded value together with the status, headers and body exactly
    /// as the API sent them.
    ///
    /// # Errors
    /// As [`Call::send`].
    pub fn send_with_response(self) -> BoxFuture<Response<T>> {
        Box::pin(run_with_response(
            self.client,
            self.request,
            self.key,
            self.decode,
        ))
    }
}

async fn run_with_response<T>(
    client: crate::Client,
    request: Result<ApiRequest, Error>,
    key: &'static str,
    decode: Decoder<T>,
) -> Result<Response<T>, Error> {
    let request = request?;
    let response = execute(&client.inner, &request).await?;
    let value = match decode(request.operation, &response.body, key) {
        Ok(value) => value,
        Err(err) => return Err(err.with_response(response)),
    };
    Ok(Response::from_raw(response, value))
}

async fn run<T>(
    client: crate::Client,
    request: Result<ApiRequest, Error>,
    key: &'static str,
    decode: Decoder<T>,
) -> Result<T, Error> {
    let request = request?;
    let response = execute(&client.inner, &request).await?;
    decode(request.operation, &response.body, key).map_err(|err| err.with_response(response))
}

impl<T: Send + 'static> IntoFuture for Call<T> {
    type Output = Result<T, Error>;
    type IntoFuture = BoxFuture<T>;

    fn into_future(self) -> Self::IntoFuture {
        self.send()
    }
}

/// A list operation: `.await` it (or [`ListCall::send`]) for one page, or [`ListCall::into_stream`] for
/// every item.
#[must_use = "a request does nothing until it is sent"]
pub struct ListCall<T> {
    client: crate::Client,
    request: Result<ApiRequest, Error>,
    key: &'static str,
    decode: PageDecoder<T>,
    per_page: Option<u32>,
    page: Option<u32>,
    max_pages: Option<u32>,
}

impl<T> fmt::Debug for ListCall<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ListCall")
            .field(
                "request",
                &self.request.as_ref().map(ApiRequest::path_and_query),
            )
            .field("per_page", &self.per_page)
            .field("page", &self.page)
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned + Send + 'static> ListCall<T> {
    /// A list whose items are the `key` member of each page.
    pub(crate) fn new(
        client: crate::Client,
        request: Result<ApiRequest, Error>,
        key: &'static str,
    ) -> Self {
        Self {
            client,
            request,
            key,
            decode: page::<T>,
            per_page: None,
            page: None,
            max_pages: None,
        }
    }

    /// Every item of every page, where an item the models cannot read is an `Ok(Err(ItemError))` and the
    /// stream goes on; see [`ListBuilder::into_lenient_stream`].
    pub fn into_lenient_stream(self) -> ListStream<Result<T, ItemError>> {
        self.into_list().into_lenient_stream()
    }
}

impl<T: Send + 'static> ListCall<T> {
    pub(crate) fn query(mut self, name: &'static str, value: impl ToString) -> Self {
        self.request = self.request.map(|request| request.with_query(name, value));
        self
    }

    /// Sets this call's overall time limit (all attempts and retries), in place of the client's
    /// [`overall_timeout`](crate::ClientBuilder::overall_timeout). Zero is refused when the call is sent.
    pub fn timeout(mut self, limit: std::time::Duration) -> Self {
        self.request = with_timeout(self.request, limit);
        self
    }

    /// Adds a query parameter that was checked; a refused value makes the call fail before sending.
    pub(crate) fn query_checked(
        mut self,
        name: &'static str,
        value: Result<impl ToString, Error>,
    ) -> Self {
        self.request = with_checked_query(self.request, name, value);
        self
    }

    /// Items per page, 1 to 200 (the API's default is 20).
    pub fn per_page(mut self, per_page: u32) -> Self {
        self.per_page = Some(per_page);
        self
    }

    /// The page to fetch (or to start streaming from), 1 or greater.
    pub fn page(mut self, page: u32) -> Self {
        self.page = Some(page);
        self
    }

    /// The most pages a stream fetches; see [`ListBuilder::max_pages`].
    pub fn max_pages(mut self, max_pages: u32) -> Self {
        self.max_pages = Some(max_pages);
        self
    }

    fn into_list(self) -> ListBuilder<T> {
        let mut list = ListBuilder::new(self.client, self.request, self.key, self.decode);
        if let Some(max_pages) = self.max_pages {
            list = list.max_pages(max_pages);
        }
        if let Some(per_page) = self.per_page {
            list = list.per_page(per_page);
        }
        if let Some(page) = self.page {
            list = list.page(page);
        }
        list
    }

    /// Fetches the one page this request describes.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for an argument refused before sending; otherwise any failure of the call.
    pub fn send(self) -> BoxFuture<Page<T>> {
        Box::pin(self.into_list().send())
    }

    /// Fetches the one page with the status, headers and body exactly as the API sent them.
    ///
    /// # Errors
    /// As [`ListCall::send`].
    pub fn send_with_response(self) -> BoxFuture<Response<Page<T>>> {
        Box::pin(self.into_list().send_with_response())
    }

    /// Fetches the one page without decoding it: status, headers and body exactly as the API sent them.
    ///
    /// # Errors
    /// As [`ListCall::send`], except that the body is never decoded.
    pub fn send_raw(self) -> BoxFuture<RawResponse> {
        Box::pin(self.into_list().send_raw())
    }

    /// Every item of every page from the starting one, fetched as the stream is read.
    pub fn into_stream(self) -> ListStream<T> {
        self.into_list().into_stream()
    }

    /// Every page from the starting one, as a stream.
    pub fn into_pages(self) -> ListStream<Page<T>> {
        self.into_list().into_pages()
    }

    /// Every page from the starting one with its status, headers and body as the API sent them.
    pub fn into_responses(self) -> ListStream<Response<Page<T>>> {
        self.into_list().into_responses()
    }
}

impl<T: Send + 'static> IntoFuture for ListCall<T> {
    type Output = Result<Page<T>, Error>;
    type IntoFuture = BoxFuture<Page<T>>;

    fn into_future(self) -> Self::IntoFuture {
        self.send()
    }
}

// ---------------------------------------------------------------------------------------------------------
// Decoding

fn decode_whole<T: DeserializeOwned>(
    operation: &'static str,
    body: &[u8],
    _key: &'static str,
) -> Result<T, Error> {
    crate::decode::decode_json(operation, body)
}

/// Decodes `{"key": T, ...}` into `T` without building the rest.
fn decode_member<T: DeserializeOwned>(
    operation: &'static str,
    body: &[u8],
    key: &'static str,
) -> Result<T, Error> {
    let found = decode_seed(operation, body, || EnvelopeSeed::<T> {
        key,
        marker: PhantomData,
    })?;
    // The API is written in Go, whose nil slices travel as `null` or not at all: a list
    // member that is missing or null is an empty list (`GET /v2/1-clicks?type=…` matching
    // nothing leaves `1_clicks` out). Anything else that is missing is still an error.
    found
        .or_else(|| serde_json::from_str::<T>("[]").ok())
        .ok_or_else(|| {
            Error::decode(
                operation,
                String::new(),
                format!("the answer has no `{key}` member"),
            )
        })
}

struct EnvelopeSeed<T> {
    key: &'static str,
    marker: PhantomData<T>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for EnvelopeSeed<T> {
    type Value = Option<T>;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for EnvelopeSeed<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object with a `{}` member", self.key)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(name) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if name == self.key && found.is_none() {
                // `null` reads as absent, so a null list becomes an empty one below.
                found = map.next_value::<Option<T>>()?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// Decodes `{"key": T, ...}` into `T`, for pollers (which take a two-argument decoder).
pub(crate) fn member<T: DeserializeOwned>(
    operation: &'static str,
    body: &[u8],
    key: &'static str,
) -> Result<T, Error> {
    decode_member(operation, body, key)
}

/// A call's own overall limit, shared by [`Call::timeout`] and [`ListCall::timeout`]; zero is refused.
fn with_timeout(
    request: Result<ApiRequest, Error>,
    limit: std::time::Duration,
) -> Result<ApiRequest, Error> {
    let mut request = request?;
    if limit.is_zero() {
        return Err(Error::invalid_argument(
            "timeout",
            "must be longer than zero",
        ));
    }
    request.timeout = Some(limit);
    Ok(request)
}

/// A checked query value: the first refusal, of the request or of the value, wins.
fn with_checked_query(
    request: Result<ApiRequest, Error>,
    name: &'static str,
    value: Result<impl ToString, Error>,
) -> Result<ApiRequest, Error> {
    match (request, value) {
        (Ok(request), Ok(value)) => Ok(request.with_query(name, value)),
        (Err(err), _) | (_, Err(err)) => Err(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Item {
        id: u64,
    }

    #[test]
    fn members_and_pages_decode_from_text_and_name_the_path_when_they_fail() {
        let one: Item =
            decode_member("t.get", br#"{"meta":{},"item":{"id":7}}"#, "item").expect("member");
        assert_eq!(one.id, 7);
        // Bad UTF-8 in a skipped member still decodes (the byte path).
        let one: Item = decode_member("t.get", b"{\"x\":\"\xff\",\"item\":{\"id\":8}}", "item")
            .expect("member beside bad UTF-8");
        assert_eq!(one.id, 8);
        let err = decode_member::<Item>("t.get", br#"{"item":{"id":"x"}}"#, "item")
            .expect_err("wrong type");
        assert!(err.to_string().contains("id"), "{err}");
        let listed: Page<Item> = page(
            "t.list",
            br#"{"items":[{"id":1},{"id":2}],"links":{},"meta":{"total":2}}"#,
            "items",
        )
        .expect("page");
        assert_eq!(listed.items.len(), 2);
        let err = page::<Item>("t.list", br#"{"items":[{"id":1},{"id":-2}]}"#, "items")
            .expect_err("negative id");
        assert!(err.to_string().contains("items[1].id"), "{err}");
    }

    #[test]
    fn a_list_member_that_is_missing_or_null_is_empty_and_an_object_member_is_still_required() {
        for body in [&br#"{}"#[..], br#"{"items":null}"#] {
            let items: Vec<Item> = decode_member("t.list", body, "items").expect("empty list");
            assert!(items.is_empty());
        }
        for body in [&br#"{}"#[..], br#"{"item":null}"#] {
            let err = decode_member::<Item>("t.get", body, "item").expect_err("no object");
            assert!(err.to_string().contains("no `item` member"), "{err}");
        }
    }
}
