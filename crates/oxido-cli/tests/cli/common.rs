//! Test harness: an oxido-sim per test, and the built `oxido` binary pointed at it.
//!
//! The emulator runs on its own small tokio runtime so it keeps serving while the test
//! thread blocks on the child process. Every command gets a private config directory and
//! none of the caller's DigitalOcean or proxy variables, so the developer's machine cannot
//! leak in, and no request (nor its Bearer token) can reach a proxy.

#![allow(dead_code)] // each test binary uses a different part of the harness

use std::time::{Duration, Instant};

use assert_cmd::Command;
use oxido_sim::{Seed, Sim, SimBuilder};
use serde_json::Value;
use tempfile::TempDir;

/// The token the emulator accepts in these tests; tests check it never leaks.
pub const TOKEN: &str = "dop_v1_cli_test_secret_0123456789";
/// A token that may read but not write.
pub const READ_TOKEN: &str = "dop_v1_cli_test_read_only_987654";

/// How long emulated actions take unless a test says otherwise.
pub const ACTION_DURATION: Duration = Duration::from_millis(100);

pub struct Harness {
    pub sim: Sim,
    pub config_dir: TempDir,
    runtime: tokio::runtime::Runtime,
}

impl Harness {
    /// The demo seed with short actions.
    pub fn start() -> Harness {
        Harness::start_with(|builder| builder)
    }

    /// The demo seed, with extra builder settings.
    pub fn start_with(configure: impl FnOnce(SimBuilder) -> SimBuilder) -> Harness {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("test runtime");
        let builder = Sim::builder()
            .seed(Seed::Demo)
            .action_duration(ACTION_DURATION)
            .token(TOKEN)
            .read_token(READ_TOKEN);
        let sim = runtime
            .block_on(configure(builder).start())
            .expect("the emulator starts");
        Harness {
            sim,
            config_dir: tempfile::tempdir().expect("temp config dir"),
            runtime,
        }
    }

    /// `oxido --api-url <sim> --token <token>`, with a clean environment.
    pub fn oxido(&self) -> Command {
        let mut cmd = self.bare();
        cmd.args(["--api-url", &self.sim.base_url(), "--token", TOKEN]);
        cmd
    }

    /// `oxido` with only the clean environment (no URL, no token).
    pub fn bare(&self) -> Command {
        let mut cmd = assert_cmd::cargo_bin_cmd!("oxido");
        for name in REMOVED_VARS {
            cmd.env_remove(name);
        }
        cmd.env("NO_PROXY", NO_PROXY)
            .env("no_proxy", NO_PROXY)
            .env("OXIDO_CONFIG_DIR", self.config_dir.path())
            .env("COLUMNS", "100")
            .timeout(Duration::from_secs(30));
        cmd
    }

    /// The same clean `oxido` as [`Harness::bare`], as a plain `std` command, for tests that
    /// wire its stdout and stderr to pipes or files themselves. Wait with [`wait_bounded`].
    pub fn bare_std(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_oxido"));
        for name in REMOVED_VARS {
            cmd.env_remove(name);
        }
        cmd.env("NO_PROXY", NO_PROXY)
            .env("no_proxy", NO_PROXY)
            .env("OXIDO_CONFIG_DIR", self.config_dir.path())
            .env("COLUMNS", "100")
            .stdin(std::process::Stdio::null());
        cmd
    }

    /// [`Harness::bare_std`] pointed at the emulator with the test token.
    pub fn oxido_std(&self) -> std::process::Command {
        let mut cmd = self.bare_std();
        cmd.args(["--api-url", &self.sim.base_url(), "--token", TOKEN]);
        cmd
    }

    /// A plain GET of the emulator (not through the SDK), returning the parsed body.
    pub fn get_json(&self, path: &str) -> Value {
        let url = format!("{}{path}", self.sim.base_url());
        self.runtime.block_on(async {
            let client = reqwest::Client::builder()
                .no_proxy()
                .build()
                .expect("a test client");
            let response = client
                .get(&url)
                .bearer_auth(TOKEN)
                .send()
                .await
                .expect("the emulator answers");
            assert!(
                response.status().is_success(),
                "GET {path}: {}",
                response.status()
            );
            let bytes = response.bytes().await.expect("a body");
            serde_json::from_slice(&bytes).expect("a JSON body")
        })
    }

    /// The droplet as the emulator reports it.
    pub fn droplet(&self, id: u64) -> Value {
        self.get_json(&format!("/v2/droplets/{id}"))["droplet"].clone()
    }

    /// Polls the emulator until the action leaves `in-progress` (bounded), returning it.
    pub fn settled_action(&self, id: u64) -> Value {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let action = self.get_json(&format!("/v2/actions/{id}"))["action"].clone();
            if action["status"] != "in-progress" || Instant::now() > deadline {
                return action;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// How many requests the emulator has seen on paths starting with `prefix`.
    pub fn requests_to(&self, prefix: &str) -> usize {
        self.sim
            .requests()
            .iter()
            .filter(|r| r.path.starts_with(prefix))
            .count()
    }
}

/// Variables of the caller that must not reach the binary under test.
const REMOVED_VARS: [&str; 12] = [
    "DIGITALOCEAN_TOKEN",
    "DIGITALOCEAN_ACCESS_TOKEN",
    "DIGITALOCEAN_API_URL",
    "RUST_LOG",
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// Loopback never goes through a proxy, even one set by the environment.
const NO_PROXY: &str = "127.0.0.1,localhost,::1";

/// Waits for a child for at most 30 s (then kills it and fails), returning its exit code.
pub fn wait_bounded(mut child: std::process::Child) -> Option<i32> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().expect("the child can be waited for") {
            return status.code();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("oxido did not exit within 30 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// stdout of a finished command as text.
pub fn stdout(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 stdout")
}

/// stderr of a finished command as text.
pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("UTF-8 stderr")
}
