//! Bodies without writing JSON: YAML `--body`, `@file`, comma lists, object flags (`--spec
//! app.yaml`), doctl's compact `--inbound-rules` and `--node-pool`, `--body-template`, the
//! spec's limits checked before sending, and no flags for read-only fields.

use serde_json::Value;

use crate::common::{Harness, stderr, stdout};

/// The body of the last request to exactly `method path` the emulator saw.
fn sent(h: &Harness, method: &str, path: &str) -> Value {
    let request = h
        .sim
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.method == method && r.path == path)
        .unwrap_or_else(|| panic!("no {method} {path}"));
    serde_json::from_str(&request.body).expect("a JSON body")
}

#[test]
fn body_takes_yaml_by_content() {
    let h = Harness::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("droplet.yaml");
    std::fs::write(
        &file,
        "name: from-yaml\nregion: nyc3\nsize: s-1vcpu-1gb\nimage: ubuntu-20-04-x64\ntags: [web, prod]\n",
    )
    .unwrap();
    let out = h
        .oxido()
        .args(["droplets", "create", "--body"])
        .arg(&file)
        .args(["--format", "name,tags", "--no-header"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out).split_whitespace().collect::<Vec<_>>(),
        ["from-yaml", "web,prod"]
    );
    let body = sent(&h, "POST", "/v2/droplets");
    assert_eq!(body["tags"], serde_json::json!(["web", "prod"]));

    std::fs::write(&file, "name: [unclosed\n").unwrap();
    let out = h
        .oxido()
        .args(["droplets", "create", "--body"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--body"), "{}", stderr(&out));
}

#[test]
fn comma_lists_split_and_ids_stay_numbers() {
    let h = Harness::start();
    let out = h
        .oxido()
        .args(["droplets", "create", "--name", "web-1", "--region", "nyc3"])
        .args(["--size", "s-1vcpu-1gb", "--image", "ubuntu-20-04-x64"])
        .args([
            "--ssh-keys",
            "512189,3b:16:bf:e4:8b:00:8b:b8:59:8c:a9:d3:f0:19:45:fa",
        ])
        .args(["--tags", "web,env:prod", "--tags", "extra"])
        .args(["--format", "id", "--no-header"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let body = sent(&h, "POST", "/v2/droplets");
    assert_eq!(
        body["ssh_keys"],
        serde_json::json!([512189, "3b:16:bf:e4:8b:00:8b:b8:59:8c:a9:d3:f0:19:45:fa"])
    );
    assert_eq!(
        body["tags"],
        serde_json::json!(["web", "env:prod", "extra"])
    );
}

#[test]
fn at_file_reads_a_string_flag_from_a_file() {
    let h = Harness::start();
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("id.pub");
    let text =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAII1Fz8XbgcmtQwrlRqsOaM3P5l0nPBIyfM0soMyfZPeb me@host";
    std::fs::write(&key, format!("{text}\n")).unwrap();
    let out = h
        .oxido()
        .args(["ssh-keys", "create", "--name", "laptop", "--public-key"])
        .arg(format!("@{}", key.display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(sent(&h, "POST", "/v2/account/keys")["public_key"], text);

    let out = h
        .oxido()
        .args([
            "ssh-keys",
            "create",
            "--name",
            "x",
            "--public-key",
            "@/nonexistent/key.pub",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--public-key @/nonexistent/key.pub"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn apps_create_takes_the_bare_spec_from_a_yaml_file() {
    let h = Harness::start();
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("app.yaml");
    std::fs::write(
        &spec,
        "name: web-app\nregion: ams\nservices:\n  - name: web\n    git:\n      repo_clone_url: https://github.com/digitalocean/sample-golang.git\n      branch: main\n",
    )
    .unwrap();
    let out = h
        .oxido()
        .args(["apps", "create", "--spec"])
        .arg(&spec)
        .args(["--format", "spec.name", "--no-header"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), "web-app");
    let body = sent(&h, "POST", "/v2/apps");
    assert_eq!(body["spec"]["services"][0]["name"], "web");
}

#[test]
fn doctl_compact_firewall_rules_and_node_pools() {
    let h = Harness::start();
    let out = h
        .oxido()
        .args(["firewalls", "create", "--name", "web-fw", "--tags", "web"])
        .args([
            "--inbound-rules",
            "protocol:tcp,ports:22,address:0.0.0.0/0 protocol:tcp,ports:80,tag:lb",
        ])
        .args([
            "--outbound-rules",
            "protocol:udp,ports:53,address:0.0.0.0/0",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let body = sent(&h, "POST", "/v2/firewalls");
    assert_eq!(
        body["inbound_rules"],
        serde_json::json!([
            {"protocol": "tcp", "ports": "22", "sources": {"addresses": ["0.0.0.0/0"]}},
            {"protocol": "tcp", "ports": "80", "sources": {"tags": ["lb"]}}
        ])
    );
    assert_eq!(
        body["outbound_rules"][0]["destinations"]["addresses"],
        serde_json::json!(["0.0.0.0/0"])
    );

    let out = h
        .oxido()
        .args([
            "k8s",
            "create-cluster",
            "--name",
            "prod",
            "--region",
            "nyc1",
        ])
        .args(["--version", "1.31.9-do.2"])
        .args([
            "--node-pool",
            "name=workers;size=s-2vcpu-4gb;count=3;tag=web",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let body = sent(&h, "POST", "/v2/kubernetes/clusters");
    assert_eq!(body["version"], "1.31.9-do.2");
    assert_eq!(
        body["node_pools"],
        serde_json::json!([{"name": "workers", "size": "s-2vcpu-4gb", "count": 3, "tags": ["web"]}])
    );
    // The old spelling still works.
    let out = h
        .oxido()
        .args([
            "kubernetes",
            "create-cluster",
            "--name",
            "old",
            "--region",
            "nyc1",
        ])
        .args(["--body-version", "1.31.9-do.2", "--node-pools"])
        .arg(r#"[{"name": "p", "size": "s-1vcpu-2gb", "count": 1}]"#)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn spec_limits_are_checked_before_sending_naming_the_flag() {
    let h = Harness::start();
    let before = h.requests_to("/v2/volumes");
    let out = h
        .oxido()
        .args(["volumes", "create", "--name", "v", "--region", "nyc1"])
        .args(["--size-gigabytes", "-5"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--size-gigabytes -5: must be at least 1"),
        "{}",
        stderr(&out)
    );
    assert_eq!(h.requests_to("/v2/volumes"), before, "nothing was sent");
}

#[test]
fn read_only_fields_are_not_flags() {
    let h = Harness::start();
    for flag in ["--id", "--created-at", "--status"] {
        let out = h
            .oxido()
            .args([
                "volumes", "create", "--name", "v", "--region", "nyc1", flag, "x",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{flag}");
        assert!(
            stderr(&out).contains("unexpected argument"),
            "{flag}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn body_template_prints_a_body_to_fill_in_and_sends_nothing() {
    let h = Harness::start();
    let before = h.sim.requests().len();
    let out = h
        .oxido()
        .args(["volumes", "create", "--body-template"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let template: Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert!(template.get("size_gigabytes").is_some(), "{template}");
    // Even a command with required arguments prints it without them.
    let out = h
        .oxido()
        .args(["domains", "create-record", "--body-template"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(h.sim.requests().len(), before);
}
