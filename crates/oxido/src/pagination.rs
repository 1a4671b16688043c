//! List requests and the streams that follow `links.pages.next` across pages.

use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::stream::{self, BoxStream, Stream, StreamExt, TryStreamExt};
use serde::de::DeserializeOwned;
use url::Url;

use crate::client::Client;
use crate::error::Error;
use crate::models::Page;
use crate::response::{RawResponse, Response};
use crate::transport::{ApiRequest, Query, execute, host_base};

/// Decodes one page of a list response whose items are under the given member.
pub(crate) type PageDecoder<T> = fn(&'static str, &[u8], &'static str) -> Result<Page<T>, Error>;

/// The default for [`ListBuilder::max_pages`] and
/// [`ClientBuilder::max_pages`](crate::ClientBuilder::max_pages): 250 pages is the API's per-minute burst of
/// 250 requests, so a server whose next links never end costs one minute of the budget, not hours.
pub const DEFAULT_MAX_PAGES: u32 = 250;

/// The largest page the API serves.
pub const MAX_PER_PAGE: u32 = 200;

/// An argument refused when the builder was created, reported when it is used.
type Refused = (&'static str, String);

/// A list request: set the page size or start page, then fetch one page with [`ListBuilder::send`] or every
/// item with [`ListBuilder::into_stream`]. Cloning it gives an independent request.
pub struct ListBuilder<T> {
    client: Client,
    first: Result<ApiRequest, Refused>,
    per_page: Option<u32>,
    page: Option<u32>,
    max_pages: Option<u32>,
    key: &'static str,
    decode: PageDecoder<T>,
}

impl<T> Clone for ListBuilder<T> {
    fn clone(&self) -> Self {
        Self {
            client: self.client.clone(),
            first: self.first.clone(),
            per_page: self.per_page,
            page: self.page,
            max_pages: self.max_pages,
            key: self.key,
            decode: self.decode,
        }
    }
}

impl<T> fmt::Debug for ListBuilder<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ListBuilder")
            .field(
                "request",
                &self.first.as_ref().map(ApiRequest::path_and_query),
            )
            .field("per_page", &self.per_page)
            .field("page", &self.page)
            .field("max_pages", &self.max_pages)
            .finish_non_exhaustive()
    }
}

impl<T: Send + 'static> ListBuilder<T> {
    /// A list whose items are the `key` member of each page, decoded by `decode`.
    pub(crate) fn new(
        client: Client,
        first: Result<ApiRequest, Error>,
        key: &'static str,
        decode: PageDecoder<T>,
    ) -> Self {
        // Only argument checks can fail while a request is built; keep them in a cloneable form.
        let first = first.map_err(|err| match err {
            Error::InvalidArgument { argument, reason } => (argument, reason),
            other => ("request", other.to_string()),
        });
        Self {
            client,
            first,
            per_page: None,
            page: None,
            max_pages: None,
            key,
            decode,
        }
    }

    /// The most pages one stream fetches before it stops with [`Error::PaginationStopped`]; default the
    /// client's [`ClientBuilder::max_pages`](crate::ClientBuilder::max_pages) ([`DEFAULT_MAX_PAGES`]).
    #[must_use]
    pub fn max_pages(mut self, max_pages: u32) -> Self {
        self.max_pages = Some(max_pages);
        self
    }

    /// Items per page, 1 to 200 (the API's default is 20).
    #[must_use]
    pub fn per_page(mut self, per_page: u32) -> Self {
        self.per_page = Some(per_page);
        self
    }

    /// The page to fetch (or to start streaming from), 1 or greater.
    #[must_use]
    pub fn page(mut self, page: u32) -> Self {
        self.page = Some(page);
        self
    }

    /// Fetches the one page this request describes.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a bad id, page or page size; otherwise any failure of the call.
    pub fn send(self) -> impl Future<Output = Result<Page<T>, Error>> + Send + 'static + use<T> {
        let client = self.client.clone();
        let (decode, key) = (self.decode, self.key);
        let request = self.first_request();
        async move {
            let request = request?;
            let response = execute(&client.inner, &request).await?;
            decode(request.operation, &response.body, key)
                .map_err(|err| err.with_response(response))
        }
    }

    /// Fetches the one page this request describes, with the status, headers and body the API sent.
    ///
    /// # Errors
    /// As [`ListBuilder::send`].
    pub fn send_with_response(
        self,
    ) -> impl Future<Output = Result<Response<Page<T>>, Error>> + Send + 'static + use<T> {
        let client = self.client.clone();
        let (decode, key) = (self.decode, self.key);
        let request = self.first_request();
        async move {
            let request = request?;
            let response = execute(&client.inner, &request).await?;
            let page = match decode(request.operation, &response.body, key) {
                Ok(value) => value,
                Err(err) => return Err(err.with_response(response)),
            };
            Ok(Response::from_raw(response, page))
        }
    }

    /// Every item of every page from the starting one, fetching pages as the stream is read.
    ///
    /// The stream ends after the last page, yields an error (and then ends) when a page fails or the server
    /// repeats a next-page link, and follows links by path and query against the client's base URL, so a
    /// client pointed at an emulator never leaves it.
    pub fn into_stream(self) -> ListStream<T> {
        let items = self
            .into_pages()
            .map_ok(|page| stream::iter(page.items.into_iter().map(Ok::<T, Error>)))
            .try_flatten();
        ListStream {
            inner: items.boxed(),
        }
    }

    /// Fetches the one page this request describes without decoding it: status, headers and body exactly
    /// as the API sent them, whatever their shape.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a bad id, page or page size; otherwise any failure of the call.
    pub fn send_raw(
        self,
    ) -> impl Future<Output = Result<RawResponse, Error>> + Send + 'static + use<T> {
        let client = self.client.clone();
        let request = self.first_request();
        async move { execute(&client.inner, &request?).await }
    }

    /// Every item of every page like [`ListBuilder::into_stream`], except that an item the models cannot
    /// read is yielded as an `Ok(Err(ItemError))` holding its JSON, and the stream goes on with the next
    /// item. Only a failure of a whole page (transport, status, a page that is not a list) is an outer `Err`,
    /// which ends the stream.
    pub fn into_lenient_stream(self) -> ListStream<Result<T, ItemError>>
    where
        T: DeserializeOwned,
    {
        let state = self.pager(lenient_page::<T>);
        let items = stream::try_unfold(state, next_page)
            .enumerate()
            .map(|(page, response)| {
                response.map(|response| {
                    let page = page as u64 + 1;
                    stream::iter(response.value.items.into_iter().map(move |item| {
                        Ok(item.map_err(|mut err| {
                            err.page = page;
                            err
                        }))
                    }))
                })
            })
            .try_flatten();
        ListStream {
            inner: items.boxed(),
        }
    }

    /// Every page from the starting one, as a stream; see [`ListBuilder::into_stream`].
    pub fn into_pages(self) -> ListStream<Page<T>> {
        let pages = self.into_responses().map_ok(Response::into_value);
        ListStream {
            inner: pages.boxed(),
        }
    }

    /// Every page from the starting one with the status, headers and body the API sent for it; see
    /// [`ListBuilder::into_stream`].
    pub fn into_responses(self) -> ListStream<Response<Page<T>>> {
        let state = self.pager(self.decode);
        ListStream {
            inner: stream::try_unfold(state, next_page).boxed(),
        }
    }

    fn pager<U>(&self, decode: PageDecoder<U>) -> PagerState<U> {
        PagerState {
            client: self.client.clone(),
            decode,
            key: self.key,
            max_pages: u64::from(self.max_pages.unwrap_or(self.client.inner.max_pages)),
            next: Some(self.first_request()),
            seen: HashSet::new(),
            pending_error: None,
            fetched: 0,
            page_size: 0,
        }
    }

    fn first_request(&self) -> Result<ApiRequest, Error> {
        let mut request = match &self.first {
            Ok(request) => request.clone(),
            Err((argument, reason)) => {
                return Err(Error::invalid_argument(argument, reason.clone()));
            }
        };
        if let Some(per_page) = self.per_page {
            if !(1..=MAX_PER_PAGE).contains(&per_page) {
                return Err(Error::invalid_argument(
                    "per_page",
                    format!("{per_page} is not between 1 and 200"),
                ));
            }
            request = request.with_query("per_page", per_page);
        }
        if self.max_pages == Some(0) {
            return Err(Error::invalid_argument("max_pages", "must be 1 or greater"));
        }
        if let Some(page) = self.page {
            if page == 0 {
                return Err(Error::invalid_argument("page", "must be 1 or greater"));
            }
            request = request.with_query("page", page);
        }
        Ok(request)
    }
}

struct PagerState<T> {
    client: Client,
    decode: PageDecoder<T>,
    key: &'static str,
    /// Pages this stream may fetch, whatever the server's metadata says.
    max_pages: u64,
    next: Option<Result<ApiRequest, Error>>,
    /// The normalised path and query of every page requested so far.
    seen: HashSet<String>,
    pending_error: Option<Error>,
    /// Pages fetched so far.
    fetched: u64,
    /// The most items any page held: the server's page size, as far as it showed it.
    page_size: u64,
}

async fn next_page<T>(
    mut state: PagerState<T>,
) -> Result<Option<(Response<Page<T>>, PagerState<T>)>, Error> {
    if let Some(err) = state.pending_error.take() {
        return Err(err);
    }
    let Some(request) = state.next.take() else {
        return Ok(None);
    };
    let request = request?;
    state.seen.insert(loop_key(&request));
    let response = execute(&state.client.inner, &request).await?;
    let page = match (state.decode)(request.operation, &response.body, state.key) {
        Ok(value) => value,
        Err(err) => return Err(err.with_response(response)),
    };
    state.fetched = state.fetched.saturating_add(1);
    state.page_size = state.page_size.max(page.items.len() as u64);
    if let Some(link) = page.next_link() {
        // The page itself is good: hand it out first, and report a bad link on the following poll.
        match next_request(&state.client, &request, link) {
            Ok(next) => match runaway(&state, &request, &page, &next) {
                Some(err) => state.pending_error = Some(err),
                None => state.next = Some(Ok(next)),
            },
            Err(err) => state.pending_error = Some(err),
        }
    }
    Ok(Some((Response::from_raw(response, page), state)))
}

/// Why following `next` would never end, if it would not: a link to another list, a page number that does
/// not advance, a link already fetched, an empty page that still points further, more pages than the
/// reported total allows, or the page limit.
fn runaway<T>(
    state: &PagerState<T>,
    current: &ApiRequest,
    page: &Page<T>,
    next: &ApiRequest,
) -> Option<Error> {
    let operation = current.operation;
    let link = next.path_and_query();
    if state.seen.contains(&loop_key(next)) {
        return Some(Error::PaginationLoop { operation, link });
    }
    let stopped = |reason: String| Error::PaginationStopped {
        operation,
        link: link.clone(),
        reason,
    };
    // The token goes wherever the link leads (on the client's own host): only to the same list.
    if next.path != current.path {
        return Some(stopped(format!(
            "the link leads to another path than the list's `{}`",
            current.path
        )));
    }
    if let Some(to) = page_number(next) {
        let from = page_number(current).unwrap_or(1);
        if to <= from {
            return Some(stopped(format!(
                "the link's page {to} does not advance past page {from}"
            )));
        }
    }
    if page.items.is_empty() {
        return Some(stopped(
            "an empty page still links to a next page".to_owned(),
        ));
    }
    if let Some(total) = page.meta.total {
        // One page of slack: items added while paging shift the pages by up to one.
        let allowed = total.div_ceil(state.page_size.max(1)).saturating_add(1);
        if state.fetched >= allowed {
            return Some(stopped(format!(
                "{} pages of up to {} items already cover the reported total of {total}",
                state.fetched, state.page_size
            )));
        }
    }
    if state.fetched >= state.max_pages {
        return Some(stopped(format!(
            "reached the limit of {} pages (see `max_pages`)",
            state.max_pages
        )));
    }
    None
}

/// The `page` query parameter of a request, when it has one that is a number.
fn page_number(request: &ApiRequest) -> Option<u64> {
    let query = request.encoded_query().unwrap_or_default();
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "page")
        .and_then(|(_, value)| value.parse().ok())
}

/// A request's identity for the loop guard: its path and its query pairs decoded and sorted, with `page=1`
/// dropped (the first page is the same with or without it), so `?b=2&a=1` equals `?a=1&b=2`.
fn loop_key(request: &ApiRequest) -> String {
    let query = request.encoded_query().unwrap_or_default();
    let mut pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .filter(|(name, value)| !(name == "page" && value.trim_start_matches('0') == "1"))
        .collect();
    pairs.sort();
    let mut key = request.path.clone();
    for (name, value) in pairs {
        key.push('\n');
        key.push_str(&name);
        key.push('=');
        key.push_str(&value);
    }
    key
}

/// The request for a next-page link: resolved against the current page (so a relative link means what it
/// says), then its path and query replayed against the client's own base URL for that host, the query byte
/// for byte.
pub(crate) fn next_request(
    client: &Client,
    current: &ApiRequest,
    link: &str,
) -> Result<ApiRequest, Error> {
    let bad_link =
        |reason: String| Error::decode(current.operation, "links.pages.next".to_owned(), reason);
    let base = host_base(&client.inner, current.host).ok_or_else(|| {
        bad_link("the list's host has no base URL to replay links against".to_owned())
    })?;
    let here = current.url_below(base)?;
    let parsed = Url::options()
        .base_url(Some(&here))
        .parse(link)
        .map_err(|err| bad_link(format!("not a usable link ({err})")))?;
    let prefix = base.path().trim_end_matches('/');
    let path = match parsed.path().strip_prefix(prefix) {
        Some(rest) if !prefix.is_empty() && rest.starts_with('/') => rest,
        _ => parsed.path(),
    };
    let mut next = ApiRequest::new(current.operation, current.method.clone(), path.to_owned())
        .with_host(current.host)
        .with_accept(current.accept);
    // Replayed byte for byte: re-encoding could change what the server reads (`+` in a cursor, say).
    next.query = Query::Verbatim(parsed.query().unwrap_or_default().to_owned());
    next.timeout = current.timeout;
    Ok(next)
}

/// One item of a list that the models could not read, yielded by [`ListBuilder::into_lenient_stream`] in
/// its place: the stream goes on with the next item.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ItemError {
    /// The list operation, for example `volumes.list`.
    pub operation: &'static str,
    /// The page of the stream it was on, from 1.
    pub page: u64,
    /// Its position on that page, from 0.
    pub index: usize,
    /// The JSON path inside the item that failed (empty for the item itself).
    pub path: String,
    /// What was wrong there.
    pub message: String,
    /// The item exactly as the API sent it, as JSON.
    pub value: serde_json::Value,
}

impl fmt::Display for ItemError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: item {} of page {} could not be decoded at `{}`: {}",
            self.operation, self.index, self.page, self.path, self.message
        )
    }
}

impl std::error::Error for ItemError {}

/// Decodes a page item by item: an item that fails becomes an [`ItemError`] holding its JSON.
// Each item's error carries the item exactly as sent, by design; boxing it would only move
// the size into the public type.
#[allow(clippy::result_large_err)]
pub(crate) fn lenient_page<T: DeserializeOwned>(
    operation: &'static str,
    body: &[u8],
    key: &'static str,
) -> Result<Page<Result<T, ItemError>>, Error> {
    let page = crate::decode::page::<serde_json::Value>(operation, body, key)?;
    let items = page
        .items
        .into_iter()
        .enumerate()
        .map(|(index, value)| {
            serde_path_to_error::deserialize::<_, T>(&value).map_err(|err| ItemError {
                operation,
                page: 0,
                index,
                path: crate::text::one_line_clipped(&err.path().to_string(), 300),
                message: crate::text::one_line_clipped(&err.into_inner().to_string(), 300),
                value: value.clone(),
            })
        })
        .collect();
    Ok(Page {
        items,
        links: page.links,
        meta: page.meta,
    })
}

/// A stream of list results (items or whole pages), fetched lazily. Dropping it stops fetching.
#[must_use = "streams do nothing unless polled"]
pub struct ListStream<T> {
    inner: BoxStream<'static, Result<T, Error>>,
}

impl<T> fmt::Debug for ListStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ListStream").finish_non_exhaustive()
    }
}

impl<T> Stream for ListStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(base: &str) -> Client {
        Client::builder()
            .token("t")
            .base_url(base)
            .build()
            .expect("valid")
    }

    fn current() -> ApiRequest {
        ApiRequest::get("droplet_actions.list", "/v2/droplets/1/actions".into())
            .with_query("per_page", 2)
    }

    fn next_url(base: &str, current: &ApiRequest, link: &str) -> String {
        let client = client(base);
        next_request(&client, current, link)
            .expect("usable")
            .url_below(client.base_url())
            .expect("plain")
            .to_string()
    }

    #[test]
    fn absolute_link_on_another_host_is_replayed_against_base() {
        assert_eq!(
            next_url(
                "http://127.0.0.1:3000",
                &current(),
                "https://api.digitalocean.com/v2/droplets/1/actions?page=2&per_page=2"
            ),
            "http://127.0.0.1:3000/v2/droplets/1/actions?page=2&per_page=2"
        );
    }

    #[test]
    fn base_prefix_is_not_doubled() {
        let base = "http://127.0.0.1:3000/sim";
        assert_eq!(
            next_url(
                base,
                &current(),
                "http://127.0.0.1:3000/sim/v2/droplets/1/actions?page=3"
            ),
            "http://127.0.0.1:3000/sim/v2/droplets/1/actions?page=3"
        );
        assert_eq!(
            next_url(base, &current(), "/sim/v2/droplets/1/actions?page=4"),
            "http://127.0.0.1:3000/sim/v2/droplets/1/actions?page=4"
        );
    }

    #[test]
    fn a_relative_link_resolves_against_the_current_page() {
        let base = "http://127.0.0.1:3000/sim/";
        assert_eq!(
            next_url(base, &current(), "?page=2&per_page=2"),
            "http://127.0.0.1:3000/sim/v2/droplets/1/actions?page=2&per_page=2"
        );
        assert_eq!(
            next_url(base, &current(), "actions?page=3"),
            "http://127.0.0.1:3000/sim/v2/droplets/1/actions?page=3"
        );
    }

    #[test]
    fn a_link_query_is_replayed_exactly_as_received() {
        let url = next_url(
            "http://127.0.0.1:3000",
            &current(),
            "/v2/droplets/1/actions?cursor=a+b%2Fc&page=2&flag",
        );
        assert_eq!(
            url,
            "http://127.0.0.1:3000/v2/droplets/1/actions?cursor=a+b%2Fc&page=2&flag"
        );
    }

    #[test]
    fn the_loop_key_ignores_order_encoding_and_page_one() {
        let plain = ApiRequest::get("l", "/v2/x".into()).with_query("per_page", 2);
        let mut page_one = ApiRequest::get("l", "/v2/x".into());
        page_one.query = Query::Verbatim("page=1&per_page=2".into());
        assert_eq!(loop_key(&plain), loop_key(&page_one));
        let mut reordered = ApiRequest::get("l", "/v2/x".into());
        reordered.query = Query::Verbatim("per_page=2&page=%32".into());
        let two = ApiRequest::get("l", "/v2/x".into())
            .with_query("page", 2)
            .with_query("per_page", 2);
        assert_eq!(loop_key(&reordered), loop_key(&two));
        assert_ne!(loop_key(&plain), loop_key(&two));
    }
}
