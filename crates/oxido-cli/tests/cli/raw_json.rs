//! `-o json` prints the API's own JSON: unknown fields, key order, timestamp offsets and
//! number spellings as sent, only re-indented. A 127.0.0.1 mock answers with JSON the
//! emulator never produces.

use serde_json::Value;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{Harness, TOKEN, stderr, stdout};

/// An action with an offset timestamp, a field the SDK's model lacks, and a `1.50`.
fn action(id: u64) -> String {
    format!(
        r#"{{"id":{id},"status":"completed","type":"reboot","started_at":"2020-11-14T16:29:21+02:00","completed_at":"2020-11-14T16:30:06+02:00","resource_id":3164444,"resource_type":"droplet","region":null,"region_slug":"nyc3","future_field":{{"z":1,"a":[1.50]}}}}"#
    )
}

fn pretty(id: u64) -> String {
    format!(
        r#"{{
  "id": {id},
  "status": "completed",
  "type": "reboot",
  "started_at": "2020-11-14T16:29:21+02:00",
  "completed_at": "2020-11-14T16:30:06+02:00",
  "resource_id": 3164444,
  "resource_type": "droplet",
  "region": null,
  "region_slug": "nyc3",
  "future_field": {{
    "z": 1,
    "a": [
      1.50
    ]
  }}
}}"#
    )
}

/// An NFS share with a field the SDK's model lacks and a `1.50`, its keys out of the model's order.
const SHARE: &str = r#"{"status":"ACTIVE","id":"share-1","name":"data","region":"atl1","size_gib":50,"created_at":"2023-01-01T00:00:00Z","future_field":{"z":1,"a":[1.50]}}"#;

fn json_response(body: String) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "application/json")
        .set_body_string(body)
}

struct Mocked {
    server: MockServer,
    runtime: tokio::runtime::Runtime,
}

fn mock_api() -> Mocked {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = runtime.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/v2/actions/7"))
            .respond_with(json_response(format!(r#"{{"action":{}}}"#, action(7))))
            .mount(&server)
            .await;
        let uri = server.uri();
        Mock::given(method("GET"))
            .and(path("/v2/actions"))
            .and(query_param("page", "1"))
            .respond_with(json_response(format!(
                r#"{{"actions":[{}],"links":{{"pages":{{"next":"{uri}/v2/actions?page=2&per_page=1"}}}},"meta":{{"total":2}}}}"#,
                action(7)
            )))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/v2/actions"))
            .and(query_param("page", "2"))
            .respond_with(json_response(format!(
                r#"{{"actions":[{}],"links":{{}},"meta":{{"total":2}}}}"#,
                action(8)
            )))
            .mount(&server)
            .await;
        // Droplet 1: an empty page that still announces a next one.
        Mock::given(method("GET"))
            .and(path("/v2/droplets/1/actions"))
            .respond_with(json_response(format!(
                r#"{{"actions":[],"links":{{"pages":{{"next":"{uri}/v2/droplets/1/actions?page=2"}}}},"meta":{{"total":5}}}}"#
            )))
            .mount(&server)
            .await;
        // Droplet 2: every page announces a next one, past the stated total.
        Mock::given(method("GET"))
            .and(path("/v2/droplets/2/actions"))
            .respond_with(json_response(format!(
                r#"{{"actions":[{}],"links":{{"pages":{{"next":"{uri}/v2/droplets/2/actions?page=9"}}}},"meta":{{"total":2}}}}"#,
                action(9)
            )))
            .mount(&server)
            .await;
        // A single-result command with an option of its own (`nfs get --region`).
        Mock::given(method("GET"))
            .and(path("/v2/nfs/share-1"))
            .and(query_param("region", "atl1"))
            .respond_with(json_response(format!(r#"{{"share":{}}}"#, SHARE)))
            .mount(&server)
            .await;
        server
    });
    Mocked { server, runtime }
}

#[test]
fn get_json_is_the_api_object_as_sent() {
    let mocked = mock_api();
    let h = Harness::start();
    let out = h
        .bare()
        .args(["--api-url", &mocked.server.uri(), "--token", TOKEN])
        .args(["-o", "json", "action", "get", "7"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("{}\n", pretty(7)));
}

#[test]
fn list_json_is_an_array_of_the_api_objects_across_pages() {
    let mocked = mock_api();
    let h = Harness::start();
    let out = h
        .bare()
        .args(["--api-url", &mocked.server.uri(), "--token", TOKEN])
        .args(["-o", "json", "action", "list", "--per-page", "1"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let indented = |id| pretty(id).replace('\n', "\n  ");
    assert_eq!(
        text,
        format!("[\n  {},\n  {}\n]\n", indented(7), indented(8))
    );
    let parsed: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(parsed.as_array().unwrap().len(), 2);
}

#[test]
fn a_list_that_never_ends_is_stopped_with_an_error() {
    let mocked = mock_api();
    let h = Harness::start();
    for (droplet, message, requests) in [
        (
            "1",
            "page 1 of the list was empty but announced a next page",
            1,
        ),
        (
            "2",
            "the list announced a page after page 2, past its stated total",
            2,
        ),
    ] {
        let out = h
            .bare()
            .args(["--api-url", &mocked.server.uri(), "--token", TOKEN])
            .args(["droplet-action", "list", droplet, "--per-page", "1"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert_eq!(stdout(&out), "");
        assert_eq!(
            stderr(&out),
            format!("Error: unexpected answer from the API: {message}\n")
        );
        let seen = mocked
            .runtime
            .block_on(mocked.server.received_requests())
            .unwrap()
            .iter()
            .filter(|r| r.url.path() == format!("/v2/droplets/{droplet}/actions"))
            .count();
        assert_eq!(seen, requests, "droplet {droplet}");
    }
}

#[test]
fn an_option_taking_get_prints_the_api_object_as_sent() {
    let mocked = mock_api();
    let h = Harness::start();
    let out = h
        .bare()
        .args(["--api-url", &mocked.server.uri(), "--token", TOKEN])
        .args(["-o", "json", "nfs", "get", "share-1", "--region", "atl1"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("\"future_field\""), "{text}");
    assert!(text.contains("1.50"), "{text}");
    let expected: Value = serde_json::from_str(SHARE).unwrap();
    let printed: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(printed, expected);
    assert!(text.starts_with("{\n  \"status\": \"ACTIVE\""), "{text}");
}
