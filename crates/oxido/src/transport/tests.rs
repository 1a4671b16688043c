//! The transport contract on 127.0.0.1: hosts and their credentials, `Accept` and body types, status and
//! headers of raw answers, and server-sent event streams (including hostile ones from a hand-rolled server).

use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt;
use http::Method;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::{body_bytes, header, header_exists, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use super::{ApiRequest, EventStream, Host, encode_segment, execute, execute_streaming};
use crate::client::Client;
use crate::decode::decode_json;
use crate::error::Error;

const TOKEN: &str = "dop_v1_transport_contract_secret";
const AGENT_KEY: &str = "agent_key_transport_contract_secret";

fn builder(api: &str) -> crate::ClientBuilder {
    Client::builder()
        .token(TOKEN)
        .base_url(api)
        .retry(
            crate::RetryPolicy::default()
                .with_max_retries(2)
                .with_backoff(Duration::from_millis(5), Duration::from_millis(10)),
        )
        .attempt_timeout(Duration::from_secs(10))
        .overall_timeout(Duration::from_secs(30))
}

fn authorization(request: &Request) -> Option<String> {
    request
        .headers
        .get("authorization")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

#[tokio::test]
async fn each_host_gets_its_own_base_url_and_credential() {
    let api = MockServer::start().await;
    let inference = MockServer::start().await;
    let agent = MockServer::start().await;
    let upload = MockServer::start().await;
    for server in [&api, &inference, &agent, &upload] {
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_raw("{}", "application/json"))
            .mount(server)
            .await;
        Mock::given(method("PUT"))
            .respond_with(ResponseTemplate::new(200))
            .mount(server)
            .await;
    }
    let client = builder(&api.uri())
        .inference_base_url(format!("{}/prefix", inference.uri()))
        .agent_base_url(agent.uri())
        .agent_access_key(AGENT_KEY)
        .build()
        .expect("valid");

    let plain = ApiRequest::get("t.api", "/v2/account".into());
    execute(&client.inner, &plain).await.expect("api");
    let to_inference =
        ApiRequest::get("t.inference", "/v1/models".into()).with_host(Host::Inference);
    execute(&client.inner, &to_inference)
        .await
        .expect("inference");
    let to_agent = ApiRequest::get("t.agent", "/api/v1/chat".into()).with_host(Host::Agent);
    execute(&client.inner, &to_agent).await.expect("agent");
    let presigned = format!("{}/bucket/object?X-Amz-Signature=abc", upload.uri());
    let to_upload = ApiRequest::new("t.upload", Method::PUT, presigned)
        .with_host(Host::Absolute)
        .with_bytes_body(Bytes::from_static(b"\x00\x01"), "application/octet-stream");
    execute(&client.inner, &to_upload).await.expect("upload");

    let one = |requests: Option<Vec<Request>>| {
        let mut requests = requests.expect("recording");
        assert_eq!(requests.len(), 1);
        requests.remove(0)
    };
    let seen = one(api.received_requests().await);
    assert_eq!(seen.url.path(), "/v2/account");
    assert_eq!(authorization(&seen), Some(format!("Bearer {TOKEN}")));
    assert_eq!(
        seen.headers.get("accept").map(|v| v.as_bytes()),
        Some(&b"application/json"[..])
    );
    let seen = one(inference.received_requests().await);
    assert_eq!(seen.url.path(), "/prefix/v1/models");
    assert_eq!(authorization(&seen), Some(format!("Bearer {TOKEN}")));
    let seen = one(agent.received_requests().await);
    assert_eq!(seen.url.path(), "/api/v1/chat");
    assert_eq!(authorization(&seen), Some(format!("Bearer {AGENT_KEY}")));
    let seen = one(upload.received_requests().await);
    assert_eq!(seen.url.path(), "/bucket/object");
    assert_eq!(seen.url.query(), Some("X-Amz-Signature=abc"));
    assert_eq!(
        authorization(&seen),
        None,
        "a presigned URL never gets a token"
    );
    assert_eq!(seen.body, b"\x00\x01");
    assert_eq!(
        seen.headers.get("content-type").map(|v| v.as_bytes()),
        Some(&b"application/octet-stream"[..])
    );
}

#[tokio::test]
async fn an_inference_access_key_replaces_the_token_there_only() {
    let api = MockServer::start().await;
    let inference = MockServer::start().await;
    for server in [&api, &inference] {
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_raw("{}", "application/json"))
            .mount(server)
            .await;
    }
    let client = builder(&api.uri())
        .inference_base_url(inference.uri())
        .inference_access_key("model_key")
        .build()
        .expect("valid");
    let request = ApiRequest::get("t", "/v1/models".into()).with_host(Host::Inference);
    execute(&client.inner, &request).await.expect("inference");
    execute(&client.inner, &ApiRequest::get("t", "/v2/account".into()))
        .await
        .expect("api");
    let seen = inference.received_requests().await.expect("recording");
    assert_eq!(authorization(&seen[0]).as_deref(), Some("Bearer model_key"));
    let seen = api.received_requests().await.expect("recording");
    assert_eq!(authorization(&seen[0]), Some(format!("Bearer {TOKEN}")));
}

#[tokio::test]
async fn an_agent_request_without_its_settings_is_refused_before_sending() {
    let api = MockServer::start().await;
    let only_url = builder(&api.uri())
        .agent_base_url(api.uri())
        .build()
        .expect("valid");
    let request = ApiRequest::get("agent.chat", "/api/v1/chat".into()).with_host(Host::Agent);
    let err = execute(&only_url.inner, &request)
        .await
        .expect_err("no key");
    assert!(err.to_string().contains("agent_access_key"), "{err}");
    let nothing = builder(&api.uri()).build().expect("valid");
    let err = execute(&nothing.inner, &request).await.expect_err("no url");
    assert!(err.to_string().contains("agent_base_url"), "{err}");
    assert_eq!(api.received_requests().await.map(|r| r.len()), Some(0));
}

#[tokio::test]
async fn accept_query_and_json_body_are_sent_as_built_and_raw_answers_keep_status_and_headers() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/kubernetes/clusters/c%201/kubeconfig"))
        .and(header("accept", "application/yaml"))
        .and(header("content-type", "application/json"))
        .and(query_param("expiry_seconds", "60"))
        .and(body_bytes(br#"{"a":1}"#.to_vec()))
        .respond_with(
            ResponseTemplate::new(202)
                .insert_header("content-type", "application/yaml")
                .insert_header("location", "/v2/somewhere")
                .set_body_raw("apiVersion: v1\n", "application/yaml"),
        )
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204).insert_header("x-request-id", "r-1"))
        .mount(&server)
        .await;
    let client = builder(&server.uri()).build().expect("valid");
    let path = format!(
        "/v2/kubernetes/clusters/{}/kubeconfig",
        encode_segment("cluster_id", "c 1").expect("encodable")
    );
    let request = ApiRequest::new("k.kubeconfig", Method::POST, path)
        .with_query("expiry_seconds", 60)
        .with_json_body(&serde_json::json!({"a": 1}))
        .expect("encodable")
        .with_accept("application/yaml");
    let raw = execute(&client.inner, &request).await.expect("202");
    assert_eq!(raw.status, 202);
    assert_eq!(raw.headers["location"], "/v2/somewhere");
    assert_eq!(&raw.body[..], b"apiVersion: v1\n");

    let delete = ApiRequest::new("x.delete", Method::DELETE, "/v2/x/1".into())
        .with_header(
            http::HeaderName::from_static("x-dangerous"),
            http::HeaderValue::from_static("true"),
        )
        .with_header(
            http::header::AUTHORIZATION,
            http::HeaderValue::from_static("Bearer forged"),
        );
    let raw = execute(&client.inner, &delete).await.expect("204");
    assert_eq!((raw.status, raw.body.len()), (204, 0));
    assert_eq!(raw.headers["x-request-id"], "r-1");
    let seen = server.received_requests().await.expect("recording");
    let deleted = seen
        .iter()
        .find(|request| request.method == wiremock::http::Method::DELETE)
        .expect("delete sent");
    assert_eq!(deleted.headers["x-dangerous"], "true");
    let credentials: Vec<_> = deleted.headers.get_all("authorization").iter().collect();
    assert_eq!(credentials.len(), 1);
    assert_eq!(credentials[0], &format!("Bearer {TOKEN}"));
}

#[tokio::test]
async fn a_presigned_url_is_never_shown_with_its_signature_in_errors() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(403).set_body_raw("denied", "text/plain"))
        .mount(&server)
        .await;
    let client = builder(&server.uri()).build().expect("valid");
    let request = ApiRequest::new(
        "upload",
        Method::PUT,
        format!("{}/o?X-Amz-Signature=topsecret", server.uri()),
    )
    .with_host(Host::Absolute);
    let err = execute(&client.inner, &request).await.expect_err("403");
    assert!(err.is_forbidden());
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("topsecret"), "{shown}");
}

#[derive(Debug, serde::Deserialize, PartialEq)]
struct Chunk {
    n: u32,
}

fn decode_chunk(operation: &'static str, data: &[u8]) -> Result<Chunk, Error> {
    decode_json(operation, data)
}

fn stream_request() -> ApiRequest {
    ApiRequest::new(
        "inference.chat",
        Method::POST,
        "/v1/chat/completions".into(),
    )
    .with_host(Host::Inference)
    .with_accept("text/event-stream")
}

async fn events(client: &Client) -> Vec<Result<Chunk, Error>> {
    let stream = EventStream::open(client, stream_request(), decode_chunk)
        .await
        .expect("stream opened");
    stream.collect().await
}

#[tokio::test]
async fn an_event_stream_decodes_events_until_done_and_retries_only_before_headers() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(header("accept", "text/event-stream"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(header_exists("authorization"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            ": comment\n\ndata: {\"n\":1}\n\nevent: x\ndata: {\"n\":\ndata: 2}\n\ndata: [DONE]\n\ndata: {\"n\":3}\n\n",
            "text/event-stream",
        ))
        .mount(&server)
        .await;
    let client = builder("http://127.0.0.1:1")
        .inference_base_url(server.uri())
        .build()
        .expect("valid");
    let got: Vec<Chunk> = events(&client)
        .await
        .into_iter()
        .collect::<Result<_, _>>()
        .expect("all decode");
    assert_eq!(got, vec![Chunk { n: 1 }, Chunk { n: 2 }]);
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(2));
}

#[tokio::test]
async fn an_error_answer_to_a_stream_is_an_api_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_raw(
            r#"{"id":"unauthorized","message":"Unable to authenticate you."}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let client = builder("http://127.0.0.1:1")
        .inference_base_url(server.uri())
        .build()
        .expect("valid");
    let err = execute_streaming(&client.inner, &stream_request())
        .await
        .expect_err("401");
    assert!(err.is_unauthorized(), "{err}");
    assert_eq!(
        err.api_error().map(|api| api.message.as_str()),
        Some("Unable to authenticate you.")
    );
}

/// A server on 127.0.0.1 that answers every connection with `head` and then `body_parts`, pausing between
/// parts, and then closes the connection (mid-body, if the head promised more).
async fn raw_server(head: &'static str, body_parts: Vec<Vec<u8>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let parts = body_parts.clone();
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 16 * 1024];
                let mut request = Vec::new();
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                    }
                }
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                for part in parts {
                    if socket.write_all(&part).await.is_err() {
                        return;
                    }
                    let _ = socket.flush().await;
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            });
        }
    });
    format!("http://{address}")
}

fn chunked(data: &[u8]) -> Vec<u8> {
    let mut out = format!("{:x}\r\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
    out
}

const SSE_HEAD: &str =
    "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n";

#[tokio::test]
async fn a_connection_cut_inside_an_event_is_an_error_not_a_panic() {
    let uri = raw_server(
        SSE_HEAD,
        vec![chunked(b"data: {\"n\":1}\n\n"), chunked(b"data: {\"n\":")],
    )
    .await;
    let client = builder("http://127.0.0.1:1")
        .inference_base_url(uri)
        .build()
        .expect("valid");
    let got = events(&client).await;
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].as_ref().expect("first event").n, 1);
    let err = got[1].as_ref().expect_err("cut");
    assert!(err.is_transport(), "{err:?}");
}

#[tokio::test]
async fn an_event_larger_than_the_limit_ends_the_stream_with_an_error() {
    let mut big = b"data: ".to_vec();
    big.extend(std::iter::repeat_n(b'x', 64 * 1024));
    let uri = raw_server(
        SSE_HEAD,
        vec![
            chunked(b"data: {\"n\":1}\n\n"),
            chunked(&big),
            chunked(&big),
        ],
    )
    .await;
    let client = builder("http://127.0.0.1:1")
        .inference_base_url(uri)
        .max_event_bytes(1024)
        .build()
        .expect("valid");
    let got = events(&client).await;
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(matches!(
        got[1],
        Err(Error::ResponseTooLarge { limit: 1024, .. })
    ));
}

#[tokio::test]
async fn an_undecodable_event_is_an_error_and_ends_the_stream() {
    let uri = raw_server(
        SSE_HEAD,
        vec![
            chunked(b"data: not json\n\ndata: {\"n\":2}\n\n"),
            chunked(b""),
        ],
    )
    .await;
    let client = builder("http://127.0.0.1:1")
        .inference_base_url(uri)
        .build()
        .expect("valid");
    let got = events(&client).await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(matches!(got[0], Err(Error::Decode { .. })));
}

#[tokio::test]
async fn a_stream_closed_between_events_without_done_is_an_error() {
    let uri = raw_server(
        SSE_HEAD,
        vec![chunked(b"data: {\"n\":1}\n\n"), chunked(b"")],
    )
    .await;
    let client = builder("http://127.0.0.1:1")
        .inference_base_url(uri)
        .build()
        .expect("valid");
    let got = events(&client).await;
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].as_ref().expect("event").n, 1);
    let err = got[1].as_ref().expect_err("no [DONE]");
    assert!(
        err.is_transport() && err.to_string().contains("[DONE]"),
        "{err}"
    );
}

const JSON_CHUNKED_HEAD: &str =
    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";

#[tokio::test]
async fn a_body_in_many_chunks_is_joined_in_order_and_one_chunk_is_kept_whole() {
    let parts: [&[u8]; 4] = [b"{\"a\":", b"[1,2,", b"3]", b"}"];
    let mut script: Vec<Vec<u8>> = parts.iter().map(|part| chunked(part)).collect();
    script.push(b"0\r\n\r\n".to_vec());
    let uri = raw_server(JSON_CHUNKED_HEAD, script).await;
    let client = builder(&uri).build().expect("valid");
    let request = ApiRequest::get("test.get", "/v2/x".into());
    let answer = execute(&client.inner, &request).await.expect("200");
    assert_eq!(&answer.body[..], b"{\"a\":[1,2,3]}");

    let uri = raw_server(
        JSON_CHUNKED_HEAD,
        vec![chunked(b"{\"whole\":true}"), b"0\r\n\r\n".to_vec()],
    )
    .await;
    let client = builder(&uri).build().expect("valid");
    let answer = execute(&client.inner, &request).await.expect("200");
    assert_eq!(&answer.body[..], b"{\"whole\":true}");
}

#[tokio::test]
async fn the_body_limit_counts_every_chunk() {
    // 3 chunks of 40 bytes under a 100-byte limit: no single chunk is over, their sum is.
    let part = vec![b' '; 40];
    let uri = raw_server(
        JSON_CHUNKED_HEAD,
        vec![
            chunked(&part),
            chunked(&part),
            chunked(&part),
            b"0\r\n\r\n".to_vec(),
        ],
    )
    .await;
    let client = builder(&uri)
        .max_response_bytes(100)
        .build()
        .expect("valid");
    let request = ApiRequest::get("test.get", "/v2/x".into());
    let err = execute(&client.inner, &request)
        .await
        .expect_err("too large");
    assert!(
        matches!(
            err,
            Error::ResponseTooLarge {
                limit: 100,
                status: 200,
                ..
            }
        ),
        "{err:?}"
    );
    let exact = raw_server(
        JSON_CHUNKED_HEAD,
        vec![
            chunked(&part),
            chunked(&part),
            chunked(&part[..20]),
            b"0\r\n\r\n".to_vec(),
        ],
    )
    .await;
    let client = builder(&exact)
        .max_response_bytes(100)
        .build()
        .expect("valid");
    let answer = execute(&client.inner, &request)
        .await
        .expect("exactly at the limit");
    assert_eq!(answer.body.len(), 100);
}
