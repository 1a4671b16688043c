//! The token never appears in Debug, Display, errors or tracing output; tracing carries the request facts.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::{REFERENCE_ACTION, SECRET_TOKEN, client_for};
use oxido::{Client, DropletAction};
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;
use tracing_subscriber::fmt::MakeWriter;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Collects everything the fmt subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("not poisoned")).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .expect("not poisoned")
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn token_is_absent_from_debug_display_errors_and_traces() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(captured.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/droplets/3164444/actions/36804636"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(REFERENCE_ACTION, "application/json")
                .insert_header("x-request-id", "req-123"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/actions/404"))
        .respond_with(ResponseTemplate::new(404).set_body_raw(
            r#"{"id":"not_found","message":"The resource you requested could not be found."}"#,
            "application/json",
        ))
        .mount(&server)
        .await;

    let client = client_for(&server.uri());
    let mut shown = vec![
        format!("{client:?}"),
        format!("{:?}", Client::builder().token(SECRET_TOKEN)),
    ];

    let action = client
        .droplet_actions()
        .get(3164444, 36804636)
        .await
        .expect("200");
    shown.push(format!("{action:?}"));
    let not_found = client.actions().get(404).await.expect_err("404");
    shown.push(not_found.to_string());
    shown.push(format!("{not_found:?}"));

    // A transport failure: a server that hangs up after reading the request.
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let hang_up = tokio::spawn(async move {
        if let Ok((mut socket, _)) = listener.accept().await {
            let mut buffer = [0u8; 4096];
            let _ = socket.read(&mut buffer).await;
        }
    });
    let dropped = client_for(&format!("http://{address}"))
        .droplet_actions()
        .post(3164444, DropletAction::Reboot)
        .await
        .expect_err("dropped");
    hang_up.abort();
    shown.push(dropped.to_string());
    shown.push(format!("{dropped:?}"));

    // An inner newline cannot go into a header (a trailing one would just be trimmed), so this must fail.
    let config_error = Client::builder()
        .token(format!("{SECRET_TOKEN}\n{SECRET_TOKEN}"))
        .build()
        .expect_err("a newline inside the token");
    assert!(config_error.to_string().contains("token"), "{config_error}");
    shown.push(format!("{config_error} {config_error:?}"));
    let bad_header = Client::builder()
        .no_proxy()
        .token(format!("{SECRET_TOKEN}\u{7f}"))
        .build()
        .expect_err("bad header value");
    shown.push(format!("{bad_header} {bad_header:?}"));

    let logs = captured.text();
    if std::env::var_os("OXIDO_SHOW_LOGS").is_some() {
        eprintln!("{logs}");
    }
    shown.push(logs.clone());
    for text in &shown {
        assert!(!text.contains(SECRET_TOKEN), "token leaked in: {text}");
        assert!(
            !text.contains("dop_v1_0123"),
            "token prefix leaked in: {text}"
        );
    }

    // The trace lines carry what the CLI's --verbose mode prints.
    let success_line = logs
        .lines()
        .find(|line| line.contains("http response method=") && line.contains("status=200"))
        .unwrap_or_else(|| panic!("no success line in:\n{logs}"));
    for field in [
        "method=GET",
        "path=/v2/droplets/3164444/actions/36804636",
        "attempt=1",
        "request_id=\"req-123\"",
        "elapsed_ms=",
    ] {
        assert!(
            success_line.contains(field),
            "`{field}` missing from: {success_line}"
        );
    }
    assert!(
        success_line.contains("request{"),
        "the event sits inside the request span: {success_line}"
    );
    assert!(
        logs.lines()
            .any(|line| line.contains("http response") && line.contains("status=404")),
        "{logs}"
    );
    assert!(
        logs.lines()
            .any(|line| line.contains("http transport error") && line.contains("method=POST")),
        "{logs}"
    );
    // TRACE shows the headers both ways, with the credentials redacted, and the bodies.
    for shown in [
        "http request headers",
        "authorization: [redacted]",
        "http response headers",
        "x-request-id: req-123",
        "http response body",
    ] {
        assert!(logs.contains(shown), "`{shown}` missing from:\n{logs}");
    }
    assert!(
        !logs.to_ascii_lowercase().contains("bearer"),
        "authorization header leaked:\n{logs}"
    );
}
