//! Generated commands: `--wait` for resources whose status moves (in the sandbox, against the
//! emulator, and against a canned 127.0.0.1 server for the endings the emulator never
//! produces), `-o json` of lists as the API sent them, and `-o yaml`.

use serde_json::Value;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{Harness, TOKEN, stderr, stdout};

const CLUSTER_BODY: &str = r#"{"name":"prod-cluster-01","region":"nyc1","version":"1.31.9-do.2","node_pools":[{"size":"s-1vcpu-2gb","count":3,"name":"worker-pool"}]}"#;
const DATABASE_BODY: &str = r#"{"name":"backend","engine":"pg","version":"14","region":"nyc3","size":"db-s-2vcpu-4gb","num_nodes":2}"#;

fn json(out: &std::process::Output) -> Value {
    serde_json::from_str(&stdout(out)).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(out)))
}

#[test]
fn sandbox_droplet_create_waits_until_active() {
    let h = Harness::start();
    let out = h
        .bare()
        .args(["--sandbox", "-o", "json", "droplets", "create"])
        .args([
            "--name",
            "web-1",
            "--region",
            "nyc3",
            "--size",
            "s-1vcpu-1gb",
        ])
        .args(["--image", "ubuntu-20-04-x64", "--wait"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let droplet = json(&out);
    assert_eq!(droplet["status"], "active", "{droplet}");
    assert_eq!(droplet["name"], "web-1");
}

#[test]
fn sandbox_cluster_database_and_deployment_creates_wait_for_their_status() {
    let h = Harness::start();
    let cases: [(&[&str], &str, &str, &str); 3] = [
        (
            &["kubernetes", "create-cluster", "--body", "-"],
            CLUSTER_BODY,
            "/status/state",
            "running",
        ),
        (
            &["databases", "create-cluster", "--body", "-"],
            DATABASE_BODY,
            "/status",
            "online",
        ),
        (
            &[
                "apps",
                "create-deployment",
                "4f6c71e2-1e90-4762-9fee-6cc4a0a9f2cf",
                "--force-build",
            ],
            "",
            "/phase",
            "ACTIVE",
        ),
    ];
    for (args, body, pointer, done) in cases {
        let out = h
            .bare()
            .args(["--sandbox", "-o", "json"])
            .args(args)
            .arg("--wait")
            .write_stdin(body)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let value = json(&out);
        assert_eq!(
            value.pointer(pointer),
            Some(&Value::from(done)),
            "{args:?}: {value}"
        );
    }
}

#[test]
fn apps_create_wait_prints_the_app_once_its_deployment_is_active() {
    let h = Harness::start();
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("app.yaml");
    std::fs::write(&spec, "name: waited-app\nregion: ams\n").unwrap();
    let out = h
        .oxido()
        .args(["-o", "json", "apps", "create", "--wait", "--spec"])
        .arg(&spec)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let app = json(&out);
    assert_eq!(app["spec"]["name"], "waited-app", "{app}");
    assert!(
        app.get("phase").is_none(),
        "the app, not its deployment: {app}"
    );
    let id = app["id"].as_str().expect("the app's id");
    let deployments = h
        .sim
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path.starts_with(&format!("/v2/apps/{id}/deployments/")))
        .count();
    assert!(deployments >= 1, "the wait polled the deployment");
    // App names are unique in an account (the API answers 409): the table run makes another.
    let second = dir.path().join("app-2.yaml");
    std::fs::write(&second, "name: waited-app-2\nregion: ams\n").unwrap();
    let table = h
        .oxido()
        .args(["apps", "create", "--wait", "--spec"])
        .arg(&second)
        .args(["--format", "spec.name", "--no-header"])
        .output()
        .unwrap();
    assert!(table.status.success(), "{}", stderr(&table));
    assert_eq!(stdout(&table).trim(), "waited-app-2");
    assert!(
        stderr(&table).contains(": ACTIVE after"),
        "{}",
        stderr(&table)
    );
}

#[test]
fn droplet_create_waits_against_the_emulator_and_shows_progress_lines() {
    let h = Harness::start();
    let out = h
        .oxido()
        .args(["droplets", "create", "--name", "w2", "--region", "nyc3"])
        .args([
            "--size",
            "s-1vcpu-1gb",
            "--image",
            "ubuntu-20-04-x64",
            "--wait",
        ])
        .args(["--format", "name,status", "--no-header"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out).split_whitespace().collect::<Vec<_>>(),
        ["w2", "active"]
    );
    let err = stderr(&out);
    assert!(err.contains("to be active"), "{err}");
    assert!(err.contains(": active after"), "{err}");
}

fn json_response(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "application/json")
        .set_body_string(body)
}

struct Mocked {
    server: MockServer,
    _runtime: tokio::runtime::Runtime,
}

/// Droplet 5 stays `new` (with a field no model has), droplet 6 ends `archive`, cluster
/// `c-err` ends `error`; droplets list over two pages with fields no model has. The droplets
/// are the emulator's demo droplet with another id and status.
fn mock_api(h: &Harness) -> Mocked {
    let demo = h.droplet(3164444);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = runtime.block_on(async {
        let server = MockServer::start().await;
        let droplet = |id: u64, status: &str| {
            let mut value = demo.clone();
            value["id"] = Value::from(id);
            value["status"] = Value::from(status);
            let text = value.to_string();
            format!("{},\"future_field\":1.50}}", &text[..text.len() - 1])
        };
        for (id, status) in [(5, "new"), (6, "archive")] {
            Mock::given(method("GET"))
                .and(path(format!("/v2/droplets/{id}")))
                .respond_with(json_response(&format!(
                    r#"{{"droplet":{}}}"#,
                    droplet(id, status)
                )))
                .mount(&server)
                .await;
        }
        Mock::given(method("POST"))
            .and(path("/v2/droplets"))
            .respond_with(
                ResponseTemplate::new(202)
                    .insert_header("content-type", "application/json")
                    .set_body_string(format!(r#"{{"droplet":{},"links":{{}}}}"#, droplet(5, "new"))),
            )
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/v2/kubernetes/clusters"))
            .respond_with(
                ResponseTemplate::new(201)
                    .insert_header("content-type", "application/json")
                    .set_body_string(
                        r#"{"kubernetes_cluster":{"id":"c-err","name":"k","region":"nyc1","version":"1","created_at":"2026-01-01T00:00:00Z","node_pools":[],"status":{"state":"provisioning"}}}"#,
                    ),
            )
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/v2/kubernetes/clusters/c-err"))
            .respond_with(json_response(
                r#"{"kubernetes_cluster":{"id":"c-err","name":"k","region":"nyc1","version":"1","created_at":"2026-01-01T00:00:00Z","node_pools":[],"status":{"state":"error","message":"no capacity"}}}"#,
            ))
            .mount(&server)
            .await;
        let uri = server.uri();
        Mock::given(method("GET"))
            .and(path("/v2/droplets"))
            .and(query_param("page", "1"))
            .respond_with(json_response(&format!(
                r#"{{"droplets":[{}],"links":{{"pages":{{"next":"{uri}/v2/droplets?page=2&per_page=1"}}}},"meta":{{"total":2}}}}"#,
                droplet(5, "new")
            )))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/v2/droplets"))
            .and(query_param("page", "2"))
            .respond_with(json_response(&format!(
                r#"{{"droplets":[{}],"links":{{}},"meta":{{"total":2}}}}"#,
                droplet(6, "archive")
            )))
            .mount(&server)
            .await;
        server
    });
    Mocked {
        server,
        _runtime: runtime,
    }
}

#[test]
fn a_resource_wait_that_runs_out_exits_8_after_printing_the_last_state_as_sent() {
    let h = Harness::start();
    let mocked = mock_api(&h);
    let out = h
        .bare()
        .args(["--api-url", &mocked.server.uri(), "--token", TOKEN])
        .args([
            "-o", "json", "droplets", "create", "--name", "d5", "--region", "nyc3",
        ])
        .args(["--size", "s-1vcpu-1gb", "--image", "ubuntu-20-04-x64"])
        .args(["--wait-timeout", "1500ms"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(8), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("\"future_field\": 1.50"),
        "{}",
        stdout(&out)
    );
    let err = stderr(&out);
    assert!(
        err.contains("timed out waiting: droplet 5 still new"),
        "{err}"
    );
    assert!(err.contains("oxido droplets get 5"), "{err}");
}

#[test]
fn a_resource_that_ends_failed_exits_7() {
    let h = Harness::start();
    let mocked = mock_api(&h);
    let out = h
        .bare()
        .args(["--api-url", &mocked.server.uri(), "--token", TOKEN])
        .args(["kubernetes", "create-cluster", "--body", "-", "--wait"])
        .write_stdin(CLUSTER_BODY)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("kubernetes cluster c-err ended error"),
        "{err}"
    );
    assert!(stdout(&out).contains("error"), "{}", stdout(&out));
}

#[test]
fn generated_list_json_keeps_every_item_as_sent_across_pages() {
    let h = Harness::start();
    let mocked = mock_api(&h);
    let out = h
        .bare()
        .args(["--api-url", &mocked.server.uri(), "--token", TOKEN])
        .args(["-o", "json", "droplets", "list", "--per-page", "1"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(text.matches("\"future_field\": 1.50").count(), 2, "{text}");
    let items = json(&out);
    let ids: Vec<&Value> = items.as_array().unwrap().iter().map(|d| &d["id"]).collect();
    assert_eq!(ids, [&Value::from(5), &Value::from(6)]);
}

#[test]
fn yaml_output_is_the_json_document_as_yaml() {
    let h = Harness::start();
    let out = h
        .oxido()
        .args(["-o", "yaml", "droplets", "get", "3164444"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let yaml = stdout(&out);
    // Members keep the answer's order: the id comes first.
    assert!(yaml.starts_with("id: 3164444\n"), "{yaml}");
    assert!(yaml.contains("\nregion:\n"), "{yaml}");
    let list = h
        .oxido()
        .args(["-o", "yaml", "droplets", "list"])
        .output()
        .unwrap();
    assert!(list.status.success(), "{}", stderr(&list));
    assert!(stdout(&list).starts_with("- "), "{}", stdout(&list));
    let curated = h
        .oxido()
        .args(["-o", "yaml", "action", "get", "36804636"])
        .output()
        .unwrap();
    assert!(curated.status.success(), "{}", stderr(&curated));
    assert!(
        stdout(&curated).contains("id: 36804636\n"),
        "{}",
        stdout(&curated)
    );
    let format = h
        .oxido()
        .args(["-o", "yaml", "--format", "id", "droplets", "get", "3164444"])
        .output()
        .unwrap();
    assert_eq!(format.status.code(), Some(2), "{}", stderr(&format));
}
