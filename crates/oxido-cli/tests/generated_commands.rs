//! Every generated command against a canned 127.0.0.1 server: the method, path, query and
//! body it sends, and that `-o json` prints JSON. The cases (argv, expected request, the
//! spec's example answer) are generated with the commands (`tests/generated/commands.rs`).
//! Commands run one after the other against one server, with the binary cargo built.

#[path = "generated/commands.rs"]
#[allow(dead_code)] // EXAMPLES are `sandbox_every_command.rs`'s
mod cases;

use std::io::Write as _;
use std::process::{Command, Stdio};

use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "dop_v1_generated_commands_test_token";

fn oxido(server: &MockServer, args: &[&str], stdin: &str, json: bool) -> std::process::Output {
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
    cmd.env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .env(
            "OXIDO_CONFIG_DIR",
            std::env::temp_dir().join("oxido-generated-commands-no-config"),
        )
        .env("COLUMNS", "100")
        .args([
            "--api-url",
            &server.uri(),
            "--token",
            TOKEN,
            "--retries",
            "0",
            "--timeout",
            "20s",
        ])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if json {
        cmd.args(["-o", "json"]);
    }
    let mut child = cmd.spawn().expect("oxido starts");
    let mut input = child.stdin.take().expect("stdin");
    input.write_all(stdin.as_bytes()).expect("body on stdin");
    drop(input);
    child.wait_with_output().expect("oxido ends")
}

fn case_args(case: &cases::Case) -> Vec<&'static str> {
    let mut args = case.args.to_vec();
    if case.list {
        args.extend(["--page", "1"]);
    }
    args
}

async fn answer_with(server: &MockServer, case: &cases::Case) {
    server.reset().await;
    let answer = ResponseTemplate::new(case.status);
    let answer = if case.answer.is_empty() {
        answer
    } else {
        answer.set_body_raw(case.answer, case.content_type)
    };
    Mock::given(any()).respond_with(answer).mount(server).await;
}

/// Answers for the lists whose spec has no example answer (realistic rows for the table snapshots,
/// in place of the case's schema-built sample).
fn fallback_answer(id: &str) -> Option<&'static str> {
    match id {
        "domains_list" => Some(
            r#"{"domains":[{"name":"example.com","ttl":1800,"zone_file":"$ORIGIN example.com."},{"name":"example.org","ttl":3600,"zone_file":null}],"links":{},"meta":{"total":2}}"#,
        ),
        "sshKeys_list" => Some(
            r#"{"ssh_keys":[{"id":289794,"fingerprint":"3b:16:e4:bf:8b:00:8b:b8:59:8c:a9:d3:f0:19:fa:45","public_key":"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample example","name":"My SSH Public Key"}],"links":{},"meta":{"total":1}}"#,
        ),
        _ => None,
    }
}

/// The tables of the 12 most used list commands, from the spec's example answers.
#[test]
fn tables_of_the_most_used_lists() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let server = runtime.block_on(MockServer::start());
    for id in [
        "droplets_list",
        "volumes_list",
        "images_list",
        "snapshots_list",
        "domains_list",
        "domains_list_records",
        "sshKeys_list",
        "firewalls_list",
        "loadBalancers_list",
        "kubernetes_list_clusters",
        "databases_list_clusters",
        "apps_list",
    ] {
        let case = cases::CASES
            .iter()
            .find(|c| c.operation_id == id)
            .unwrap_or_else(|| panic!("no case for {id}"));
        let answered = cases::Case {
            answer: fallback_answer(id).unwrap_or(case.answer),
            ..*case
        };
        runtime.block_on(answer_with(&server, &answered));
        let out = oxido(&server, &case_args(case), "", false);
        assert!(
            out.status.success(),
            "{id}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let table = String::from_utf8(out.stdout).expect("UTF-8 table");
        assert!(table.lines().count() >= 2, "{id}: {table}");
        insta::assert_snapshot!(id, table);
    }
}

/// What `-o json` must print for an answer whose envelope the spec does not name: the API's JSON
/// without its envelope (an object whose one member besides `links`/`meta` is an object or a list is
/// that member), as the CLI documents.
fn strip_envelope(answer: Value) -> Value {
    let Value::Object(fields) = &answer else {
        return answer;
    };
    let mut members = fields
        .iter()
        .filter(|(k, _)| k.as_str() != "links" && k.as_str() != "meta");
    match (members.next(), members.next()) {
        (Some((_, inner)), None) if inner.is_object() || inner.is_array() => inner.clone(),
        _ => answer,
    }
}

/// Everything wrong with one case's run: the request sent, the exit status and what `-o json` printed.
fn check_case(case: &cases::Case, out: &std::process::Output, requests: &[Request]) -> Vec<String> {
    let mut failures = Vec::new();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        failures.push(format!("exit {:?}: {}", out.status.code(), stderr.trim()));
    }
    let [request] = requests else {
        failures.push(format!("{} requests sent", requests.len()));
        return failures;
    };
    if request.method.as_str() != case.method {
        failures.push(format!(
            "method {} instead of {}",
            request.method, case.method
        ));
    }
    if request.url.path() != case.path {
        failures.push(format!(
            "path {} instead of {}",
            request.url.path(),
            case.path
        ));
    }
    let mut sent: Vec<(String, String)> = request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut wanted: Vec<(String, String)> = case
        .query
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    if case.list {
        wanted.push(("page".to_owned(), "1".to_owned()));
        // The page size is the CLI's choice; its name and presence are what matter here.
        sent.retain(|(k, _)| k != "per_page");
    }
    sent.sort();
    wanted.sort();
    if sent != wanted {
        failures.push(format!("query {sent:?} instead of {wanted:?}"));
    }
    if case.body.is_empty() {
        if !request.body.is_empty() {
            failures.push("a body was sent for a command without one".to_owned());
        }
    } else {
        let expected: Value = serde_json::from_str(case.body).expect("the case's body is JSON");
        match serde_json::from_slice::<Value>(&request.body) {
            Ok(sent) if same_fields(&sent, &expected) => {}
            Ok(sent) => failures.push(format!("body {sent} instead of {expected}")),
            Err(e) => failures.push(format!("the body sent is not JSON: {e}")),
        }
    }
    if !out.status.success() {
        return failures;
    }
    if case.answer.is_empty() {
        if !out.stdout.is_empty() {
            failures.push(format!(
                "printed {} bytes for an empty answer",
                out.stdout.len()
            ));
        }
    } else if case.content_type != "application/json" {
        if out.stdout != case.answer.as_bytes() {
            failures.push(format!(
                "printed {:?} instead of the answer as sent",
                String::from_utf8_lossy(&out.stdout)
            ));
        }
    } else {
        let answer: Value = serde_json::from_str(case.answer).expect("JSON answer");
        let expected = if case.envelope.is_empty() {
            strip_envelope(answer)
        } else {
            answer[case.envelope].clone()
        };
        match serde_json::from_slice::<Value>(&out.stdout) {
            Ok(printed) if printed == expected => {}
            Ok(printed) => failures.push(format!(
                "-o json printed {} instead of {}",
                cut(&printed.to_string()),
                cut(&expected.to_string())
            )),
            Err(e) => failures.push(format!("-o json printed no JSON: {e}")),
        }
    }
    failures
}

fn cut(text: &str) -> String {
    match text.char_indices().nth(300) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

#[test]
fn every_generated_command_sends_its_request_and_prints_json() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let server = runtime.block_on(MockServer::start());
    let mut failures = Vec::new();
    let mut known = Vec::new();
    for case in cases::CASES {
        runtime.block_on(answer_with(&server, case));
        let out = oxido(&server, &case_args(case), case.body, true);
        let requests = runtime
            .block_on(server.received_requests())
            .unwrap_or_default();
        let id = case.operation_id;
        let found = check_case(case, &out, &requests);
        match (known_defect(id), found.is_empty()) {
            (Some(_), true) => failures.push(format!(
                "{id}: listed in KNOWN_DEFECTS but passes every check now; remove it"
            )),
            (Some(_), false) => known.push(id),
            (None, true) => {}
            (None, false) => failures.push(format!("{id}: {}", found.join("; "))),
        }
    }
    let stale: Vec<&str> = KNOWN_DEFECTS
        .iter()
        .map(|(id, _)| *id)
        .filter(|id| !cases::CASES.iter().any(|c| c.operation_id == *id))
        .collect();
    assert!(stale.is_empty(), "KNOWN_DEFECTS names no case: {stale:?}");
    assert!(
        failures.is_empty(),
        "{} of {} generated commands failed ({} listed defects):\n{}",
        failures.len(),
        cases::CASES.len(),
        known.len(),
        failures.join("\n")
    );
    assert!(cases::CASES.len() >= 450, "{} cases", cases::CASES.len());
}

/// Commands that cannot pass every check, each with the reason. An entry that starts to pass, or
/// names no case, fails the test.
const KNOWN_DEFECTS: &[(&str, &str)] = &[];

fn known_defect(id: &str) -> Option<&'static str> {
    KNOWN_DEFECTS
        .iter()
        .find(|(known, _)| *known == id)
        .map(|(_, why)| *why)
}

/// The body sent carries what the example body does: each field equal, except that absent
/// and `null` are the same (the SDK's types leave unset options out).
fn same_fields(sent: &Value, expected: &Value) -> bool {
    match (sent, expected) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            keys.into_iter().all(|k| {
                same_fields(
                    a.get(k).unwrap_or(&Value::Null),
                    b.get(k).unwrap_or(&Value::Null),
                )
            })
        }
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_fields(x, y))
        }
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (a, b) => a == b,
    }
}

fn mount(
    runtime: &tokio::runtime::Runtime,
    server: &MockServer,
    status: u16,
    body: &'static str,
    content_type: &str,
) {
    runtime.block_on(async {
        server.reset().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(status).set_body_raw(body, content_type))
            .mount(server)
            .await;
    });
}

fn start() -> (tokio::runtime::Runtime, MockServer) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let server = runtime.block_on(MockServer::start());
    (runtime, server)
}

#[test]
fn body_flags_override_the_body_file_and_a_bad_field_is_a_usage_error_before_sending() {
    let (runtime, server) = start();
    mount(
        &runtime,
        &server,
        201,
        r#"{"ssh_key":{"id":1,"name":"flag","public_key":"ssh-ed25519 AAAA k","fingerprint":"f"}}"#,
        "application/json",
    );
    let out = oxido(
        &server,
        &["ssh-keys", "create", "--body", "-", "--name", "flag"],
        r#"{"name":"file","public_key":"ssh-ed25519 AAAA k"}"#,
        true,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let requests = runtime
        .block_on(server.received_requests())
        .unwrap_or_default();
    let sent: Value = serde_json::from_slice(&requests[0].body).expect("JSON body");
    assert_eq!(
        sent,
        serde_json::json!({"name": "flag", "public_key": "ssh-ed25519 AAAA k"})
    );

    runtime.block_on(server.reset());
    let out = oxido(
        &server,
        &["ssh-keys", "create", "--name", "only-a-name"],
        "",
        true,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("public_key"), "{err}");
    let out = oxido(
        &server,
        &[
            "droplets",
            "create",
            "--name",
            "web-1",
            "--region",
            "nyc3",
            "--size",
            "s-1vcpu-1gb",
        ],
        "",
        true,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("missing field `image`"), "{err}");
    assert!(
        runtime
            .block_on(server.received_requests())
            .unwrap_or_default()
            .is_empty()
    );
}

#[test]
fn format_takes_dotted_paths_and_non_json_answers_are_copied_as_sent() {
    let (runtime, server) = start();
    let case = cases::CASES
        .iter()
        .find(|c| c.operation_id == "droplets_get")
        .expect("droplets_get case");
    mount(&runtime, &server, 200, case.answer, "application/json");
    let out = oxido(
        &server,
        &[
            "droplets",
            "get",
            "7",
            "--format",
            "id,region.slug,networks.v4.0.ip_address",
            "--no-header",
        ],
        "",
        false,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answer: Value = serde_json::from_str(case.answer).expect("JSON");
    let droplet = &answer["droplet"];
    let expected = format!(
        "{}   {}   {}\n",
        droplet["id"],
        droplet["region"]["slug"].as_str().expect("slug"),
        droplet["networks"]["v4"][0]["ip_address"]
            .as_str()
            .expect("ip")
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected);

    mount(
        &runtime,
        &server,
        200,
        "apiVersion: v1\nkind: Config\n",
        "application/yaml",
    );
    let out = oxido(
        &server,
        &[
            "kubernetes",
            "get-kubeconfig",
            "bd5f5959-5e1e-4205-a714-a914373942af",
        ],
        "",
        false,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.stdout, b"apiVersion: v1\nkind: Config\n");
}

#[test]
fn completion_covers_every_generated_command() {
    let (_runtime, server) = start();
    let out = oxido(&server, &["completion", "bash"], "", false);
    assert!(out.status.success());
    let script = String::from_utf8_lossy(&out.stdout);
    for word in [
        "get-kubeconfig",
        "floating-ips-action",
        "droplet-action",
        "destroy-with-associated-resources-dangerous",
    ] {
        assert!(
            script.contains(word),
            "{word} missing from the completion script"
        );
    }
}

fn volume_action(status: &str) -> String {
    format!(
        r#"{{"action":{{"id":72531856,"status":"{status}","type":"attach_volume","started_at":"2020-11-12T17:51:03Z","completed_at":null,"resource_id":null,"resource_type":"volume","region":null,"region_slug":"nyc1"}}}}"#
    )
}

/// `--wait` on a generated action command polls the action: exit 0 when it completes, 7
/// when it errors.
#[test]
fn wait_polls_a_generated_commands_action_to_its_end() {
    use wiremock::matchers::{method, path};
    let (runtime, server) = start();
    for (end, code) in [("completed", 0), ("errored", 7)] {
        runtime.block_on(async {
            server.reset().await;
            Mock::given(method("POST"))
                .and(path(
                    "/v2/volumes/7724db7c-e098-11e5-b522-000f53304e51/actions",
                ))
                .respond_with(
                    ResponseTemplate::new(202)
                        .set_body_raw(volume_action("in-progress"), "application/json"),
                )
                .mount(&server)
                .await;
            Mock::given(method("GET"))
                .and(path("/v2/actions/72531856"))
                .respond_with(
                    ResponseTemplate::new(200).set_body_raw(volume_action(end), "application/json"),
                )
                .mount(&server)
                .await;
        });
        let out = oxido(
            &server,
            &[
                "volume-actions",
                "post-by-id",
                "7724db7c-e098-11e5-b522-000f53304e51",
                "--type",
                "attach",
                "--droplet-id",
                "11612190",
                "--wait",
                "--wait-timeout",
                "60s",
            ],
            "",
            false,
        );
        assert_eq!(
            out.status.code(),
            Some(code),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains(end));
        let polls = runtime
            .block_on(server.received_requests())
            .unwrap_or_default()
            .iter()
            .filter(|r| r.method.as_str() == "GET")
            .count();
        assert!(polls >= 1);
    }
}
