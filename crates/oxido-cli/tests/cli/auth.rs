//! `auth`, token resolution from the environment and the config file, `--sandbox`,
//! `completion`, and the help text.

use crate::common::{Harness, READ_TOKEN, TOKEN, stderr, stdout};

const REFERENCE_ROW: &str = "36804636   completed   create   2020-11-14T16:29:21Z   2020-11-14T16:30:06Z   3164444       droplet         nyc3\n";

#[test]
fn auth_init_writes_a_private_file_and_the_token_is_used() {
    let h = Harness::start();
    h.bare()
        .args(["auth", "init", "--context", "work"])
        .write_stdin(format!("{TOKEN}\n"))
        .assert()
        .success()
        .stdout("");

    let path = h.config_dir.path().join("config.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(TOKEN), "the token is stored");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "owner-only file");
    }

    h.bare()
        .args(["auth", "list"])
        .assert()
        .success()
        .stdout("* work\n");

    // No --token and no environment: the current context's token is used.
    let out = h
        .bare()
        .args(["--api-url", &h.sim.base_url(), "--no-header"])
        .args(["droplet-action", "get", "3164444", "36804636"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "36804636   completed   create   2020-11-14T16:29:21Z   2020-11-14T16:30:06Z   3164444   droplet   nyc3\n",
        "without a header, columns are as wide as their values"
    );
}

#[test]
fn contexts_can_be_switched_and_unknown_ones_are_refused() {
    let h = Harness::start();
    for (name, token) in [("work", TOKEN), ("other", "another-token")] {
        h.bare()
            .args(["auth", "init", "--context", name])
            .write_stdin(token)
            .assert()
            .success();
    }
    h.bare()
        .args(["auth", "list"])
        .assert()
        .stdout("* other\n  work\n");
    h.bare().args(["auth", "switch", "work"]).assert().success();
    h.bare()
        .args(["-o", "json", "auth", "list"])
        .assert()
        .stdout(
            "[\n  {\n    \"name\": \"other\",\n    \"current\": false\n  },\n  \
             {\n    \"name\": \"work\",\n    \"current\": true\n  }\n]\n",
        );
    h.bare()
        .args(["auth", "switch", "nope"])
        .assert()
        .code(2)
        .stderr("Error: no context named `nope`; stored contexts: other, work\n");

    // --context picks a stored context for one command.
    let out = h
        .bare()
        .args(["--api-url", &h.sim.base_url(), "--context", "other"])
        .args(["action", "get", "36804636"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "the other context's token is refused"
    );
}

#[test]
fn auth_init_refuses_an_empty_token() {
    let h = Harness::start();
    h.bare()
        .args(["auth", "init"])
        .write_stdin("\n")
        .assert()
        .code(2);
    assert!(!h.config_dir.path().join("config.toml").exists());
}

#[test]
fn environment_tokens_are_used_in_order() {
    let h = Harness::start();
    let get = |cmd: &mut assert_cmd::Command| {
        cmd.args(["--api-url", &h.sim.base_url(), "action", "get", "36804636"])
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(
        get(h.bare().env("DIGITALOCEAN_ACCESS_TOKEN", TOKEN)),
        Some(0)
    );
    assert_eq!(
        get(h
            .bare()
            .env("DIGITALOCEAN_TOKEN", "refused")
            .env("DIGITALOCEAN_ACCESS_TOKEN", TOKEN)),
        Some(3),
        "DIGITALOCEAN_TOKEN comes first"
    );
    assert_eq!(
        get(h
            .bare()
            .env("DIGITALOCEAN_TOKEN", "refused")
            .args(["--token", TOKEN])),
        Some(0),
        "--token comes before the environment"
    );
}

#[test]
fn sandbox_runs_the_main_job_offline() {
    let h = Harness::start();
    let out = h
        .bare()
        .args(["--sandbox", "droplet-action", "get", "3164444", "36804636"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "ID         Status      Type     Started At             Completed At           \
             Resource ID   Resource Type   Region\n{REFERENCE_ROW}"
        )
    );
    let note = stderr(&out);
    assert!(note.starts_with("Sandbox: "), "{note}");
    assert!(note.contains("this command only"), "{note}");
}

#[test]
fn sandbox_shows_a_whole_action_lifecycle() {
    let h = Harness::start();
    let out = h
        .bare()
        .args(["--sandbox", "droplet-action", "reboot", "3164444", "--wait"])
        .args(["--format", "Type,Status", "--no-header"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "reboot   completed\n");
    assert!(stderr(&out).contains("Waiting for action "));
}

#[test]
fn completion_scripts_cover_the_commands() {
    let h = Harness::start();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = h.bare().args(["completion", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let script = stdout(&out);
        assert!(script.contains("droplet-action"), "{shell}");
        assert!(script.contains("change-backup-policy"), "{shell}");
    }
}

#[test]
fn help_snapshots() {
    let h = Harness::start();
    for (name, args) in [
        ("help_top", vec!["--help"]),
        ("help_droplet_action", vec!["droplet-action", "--help"]),
        (
            "help_enable_backups",
            vec!["droplet-action", "enable-backups", "--help"],
        ),
    ] {
        let out = h.bare().args(&args).output().unwrap();
        assert!(out.status.success());
        insta::assert_snapshot!(name, stdout(&out));
    }
}

fn config_file(h: &Harness) -> std::path::PathBuf {
    h.config_dir.path().join("config.toml")
}

/// Writes a config file by hand, owner-only as `auth init` would (so no warning is printed).
fn write_private(path: &std::path::Path, text: &str) {
    std::fs::write(path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
}

fn init(h: &Harness, name: &str, token: &str) {
    h.bare()
        .args(["auth", "init", "--context", name, "--token", token])
        .assert()
        .success();
}

#[test]
fn an_explicit_context_wins_over_the_token_variables() {
    let h = Harness::start();
    init(&h, "staging", READ_TOKEN);
    // The environment holds a token that may write; --context staging must not use it.
    let out = h
        .bare()
        .env("DIGITALOCEAN_TOKEN", TOKEN)
        .args(["--api-url", &h.sim.base_url(), "--context", "staging", "-v"])
        .args(["droplet-action", "reboot", "3164444"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "the read-only context was used");
    let err = stderr(&out);
    assert!(
        err.starts_with("> using the API token from config context `staging`"),
        "{err}"
    );
    assert_eq!(h.requests_to("/v2/droplets/3164444/actions"), 1);

    // An unknown context is an error, whatever the environment holds.
    h.bare()
        .env("DIGITALOCEAN_TOKEN", TOKEN)
        .args(["--api-url", &h.sim.base_url(), "--context", "nope"])
        .args(["droplet-action", "reboot", "3164444"])
        .assert()
        .code(2)
        .stderr("Error: no context named `nope`; stored contexts: staging\n");
    assert_eq!(
        h.requests_to("/v2/droplets/3164444/actions"),
        1,
        "nothing sent"
    );
}

#[test]
fn auth_init_takes_the_token_flag_without_reading_stdin() {
    let h = Harness::start();
    h.bare()
        .args(["auth", "init", "--token", "abc"])
        .write_stdin("from-stdin\n")
        .assert()
        .success();
    let text = std::fs::read_to_string(config_file(&h)).unwrap();
    assert!(text.contains("\"abc\""), "{text}");
    assert!(!text.contains("from-stdin"), "{text}");
}

#[test]
fn sandbox_auth_is_refused_and_writes_nothing() {
    let h = Harness::start();
    for args in [
        vec!["--sandbox", "auth", "init"],
        vec!["--sandbox", "auth", "init", "--token", "abc"],
        vec!["auth", "switch", "x", "--sandbox"],
    ] {
        let out = h.bare().args(&args).write_stdin("abc\n").output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&out).starts_with("Error: `auth` manages the real config file"),
            "{}",
            stderr(&out)
        );
    }
    assert!(!config_file(&h).exists());
}

#[test]
fn blank_context_names_are_refused() {
    let h = Harness::start();
    for args in [
        vec!["auth", "init", "--context", "", "--token", "abc"],
        vec!["auth", "init", "--context", "  ", "--token", "abc"],
        vec!["auth", "switch", " "],
        vec!["auth", "remove", ""],
        vec!["--context", "", "action", "get", "1"],
    ] {
        h.bare().args(&args).assert().code(2);
    }
    assert!(!config_file(&h).exists());
}

#[test]
fn auth_remove_deletes_a_context_and_clears_the_current_one() {
    let h = Harness::start();
    init(&h, "work", TOKEN);
    init(&h, "other", "another-token");
    h.bare()
        .args(["auth", "remove", "work"])
        .assert()
        .success()
        .stderr("Removed context `work`\n");
    h.bare().args(["auth", "list"]).assert().stdout("* other\n");
    let out = h.bare().args(["auth", "remove", "other"]).output().unwrap();
    assert!(out.status.success());
    assert!(
        stderr(&out).contains("none is current now"),
        "{}",
        stderr(&out)
    );
    assert!(
        !std::fs::read_to_string(config_file(&h))
            .unwrap()
            .contains("another-token")
    );
    h.bare()
        .args(["auth", "remove", "other"])
        .assert()
        .code(2)
        .stderr("Error: no context named `other`; none is stored yet (run `oxido auth init`)\n");
}

#[test]
fn a_corrupt_config_names_the_place_and_init_can_replace_it() {
    let h = Harness::start();
    let path = config_file(&h);
    write_private(
        &path,
        "current_context = \"work\"\n[contexts.work\ntoken = \"x\"\n",
    );
    let out = h.bare().args(["auth", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("is not a valid config file (line 2, column "),
        "{err}"
    );

    let out = h
        .bare()
        .args(["auth", "init", "--context", "work", "--token", TOKEN])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.starts_with("Warning: "), "{err}");
    assert!(err.contains("config.toml.bak"), "{err}");
    let kept = std::fs::read_to_string(h.config_dir.path().join("config.toml.bak")).unwrap();
    assert!(kept.contains("[contexts.work\n"), "the broken file is kept");
    h.bare()
        .args(["auth", "list"])
        .assert()
        .success()
        .stdout("* work\n");
}

#[test]
fn a_dangling_current_context_is_named() {
    let h = Harness::start();
    write_private(
        &config_file(&h),
        "current_context = \"gone\"\n[contexts.work]\ntoken = \"x\"\n",
    );
    let out = h
        .bare()
        .args(["--api-url", &h.sim.base_url(), "action", "get", "36804636"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert!(
        err.starts_with("Error: the current context `gone` is not in the config file\nHint: "),
        "{err}"
    );
    assert_eq!(h.requests_to("/v2/"), 0);
}

#[cfg(unix)]
#[test]
fn a_symlinked_config_is_written_through() {
    let h = Harness::start();
    let dotfiles = tempfile::tempdir().unwrap();
    let real = dotfiles.path().join("oxido.toml");
    std::fs::write(&real, "").unwrap();
    std::os::unix::fs::symlink(&real, config_file(&h)).unwrap();
    init(&h, "work", TOKEN);
    let meta = std::fs::symlink_metadata(config_file(&h)).unwrap();
    assert!(meta.file_type().is_symlink(), "the link is kept");
    assert!(std::fs::read_to_string(&real).unwrap().contains(TOKEN));
}

#[cfg(unix)]
#[test]
fn a_config_others_can_read_is_warned_about() {
    use std::os::unix::fs::PermissionsExt;
    let h = Harness::start();
    init(&h, "work", TOKEN);
    std::fs::set_permissions(config_file(&h), std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = h.bare().args(["auth", "list"]).output().unwrap();
    assert!(out.status.success());
    let err = stderr(&out);
    assert!(err.starts_with("Warning: "), "{err}");
    assert!(err.contains("chmod 600"), "{err}");
}
