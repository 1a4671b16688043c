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
    spawn_binary(env!("CARGO_BIN_EXE_oxido-sim"), state)
}

fn spawn_binary(binary: &str, state: &Path) -> Running {
    let mut child = Command::new(binary)
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

/// Measures start-up (spawn to the banner, which is printed once the state is loaded
/// and the socket listens) with and without a 10,000-object state file. Run with
/// `cargo test -p oxido-sim --test api -- --ignored --nocapture startup`; set
/// `OXIDO_SIM_BIN` to time another build of the binary (e.g. `target/release/oxido-sim`).
#[tokio::test]
#[ignore = "a measurement: prints start-up times"]
async fn startup_with_a_10000_object_state_file() {
    use serde_json::{Value, json};
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("big.json");
    let sim = oxido_sim::Sim::builder()
        .state_file(&path)
        .start()
        .await
        .expect("starts");
    let text = crate::common::client()
        .get(format!("{}/_sim/state", sim.base_url()))
        .bearer_auth(sim.admin_token())
        .send()
        .await
        .expect("answered")
        .text()
        .await
        .expect("body");
    let mut doc: Value = serde_json::from_str(&text).expect("JSON");
    let collections = doc["account"]["engine"]["collections"]
        .as_object_mut()
        .expect("collections");
    let mut domains = Vec::new();
    let mut id = 900_000_000u64;
    for d in 0..10 {
        let domain = format!("big{d}.example");
        domains.push(
            json!({"key": domain, "object": {"name": domain, "ttl": 1800, "zone_file": null}}),
        );
        let records: Vec<Value> = (0..1000)
            .map(|r| {
                id += 1;
                json!({"key": id.to_string(), "object": {
                    "id": id, "type": "A", "name": format!("host{r}"), "data": "192.0.2.1",
                    "priority": null, "port": null, "ttl": 1800, "weight": null, "flags": null, "tag": null
                }})
            })
            .collect();
        collections.insert(
            format!("/v2/domains/{domain}/records"),
            Value::Array(records),
        );
    }
    collections.insert("/v2/domains".into(), Value::Array(domains));
    let put = crate::common::client()
        .put(format!("{}/_sim/state", sim.base_url()))
        .bearer_auth(sim.admin_token())
        .body(doc.to_string())
        .send()
        .await
        .expect("answered");
    assert_eq!(put.status(), StatusCode::NO_CONTENT);
    sim.save_state().expect("saved");
    drop(sim);
    let bytes = std::fs::metadata(&path).expect("file").len();
    let empty = dir.path().join("none.json");
    let binary = std::env::var("OXIDO_SIM_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_oxido-sim").to_owned());
    for (label, file) in [("no state file", &empty), ("10,010 objects", &path)] {
        let mut times = Vec::new();
        for _ in 0..7 {
            let started = Instant::now();
            let running = spawn_binary(&binary, file);
            times.push(started.elapsed());
            drop(running);
        }
        times.sort();
        println!(
            "start-up, {label}: median {:?}, max {:?} ({} bytes)",
            times[times.len() / 2],
            times[times.len() - 1],
            if file == &path { bytes } else { 0 }
        );
    }
    let running = spawn(&path);
    let record = crate::common::client()
        .get(format!(
            "{}/v2/domains/big9.example/records/{id}",
            running.base
        ))
        .bearer_auth(oxido_sim::DEMO_TOKEN)
        .send()
        .await
        .expect("answered");
    assert_eq!(record.status(), StatusCode::OK);
}

#[test]
fn a_corrupt_or_foreign_state_file_stops_the_binary() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bad-state.json");
    for (content, named) in [
        (
            "{\"format\":\"oxido-sim-state\",\"version\":1,\"accounts\":{\"1\":",
            "not valid JSON",
        ),
        (
            "{\"format\":\"oxido-sim-state\",\"version\":7,\"accounts\":{}}",
            "version: 7 is not supported",
        ),
        ("{\"format\":\"something-else\",\"version\":1}", "format"),
    ] {
        std::fs::write(&path, content).expect("written");
        let output = Command::new(env!("CARGO_BIN_EXE_oxido-sim"))
            .args(["--listen", "127.0.0.1:0", "--state"])
            .arg(&path)
            .output()
            .expect("runs");
        assert!(!output.status.success(), "{named}: {:?}", output.status);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(named) && stderr.contains("bad-state.json"),
            "{named}: {stderr}"
        );
        assert!(
            String::from_utf8_lossy(&output.stdout).is_empty(),
            "no banner: nothing was served"
        );
        // The file is left as it was.
        assert_eq!(std::fs::read_to_string(&path).expect("kept"), content);
    }
}

#[test]
fn the_admin_token_comes_from_the_flag_or_the_environment() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("unused.json");
    for (flag, env, expected) in [
        (Some("from-flag-token"), None, "from-flag-token"),
        (None, Some("from-env-token"), "from-env-token"),
        (Some("flag-wins"), Some("env-loses"), "flag-wins"),
    ] {
        let mut command = Command::new(env!("CARGO_BIN_EXE_oxido-sim"));
        command
            .args(["--listen", "127.0.0.1:0", "--state"])
            .arg(&path)
            .env_remove("OXIDO_SIM_ADMIN_TOKEN")
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if let Some(token) = flag {
            command.args(["--admin-token", token]);
        }
        if let Some(token) = env {
            command.env("OXIDO_SIM_ADMIN_TOKEN", token);
        }
        let mut child = command.spawn().expect("starts");
        let stdout = child.stdout.take().expect("stdout");
        let line = BufReader::new(stdout)
            .lines()
            .nth(2)
            .expect("third banner line")
            .expect("readable");
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(line, format!("admin token: {expected}"));
    }
}
