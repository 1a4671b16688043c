//! Test harness: an oxido-sim per test, and the built `oxido` binary pointed at it.
//!
//! The emulator runs on its own small tokio runtime so it keeps serving while the test
//! thread blocks on the child process. Every command gets a private config directory and
//! none of the caller's DigitalOcean variables, so the developer's machine cannot leak in.

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
        cmd.env_remove("DIGITALOCEAN_TOKEN")
            .env_remove("DIGITALOCEAN_ACCESS_TOKEN")
            .env_remove("DIGITALOCEAN_API_URL")
            .env_remove("RUST_LOG")
            .env("OXIDO_CONFIG_DIR", self.config_dir.path())
            .env("COLUMNS", "100")
            .timeout(Duration::from_secs(30));
        cmd
    }

    /// A plain GET of the emulator (not through the SDK), returning the parsed body.
    pub fn get_json(&self, path: &str) -> Value {
        let url = format!("{}{path}", self.sim.base_url());
        self.runtime.block_on(async {
            let response = reqwest::Client::new()
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

/// stdout of a finished command as text.
pub fn stdout(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 stdout")
}

/// stderr of a finished command as text.
pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("UTF-8 stderr")
}
