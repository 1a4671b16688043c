//! The `oxido-sim` binary prints its URL and token, serves, and stops on Ctrl-C.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[tokio::test]
async fn binary_serves_and_stops_on_sigint() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_oxido-sim"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--seed",
            "empty",
            "--action-duration",
            "250ms",
        ])
        .args(["--read-token", "reader", "--rate-limit-per-minute", "100"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().unwrap().unwrap();
    let base = first.rsplit(' ').next().unwrap().to_owned();
    assert!(base.starts_with("http://127.0.0.1:"), "{first}");
    let second = lines.next().unwrap().unwrap();
    assert!(second.contains(oxido_sim::DEMO_TOKEN), "{second}");

    let client = crate::common::client();
    let reply = client
        .get(format!("{base}/v2/actions"))
        .bearer_auth("reader")
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status().as_u16(), 200);
    let body = reply.text().await.unwrap();
    assert!(body.contains("\"total\":0"), "{body}");

    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(exit) = child.try_wait().unwrap() {
            assert!(exit.success(), "{exit:?}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "binary did not stop after SIGINT"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn bad_flags_are_reported() {
    let output = Command::new(env!("CARGO_BIN_EXE_oxido-sim"))
        .args(["--seed", "full"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("seed"), "{stderr}");
    let output = Command::new(env!("CARGO_BIN_EXE_oxido-sim"))
        .args(["--fault", "{\"effect\":{\"kind\":\"status\",\"status\":9}}"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("status"));
}

#[tokio::test]
async fn a_valid_fault_flag_applies_from_the_start() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_oxido-sim"))
        .args(["--listen", "127.0.0.1:0", "--seed", "demo"])
        .args([
            "--fault",
            r#"{"method":"GET","route":"/v2/actions/{action_id}","times":1,"effect":{"kind":"status","status":503,"retry_after":7}}"#,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().unwrap().unwrap();
    let base = first.rsplit(' ').next().unwrap().to_owned();
    let client = crate::common::client();
    let get = || {
        client
            .get(format!("{base}/v2/actions/36804636"))
            .bearer_auth(oxido_sim::DEMO_TOKEN)
            .send()
    };
    let faulted = get().await.unwrap();
    let status = faulted.status().as_u16();
    let retry_after = faulted.headers().get("retry-after").cloned();
    let second = get().await.unwrap().status().as_u16();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(status, 503);
    assert_eq!(
        retry_after.as_ref().and_then(|v| v.to_str().ok()),
        Some("7")
    );
    assert_eq!(second, 200, "the rule retires after one use");
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn an_unwritable_stdout_does_not_stop_the_server() {
    // A free port, so the test need not read the banner to find the server.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // Every write to /dev/full fails, as one to a closed pipe or a full disk does.
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_oxido-sim"))
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::from(full))
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");
    let client = crate::common::client();
    let url = format!("http://127.0.0.1:{port}/v2/actions/36804636");
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        match client
            .get(&url)
            .bearer_auth(oxido_sim::DEMO_TOKEN)
            .send()
            .await
        {
            Ok(reply) => break reply.status().as_u16(),
            Err(err) => {
                let exited = child.try_wait().unwrap();
                assert!(exited.is_none(), "the server exited: {exited:?}");
                assert!(Instant::now() < deadline, "never answered: {err}");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    let again = client
        .get(&url)
        .bearer_auth(oxido_sim::DEMO_TOKEN)
        .send()
        .await;
    let exited = child.try_wait().unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(status, 200);
    assert!(exited.is_none(), "the server exited: {exited:?}");
    assert_eq!(again.unwrap().status().as_u16(), 200);
}
