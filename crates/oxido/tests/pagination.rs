//! Following `links.pages.next` across pages, against a server whose links point at another host.

mod common;

use common::{action_json, client_for};
use futures::{StreamExt, TryStreamExt};
use oxido::{Action, Error};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const LIST_PATH: &str = "/v2/droplets/3164444/actions";
/// The API writes absolute links on its own host; the client must replay them against its base URL instead.
const FOREIGN: &str = "https://api.digitalocean.com/v2/droplets/3164444/actions";

fn page_body(ids: &[u64], next: Option<String>, total: u64) -> String {
    let actions: Vec<Value> = ids.iter().map(|id| action_json(*id, "completed")).collect();
    let links = match next {
        Some(next) => {
            json!({ "pages": { "first": format!("{FOREIGN}?page=1&per_page=2"), "next": next } })
        }
        None => json!({ "pages": { "first": format!("{FOREIGN}?page=1&per_page=2") } }),
    };
    json!({ "actions": actions, "links": links, "meta": { "total": total } }).to_string()
}

fn ok(body: String) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body, "application/json")
}

async fn mount_first_two_pages(server: &MockServer, second_next: Option<String>) {
    Mock::given(method("GET"))
        .and(path(LIST_PATH))
        .and(query_param("per_page", "2"))
        .and(query_param_is_missing("page"))
        .respond_with(ok(page_body(
            &[1, 2],
            Some(format!("{FOREIGN}?page=2&per_page=2")),
            5,
        )))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(LIST_PATH))
        .and(query_param("page", "2"))
        .respond_with(ok(page_body(&[3, 4], second_next, 5)))
        .mount(server)
        .await;
}

async fn request_count(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .map(|requests| requests.len())
        .unwrap_or(0)
}

#[tokio::test]
async fn stream_follows_three_pages_of_foreign_links_against_the_base_url() {
    let server = MockServer::start().await;
    mount_first_two_pages(&server, Some(format!("{FOREIGN}?page=3&per_page=2"))).await;
    Mock::given(method("GET"))
        .and(path(LIST_PATH))
        .and(query_param("page", "3"))
        .respond_with(ok(page_body(&[5], None, 5)))
        .mount(&server)
        .await;

    let client = client_for(&server.uri());
    let all: Vec<Action> = client
        .droplet_actions()
        .list(3164444)
        .per_page(2)
        .into_stream()
        .try_collect()
        .await
        .expect("three pages");
    assert_eq!(
        all.iter().map(|action| action.id).collect::<Vec<_>>(),
        vec![1, 2, 3, 4, 5]
    );
    assert_eq!(
        request_count(&server).await,
        3,
        "every page came from the local server"
    );

    let pages: Vec<_> = client
        .droplet_actions()
        .list(3164444)
        .per_page(2)
        .into_pages()
        .try_collect()
        .await
        .expect("three pages");
    assert_eq!(
        pages
            .iter()
            .map(|page| page.items.len())
            .collect::<Vec<_>>(),
        vec![2, 2, 1]
    );
    assert!(pages[2].next_link().is_none());
}

#[tokio::test]
async fn send_returns_one_page_with_total_and_links() {
    let server = MockServer::start().await;
    mount_first_two_pages(&server, None).await;
    let client = client_for(&server.uri());
    let first = client
        .droplet_actions()
        .list(3164444)
        .per_page(2)
        .send()
        .await
        .expect("page one");
    assert_eq!(first.items.len(), 2);
    assert_eq!(first.total(), Some(5));
    assert_eq!(
        first.next_link(),
        Some(format!("{FOREIGN}?page=2&per_page=2").as_str())
    );
    let second = client
        .droplet_actions()
        .list(3164444)
        .per_page(2)
        .page(2)
        .send()
        .await
        .expect("page two");
    assert_eq!(
        second.items.iter().map(|a| a.id).collect::<Vec<_>>(),
        vec![3, 4]
    );
}

#[tokio::test]
async fn a_repeated_next_link_ends_the_stream_with_an_error() {
    let server = MockServer::start().await;
    mount_first_two_pages(&server, Some(format!("{FOREIGN}?page=2&per_page=2"))).await;
    let results: Vec<Result<Action, Error>> = client_for(&server.uri())
        .droplet_actions()
        .list(3164444)
        .per_page(2)
        .into_stream()
        .take(20)
        .collect()
        .await;
    assert_eq!(
        results.len(),
        5,
        "four items, then the error, then the end: {results:?}"
    );
    let ids: Vec<u64> = results
        .iter()
        .filter_map(|result| result.as_ref().ok())
        .map(|action| action.id)
        .collect();
    assert_eq!(ids, vec![1, 2, 3, 4]);
    match &results[4] {
        Err(Error::PaginationLoop { operation, link }) => {
            assert_eq!(*operation, "droplet_actions.list");
            assert!(link.contains("page=2"), "{link}");
        }
        other => panic!("expected a pagination loop error, got {other:?}"),
    }
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn a_failed_page_is_surfaced_not_dropped() {
    let server = MockServer::start().await;
    mount_first_two_pages(&server, Some(format!("{FOREIGN}?page=3&per_page=2"))).await;
    Mock::given(method("GET"))
        .and(path(LIST_PATH))
        .and(query_param("page", "3"))
        .respond_with(ResponseTemplate::new(404).set_body_raw(
            r#"{"id":"not_found","message":"The resource you requested could not be found."}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let mut stream = client_for(&server.uri())
        .droplet_actions()
        .list(3164444)
        .per_page(2)
        .into_stream();
    let mut ids = Vec::new();
    let mut failure = None;
    while let Some(item) = stream.next().await {
        match item {
            Ok(action) => ids.push(action.id),
            Err(err) => failure = Some(err),
        }
    }
    assert_eq!(ids, vec![1, 2, 3, 4]);
    let failure = failure.expect("the third page's failure is reported");
    assert!(failure.is_not_found());
    assert_eq!(
        failure.api_error().map(|api| api.path.as_str()),
        Some("/v2/droplets/3164444/actions?page=3&per_page=2")
    );
}

#[tokio::test]
async fn actions_list_single_page_without_links() {
    let server = MockServer::start().await;
    let body =
        json!({ "actions": [action_json(9, "completed")], "links": {}, "meta": { "total": 1 } })
            .to_string();
    Mock::given(method("GET"))
        .and(path("/v2/actions"))
        .respond_with(ok(body))
        .mount(&server)
        .await;
    let all: Vec<Action> = client_for(&server.uri())
        .actions()
        .list()
        .into_stream()
        .try_collect()
        .await
        .expect("one page");
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].id, 9);
}

/// Answers every page with `items` actions, `total` in meta, and a link to the page after the requested one,
/// written by `link` from that page number: a server whose pages never end.
struct EndlessPages {
    items: usize,
    total: Option<u64>,
    link: fn(u64) -> String,
}

impl Respond for EndlessPages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let page: u64 = request
            .url
            .query_pairs()
            .find(|(name, _)| name == "page")
            .and_then(|(_, value)| value.parse().ok())
            .unwrap_or(1);
        let actions: Vec<Value> = (0..self.items)
            .map(|i| action_json(page * 1000 + i as u64, "completed"))
            .collect();
        let mut body = json!({
            "actions": actions,
            "links": { "pages": { "next": (self.link)(page + 1) } },
        });
        if let Some(total) = self.total {
            body["meta"] = json!({ "total": total });
        }
        ok(body.to_string())
    }
}

/// Every result of the stream, bounded in count and time so a stream that never ends fails the test.
async fn collect_all(server: &MockServer) -> Vec<Result<Action, Error>> {
    let stream = client_for(&server.uri())
        .droplet_actions()
        .list(3164444)
        .into_stream()
        .take(10_000)
        .collect();
    tokio::time::timeout(std::time::Duration::from_secs(60), stream)
        .await
        .expect("the stream ends by itself")
}

#[tokio::test]
async fn endless_empty_pages_stop_after_the_first_with_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(LIST_PATH))
        .respond_with(EndlessPages {
            items: 0,
            total: None,
            link: |page| format!("{FOREIGN}?page={page}"),
        })
        .mount(&server)
        .await;
    let results = collect_all(&server).await;
    assert_eq!(results.len(), 1, "{results:?}");
    match &results[0] {
        Err(Error::PaginationStopped { reason, link, .. }) => {
            assert!(reason.contains("empty page"), "{reason}");
            assert!(link.ends_with("?page=2"), "{link}");
        }
        other => panic!("expected a stopped stream, got {other:?}"),
    }
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn pages_beyond_the_reported_total_are_not_fetched() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(LIST_PATH))
        .respond_with(EndlessPages {
            items: 2,
            total: Some(5),
            link: |page| format!("{FOREIGN}?page={page}"),
        })
        .mount(&server)
        .await;
    let results = collect_all(&server).await;
    let items = results.iter().filter(|r| r.is_ok()).count();
    // 5 items in pages of 2 are 3 pages; one page of slack allows a fourth, then the stream stops.
    assert_eq!(items, 8, "{results:?}");
    assert!(
        matches!(results.last(), Some(Err(Error::PaginationStopped { .. }))),
        "{:?}",
        results.last()
    );
    assert_eq!(request_count(&server).await, 4);
}

#[tokio::test]
async fn a_link_back_to_the_first_page_is_caught_before_any_duplicate() {
    let server = MockServer::start().await;
    mount_first_two_pages(&server, Some(format!("{FOREIGN}?per_page=2&page=1"))).await;
    let results: Vec<Result<Action, Error>> = client_for(&server.uri())
        .droplet_actions()
        .list(3164444)
        .per_page(2)
        .into_stream()
        .take(20)
        .collect()
        .await;
    let ids: Vec<u64> = results
        .iter()
        .filter_map(|result| result.as_ref().ok())
        .map(|action| action.id)
        .collect();
    assert_eq!(ids, vec![1, 2, 3, 4], "no item twice");
    assert!(matches!(
        results.last(),
        Some(Err(Error::PaginationLoop { .. }))
    ));
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn a_relative_next_link_is_followed_from_the_current_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(LIST_PATH))
        .and(query_param_is_missing("page"))
        .respond_with(ok(page_body(&[1, 2], Some("?page=2&per_page=2".into()), 3)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(LIST_PATH))
        .and(query_param("page", "2"))
        .respond_with(ok(page_body(&[3], None, 3)))
        .mount(&server)
        .await;
    let all: Vec<Action> = client_for(&server.uri())
        .droplet_actions()
        .list(3164444)
        .per_page(2)
        .into_stream()
        .try_collect()
        .await
        .expect("two pages");
    assert_eq!(all.iter().map(|a| a.id).collect::<Vec<_>>(), vec![1, 2, 3]);
}

#[tokio::test]
async fn a_next_link_query_is_sent_exactly_as_received() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(LIST_PATH))
        .and(query_param_is_missing("cursor"))
        .respond_with(ok(page_body(
            &[1],
            Some(format!("{FOREIGN}?cursor=a+b%2Bc&per_page=1")),
            2,
        )))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(LIST_PATH))
        .and(query_param("cursor", "a b+c"))
        .respond_with(ok(page_body(&[2], None, 2)))
        .mount(&server)
        .await;
    let all: Vec<Action> = client_for(&server.uri())
        .droplet_actions()
        .list(3164444)
        .into_stream()
        .try_collect()
        .await
        .expect("two pages");
    assert_eq!(all.len(), 2);
    let requests = server.received_requests().await.expect("recording");
    assert_eq!(requests[1].url.query(), Some("cursor=a+b%2Bc&per_page=1"));
}

#[tokio::test]
async fn page_zero_is_refused_before_sending() {
    let server = MockServer::start().await;
    let err = client_for(&server.uri())
        .droplet_actions()
        .list(3164444)
        .page(0)
        .send()
        .await
        .expect_err("page 0");
    assert!(
        matches!(
            err,
            Error::InvalidArgument {
                argument: "page",
                ..
            }
        ),
        "{err:?}"
    );
    let streamed: Vec<Result<Action, Error>> = client_for(&server.uri())
        .actions()
        .list()
        .page(0)
        .into_stream()
        .collect()
        .await;
    assert_eq!(streamed.len(), 1);
    assert!(streamed[0].as_ref().is_err_and(Error::is_invalid_argument));
    assert_eq!(request_count(&server).await, 0);
}

/// The number of requests an endless list makes before it stops, and the error it stops with.
async fn endless_run(
    configure: impl FnOnce(&str) -> oxido::ListBuilder<Action>,
) -> (usize, Vec<Result<Action, Error>>) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(LIST_PATH))
        .respond_with(EndlessPages {
            items: 1,
            total: None,
            link: |page| format!("{FOREIGN}?page={page}"),
        })
        .mount(&server)
        .await;
    let stream = configure(&server.uri()).into_stream().take(1_000).collect();
    let results: Vec<Result<Action, Error>> =
        tokio::time::timeout(std::time::Duration::from_secs(60), stream)
            .await
            .expect("the stream ends by itself");
    (request_count(&server).await, results)
}

#[tokio::test]
async fn endless_next_links_stop_at_the_default_page_limit() {
    let (requests, results) =
        endless_run(|uri| client_for(uri).droplet_actions().list(3164444)).await;
    assert_eq!(requests, oxido::DEFAULT_MAX_PAGES as usize);
    assert_eq!(
        results.len(),
        requests + 1,
        "one item per page, then the error"
    );
    match results.last() {
        Some(Err(Error::PaginationStopped { reason, .. })) => {
            assert!(reason.contains("limit of 250 pages"), "{reason}");
        }
        other => panic!("expected a stopped stream, got {other:?}"),
    }
}

#[tokio::test]
async fn max_pages_is_set_on_the_client_and_overridden_per_list() {
    let (requests, results) = endless_run(|uri| {
        oxido::Client::builder()
            .no_proxy()
            .token("t")
            .base_url(uri)
            .max_pages(5)
            .build()
            .expect("valid")
            .droplet_actions()
            .list(3164444)
    })
    .await;
    assert_eq!(requests, 5);
    assert!(matches!(
        results.last(),
        Some(Err(Error::PaginationStopped { .. }))
    ));

    let (requests, _) =
        endless_run(|uri| client_for(uri).droplet_actions().list(3164444).max_pages(3)).await;
    assert_eq!(requests, 3);

    let (requests, results) =
        endless_run(|uri| client_for(uri).droplet_actions().list(3164444).max_pages(0)).await;
    assert_eq!(requests, 0);
    assert!(matches!(
        &results[..],
        [Err(Error::InvalidArgument {
            argument: "max_pages",
            ..
        })]
    ));
    let err = oxido::Client::builder()
        .token("t")
        .max_pages(0)
        .build()
        .expect_err("zero pages");
    assert!(err.to_string().contains("max_pages"), "{err}");
}

#[tokio::test]
async fn a_next_link_to_another_path_is_refused() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(LIST_PATH))
        .respond_with(ok(page_body(
            &[1, 2],
            Some("https://api.digitalocean.com/v2/account/keys?page=2".to_owned()),
            5,
        )))
        .mount(&server)
        .await;
    let results = collect_all(&server).await;
    assert_eq!(results.len(), 3, "{results:?}");
    match &results[2] {
        Err(Error::PaginationStopped { reason, link, .. }) => {
            assert!(reason.contains("another path"), "{reason}");
            assert_eq!(link, "/v2/account/keys?page=2");
        }
        other => panic!("expected a refused link, got {other:?}"),
    }
    assert_eq!(
        request_count(&server).await,
        1,
        "the other path was never asked"
    );
}

#[tokio::test]
async fn a_next_link_whose_page_does_not_advance_is_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(LIST_PATH))
        .and(query_param("page", "3"))
        .respond_with(ok(page_body(
            &[5, 6],
            Some(format!("{FOREIGN}?page=2&per_page=2")),
            9,
        )))
        .mount(&server)
        .await;
    let results: Vec<Result<Action, Error>> = client_for(&server.uri())
        .droplet_actions()
        .list(3164444)
        .per_page(2)
        .page(3)
        .into_stream()
        .take(20)
        .collect()
        .await;
    assert_eq!(results.len(), 3, "{results:?}");
    match &results[2] {
        Err(Error::PaginationStopped { reason, .. }) => {
            assert!(
                reason.contains("page 2 does not advance past page 3"),
                "{reason}"
            );
        }
        other => panic!("expected a stopped stream, got {other:?}"),
    }
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn a_page_without_its_collection_member_is_an_error() {
    let server = MockServer::start().await;
    let body = r#"{"links":{},"meta":{"total":5}}"#;
    Mock::given(method("GET"))
        .and(path("/v2/volumes"))
        .respond_with(ok(body.to_owned()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/tags"))
        .respond_with(ok(r#"{"tags":null,"meta":{"total":0}}"#.to_owned()))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let err = client
        .volumes()
        .list()
        .await
        .expect_err("no volumes member");
    assert!(err.to_string().contains("no `volumes` list"), "{err}");
    assert_eq!(
        err.response().map(|raw| raw.body.as_ref()),
        Some(body.as_bytes())
    );
    let streamed: Vec<_> = client
        .volumes()
        .list()
        .into_stream()
        .take(5)
        .collect()
        .await;
    assert!(
        matches!(&streamed[..], [Err(Error::Decode { .. })]),
        "{streamed:?}"
    );
    // A `null` list is there, and empty.
    let page = client.tags().list().await.expect("null is an empty list");
    assert!(page.items.is_empty());
}
