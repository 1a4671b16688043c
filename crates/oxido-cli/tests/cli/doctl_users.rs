//! The "doctl users" section of docs/cli.md is run: every oxido line against one emulator, in
//! the table's order, its stdout checked for the last column, and never longer than doctl's.

use crate::common::{Harness, stderr, stdout};

/// (task, doctl line, oxido line, what stdout shows) from the section's table.
fn tasks() -> Vec<(String, String, String, String)> {
    let doc = include_str!("../../../../docs/cli.md");
    let section = doc
        .split("## doctl users")
        .nth(1)
        .expect("docs/cli.md has a doctl users section");
    let code = |cell: &str| -> String {
        cell.trim()
            .strip_prefix('`')
            .and_then(|c| c.strip_suffix('`'))
            .unwrap_or_else(|| panic!("not a code cell: {cell}"))
            .to_owned()
    };
    section
        .lines()
        .take_while(|l| !l.starts_with("## "))
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Task") && !l.starts_with("| ---"))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split(" | ").collect();
            assert_eq!(cells.len(), 4, "{l}");
            (
                cells[0].trim().to_owned(),
                code(cells[1]),
                code(cells[2]),
                code(cells[3]),
            )
        })
        .collect()
}

/// Splits a command line as a shell would for these lines: spaces, and double quotes.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut started = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                started = true;
            }
            ' ' if !quoted => {
                if started {
                    out.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            c => {
                word.push(c);
                started = true;
            }
        }
    }
    if started {
        out.push(word);
    }
    out
}

#[test]
fn every_doctl_users_task_runs_and_is_no_longer_than_doctl() {
    let tasks = tasks();
    assert!(tasks.len() >= 20, "{} tasks", tasks.len());
    let h = Harness::start();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("app.yaml"),
        "name: web-app\nregion: ams\nservices:\n  - name: web\n    git:\n      repo_clone_url: https://github.com/digitalocean/sample-golang.git\n      branch: main\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("id.pub"),
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAII1Fz8XbgcmtQwrlRqsOaM3P5l0nPBIyfM0soMyfZPeb me@laptop\n",
    )
    .unwrap();
    let mut problems = Vec::new();
    for (task, doctl, oxido, shows) in &tasks {
        if oxido.len() > doctl.len() {
            problems.push(format!(
                "{task}: the oxido line ({}) is longer than doctl's ({})",
                oxido.len(),
                doctl.len()
            ));
        }
        let argv = words(oxido);
        assert_eq!(argv[0], "oxido", "{task}");
        let out = h
            .oxido()
            .current_dir(dir.path())
            .args(&argv[1..])
            .output()
            .unwrap();
        let text = stdout(&out);
        if !out.status.success() {
            problems.push(format!("{task}: `{oxido}` failed: {}", stderr(&out)));
        } else if shows.is_empty() && !text.is_empty() {
            problems.push(format!("{task}: expected no output, got {text:?}"));
        } else if !text.contains(shows.as_str()) {
            problems.push(format!(
                "{task}: `{oxido}` does not show `{shows}`:\n{text}"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
