//! `--state` across real restarts of the `oxido-sim` binary: a SIGTERM saves, a
//! SIGKILL during or after a save leaves a file the next start loads.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;

use crate::persistence::{make_world, read_world};

struct Running {
    child: Child,
    base: String,
    admin: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the binary on a free port with `--state path`, reading its banner.
fn spawn(state: &Path) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_oxido-sim"))
        .args(["--listen", "127.0.0.1:0", "--action-duration", "60s"])
        .arg("--state")
        .arg(state)
        .env_remove("OXIDO_SIM_ADMIN_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut banner = Vec::new();
    for _ in 0..3 {
        banner.push(lines.next().expect("banner line").expect("readable"));
    }
    let base = banner[0].rsplit(' ').next().expect("url").to_owned();
    let admin = banner[2]
        .strip_prefix("admin token: ")
        .unwrap_or_else(|| panic!("admin token line: {banner:?}"))
        .to_owned();
    Running { child, base, admin }
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill -{name}");
}

fn wait_exit(child: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(exit) = child.try_wait().expect("waitable") {
            return exit;
        }
        assert!(Instant::now() < deadline, "the binary did not stop");
        std::thread::sleep(Duration::from_millis(20));
    }
}

async fn save(running: &Running) -> StatusCode {
    crate::common::client()
        .post(format!("{}/_sim/save", running.base))
        .bearer_auth(&running.admin)
        .send()
        .await
        .expect("answered")
        .status()
}

#[tokio::test]
async fn state_survives_a_sigterm_and_a_restart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("sim-state.json");
    let mut first = spawn(&path);
    let world = make_world(&first.base, oxido_sim::DEMO_TOKEN, "restart").await;
    assert!(!path.exists(), "nothing is written before it is asked for");
    signal(&first.child, "TERM");
    let exit = wait_exit(&mut first.child);
    assert!(exit.success(), "{exit:?}");
    assert!(path.exists(), "SIGTERM saves");

    let second = spawn(&path);
    assert_ne!(second.admin, first.admin, "a new admin token per start");
    read_world(&second.base, oxido_sim::DEMO_TOKEN, &world, "restart").await;
    // And again through SIGINT, with what the second run added.
    let more = make_world(&second.base, oxido_sim::DEMO_TOKEN, "again").await;
    let mut second = second;
    signal(&second.child, "INT");
    assert!(wait_exit(&mut second.child).success());
    let third = spawn(&path);
    read_world(&third.base, oxido_sim::DEMO_TOKEN, &world, "restart").await;
    read_world(&third.base, oxido_sim::DEMO_TOKEN, &more, "again").await;
}

#[tokio::test]
async fn a_sigkill_during_or_after_a_save_leaves_a_loadable_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("sim-state.json");
    let first = spawn(&path);
    let world = make_world(&first.base, oxido_sim::DEMO_TOKEN, "kill").await;
    assert_eq!(save(&first).await, StatusCode::NO_CONTENT);
    drop(first);
    // Kill while saves are under way, at a spread of moments; every time the next
    // start loads what the last finished save wrote, or a later one.
    for round in 0..6u64 {
        let mut running = spawn(&path);
        let client = crate::common::client();
        let url = format!("{}/_sim/save", running.base);
        let admin = running.admin.clone();
        let saves = tokio::spawn(async move {
            for _ in 0..20 {
                if client.post(&url).bearer_auth(&admin).send().await.is_err() {
                    break;
                }
            }
        });
        tokio::time::sleep(Duration::from_millis(round * 3)).await;
        signal(&running.child, "KILL");
        let exit = wait_exit(&mut running.child);
        assert!(!exit.success(), "{exit:?}");
        let _ = saves.await;
        drop(running);
        let next = spawn(&path);
        read_world(&next.base, oxido_sim::DEMO_TOKEN, &world, "kill").await;
    }
}
