//! `--sandbox` covers everything: every generated command runs with the example from its
//! `--help` (the spec's example arguments and request body) against the in-process emulator,
//! and must succeed. The few that cannot are listed with the reason in
//! `tests/sandbox_exceptions.txt`; a listed command that starts working fails the test too, so
//! the list stays true.
//!
//! Each command is its own process (the sandbox lives for one command), a few at a time.

#[path = "generated/commands.rs"]
#[allow(dead_code)] // the per-operation cases are `generated_commands.rs`'s
mod cases;

use std::collections::BTreeMap;
use std::io::Write as _;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Longest one command may take (a debug binary on a loaded machine).
const PER_COMMAND: Duration = Duration::from_secs(60);
const WORKERS: usize = 4;

/// The listed exceptions: operationId → reason.
fn exceptions() -> BTreeMap<String, String> {
    include_str!("sandbox_exceptions.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (id, reason) = l.split_once(char::is_whitespace).unwrap_or((l, ""));
            assert!(
                !reason.trim().is_empty(),
                "sandbox_exceptions.txt: {id} needs a reason"
            );
            (id.to_owned(), reason.trim().to_owned())
        })
        .collect()
}

/// Runs one example; `Err` holds why it failed.
fn run(args: &[&str], body: &str) -> Result<(), String> {
    let mut argv: Vec<&str> = Vec::with_capacity(args.len() + 3);
    let mut stdin = String::new();
    let mut words = args.iter().copied().peekable();
    while let Some(word) = words.next() {
        if word == "--body" {
            words.next();
            argv.extend(["--body", "-"]);
            stdin = body.to_owned();
        } else {
            argv.push(word);
        }
    }
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_oxido"));
    for name in [
        "DIGITALOCEAN_TOKEN",
        "DIGITALOCEAN_ACCESS_TOKEN",
        "DIGITALOCEAN_API_URL",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ] {
        cmd.env_remove(name);
    }
    let mut child = cmd
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .env(
            "OXIDO_CONFIG_DIR",
            std::env::temp_dir().join("oxido-sandbox-every-command-no-config"),
        )
        .args(["--sandbox", "-o", "json", "--timeout", "30s"])
        .args(&argv)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start oxido: {e}"))?;
    if let Some(mut input) = child.stdin.take() {
        // A command that never reads stdin may have exited already.
        let _ = input.write_all(stdin.as_bytes());
    }
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if started.elapsed() > PER_COMMAND => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("still running after {PER_COMMAND:?}"));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(format!("wait failed: {e}")),
        }
    }
    let out = child
        .wait_with_output()
        .map_err(|e| format!("no output: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let last = stderr
            .lines()
            .rfind(|l| !l.trim().is_empty())
            .unwrap_or("")
            .to_owned();
        Err(format!("exit {:?}: {last}", out.status.code()))
    }
}

#[test]
fn every_generated_command_succeeds_in_the_sandbox_with_its_example() {
    let examples = cases::EXAMPLES;
    let next = AtomicUsize::new(0);
    let failures: Mutex<BTreeMap<&str, String>> = Mutex::new(BTreeMap::new());
    std::thread::scope(|scope| {
        for _ in 0..WORKERS {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((id, args, body)) = examples.get(i) else {
                        break;
                    };
                    if let Err(why) = run(args, body) {
                        failures.lock().expect("failures").insert(id, why);
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().expect("failures");
    let exceptions = exceptions();
    let known: Vec<&str> = examples.iter().map(|(id, ..)| *id).collect();
    let mut problems = Vec::new();
    for (id, why) in &failures {
        if !exceptions.contains_key(*id) {
            problems.push(format!("{id} failed in the sandbox: {why}"));
        }
    }
    for id in exceptions.keys() {
        if !known.contains(&id.as_str()) {
            problems.push(format!("{id} is listed but is no generated command"));
        } else if !failures.contains_key(id.as_str()) {
            problems.push(format!(
                "{id} is listed as failing but works now: remove it from the list"
            ));
        }
    }
    eprintln!(
        "{} commands run in the sandbox: {} succeeded, {} listed exceptions",
        examples.len(),
        examples.len() - failures.len(),
        exceptions.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
