//! Closed pipes and full disks on stdout and stderr: no panic (exit 101), and the documented
//! exit status stays. Real OS pipes are used: one whose reader is gone before oxido starts
//! (every write fails with EPIPE), and the shell pipelines of the bug report, `| head -1`,
//! whose reader leaves after the first line.
#![cfg(unix)]

use std::os::fd::OwnedFd;
use std::process::{Command, Stdio};

use crate::common::{Harness, stderr, stdout, wait_bounded};

/// The writing end of a pipe whose reading end is already closed: the stdin of a process
/// that has exited.
fn closed_pipe() -> OwnedFd {
    let mut reader = Command::new("true")
        .stdin(Stdio::piped())
        .spawn()
        .expect("`true` runs");
    let writer = reader.stdin.take().expect("a pipe");
    assert_eq!(wait_bounded(reader), Some(0));
    OwnedFd::from(writer)
}

/// Runs `cmd` as `bash -c 'set -o pipefail; cmd | head -1'` (with `2>&1` before the pipe
/// when `both`), returning the line head printed and oxido's exit code.
fn head_one(cmd: &Command, both: bool) -> (String, Option<i32>) {
    let script = if both {
        r#"set -o pipefail; "$@" 2>&1 | head -1"#
    } else {
        r#"set -o pipefail; "$@" 2>/dev/null | head -1"#
    };
    let mut shell = Command::new("bash");
    shell.args(["-c", script, "oxido"]).arg(cmd.get_program());
    shell.args(cmd.get_args());
    for (name, value) in cmd.get_envs() {
        match value {
            Some(value) => shell.env(name, value),
            None => shell.env_remove(name),
        };
    }
    let out = shell.stdin(Stdio::null()).output().expect("bash runs");
    (stdout(&out), out.status.code())
}

#[test]
fn sandbox_wait_into_head_keeps_exit_0() {
    let h = Harness::start();
    let args = ["--sandbox", "droplet-action", "reboot", "3164444", "--wait"];

    // `2>&1 | head -1`: the sandbox banner is the one line read; every progress line and
    // the result then meet a closed pipe.
    let mut cmd = h.bare_std();
    cmd.args(args);
    let (first, code) = head_one(&cmd, true);
    assert!(first.starts_with("Sandbox: "), "{first}");
    assert_eq!(code, Some(0));

    // Both streams closed before anything is written.
    let pipe = closed_pipe();
    let child = h
        .bare_std()
        .args(args)
        .stdout(pipe.try_clone().unwrap())
        .stderr(pipe)
        .spawn()
        .unwrap();
    assert_eq!(wait_bounded(child), Some(0));
}

#[test]
fn completion_into_a_closed_pipe_exits_0() {
    let h = Harness::start();
    let child = h
        .bare_std()
        .args(["completion", "bash"])
        .stdout(closed_pipe())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    assert_eq!(wait_bounded(child), Some(0));

    let mut cmd = h.bare_std();
    cmd.args(["completion", "bash"]);
    let (first, code) = head_one(&cmd, false);
    assert!(first.starts_with("_oxido()"), "{first}");
    assert_eq!(code, Some(0));
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_or_closed_stderr_keeps_the_documented_status() {
    let h = Harness::start();
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };

    // `oxido action get 999 2>/dev/full`: the error line is lost, exit 4 stays.
    let child = h
        .oxido_std()
        .args(["action", "get", "999"])
        .stdout(Stdio::null())
        .stderr(full())
        .spawn()
        .unwrap();
    assert_eq!(wait_bounded(child), Some(4));

    let child = h
        .oxido_std()
        .args(["action", "get", "999"])
        .stdout(Stdio::null())
        .stderr(closed_pipe())
        .spawn()
        .unwrap();
    assert_eq!(wait_bounded(child), Some(4));

    // clap's own usage error keeps its status 2.
    let child = h
        .bare_std()
        .args(["--no-such-flag"])
        .stdout(Stdio::null())
        .stderr(full())
        .spawn()
        .unwrap();
    assert_eq!(wait_bounded(child), Some(2));

    // A wait whose progress lines cannot be written still ends with the action's status.
    let child = h
        .oxido_std()
        .args(["droplet-action", "reboot", "3164444", "--wait"])
        .stdout(Stdio::null())
        .stderr(full())
        .spawn()
        .unwrap();
    assert_eq!(wait_bounded(child), Some(0));
}

#[cfg(target_os = "linux")]
#[test]
fn a_result_lost_to_a_full_disk_exits_1_and_says_so() {
    let h = Harness::start();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = h
        .oxido_std()
        .args(["action", "get", "36804636"])
        .stdout(full)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.starts_with("Error: writing the result to stdout: "),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}
