//! `auth`, token resolution from the environment and the config file, `--sandbox`,
//! `completion`, and the help text.

use crate::common::{Harness, TOKEN, stderr, stdout};

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
            "[\n  {\n    \"current\": false,\n    \"name\": \"other\"\n  },\n  \
             {\n    \"current\": true,\n    \"name\": \"work\"\n  }\n]\n",
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
