//! Every `date-time` field is `oxido::Timestamp`: a real time decodes, and `"not a date"` is a decode
//! error naming the field's JSON path. Against wiremock on 127.0.0.1.

mod common;

use common::client_for;
use oxido::{Error, Timestamp};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn project_answer(created_at: &str) -> Result<oxido::types::Project, Error> {
    let server = MockServer::start().await;
    let body = format!(
        r#"{{"project":{{"id":"4e1bfbc3","name":"my-web-api","created_at":"{created_at}"}}}}"#
    );
    Mock::given(method("GET"))
        .and(path("/v2/projects/4e1bfbc3"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .mount(&server)
        .await;
    client_for(&server.uri()).projects().get("4e1bfbc3").await
}

#[tokio::test]
async fn a_date_time_field_decodes_into_a_timestamp() {
    let project = project_answer("2018-09-27T20:10:35Z")
        .await
        .expect("decodes");
    let created: Timestamp = project.created_at;
    assert_eq!(created.as_second(), 1_538_079_035);
}

#[tokio::test]
async fn not_a_date_fails_naming_the_field() {
    let err = project_answer("not a date").await.expect_err("not a time");
    let Error::Decode { path, .. } = &err else {
        panic!("expected a decode error, got {err:?}");
    };
    assert_eq!(path, "project.created_at");
}
