//! Every action subcommand's effect on the emulated droplet, `--tag`, and `--wait`.

use std::time::Duration;

use oxido_sim::{ActionFailure, Fault};
use serde_json::{Value, json};

use crate::common::{Harness, stderr, stdout};

/// Starts an action with `-o json` and returns the printed action after checking it is the
/// freshly started one.
fn start(h: &Harness, args: &[&str]) -> Value {
    let out = h
        .oxido()
        .args(["-o", "json", "droplet-action"])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap()
}

/// Starts an action on one droplet and waits (in the emulator) until it has completed.
fn complete(h: &Harness, args: &[&str], expected_type: &str) -> Value {
    let started = start(h, args);
    assert_eq!(started["type"], expected_type);
    assert_eq!(started["status"], "in-progress");
    let id = started["id"].as_u64().unwrap();
    let settled = h.settled_action(id);
    assert_eq!(settled["status"], "completed", "{settled}");
    settled
}

/// The JSON body of the last POST the emulator saw.
fn last_post_body(h: &Harness) -> Value {
    let posts: Vec<_> = h
        .sim
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect();
    let last = posts.last().expect("a POST was sent");
    serde_json::from_str(&last.body).unwrap()
}

fn features(droplet: &Value) -> Vec<String> {
    droplet["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn power_off_shutdown_and_power_on_change_the_status() {
    let h = Harness::start();
    complete(&h, &["power-off", "3164450"], "power_off");
    assert_eq!(h.droplet(3164450)["status"], "off");
    complete(&h, &["power-on", "3164450"], "power_on");
    assert_eq!(h.droplet(3164450)["status"], "active");
    complete(&h, &["shutdown", "3164450"], "shutdown");
    assert_eq!(h.droplet(3164450)["status"], "off");
    assert_eq!(last_post_body(&h), json!({"type": "shutdown"}));
}

#[test]
fn reboot_power_cycle_and_restore_bring_a_droplet_up() {
    let h = Harness::start();
    assert_eq!(h.droplet(3164494)["status"], "off");
    complete(&h, &["power-cycle", "3164494"], "power_cycle");
    assert_eq!(h.droplet(3164494)["status"], "active");
    complete(&h, &["power-off", "3164494"], "power_off");
    complete(&h, &["reboot", "3164494"], "reboot");
    assert_eq!(h.droplet(3164494)["status"], "active");
    complete(&h, &["power-off", "3164494"], "power_off");
    complete(
        &h,
        &["restore", "3164494", "--image", "53893572"],
        "restore",
    );
    assert_eq!(
        last_post_body(&h),
        json!({"type": "restore", "image": 53893572})
    );
    assert_eq!(h.droplet(3164494)["status"], "active");
}

#[test]
fn password_reset_completes_without_changing_the_droplet() {
    let h = Harness::start();
    let before = h.droplet(3164444);
    let done = complete(&h, &["password-reset", "3164444"], "password_reset");
    assert_eq!(done["resource_id"], 3164444);
    assert_eq!(last_post_body(&h), json!({"type": "password_reset"}));
    assert_eq!(h.droplet(3164444), before);
}

#[test]
fn ipv6_and_backups_toggle_features() {
    let h = Harness::start();
    complete(&h, &["enable-ipv6", "3164450"], "enable_ipv6");
    assert!(features(&h.droplet(3164450)).contains(&"ipv6".to_owned()));

    complete(&h, &["disable-backups", "3164444"], "disable_backups");
    assert!(!features(&h.droplet(3164444)).contains(&"backups".to_owned()));

    let args = [
        "enable-backups",
        "3164450",
        "--plan",
        "weekly",
        "--weekday",
        "sat",
        "--hour",
        "20",
    ];
    complete(&h, &args, "enable_backups");
    assert_eq!(
        last_post_body(&h),
        json!({"type": "enable_backups",
               "backup_policy": {"plan": "weekly", "weekday": "SAT", "hour": 20}})
    );
    let droplet = h.droplet(3164450);
    assert!(features(&droplet).contains(&"backups".to_owned()));
    // A weekly SAT 20:00 policy: the next Saturday's window, four hours long.
    let window = &droplet["next_backup_window"];
    assert_eq!(day_and_hour(&window["start"]), (6, 20), "{window}");
    assert_eq!(day_and_hour(&window["end"]), (0, 0), "{window}");

    let args = [
        "change-backup-policy",
        "3164450",
        "--plan",
        "daily",
        "--hour",
        "4",
    ];
    complete(&h, &args, "change_backup_policy");
    assert_eq!(
        last_post_body(&h),
        json!({"type": "change_backup_policy", "backup_policy": {"plan": "daily", "hour": 4}})
    );
    let window = &h.droplet(3164450)["next_backup_window"];
    assert_eq!(day_and_hour(&window["start"]).1, 4, "{window}");
}

/// The weekday (0 is Sunday) and hour of a UTC timestamp, after checking it is to come
/// within a week.
fn day_and_hour(at: &Value) -> (i64, i64) {
    let at: oxido::Timestamp = at.as_str().expect("a timestamp").parse().expect("RFC 3339");
    let now = oxido::Timestamp::now().as_second();
    let second = at.as_second();
    assert!(
        second > now - 4 * 3600 && second <= now + 8 * 86_400,
        "{at} is not within the next week"
    );
    (
        (second.div_euclid(86_400) + 4).rem_euclid(7),
        second.rem_euclid(86_400) / 3600,
    )
}

#[test]
fn enable_backups_without_a_plan_sends_no_policy() {
    let h = Harness::start();
    complete(&h, &["enable-backups", "3164510"], "enable_backups");
    assert_eq!(last_post_body(&h), json!({"type": "enable_backups"}));
    assert!(features(&h.droplet(3164510)).contains(&"backups".to_owned()));
}

#[test]
fn resize_rebuild_rename_kernel_and_snapshot_change_the_droplet() {
    let h = Harness::start();
    complete(
        &h,
        &["resize", "3164510", "--size", "s-2vcpu-4gb", "--disk"],
        "resize",
    );
    assert_eq!(
        last_post_body(&h),
        json!({"type": "resize", "size": "s-2vcpu-4gb", "disk": true})
    );
    assert_eq!(h.droplet(3164510)["size_slug"], "s-2vcpu-4gb");

    complete(
        &h,
        &["rebuild", "3164510", "--image", "debian-12-x64"],
        "rebuild",
    );
    assert_eq!(
        last_post_body(&h),
        json!({"type": "rebuild", "image": "debian-12-x64"})
    );
    assert_eq!(h.droplet(3164510)["image"]["slug"], "debian-12-x64");
    complete(
        &h,
        &["rebuild", "3164510", "--image", "129211873"],
        "rebuild",
    );
    assert_eq!(
        last_post_body(&h),
        json!({"type": "rebuild", "image": 129211873})
    );
    assert_eq!(h.droplet(3164510)["image"]["id"], 129211873);

    complete(&h, &["rename", "3164510", "--name", "worker-9"], "rename");
    assert_eq!(h.droplet(3164510)["name"], "worker-9");

    complete(
        &h,
        &["change-kernel", "3164510", "--kernel", "7515"],
        "change_kernel",
    );
    assert_eq!(h.droplet(3164510)["kernel"]["id"], 7515);

    let before = h.droplet(3164510)["snapshot_ids"].as_array().unwrap().len();
    complete(
        &h,
        &["snapshot", "3164510", "--name", "nightly"],
        "snapshot",
    );
    assert_eq!(
        last_post_body(&h),
        json!({"type": "snapshot", "name": "nightly"})
    );
    let after = h.droplet(3164510)["snapshot_ids"].as_array().unwrap().len();
    assert_eq!(after, before + 1);
}

#[test]
fn tag_acts_on_every_tagged_droplet_and_prints_an_array() {
    let h = Harness::start();
    let started = start(&h, &["power-off", "--tag", "web", "-f"]);
    let actions = started.as_array().expect("a JSON array for by-tag actions");
    let mut droplets: Vec<u64> = actions
        .iter()
        .map(|a| a["resource_id"].as_u64().unwrap())
        .collect();
    droplets.sort_unstable();
    assert_eq!(droplets, [3164444, 3164450]);
    let post = h
        .sim
        .requests()
        .into_iter()
        .find(|r| r.method == "POST")
        .unwrap();
    assert_eq!(post.path, "/v2/droplets/actions?tag_name=web");
    for action in actions {
        h.settled_action(action["id"].as_u64().unwrap());
    }
    assert_eq!(h.droplet(3164444)["status"], "off");
    assert_eq!(h.droplet(3164450)["status"], "off");
    assert_eq!(
        h.droplet(3164510)["status"],
        "active",
        "untagged droplet untouched"
    );
}

#[test]
fn tag_is_refused_for_actions_the_api_only_takes_by_id() {
    let h = Harness::start();
    h.oxido()
        .args(["droplet-action", "reboot", "--tag", "web"])
        .assert()
        .code(2)
        .stdout("");
    h.oxido()
        .args(["droplet-action", "power-off", "3164444", "--tag", "web"])
        .assert()
        .code(2);
    h.oxido()
        .args([
            "droplet-action",
            "enable-backups",
            "--tag",
            "web",
            "--plan",
            "daily",
        ])
        .assert()
        .code(2)
        .stderr(
            "Error: --plan, --weekday and --hour apply to one droplet; \
             by tag the API uses its default policy\n",
        );
    assert_eq!(h.requests_to("/v2/"), 0, "nothing was sent");
}

#[test]
fn wait_follows_the_action_to_completion() {
    let h = Harness::start();
    let out = h
        .oxido()
        .args(["droplet-action", "reboot", "3164444", "--wait"])
        .args(["--format", "Type,Status,Resource ID"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Type     Status      Resource ID\nreboot   completed   3164444\n"
    );
    // stderr is not a terminal here: plain progress lines instead of a spinner.
    let progress = stderr(&out);
    assert!(progress.starts_with("Waiting for action "), "{progress}");
    assert!(
        progress.contains("(reboot on droplet 3164444)"),
        "{progress}"
    );
    assert!(progress.contains(": completed after "), "{progress}");
}

#[test]
fn wait_with_json_keeps_stderr_quiet() {
    let h = Harness::start();
    let out = h
        .oxido()
        .args([
            "-o",
            "json",
            "droplet-action",
            "power-off",
            "--tag",
            "web",
            "--force",
            "--wait",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(stderr(&out), "");
    let actions: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let statuses: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["completed", "completed"]);
}

#[test]
fn an_errored_action_exits_7_after_printing_it() {
    let h = Harness::start_with(|b| b.fail_actions(ActionFailure::of_type("reboot")));
    let out = h
        .oxido()
        .args([
            "-o",
            "json",
            "droplet-action",
            "reboot",
            "3164444",
            "--wait",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7));
    let action: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(action["status"], "errored");
    let id = action["id"].as_u64().unwrap();
    assert_eq!(
        stderr(&out),
        format!("Error: action {id} (reboot on droplet 3164444) errored\n")
    );
}

#[test]
fn action_wait_resumes_waiting_by_id() {
    let h = Harness::start();
    let started = start(&h, &["snapshot", "3164444"]);
    let id = started["id"].as_u64().unwrap().to_string();
    let out = h
        .oxido()
        .args(["action", "wait", &id, "--wait-timeout", "20s", "-o", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let done: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(done["status"], "completed");
    assert_eq!(done["id"], started["id"]);
}

#[test]
fn a_wait_that_runs_out_exits_8_with_the_last_state() {
    let h = Harness::start_with(|b| b.action_duration(Duration::from_secs(600)));
    let out = h
        .oxido()
        .args([
            "droplet-action",
            "reboot",
            "3164444",
            "--wait-timeout",
            "1200ms",
        ])
        .args(["--format", "Type,Status", "--no-header"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(8));
    assert_eq!(stdout(&out), "reboot   in-progress\n");
    let err = stderr(&out);
    assert!(
        err.contains("still in-progress when the wait ran out"),
        "{err}"
    );
    assert!(err.contains("Error: timed out waiting: action "), "{err}");
    assert!(
        err.contains("Hint: keep waiting with `oxido action wait"),
        "{err}"
    );
}

/// Every subcommand that takes `--tag` sends its own action type by tag (not a neighbour's).
#[test]
fn every_by_tag_subcommand_sends_its_own_type() {
    let cases: [(&[&str], Value); 8] = [
        (&["power-cycle"], json!({"type": "power_cycle"})),
        (&["shutdown"], json!({"type": "shutdown"})),
        (&["power-off"], json!({"type": "power_off"})),
        (&["power-on"], json!({"type": "power_on"})),
        (&["enable-ipv6"], json!({"type": "enable_ipv6"})),
        (&["disable-backups"], json!({"type": "disable_backups"})),
        (&["enable-backups"], json!({"type": "enable_backups"})),
        (
            &["snapshot", "--name", "by-tag"],
            json!({"type": "snapshot", "name": "by-tag"}),
        ),
    ];
    for (args, body) in cases {
        let h = Harness::start();
        let mut all = args.to_vec();
        all.extend(["--tag", "web", "--force"]);
        let started = start(&h, &all);
        let posts: Vec<_> = h
            .sim
            .requests()
            .into_iter()
            .filter(|r| r.method == "POST")
            .collect();
        assert_eq!(posts.len(), 1, "{args:?}: one request by tag");
        assert_eq!(
            posts[0].path, "/v2/droplets/actions?tag_name=web",
            "{args:?}"
        );
        let sent: Value = serde_json::from_str(&posts[0].body).unwrap();
        assert_eq!(sent, body, "{args:?}");
        for action in started.as_array().expect("an array by tag") {
            assert_eq!(action["type"], body["type"], "{args:?}");
        }
    }
}

#[test]
fn a_tag_on_no_droplet_says_so_on_stderr() {
    let h = Harness::start();
    let out = h
        .oxido()
        .args(["droplet-action", "power-off", "--tag", "nosuchtag", "-f"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "Note: no Droplets are tagged nosuchtag, so no action was started\n"
    );
}

#[test]
fn a_poll_that_fails_after_the_start_names_the_action_and_how_to_resume() {
    let h = Harness::start();
    h.sim
        .inject(Fault::status(500).on("GET", "/v2/actions/{action_id}"))
        .unwrap();
    let out = h
        .oxido()
        .args(["--retries", "0", "-o", "json"])
        .args(["droplet-action", "reboot", "3164444", "--wait"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6), "the SDK error's status");
    let started: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let id = started["id"].as_u64().unwrap();
    let err = stderr(&out);
    assert!(err.starts_with("Error: 500 "), "{err}");
    assert!(
        err.contains(&format!(
            "Hint: action {id} (reboot on droplet 3164444) was started; \
             follow it with `oxido action wait {id}`"
        )),
        "{err}"
    );
}

#[test]
fn a_sandbox_wait_that_runs_out_does_not_suggest_resuming() {
    let h = Harness::start();
    let out = h
        .bare()
        .args(["--sandbox", "droplet-action", "reboot", "3164444"])
        .args(["--wait-timeout", "1ms"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(8));
    let err = stderr(&out);
    assert!(!err.contains("oxido action wait"), "{err}");
    assert!(
        err.contains("Hint: the sandbox's state ends with this command"),
        "{err}"
    );
}

#[test]
fn the_rebuild_help_example_works_in_the_sandbox() {
    let h = Harness::start();
    let help = h
        .bare()
        .args(["droplet-action", "rebuild", "--help"])
        .output()
        .unwrap();
    let text = stdout(&help);
    let image_help = &text[text.find("--image").expect("--image is documented")..];
    let example = image_help
        .split("e.g. `")
        .nth(1)
        .and_then(|rest| rest.split('`').next())
        .expect("an --image example in the help");
    let out = h
        .bare()
        .args(["--sandbox", "droplet-action", "rebuild", "3164444"])
        .args(["--image", example, "--wait"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{example}: {}", stderr(&out));
}
