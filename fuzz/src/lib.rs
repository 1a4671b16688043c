//! Shared pieces of the fuzz targets: one Tokio runtime per process, a loopback server that answers every
//! request with a canned reply (to drive the SDK's real response handling), and the invariants every SDK
//! error must keep.

use std::future::Future;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;

/// The token every fuzz client uses; no output may ever contain it.
pub const FUZZ_TOKEN: &str = "fuzz-secret-token-5f3a9c";

/// Runs `future` to completion on the process-wide single-threaded runtime.
pub fn block_on<F: Future>(future: F) -> F::Output {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a Tokio runtime for the fuzz target")
        })
        .block_on(future)
}

/// A reply the canned server sends: status, extra headers and body.
#[derive(Debug, Clone, Default)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Extra headers, already checked to be valid header names and values.
    pub headers: Vec<(String, String)>,
    /// The body, sent with a matching content-length.
    pub body: Vec<u8>,
}

/// A server on 127.0.0.1 that answers every request with the current [`Reply`], keeping connections alive.
pub struct CannedServer {
    base_url: String,
    reply: Arc<Mutex<Reply>>,
}

impl CannedServer {
    /// The process-wide server, started on first use.
    pub fn get() -> &'static CannedServer {
        static SERVER: OnceLock<CannedServer> = OnceLock::new();
        SERVER.get_or_init(|| {
            block_on(async {
                let listener = TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind 127.0.0.1");
                let addr = listener.local_addr().expect("local address");
                let reply = Arc::new(Mutex::new(Reply::default()));
                let shared = reply.clone();
                tokio::spawn(async move {
                    while let Ok((stream, _)) = listener.accept().await {
                        tokio::spawn(serve_connection(stream, shared.clone()));
                    }
                });
                CannedServer {
                    base_url: format!("http://{addr}"),
                    reply,
                }
            })
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Sets the reply for the following requests.
    pub fn set_reply(&self, reply: Reply) {
        *self.reply.lock().unwrap_or_else(PoisonError::into_inner) = reply;
    }
}

async fn serve_connection(mut stream: TcpStream, reply: Arc<Mutex<Reply>>) {
    let mut buffer = Vec::with_capacity(1024);
    loop {
        // Read one request head; the SDK's requests here have no body.
        let head_end = loop {
            if let Some(end) = find(&buffer, b"\r\n\r\n") {
                break end + 4;
            }
            let mut chunk = [0u8; 1024];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        };
        buffer.drain(..head_end);
        let reply = reply.lock().unwrap_or_else(PoisonError::into_inner).clone();
        let mut out = format!(
            "HTTP/1.1 {} X\r\ncontent-length: {}\r\n",
            reply.status,
            reply.body.len()
        );
        for (name, value) in &reply.headers {
            out.push_str(&format!("{name}: {value}\r\n"));
        }
        out.push_str("\r\n");
        let mut bytes = out.into_bytes();
        bytes.extend_from_slice(&reply.body);
        if stream.write_all(&bytes).await.is_err() {
            return;
        }
    }
}

/// The process-wide SDK client pointed at the canned server, with retries off (no sleeping inside an
/// execution) and a short attempt timeout so a hang shows up as a failure rather than a stuck process.
/// Call it outside [`block_on`]: the first call starts the server.
pub fn sdk_client() -> &'static oxido::Client {
    static CLIENT: OnceLock<oxido::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        oxido::Client::builder()
            .token(FUZZ_TOKEN)
            .base_url(CannedServer::get().base_url())
            .retry(oxido::RetryPolicy::disabled())
            .attempt_timeout(Duration::from_secs(5))
            .build()
            .expect("an SDK client for the canned server")
    })
}

/// Checks the invariants every SDK error must keep, whatever the server sent.
pub fn check_error(err: &oxido::Error) {
    let display = err.to_string();
    let debug = format!("{err:?}");
    assert!(
        !display.contains('\n'),
        "Display is not one line: {display:?}"
    );
    assert!(
        !display.contains(FUZZ_TOKEN) && !debug.contains(FUZZ_TOKEN),
        "token leaked: {debug}"
    );
}

/// Keeps only bytes that may appear in an HTTP header value (visible ASCII and spaces).
pub fn header_value(raw: &[u8]) -> String {
    raw.iter()
        .filter(|b| b.is_ascii_graphic() || **b == b' ')
        .map(|b| char::from(*b))
        .collect::<String>()
        .trim()
        .to_owned()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}
