//! A static nginx on 127.0.0.1 that answers the reference GET with a fixed JSON body: a server whose own cost
//! is as small and as steady as possible, in another process, so the client loops measure the client.

use std::fs;
use std::io::Read;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::target::REFERENCE_ACTION;

/// The reference page's answer to `GET /v2/droplets/3164444/actions/36804636`, as the API sends it.
const REFERENCE_BODY: &str = include_str!("../../oxido/tests/fixtures/droplet_action_get_200.json");

/// How long nginx may take to accept connections.
const START_LIMIT: Duration = Duration::from_secs(10);

/// A running nginx, stopped (and its files removed) when dropped.
pub struct Nginx {
    child: Child,
    dir: PathBuf,
    /// `http://127.0.0.1:<port>`.
    pub base_url: String,
    /// `nginx -v`, for the report.
    pub version: String,
}

impl Nginx {
    /// Starts `binary` (else `nginx` from `PATH` or `/usr/sbin/nginx`) on a free loopback port, serving the
    /// reference action with the API's rate-limit headers, keep-alive unlimited, access log off.
    pub fn start(binary: Option<&Path>) -> Result<Self, String> {
        let binary = match binary {
            Some(path) => path.to_owned(),
            None => find_nginx().ok_or(
                "nginx is not installed: install it (`apt-get install -y nginx`) or pass --nginx-bin PATH",
            )?,
        };
        let version = Command::new(&binary)
            .arg("-v")
            .output()
            .map_err(|err| format!("cannot run {}: {err}", binary.display()))?;
        // nginx prints its version on stderr.
        let version = String::from_utf8_lossy(&version.stderr).trim().to_owned();

        let dir = std::env::temp_dir().join(format!("oxido-bench-nginx-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let (droplet, action) = REFERENCE_ACTION;
        let doc_dir = dir.join(format!("html/v2/droplets/{droplet}/actions"));
        fs::create_dir_all(&doc_dir).map_err(|err| format!("creating {}: {err}", dir.display()))?;
        // Compact, as the API sends it.
        let body: serde_json::Value = serde_json::from_str(REFERENCE_BODY)
            .map_err(|err| format!("the reference body is not JSON: {err}"))?;
        fs::write(doc_dir.join(action.to_string()), body.to_string())
            .map_err(|err| format!("writing the answer: {err}"))?;

        let port = free_port()?;
        let conf = config(&dir, port);
        let conf_path = dir.join("nginx.conf");
        fs::write(&conf_path, conf).map_err(|err| format!("writing nginx.conf: {err}"))?;
        let child = Command::new(&binary)
            .arg("-p")
            .arg(&dir)
            .arg("-e")
            .arg(dir.join("error.log"))
            .arg("-c")
            .arg(&conf_path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|err| format!("cannot start {}: {err}", binary.display()))?;
        let mut nginx = Self {
            child,
            dir,
            base_url: format!("http://127.0.0.1:{port}"),
            version,
        };
        nginx.wait_until_listening(port)?;
        Ok(nginx)
    }

    fn wait_until_listening(&mut self, port: u16) -> Result<(), String> {
        let started = Instant::now();
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        while started.elapsed() < START_LIMIT {
            if let Ok(Some(status)) = self.child.try_wait() {
                let mut stderr = String::new();
                if let Some(mut pipe) = self.child.stderr.take() {
                    let _ = pipe.read_to_string(&mut stderr);
                }
                let log = fs::read_to_string(self.dir.join("error.log")).unwrap_or_default();
                return Err(format!(
                    "nginx exited at start ({status}): {} {}",
                    stderr.trim(),
                    log.trim()
                ));
            }
            if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Err(format!(
            "nginx did not accept connections on 127.0.0.1:{port} within {START_LIMIT:?}"
        ))
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// One worker, no master, in the foreground; every file below `dir`. The API's rate-limit headers and
/// request id are added, so the SDK does its usual per-answer bookkeeping.
fn config(dir: &Path, port: u16) -> String {
    let dir = dir.display();
    format!(
        r#"daemon off;
master_process off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    server_tokens off;
    keepalive_requests 100000000;
    keepalive_timeout 300s;
    client_body_temp_path {dir}/tmp_body;
    proxy_temp_path {dir}/tmp_proxy;
    fastcgi_temp_path {dir}/tmp_fastcgi;
    uwsgi_temp_path {dir}/tmp_uwsgi;
    scgi_temp_path {dir}/tmp_scgi;
    server {{
        listen 127.0.0.1:{port};
        root {dir}/html;
        location / {{
            default_type application/json;
            etag off;
            add_header ratelimit-limit 5000;
            add_header ratelimit-remaining 4816;
            add_header ratelimit-reset 1444931833;
            add_header x-request-id 515850a0-a812-50bf-aa3c-d0d21d287e40;
        }}
    }}
}}
"#
    )
}

fn find_nginx() -> Option<PathBuf> {
    let from_path = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join("nginx"))
            .find(|candidate| candidate.is_file())
    });
    from_path.or_else(|| {
        [
            "/usr/sbin/nginx",
            "/usr/local/sbin/nginx",
            "/usr/local/nginx/sbin/nginx",
        ]
        .into_iter()
        .map(PathBuf::from)
        .find(|candidate| candidate.is_file())
    })
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .map_err(|err| format!("finding a free port: {err}"))?;
    listener
        .local_addr()
        .map(|address| address.port())
        .map_err(|err| format!("finding a free port: {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_keeps_every_file_below_the_work_dir() {
        let conf = config(Path::new("/tmp/x"), 4321);
        assert!(conf.contains("listen 127.0.0.1:4321;"));
        for directive in [
            "pid",
            "error_log",
            "root",
            "client_body_temp_path",
            "proxy_temp_path",
            "fastcgi_temp_path",
            "uwsgi_temp_path",
            "scgi_temp_path",
        ] {
            let line = conf
                .lines()
                .map(str::trim)
                .find(|line| line.starts_with(&format!("{directive} ")))
                .unwrap_or_else(|| panic!("no {directive} line"));
            assert!(line.contains(" /tmp/x/"), "{line}");
        }
        let body: serde_json::Value = serde_json::from_str(REFERENCE_BODY).expect("json");
        assert_eq!(body["action"]["id"], REFERENCE_ACTION.1);
    }
}
