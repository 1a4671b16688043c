//! `get` and `list`, in table and JSON form, with `--format` and `--no-header`.

use serde_json::Value;

use crate::common::{Harness, stdout};

const REFERENCE_TABLE: &str = "\
ID         Status      Type     Started At             Completed At           Resource ID   Resource Type   Region
36804636   completed   create   2020-11-14T16:29:21Z   2020-11-14T16:30:06Z   3164444       droplet         nyc3
";

/// The reference page's example action, as the API's object (pretty-printed).
const REFERENCE_JSON: &str = r#"{
  "id": 36804636,
  "status": "completed",
  "type": "create",
  "started_at": "2020-11-14T16:29:21Z",
  "completed_at": "2020-11-14T16:30:06Z",
  "resource_id": 3164444,
  "resource_type": "droplet",
  "region": {
    "name": "New York 3",
    "slug": "nyc3",
    "features": [
      "private_networking",
      "backups",
      "ipv6",
      "metadata",
      "install_agent",
      "storage",
      "image_transfer"
    ],
    "available": true,
    "sizes": [
      "s-1vcpu-1gb",
      "s-1vcpu-2gb",
      "s-1vcpu-3gb",
      "s-2vcpu-2gb",
      "s-3vcpu-1gb",
      "s-2vcpu-4gb",
      "s-4vcpu-8gb",
      "s-6vcpu-16gb",
      "s-8vcpu-32gb",
      "s-12vcpu-48gb",
      "s-16vcpu-64gb",
      "s-20vcpu-96gb",
      "s-24vcpu-128gb",
      "s-32vcpu-192g"
    ]
  },
  "region_slug": "nyc3"
}
"#;

#[test]
fn get_prints_the_reference_action_as_a_table() {
    let h = Harness::start();
    let out = h
        .oxido()
        .args(["droplet-action", "get", "3164444", "36804636"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(stdout(&out), REFERENCE_TABLE);
}

#[test]
fn get_json_is_exactly_the_api_object() {
    let h = Harness::start();
    let out = h
        .oxido()
        .args(["droplet-action", "get", "3164444", "36804636", "-o", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(stdout(&out), REFERENCE_JSON);
    let api = h.get_json("/v2/droplets/3164444/actions/36804636");
    let printed: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(printed, api["action"], "not wrapped, not an array");
}

#[test]
fn global_options_work_after_the_subcommand_and_output_is_case_insensitive() {
    let h = Harness::start();
    let out = h
        .bare()
        .args(["droplet-action", "get", "3164444", "36804636"])
        .args([
            "--api-url",
            &h.sim.base_url(),
            "--token",
            crate::common::TOKEN,
        ])
        .args(["--output", "JSON"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(stdout(&out), REFERENCE_JSON);
}

#[test]
fn action_get_prints_the_same_action() {
    let h = Harness::start();
    let out = h
        .oxido()
        .args(["action", "get", "36804636"])
        .output()
        .unwrap();
    assert_eq!(stdout(&out), REFERENCE_TABLE);
}

#[test]
fn list_json_is_the_api_array_across_pages() {
    let h = Harness::start();
    let api = h.get_json("/v2/droplets/3164444/actions?per_page=200");
    let expected = api["actions"].as_array().unwrap().clone();
    assert!(expected.len() > 1, "the demo droplet has a history");

    // --per-page 1 forces one request per action: the CLI must follow every page.
    let out = h
        .oxido()
        .args([
            "-o",
            "json",
            "droplet-action",
            "list",
            "3164444",
            "--per-page",
            "1",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let printed: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(printed, Value::Array(expected));
    // The exact text: fields in the API's order, two-space indentation.
    insta::assert_snapshot!("droplet_action_list_json", stdout(&out));
}

#[test]
fn list_with_page_fetches_only_that_page() {
    let h = Harness::start();
    let api = h.get_json("/v2/droplets/3164444/actions?page=2&per_page=1");
    let out = h
        .oxido()
        .args(["-o", "json", "droplet-action", "list", "3164444"])
        .args(["--page", "2", "--per-page", "1"])
        .output()
        .unwrap();
    let printed: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(printed, api["actions"]);
    assert_eq!(printed.as_array().unwrap().len(), 1);
}

#[test]
fn list_table_snapshot() {
    let h = Harness::start();
    let out = h
        .oxido()
        .args(["droplet-action", "list", "3164444"])
        .output()
        .unwrap();
    assert!(out.status.success());
    insta::assert_snapshot!("droplet_action_list_table", stdout(&out));
}

#[test]
fn action_list_table_snapshot() {
    let h = Harness::start();
    let out = h.oxido().args(["action", "list"]).output().unwrap();
    assert!(out.status.success());
    insta::assert_snapshot!("action_list_table", stdout(&out));
}

#[test]
fn format_picks_and_orders_columns_case_insensitively() {
    let h = Harness::start();
    let out = h
        .oxido()
        .args(["droplet-action", "get", "3164444", "36804636"])
        .args(["--format", "region,ID,started at,STATUS"])
        .output()
        .unwrap();
    assert_eq!(
        stdout(&out),
        "Region   ID         Started At             Status\n\
         nyc3     36804636   2020-11-14T16:29:21Z   completed\n"
    );
}

#[test]
fn no_header_drops_the_header_line() {
    let h = Harness::start();
    let out = h
        .oxido()
        .args(["droplet-action", "get", "3164444", "36804636"])
        .args(["--format", "ID,Status", "--no-header"])
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "36804636   completed\n");
}
