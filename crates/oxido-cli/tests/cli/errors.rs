//! Every exit status, the error line's shape, and the token never leaking.

use std::time::Duration;

use oxido_sim::Fault;

use crate::common::{Harness, READ_TOKEN, TOKEN, stderr, stdout};

const ACTION_ROUTE: &str = "/v2/droplets/{droplet_id}/actions/{action_id}";

#[test]
fn a_missing_subcommand_or_argument_is_a_usage_error() {
    let h = Harness::start();
    h.oxido().assert().code(2).stdout("");
    h.oxido()
        .args(["droplet-action", "get", "3164444"])
        .assert()
        .code(2)
        .stdout("");
    h.oxido()
        .args(["droplet-action", "resize", "3164444"])
        .assert()
        .code(2);
    assert_eq!(h.requests_to("/v2/"), 0);
}

#[test]
fn bad_ids_are_usage_errors_and_nothing_is_sent() {
    let h = Harness::start();
    for args in [
        ["droplet-action", "get", "0", "36804636"],
        ["droplet-action", "get", "3164444", "-5"],
        ["droplet-action", "get", "abc", "36804636"],
        [
            "droplet-action",
            "get",
            "3164444",
            "99999999999999999999999",
        ],
    ] {
        h.oxido().args(args).assert().code(2).stdout("");
    }
    h.oxido()
        .args(["droplet-action", "restore", "3164444", "--image", "0"])
        .assert()
        .code(2);
    assert_eq!(h.requests_to("/v2/"), 0);
}

#[test]
fn an_unknown_column_is_a_usage_error_listing_the_valid_ones() {
    let h = Harness::start();
    let out = h
        .oxido()
        .args([
            "droplet-action",
            "get",
            "3164444",
            "36804636",
            "--format",
            "ID,Colour",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).contains(
        "unknown column `Colour`; valid columns: ID, Status, Type, Started At, Completed At, \
         Resource ID, Resource Type, Region"
    ));
    assert_eq!(h.requests_to("/v2/"), 0);
}

#[test]
fn format_with_json_output_is_refused() {
    let h = Harness::start();
    h.oxido()
        .args(["-o", "json", "--format", "ID", "action", "get", "36804636"])
        .assert()
        .code(2)
        .stdout("")
        .stderr("Error: --format picks table columns; it does not apply to -o json or -o yaml\n");
}

#[test]
fn invalid_input_rejected_by_the_api_exits_2() {
    let h = Harness::start();
    let out = h
        .oxido()
        .args([
            "droplet-action",
            "resize",
            "3164444",
            "--size",
            "no-such-size",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    let line = stderr(&out);
    assert!(
        line.starts_with("Error: 422 unprocessable_entity: "),
        "{line}"
    );
    assert!(line.contains("(request "), "{line}");
}

#[test]
fn a_malformed_api_url_is_a_usage_error() {
    let h = Harness::start();
    let out = h
        .bare()
        .args([
            "--api-url",
            "not a url",
            "--token",
            TOKEN,
            "action",
            "get",
            "1",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).starts_with("Error: "), "{}", stderr(&out));
}

#[test]
fn a_missing_token_exits_3_with_a_hint() {
    let h = Harness::start();
    let out = h
        .bare()
        .args(["--api-url", &h.sim.base_url(), "action", "get", "36804636"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    assert!(
        err.starts_with("Error: no API token found\nHint: "),
        "{err}"
    );
    assert!(err.contains("oxido auth init"), "{err}");
    assert_eq!(h.requests_to("/v2/"), 0);
}

#[test]
fn a_refused_token_exits_3_with_the_api_error_line() {
    let h = Harness::start();
    let out = h
        .bare()
        .args([
            "--api-url",
            &h.sim.base_url(),
            "--token",
            "not-a-known-token",
        ])
        .args(["droplet-action", "get", "3164444", "36804636"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    let first = err.lines().next().unwrap();
    assert!(
        first.starts_with("Error: 401 unauthorized: Unable to authenticate you. (request "),
        "{first}"
    );
    assert!(err.contains("Hint: the token was refused"), "{err}");
}

#[test]
fn a_read_only_token_writing_exits_3() {
    let h = Harness::start();
    let out = h
        .bare()
        .args(["--api-url", &h.sim.base_url(), "--token", READ_TOKEN])
        .args(["droplet-action", "reboot", "3164444"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).starts_with("Error: 403 forbidden: "));
}

#[test]
fn not_found_exits_4() {
    let h = Harness::start();
    let out = h
        .oxido()
        .args(["droplet-action", "get", "3164444", "999"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    assert!(err.starts_with("Error: 404 not_found: "), "{err}");
    assert_eq!(err.lines().count(), 1, "one line, no hint: {err}");
}

#[test]
fn rate_limited_exits_5() {
    let h = Harness::start();
    h.sim
        .inject(Fault::too_many_requests(1).on("GET", ACTION_ROUTE))
        .unwrap();
    let out = h
        .oxido()
        .args([
            "--retries",
            "0",
            "droplet-action",
            "get",
            "3164444",
            "36804636",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).starts_with("Error: 429 too_many_requests: "));
}

#[test]
fn server_errors_exit_6_after_the_retries() {
    let h = Harness::start();
    h.sim
        .inject(Fault::status(500).on("GET", ACTION_ROUTE))
        .unwrap();
    let out = h
        .oxido()
        .args([
            "--retries",
            "1",
            "droplet-action",
            "get",
            "3164444",
            "36804636",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6));
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).starts_with("Error: 500 "), "{}", stderr(&out));
    assert_eq!(h.requests_to("/v2/droplets/3164444/actions/36804636"), 2);
}

#[test]
fn a_request_timeout_exits_8() {
    let h = Harness::start();
    h.sim
        .inject(Fault::latency(Duration::from_secs(5)).on("GET", ACTION_ROUTE))
        .unwrap();
    let out = h
        .oxido()
        .args(["--timeout", "300ms", "--retries", "0"])
        .args(["droplet-action", "get", "3164444", "36804636"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(8));
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).contains("timeout"), "{}", stderr(&out));
}

#[test]
fn an_unreachable_api_exits_1() {
    let h = Harness::start();
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = h
        .bare()
        .args([
            "--api-url",
            &format!("http://127.0.0.1:{port}"),
            "--token",
            TOKEN,
        ])
        .args(["--retries", "0", "action", "get", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).starts_with("Error: "));
}

#[test]
fn verbose_logs_requests_without_the_token() {
    let h = Harness::start();
    let out = h
        .oxido()
        .args(["-v", "droplet-action", "get", "3164444", "36804636"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines[0], "> using the API token from --token", "{err}");
    assert!(
        lines[1].starts_with("> GET /v2/droplets/3164444/actions/36804636 -> 200 in "),
        "the request is logged: {err}"
    );
    assert!(err.contains("(attempt 1, request "), "{err}");
    for stream in [stdout(&out), err] {
        assert!(!stream.contains(TOKEN), "token leaked: {stream}");
        assert!(
            !stream.contains("cli_test_secret"),
            "token leaked: {stream}"
        );
    }
}

#[test]
fn verbose_failures_do_not_leak_the_token_either() {
    let h = Harness::start();
    let out = h
        .bare()
        .args([
            "-v",
            "--api-url",
            &h.sim.base_url(),
            "--token",
            "dop_v1_refused_secret",
        ])
        .args(["droplet-action", "reboot", "3164444", "--wait"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    for stream in [stdout(&out), stderr(&out)] {
        assert!(!stream.contains("refused_secret"), "token leaked: {stream}");
    }
}

#[test]
fn a_short_rate_limit_wait_is_announced_on_stderr() {
    let h = Harness::start();
    h.sim
        .inject(Fault::too_many_requests(2).on("GET", ACTION_ROUTE).times(1))
        .unwrap();
    let out = h
        .oxido()
        .args([
            "droplet-action",
            "get",
            "3164444",
            "36804636",
            "--no-header",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "Rate limited by the API: waiting 2s for the limit to reset, then retrying\n"
    );
}

#[test]
fn a_far_away_reset_says_when_instead_of_suggesting_retries() {
    let h = Harness::start();
    h.sim
        .inject(Fault::rate_limit_exhausted().on("GET", ACTION_ROUTE))
        .unwrap();
    let out = h
        .oxido()
        .args(["droplet-action", "get", "3164444", "36804636"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    let err = stderr(&out);
    assert!(err.starts_with("Error: 429 too_many_requests: "), "{err}");
    assert!(
        err.contains("Hint: the API rate limit is used up and resets at "),
        "{err}"
    );
    assert!(err.contains("more retries cannot help"), "{err}");
    assert!(!err.contains("raise --retries"), "{err}");
    assert_eq!(
        h.requests_to("/v2/droplets/3164444/actions/36804636"),
        1,
        "no retry against a reset an hour away"
    );
}
