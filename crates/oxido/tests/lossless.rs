//! Nothing is lost on an answer the models cannot read: a decode error keeps the status, headers, request id
//! and body; every call can be sent raw; a list can go on past a bad item. Against wiremock on 127.0.0.1.

mod common;

use common::{action_json, client_for};
use futures::StreamExt;
use oxido::Error;
use serde_json::json;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const BAD_VOLUME: &str =
    r#"{"volume":{"id":"506f78a4","name":"ext4-example","size_gigabytes":"ten"}}"#;

fn answer(status: u16, body: impl Into<String>) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("x-request-id", "req-4f3a")
        .set_body_raw(body.into(), "application/json")
}

#[tokio::test]
async fn a_decode_error_keeps_status_headers_request_id_and_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/volumes/506f78a4"))
        .respond_with(answer(200, BAD_VOLUME))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());

    for result in [
        client.volumes().get("506f78a4").await.map(drop),
        client
            .volumes()
            .get("506f78a4")
            .send_with_response()
            .await
            .map(drop),
    ] {
        let err = result.expect_err("a string where a number belongs");
        let Error::Decode { path, .. } = &err else {
            panic!("expected a decode error, got {err:?}");
        };
        assert_eq!(path, "volume.size_gigabytes");
        let raw = err.response().expect("the answer is kept");
        assert_eq!(raw.status, 200);
        assert_eq!(raw.body.as_ref(), BAD_VOLUME.as_bytes());
        assert_eq!(raw.request_id(), Some("req-4f3a"));
        assert_eq!(
            raw.headers.get("content-type").map(|v| v.as_bytes()),
            Some(&b"application/json"[..])
        );
        assert_eq!(err.request_id(), Some("req-4f3a"));
        assert_eq!(raw.json().expect("json")["volume"]["id"], "506f78a4");
        let line = err.to_string();
        assert!(
            line.contains("status 200") && line.contains("req-4f3a"),
            "{line}"
        );
        // The CLI maps `status()` to exit codes: it stays the API's failure status only.
        assert_eq!(err.status(), None);
    }
}

#[tokio::test]
async fn a_hand_written_call_keeps_the_answer_too() {
    let server = MockServer::start().await;
    let body = r#"{"action":{"id":"not a number"}}"#;
    Mock::given(method("GET"))
        .and(path("/v2/droplets/3164444/actions/7"))
        .respond_with(answer(200, body))
        .mount(&server)
        .await;
    let err = client_for(&server.uri())
        .droplet_actions()
        .get(3164444, 7)
        .await
        .expect_err("bad id");
    let raw = err.response().expect("kept");
    assert_eq!(raw.body.as_ref(), body.as_bytes());
    assert_eq!(raw.request_id(), Some("req-4f3a"));
}

#[tokio::test]
async fn send_raw_returns_the_answer_undecoded() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/volumes/506f78a4"))
        .respond_with(answer(200, BAD_VOLUME))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/volumes"))
        .respond_with(answer(200, r#"{"unexpected":true}"#))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/v2/volumes/gone"))
        .respond_with(answer(
            404,
            r#"{"id":"not_found","message":"no such volume"}"#,
        ))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());

    let raw = client
        .volumes()
        .get("506f78a4")
        .send_raw()
        .await
        .expect("not decoded, so not failed");
    assert_eq!(
        (raw.status, raw.body.as_ref()),
        (200, BAD_VOLUME.as_bytes())
    );

    // A builder with options (a list) has it too, and so does the hand-written list.
    let raw = client
        .volumes()
        .list()
        .region("nyc1")
        .send_raw()
        .await
        .expect("raw page");
    assert_eq!(raw.body.as_ref(), br#"{"unexpected":true}"#);

    // A failure status is still an error, with the API's message.
    let err = client
        .volumes()
        .delete("gone")
        .send_raw()
        .await
        .expect_err("404");
    assert_eq!(err.status(), Some(404));
    assert_eq!(
        err.api_error().map(|api| api.message.as_str()),
        Some("no such volume")
    );

    // Arguments are still checked before sending.
    let err = client
        .volumes()
        .get("")
        .send_raw()
        .await
        .expect_err("empty id");
    assert!(err.is_invalid_argument(), "{err}");
}

#[tokio::test]
async fn a_lenient_stream_yields_a_bad_item_and_goes_on_to_later_pages() {
    let server = MockServer::start().await;
    let first = json!({
        "volumes": [
            { "id": "a", "name": "a", "created_at": "2020-03-02T17:00:49Z", "size_gigabytes": 10 },
            { "id": "b", "name": "b", "created_at": "2020-03-02T17:00:49Z", "size_gigabytes": "ten" },
            { "id": "c", "name": "c", "created_at": "2020-03-02T17:00:49Z", "size_gigabytes": 30 },
        ],
        "links": { "pages": { "next": format!("{}/v2/volumes?page=2", server.uri()) } },
        "meta": { "total": 4 },
    });
    let second = json!({ "volumes": [{ "id": "d", "name": "d", "created_at": "2020-03-02T17:00:49Z" }], "meta": { "total": 4 } });
    Mock::given(method("GET"))
        .and(path("/v2/volumes"))
        .and(query_param_is_missing("page"))
        .respond_with(answer(200, first.to_string()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/volumes"))
        .and(query_param("page", "2"))
        .respond_with(answer(200, second.to_string()))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());

    let results: Vec<_> = client
        .volumes()
        .list()
        .into_lenient_stream()
        .take(20)
        .collect()
        .await;
    assert_eq!(results.len(), 4, "{results:?}");
    let ids: Vec<String> = results
        .iter()
        .filter_map(|result| result.as_ref().expect("pages are fine").as_ref().ok())
        .map(|volume| volume.id.clone())
        .collect();
    assert_eq!(ids, ["a", "c", "d"]);
    let bad = results[1]
        .as_ref()
        .expect("page fine")
        .as_ref()
        .expect_err("item b is bad");
    assert_eq!((bad.page, bad.index), (1, 1));
    assert_eq!(bad.path, "size_gigabytes");
    assert_eq!(bad.operation, "volumes.list");
    assert_eq!(bad.value["id"], "b");
    assert!(bad.to_string().contains("item 1 of page 1"), "{bad}");

    // The strict stream still stops at the first bad item, reporting where it was.
    let strict: Vec<_> = client
        .volumes()
        .list()
        .into_stream()
        .take(20)
        .collect()
        .await;
    assert_eq!(strict.len(), 1, "{strict:?}");
    let err = strict[0].as_ref().expect_err("the page fails");
    assert!(
        err.to_string().contains("volumes[1].size_gigabytes"),
        "{err}"
    );
    assert!(err.response().is_some());
}

#[tokio::test]
async fn a_hand_written_list_is_lenient_too() {
    let server = MockServer::start().await;
    let mut bad = action_json(2, "completed");
    bad["status"] = json!(17);
    let body =
        json!({ "actions": [action_json(1, "completed"), bad, action_json(3, "completed")] });
    Mock::given(method("GET"))
        .and(path("/v2/actions"))
        .respond_with(answer(200, body.to_string()))
        .mount(&server)
        .await;
    let results: Vec<_> = client_for(&server.uri())
        .actions()
        .list()
        .into_lenient_stream()
        .take(10)
        .collect()
        .await;
    let shape: Vec<Result<u64, usize>> = results
        .into_iter()
        .map(|r| r.expect("page fine").map(|a| a.id).map_err(|e| e.index))
        .collect();
    assert_eq!(shape, [Ok(1), Err(1), Ok(3)]);
}
