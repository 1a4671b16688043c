//! Hostile input never produces a 5xx, a panic or a framework error page.

use reqwest::Method;

use crate::common::*;

const PATHS: &[&str] = &[
    "/v2/droplets/{}/actions",
    "/v2/droplets/{}/actions/{}",
    "/v2/actions/{}",
    "/v2/droplets/{}",
    "/v2/droplets/actions?tag_name={}",
    "/v2/actions?page={}&per_page={}",
    "/v2/{}",
    "/_sim/{}",
];

const PIECES: &[&str] = &[
    "0",
    "-1",
    "3164444",
    "36804636",
    "18446744073709551616",
    "%00",
    "%FF",
    "..",
    "%2e%2e",
    "a b",
    "%",
    "\u{1F600}",
    "",
    "1e3",
    "0x10",
    "'",
    "\"",
    "{",
    "[]",
    "null",
];

const BODIES: &[&str] = &[
    "",
    "{",
    "}",
    "null",
    "[]",
    "\"x\"",
    "123",
    "{\"type\":null}",
    "{\"type\":{}}",
    "{\"type\":\"resize\",\"size\":null,\"disk\":null}",
    "{\"type\":\"rename\",\"name\":\"\"}",
    "{\"type\":\"rebuild\",\"image\":1.5}",
    "{\"type\":\"restore\",\"image\":18446744073709551616}",
    "{\"type\":\"enable_backups\",\"backup_policy\":[]}",
    "{\"name\":\"x\",\"size\":\"s-1vcpu-1gb\",\"image\":\"ubuntu-22-04-x64\",\"tags\":[1]}",
    "{\"type\":\"power_on\"}{\"type\":\"power_on\"}",
    "\u{0}\u{1}\u{2}",
];

fn pick<'a>(items: &[&'a str], rng: &mut fastrand::Rng) -> &'a str {
    items[rng.usize(..items.len())]
}

#[tokio::test]
async fn generated_requests_never_fail_on_the_server_side() {
    let sim = demo(10).await;
    let client = client();
    // A fixed seed keeps the run reproducible.
    let mut rng = fastrand::Rng::with_seed(0x5eed);
    let methods = [
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
        Method::HEAD,
    ];
    for _ in 0..400 {
        let mut path = pick(PATHS, &mut rng).to_owned();
        while path.contains("{}") {
            let piece = pick(PIECES, &mut rng);
            let encoded: String = url::form_urlencoded::byte_serialize(piece.as_bytes()).collect();
            let piece = if rng.bool() {
                encoded
            } else {
                piece.replace(' ', "%20")
            };
            path = path.replacen("{}", &piece, 1);
        }
        let method = methods[rng.usize(..methods.len())].clone();
        let body = pick(BODIES, &mut rng);
        let mut request = client
            .request(method.clone(), format!("{}{path}", sim.base_url()))
            .body(body.to_owned());
        if rng.u8(..10) > 0 {
            request = request.bearer_auth(sim.token());
        }
        if rng.bool() {
            request = request.header("content-type", "application/json");
        }
        let response = match request.send().await {
            Ok(response) => response,
            // reqwest refuses some URLs client-side; that is not the server's doing.
            Err(err) if err.is_builder() => continue,
            // Anything else (a dropped connection from a panicking handler, a
            // timeout) is the server failing.
            Err(err) => panic!("{method} {path} {body:?}: {err:?}"),
        };
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let text = response.text().await.unwrap();
        assert!(
            status.as_u16() < 500,
            "{method} {path} {body:?} -> {status}: {text}"
        );
        if status.as_u16() >= 400 && method != Method::HEAD {
            assert!(
                content_type.starts_with("application/json"),
                "{method} {path}: {content_type}"
            );
            let body: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert!(
                body["id"].is_string() && body["request_id"].is_string(),
                "{text}"
            );
        }
    }
}

#[tokio::test]
async fn odd_headers_and_raw_requests_are_answered() {
    let sim = demo(10).await;
    for auth in [
        "Bearer",
        "Bearer ",
        "bearer  x",
        "Token abc",
        "Bearer \u{7f}",
    ] {
        let response = match client()
            .get(format!("{}/v2/actions", sim.base_url()))
            .header("authorization", auth)
            .send()
            .await
        {
            Ok(response) => response,
            // An invalid header value is refused by reqwest before sending.
            Err(err) if err.is_builder() => continue,
            Err(err) => panic!("{auth:?}: {err:?}"),
        };
        assert_eq!(response.status().as_u16(), 401, "{auth:?}");
    }
    // HTTP/1.0 without a Host header still gets absolute links.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(sim.addr()).await.unwrap();
    let request = format!(
        "GET /v2/actions?per_page=1 HTTP/1.0\r\nAuthorization: Bearer {}\r\n\r\n",
        sim.token()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut reply = String::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(5),
        stream.read_to_string(&mut reply),
    )
    .await
    .unwrap()
    .unwrap();
    assert!(reply.starts_with("HTTP/1.0 200"), "{reply}");
    assert!(
        reply.contains(&format!(
            "\"next\":\"http://{}/v2/actions?page=2",
            sim.addr()
        )),
        "{reply}"
    );
}

#[tokio::test]
async fn the_in_process_hook_runs_the_same_pipeline() {
    let sim = oxido_sim::Sim::builder().in_process().unwrap();
    let request = http::Request::get("/v2/droplets/3164444/actions/36804636")
        .header("authorization", format!("Bearer {}", oxido_sim::DEMO_TOKEN))
        .body(bytes::Bytes::new())
        .unwrap();
    let response = sim.call(request).await;
    assert_eq!(response.status().as_u16(), 200);
    let body: serde_json::Value = serde_json::from_slice(response.body()).unwrap();
    assert_eq!(body["action"]["id"], 36804636);
    let unauthorized = sim
        .call(
            http::Request::get("/v2/actions")
                .body(bytes::Bytes::new())
                .unwrap(),
        )
        .await;
    assert_eq!(unauthorized.status().as_u16(), 401);
    assert!(unauthorized.headers().contains_key("x-request-id"));
    sim.reset();
}
