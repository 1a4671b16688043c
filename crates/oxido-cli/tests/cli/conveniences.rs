//! doctl's conveniences: `account ratelimit` and `kubernetes kubeconfig save`.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::common::{Harness, stdout};

#[test]
fn account_ratelimit_shows_the_limit_the_last_answer_reported() {
    let h = Harness::start();
    let table = h
        .oxido()
        .args(["account", "ratelimit"])
        .output()
        .expect("runs");
    assert!(table.status.success());
    let text = stdout(&table);
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("a header").split_whitespace().collect();
    assert_eq!(header, ["Limit", "Remaining", "Reset"]);
    let row: Vec<&str> = lines.next().expect("a row").split_whitespace().collect();
    assert_eq!(row[0], "5000", "{text}");
    let remaining: u64 = row[1].parse().expect("a number");
    assert!(remaining < 5000, "{text}");
    assert!(row[2].ends_with('Z'), "an RFC 3339 time: {text}");

    let json = h
        .oxido()
        .args(["account", "ratelimit", "-o", "json"])
        .output()
        .expect("runs");
    assert!(json.status.success());
    let value: Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(value["limit"], 5000);
    assert!(value["remaining"].as_u64().expect("a number") < remaining);
    assert!(value["reset"].as_u64().expect("unix seconds") > 1_700_000_000);
    assert!(value["reset_in_seconds"].as_u64().expect("seconds") <= 3600);
    assert_eq!(h.requests_to("/v2/account"), 2, "one cheap request each");
}

/// A cluster made in the emulator, and its id.
fn cluster(h: &Harness) -> String {
    let made = h
        .oxido()
        .args([
            "k8s",
            "create",
            "--name",
            "kube-save",
            "--region",
            "nyc1",
            "--version",
            "1.31.9-do.2",
            "--node-pool",
            "name=w;size=s-1vcpu-2gb;count=1",
            "-o",
            "json",
        ])
        .output()
        .expect("runs");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let value: Value = serde_json::from_slice(&made.stdout).expect("JSON");
    value["id"].as_str().expect("an id").to_owned()
}

fn yaml(path: &Path) -> Value {
    serde_saphyr::from_str(&fs::read_to_string(path).expect("readable")).expect("YAML")
}

fn names(config: &Value, list: &str) -> Vec<String> {
    config[list]
        .as_array()
        .expect("a list")
        .iter()
        .map(|entry| entry["name"].as_str().expect("a name").to_owned())
        .collect()
}

#[test]
fn kubeconfig_save_creates_a_private_config_under_home() {
    let h = Harness::start();
    let id = cluster(&h);
    let home = tempfile::tempdir().expect("temp dir");
    let saved = h
        .oxido()
        .env("HOME", home.path())
        .env_remove("KUBECONFIG")
        .args(["k8s", "kubeconfig", "save", &id])
        .output()
        .expect("runs");
    assert!(
        saved.status.success(),
        "{}",
        String::from_utf8_lossy(&saved.stderr)
    );
    let path = home.path().join(".kube").join("config");
    assert!(stdout(&saved).contains(&path.display().to_string()));
    let config = yaml(&path);
    let context = names(&config, "contexts").remove(0);
    assert_eq!(config["current-context"], context.as_str());
    assert_eq!(names(&config, "clusters").len(), 1);
    assert_eq!(names(&config, "users").len(), 1);
    assert!(!home.path().join(".kube").join("config.bak").exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&path).expect("exists").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn kubeconfig_save_merges_into_kubeconfig_keeps_a_backup_and_leaves_other_entries() {
    let h = Harness::start();
    let id = cluster(&h);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("kube.yaml");
    let other = dir.path().join("second.yaml");
    let old = "apiVersion: v1\nkind: Config\nclusters:\n- name: mine\n  cluster:\n    server: https://127.0.0.1:6443\n- name: do-nyc1-kube-save\n  cluster:\n    server: https://stale.example\ncontexts:\n- name: mine\n  context:\n    cluster: mine\n    user: me\nusers:\n- name: me\n  user:\n    token: local\ncurrent-context: mine\n";
    fs::write(&path, old).expect("written");
    let list = std::env::join_paths([&path, &other]).expect("joinable");
    let save = |extra: &[&str]| {
        h.oxido()
            .env("KUBECONFIG", &list)
            .args(["kubernetes", "kubeconfig", "save", &id])
            .args(extra)
            .output()
            .expect("runs")
    };

    let kept = save(&["--set-current-context=false"]);
    assert!(
        kept.status.success(),
        "{}",
        String::from_utf8_lossy(&kept.stderr)
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("kube.yaml.bak")).expect("backup"),
        old
    );
    assert!(!other.exists(), "only the first KUBECONFIG path is written");
    let config = yaml(&path);
    assert_eq!(config["current-context"], "mine");
    assert_eq!(names(&config, "clusters"), ["mine", "do-nyc1-kube-save"]);
    let replaced = &config["clusters"][1]["cluster"]["server"];
    assert_ne!(replaced, "https://stale.example", "same name replaced");
    assert_eq!(names(&config, "users"), ["me", "do-nyc1-kube-save-admin"]);
    assert_eq!(names(&config, "contexts"), ["mine", "do-nyc1-kube-save"]);

    let switched = save(&[]);
    assert!(switched.status.success());
    let config = yaml(&path);
    assert_eq!(config["current-context"], "do-nyc1-kube-save");
    assert_eq!(
        names(&config, "clusters").len(),
        2,
        "saved twice, still one entry"
    );
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .expect("listable")
        .map(|entry| entry.expect("entry").file_name())
        .filter(|name| name.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temp files left: {leftovers:?}");
}

#[test]
fn a_broken_kubeconfig_is_left_alone_and_nothing_is_sent() {
    let h = Harness::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("config");
    fs::write(&path, "clusters: [unclosed\n").expect("written");
    h.oxido()
        .env("KUBECONFIG", &path)
        .args(["k8s", "kubeconfig", "save", "some-cluster"])
        .assert()
        .code(2)
        .stdout("");
    assert_eq!(
        fs::read_to_string(&path).expect("kept"),
        "clusters: [unclosed\n"
    );
    assert_eq!(h.requests_to("/v2/kubernetes"), 0);
}

#[test]
fn search_finds_the_conveniences() {
    let h = Harness::start();
    let found = h
        .oxido()
        .args(["search", "kubeconfig", "save"])
        .output()
        .expect("runs");
    assert!(found.status.success());
    assert!(
        stdout(&found).contains("oxido kubernetes kubeconfig save"),
        "{}",
        stdout(&found)
    );
    let found = h
        .oxido()
        .args(["search", "rate", "limit"])
        .output()
        .expect("runs");
    assert!(
        stdout(&found).contains("oxido account ratelimit"),
        "{}",
        stdout(&found)
    );
}
