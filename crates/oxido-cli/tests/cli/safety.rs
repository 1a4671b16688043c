//! Destructive commands (deletes, destroys, `*-dangerous`, by tag) need `--force` (or `-f`)
//! when there is no terminal to ask on, and send nothing without it.

use crate::common::{Harness, stderr};

#[test]
fn a_destroy_without_force_is_refused_and_sends_nothing() {
    let h = Harness::start();
    let cases: &[&[&str]] = &[
        &["droplets", "destroy", "3164444"],
        &["droplets", "destroy-by-tag", "--tag-name", "web"],
        &[
            "droplets",
            "destroy-with-associated-resources-dangerous",
            "3164444",
        ],
        &[
            "databases",
            "destroy-cluster",
            "9cc10173-e9ea-4176-9dbc-a4cee4c4ff30",
        ],
        &["volumes", "delete", "7724db7c-e098-11e5-b522-000f53304e51"],
    ];
    let before = h.sim.requests().len();
    for args in cases {
        let out = h.oxido().args(*args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert!(
            err.contains("cannot be undone") && err.contains("--force (-f)"),
            "{args:?}: {err}"
        );
    }
    assert_eq!(h.sim.requests().len(), before, "nothing reached the API");
    assert_eq!(h.droplet(3164444)["id"], 3164444);
}

#[test]
fn force_and_its_short_form_run_it_and_say_what_was_done() {
    let h = Harness::start();
    let out = h
        .oxido()
        .args(["droplets", "destroy", "--force", "3164444"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "stdout stays the (empty) result");
    assert!(
        stderr(&out).contains("Done: DELETE /v2/droplets/3164444"),
        "{}",
        stderr(&out)
    );
    let gone = h
        .oxido()
        .args(["droplets", "get", "3164444"])
        .output()
        .unwrap();
    assert_eq!(gone.status.code(), Some(4));

    let out = h
        .oxido()
        .args(["droplets", "destroy-by-tag", "-f", "--tag-name", "web"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn by_tag_actions_need_force_without_a_terminal_and_one_droplet_does_not() {
    let h = Harness::start();
    for action in ["power-off", "power-on", "shutdown", "snapshot"] {
        let out = h
            .oxido()
            .args(["droplet-action", action, "--tag", "web"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{action}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains(&format!("`oxido droplet-action {action} --tag web`"))
                && err.contains("every Droplet tagged web")
                && err.contains("--force (-f)"),
            "{action}: {err}"
        );
    }
    assert_eq!(h.requests_to("/v2/"), 0, "nothing reached the API");
    let out = h
        .oxido()
        .args(["droplet-action", "power-off", "3164510"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    // Each is waited for: a Droplet takes one action at a time.
    for (action, force) in [("power-off", "--force"), ("power-on", "-f")] {
        let out = h
            .oxido()
            .args(["droplet-action", action, "--tag", "web", force, "--wait"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{force}: {}", stderr(&out));
    }
    let posts: Vec<String> = h
        .sim
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .map(|r| r.path)
        .collect();
    assert_eq!(
        posts,
        [
            "/v2/droplets/3164510/actions",
            "/v2/droplets/actions?tag_name=web",
            "/v2/droplets/actions?tag_name=web"
        ]
    );
}

#[test]
fn reads_and_creates_need_no_force() {
    let h = Harness::start();
    let out = h
        .oxido()
        .args(["droplets", "get", "--force", "3164444"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "get has no --force");
    let out = h
        .oxido()
        .args(["tags", "create", "--name", "web"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}
