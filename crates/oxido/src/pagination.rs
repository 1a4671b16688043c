//! List requests and the streams that follow `links.pages.next` across pages.

use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::stream::{self, BoxStream, Stream, StreamExt, TryStreamExt};
use url::Url;

use crate::client::Client;
use crate::error::Error;
use crate::models::Page;
use crate::response::Response;
use crate::transport::{ApiRequest, Query, execute};

/// Decodes one page of a list response.
pub(crate) type PageDecoder<T> = fn(&'static str, &[u8]) -> Result<Page<T>, Error>;

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
    decode: PageDecoder<T>,
}

impl<T> Clone for ListBuilder<T> {
    fn clone(&self) -> Self {
        Self {
            client: self.client.clone(),
            first: self.first.clone(),
            per_page: self.per_page,
            page: self.page,
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
            .finish_non_exhaustive()
    }
}

impl<T: Send + 'static> ListBuilder<T> {
    pub(crate) fn new(
        client: Client,
        first: Result<ApiRequest, Error>,
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
            decode,
        }
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
        let decode = self.decode;
        let request = self.first_request();
        async move {
            let request = request?;
            let response = execute(&client.inner, &request).await?;
            decode(request.operation, &response.body)
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
        let decode = self.decode;
        let request = self.first_request();
        async move {
            let request = request?;
            let response = execute(&client.inner, &request).await?;
            let page = decode(request.operation, &response.body)?;
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

    /// Every page from the starting one, as a stream; see [`ListBuilder::into_stream`].
    pub fn into_pages(self) -> ListStream<Page<T>> {
        let state = PagerState {
            client: self.client.clone(),
            decode: self.decode,
            next: Some(self.first_request()),
            seen: HashSet::new(),
            pending_error: None,
        };
        ListStream {
            inner: stream::try_unfold(state, next_page).boxed(),
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
    next: Option<Result<ApiRequest, Error>>,
    seen: HashSet<String>,
    pending_error: Option<Error>,
}

async fn next_page<T>(mut state: PagerState<T>) -> Result<Option<(Page<T>, PagerState<T>)>, Error> {
    if let Some(err) = state.pending_error.take() {
        return Err(err);
    }
    let Some(request) = state.next.take() else {
        return Ok(None);
    };
    let request = request?;
    state.seen.insert(request.path_and_query());
    let response = execute(&state.client.inner, &request).await?;
    let page = (state.decode)(request.operation, &response.body)?;
    if let Some(link) = page.next_link() {
        // The page itself is good: hand it out first, and report a bad link on the following poll.
        match next_request(&request, link, &state.client.inner.base_url) {
            Ok(next) if state.seen.contains(&next.path_and_query()) => {
                state.pending_error = Some(Error::PaginationLoop {
                    operation: request.operation,
                    link: next.path_and_query(),
                });
            }
            Ok(next) => state.next = Some(Ok(next)),
            Err(err) => state.pending_error = Some(err),
        }
    }
    Ok(Some((page, state)))
}

/// The request for a next-page link: its path and query only, replayed against our own base URL.
pub(crate) fn next_request(
    current: &ApiRequest,
    link: &str,
    base: &Url,
) -> Result<ApiRequest, Error> {
    let parsed = Url::options()
        .base_url(Some(base))
        .parse(link)
        .map_err(|err| Error::Decode {
            operation: current.operation,
            path: "links.pages.next".to_owned(),
            message: format!("not a usable link ({err})"),
        })?;
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
    Ok(next)
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

    fn current() -> ApiRequest {
        ApiRequest::get("droplet_actions.list", "/v2/droplets/1/actions".into())
            .with_query("per_page", 2)
    }

    #[test]
    fn absolute_link_on_another_host_is_replayed_against_base() {
        let base = Url::parse("http://127.0.0.1:3000").expect("valid");
        let next = next_request(
            &current(),
            "https://api.digitalocean.com/v2/droplets/1/actions?page=2&per_page=2",
            &base,
        )
        .expect("usable");
        assert_eq!(
            next.url_below(&base).expect("plain").as_str(),
            "http://127.0.0.1:3000/v2/droplets/1/actions?page=2&per_page=2"
        );
    }

    #[test]
    fn base_prefix_is_not_doubled() {
        let base = Url::parse("http://127.0.0.1:3000/sim").expect("valid");
        let next = next_request(
            &current(),
            "http://127.0.0.1:3000/sim/v2/droplets/1/actions?page=3",
            &base,
        )
        .expect("usable");
        assert_eq!(
            next.url_below(&base).expect("plain").as_str(),
            "http://127.0.0.1:3000/sim/v2/droplets/1/actions?page=3"
        );
        let relative =
            next_request(&current(), "/v2/droplets/1/actions?page=4", &base).expect("usable");
        assert_eq!(
            relative.url_below(&base).expect("plain").as_str(),
            "http://127.0.0.1:3000/sim/v2/droplets/1/actions?page=4"
        );
    }
}
