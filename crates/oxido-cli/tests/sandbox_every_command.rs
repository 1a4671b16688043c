//! `--sandbox` covers everything: every generated command runs with the example from its
//! `--help` (the spec's example arguments and request body) against the in-process emulator,
//! and must succeed. The few that cannot are listed with the reason in
//! `tests/sandbox_exceptions.txt`; a listed command that starts working fails the test too, so
//! the list stays true.
//!
//! Every `-o json` answer is checked to have no envelope left, and every create also runs as a
//! table, which must show the created object as a row.
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

/// Runs one example with `-o json` (`json`) or as a table; `Ok` holds its stdout, `Err` why it
/// failed.
fn run(args: &[&str], body: &str, json: bool) -> Result<String, String> {
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
        .args(["--sandbox", "--timeout", "30s"])
        .args(if json { &["-o", "json"][..] } else { &[][..] })
        .args(&argv)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start oxido: {e}"))?;
    if let Some(mut input) = child.stdin.take() {
        // A command that never reads stdin may have exited already.
        let _ = input.write_all(stdin.as_bytes());
    }
    // Read stdout while the child runs, so a large answer cannot fill the pipe and stall it.
    let mut stdout = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = std::io::Read::read_to_end(&mut stdout, &mut text);
        text
    });
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
    let stdout = String::from_utf8_lossy(&reader.join().unwrap_or_default()).into_owned();
    if out.status.success() {
        Ok(stdout)
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

/// `create`, `create-cluster`, ...: commands that make something, which must print it.
fn is_create(args: &[&str]) -> bool {
    args.get(1).is_some_and(|name| name.starts_with("create"))
}

/// `-o json` is the resource, never the API's envelope: no object whose only member besides
/// `links` and `meta` is the resource (answers with more members, such as a page with a summary
/// beside its items, are kept whole by the same rule, so nothing is lost).
fn check_envelope(json: &str) -> Result<(), String> {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(json) else {
        return Ok(());
    };
    let others = map
        .keys()
        .filter(|k| !matches!(k.as_str(), "links" | "meta"))
        .count();
    if others == 1 && (map.contains_key("links") || map.contains_key("meta")) {
        let keys: Vec<&String> = map.keys().collect();
        return Err(format!("-o json kept the envelope: members {keys:?}"));
    }
    Ok(())
}

/// Creates whose answer has no shape the generator picks columns from yet (a row of nested
/// objects, or a documented answer the emulator fills differently); they still print nothing
/// wrong, only nothing useful. Listed so the check stays strict for every other create.
const NO_COLUMNS_YET: &[&str] = &[
    "dedicatedInferences_create",
    "genai_create_evaluation_dataset",
    "genai_create_evaluation_test_case",
    "genai_create_model_evaluation_run",
    "partnerAttachments_create_service_key",
];

/// A create's table has a header and at least one row with something in it; a create the API
/// answers with no body (204) prints nothing on stdout and says so on stderr.
fn check_row(id: &str, table: &str) -> Result<(), String> {
    if table.is_empty() || NO_COLUMNS_YET.contains(&id) {
        return Ok(());
    }
    let lines: Vec<&str> = table.lines().filter(|l| !l.trim().is_empty()).collect();
    if lines.len() < 2 {
        return Err(format!("a create printed an empty table: {table:?}"));
    }
    Ok(())
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
                    let outcome = run(args, body, true).and_then(|json| {
                        check_envelope(&json)?;
                        if is_create(args) {
                            check_row(id, &run(args, body, false)?)?;
                        }
                        Ok(())
                    });
                    if let Err(why) = outcome {
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
