//! The `*_with_response` calls: the typed value plus exactly what the API sent.

mod common;

use common::{REFERENCE_ACTION, client_for};
use oxido::{DropletAction, TagAction};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// An answer with a field no model knows and a non-UTC timestamp, which the typed value cannot echo.
const RICH_ACTION: &str = r#"{"action":{"id":36804636,"status":"completed","type":"power_off","started_at":"2020-11-14T18:29:21+02:00","completed_at":null,"resource_id":3164444,"resource_type":"droplet","region_slug":"nyc3","brand_new_field":{"x":1}}}"#;

#[tokio::test]
async fn get_with_response_keeps_the_body_status_and_headers() {
    let server = MockServer::start().await;
    for route in [
        "/v2/droplets/3164444/actions/36804636",
        "/v2/actions/36804636",
    ] {
        Mock::given(method("GET"))
            .and(path(route))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("ratelimit-remaining", "4999")
                    .set_body_raw(RICH_ACTION, "application/json"),
            )
            .mount(&server)
            .await;
    }
    let client = client_for(&server.uri());
    for response in [
        client
            .droplet_actions()
            .get_with_response(3164444, 36804636)
            .await
            .expect("200"),
        client
            .actions()
            .get_with_response(36804636)
            .await
            .expect("200"),
    ] {
        assert_eq!(response.value.id, 36804636);
        assert_eq!(response.status, 200);
        assert_eq!(response.headers["ratelimit-remaining"], "4999");
        assert_eq!(&response.body[..], RICH_ACTION.as_bytes());
        let json = response.json().expect("json");
        assert_eq!(json["action"]["started_at"], "2020-11-14T18:29:21+02:00");
        assert_eq!(json["action"]["brand_new_field"]["x"], 1);
    }
}

#[tokio::test]
async fn posts_and_pages_with_response_keep_the_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/droplets/3164444/actions"))
        .respond_with(ResponseTemplate::new(201).set_body_raw(REFERENCE_ACTION, "application/json"))
        .mount(&server)
        .await;
    let list = serde_json::json!({"actions": [serde_json::from_str::<serde_json::Value>(REFERENCE_ACTION).expect("json")["action"]], "links": {}, "meta": {"total": 1}, "extra": true});
    Mock::given(method("POST"))
        .and(path("/v2/droplets/actions"))
        .and(query_param("tag_name", "web"))
        .respond_with(ResponseTemplate::new(201).set_body_json(&list))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/droplets/3164444/actions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&list))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let posted = client
        .droplet_actions()
        .post_with_response(3164444, DropletAction::Reboot)
        .await
        .expect("201");
    assert_eq!(posted.status, 201);
    assert_eq!(&posted.body[..], REFERENCE_ACTION.as_bytes());
    let tagged = client
        .droplet_actions()
        .post_by_tag_with_response("web", TagAction::PowerOff)
        .await
        .expect("201");
    assert_eq!(tagged.value.len(), 1);
    assert_eq!(tagged.json().expect("json")["extra"], true);
    let page = client
        .droplet_actions()
        .list(3164444)
        .send_with_response()
        .await
        .expect("200");
    assert_eq!(page.value.items.len(), 1);
    assert_eq!(page.value.total(), Some(1));
    assert_eq!(page.json().expect("json")["extra"], true);
}

#[test]
fn every_credential_setting_is_redacted_in_debug() {
    let builder = oxido::Client::builder()
        .no_proxy()
        .token("tok_secret_1")
        .agent_access_key("agent_secret_2")
        .inference_access_key("model_secret_3")
        .agent_base_url("https://agent.example")
        .inference_base_url("http://127.0.0.1:9");
    let client = builder.clone().build().expect("valid");
    for shown in [format!("{builder:?}"), format!("{client:?}")] {
        for secret in ["tok_secret_1", "agent_secret_2", "model_secret_3"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
    assert_eq!(client.inference_base_url().as_str(), "http://127.0.0.1:9/");
    assert_eq!(
        client.agent_base_url().map(|url| url.as_str()),
        Some("https://agent.example/")
    );
    let default = oxido::Client::new("t").expect("valid");
    assert_eq!(
        default.inference_base_url().as_str(),
        format!("{}/", oxido::DEFAULT_INFERENCE_BASE_URL)
    );
}
