//! Dynamic completion (`COMPLETE=bash oxido`): a small registration script, subcommands
//! before flags, and ids listed from the API (here the emulator), silently nothing without
//! a token.

use std::time::{Duration, Instant};

use crate::common::{Harness, TOKEN, stderr, stdout};

/// What bash's registered function asks the binary for `words`, the cursor on word `index`.
fn complete(h: &Harness, words: &[&str], index: usize) -> Vec<String> {
    let out = h
        .bare()
        .env("COMPLETE", "bash")
        .env("_CLAP_COMPLETE_INDEX", index.to_string())
        .env("_CLAP_COMPLETE_COMP_TYPE", "9")
        .env("_CLAP_IFS", "\n")
        .arg("--")
        .args(words)
        .output()
        .unwrap();
    assert!(out.status.success(), "{words:?}: {}", stderr(&out));
    stdout(&out).lines().map(str::to_owned).collect()
}

#[test]
fn the_bash_registration_is_a_few_lines_that_call_the_binary_back() {
    let h = Harness::start();
    let out = h.bare().env("COMPLETE", "bash").output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let script = stdout(&out);
    assert!(script.len() < 4096, "{} bytes: {script}", script.len());
    assert!(script.contains("complete "), "{script}");
    assert!(script.contains("COMPLETE=\"bash\""), "{script}");
}

#[test]
fn subcommands_come_before_flags_and_flags_when_a_dash_is_typed() {
    let h = Harness::start();
    let words = complete(&h, &["oxido", "droplets", ""], 2);
    assert!(words.iter().any(|w| w == "get"), "{words:?}");
    assert!(words.iter().any(|w| w == "list"), "{words:?}");
    assert!(!words.iter().any(|w| w.starts_with('-')), "{words:?}");
    let top = complete(&h, &["oxido", "dro"], 1);
    // A handler is offered once, by its name or doctl's short alias.
    assert!(
        top.iter().any(|w| w == "droplets" || w == "droplet"),
        "{top:?}"
    );
    assert!(top.iter().any(|w| w == "droplet-action"), "{top:?}");
    let flags = complete(&h, &["oxido", "droplets", "list", "--"], 3);
    assert!(flags.iter().any(|w| w == "--per-page"), "{flags:?}");
    assert!(flags.iter().any(|w| w == "--token"), "{flags:?}");
}

#[test]
fn droplet_volume_and_ssh_key_ids_are_listed_from_the_api() {
    let h = Harness::start();
    let url = h.sim.base_url();
    let line = |rest: &[&str]| {
        let mut words = vec!["oxido", "--api-url", &url, "--token", TOKEN];
        words.extend_from_slice(rest);
        let index = words.len() - 1;
        complete(&h, &words, index)
    };
    let droplets = line(&["droplets", "get", ""]);
    assert!(droplets.iter().any(|w| w == "3164444"), "{droplets:?}");
    let prefixed = line(&["droplet-action", "reboot", "31644"]);
    assert!(
        !prefixed.is_empty() && prefixed.iter().all(|w| w.starts_with("31644")),
        "{prefixed:?}"
    );
    let volumes = line(&["volumes", "get", ""]);
    assert!(
        volumes
            .iter()
            .any(|w| w == "7724db7c-e098-11e5-b522-000f53304e51"),
        "{volumes:?}"
    );
    let keys = line(&["ssh-keys", "get", ""]);
    assert!(!keys.is_empty(), "{keys:?}");
    assert!(keys.iter().all(|k| k.parse::<u64>().is_ok()), "{keys:?}");
}

#[test]
fn without_a_token_or_an_api_ids_complete_to_nothing_quickly() {
    let h = Harness::start();
    // With no id to offer, only the flags are left.
    let no_ids = |words: &[String]| words.iter().all(|w| w.starts_with('-'));
    let started = Instant::now();
    let words = complete(&h, &["oxido", "droplets", "get", ""], 3);
    assert!(no_ids(&words), "{words:?}");
    let closed = ["oxido", "--api-url", "http://127.0.0.1:9", "--token", TOKEN];
    let mut line = closed.to_vec();
    line.extend(["droplets", "get", ""]);
    let words = complete(&h, &line, 7);
    assert!(no_ids(&words), "{words:?}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}
