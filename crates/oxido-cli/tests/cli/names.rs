//! Names a doctl user types: short aliases, `databases list` for clusters, the curated commands
//! under their generated names, group descriptions, and `oxido search`.

use crate::common::{Harness, stderr, stdout};

#[test]
fn doctl_aliases_reach_the_same_commands() {
    let h = Harness::start();
    let long = h.oxido().args(["droplets", "list"]).output().unwrap();
    let short = h.oxido().args(["droplet", "ls"]).output().unwrap();
    assert!(short.status.success(), "{}", stderr(&short));
    assert_eq!(stdout(&long), stdout(&short));

    let out = h
        .oxido()
        .args(["k8s", "ls", "--format", "id"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));

    let out = h
        .oxido()
        .args(["ssh-keys", "rm", "--force", "512189"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));

    for args in [["actions", "list"], ["droplet-actions", "--help"]] {
        let out = h.oxido().args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn databases_list_lists_clusters_and_list_dbs_a_clusters_databases() {
    let h = Harness::start();
    let clusters = h
        .oxido()
        .args(["db", "list", "-o", "json"])
        .output()
        .unwrap();
    assert!(clusters.status.success(), "{}", stderr(&clusters));
    let clusters: serde_json::Value = serde_json::from_str(&stdout(&clusters)).unwrap();
    let first = &clusters[0];
    assert!(first.get("engine").is_some(), "a cluster: {first}");
    let old = h
        .oxido()
        .args(["databases", "list-clusters", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&stdout(&old)).unwrap(),
        clusters
    );
    let id = first["id"].as_str().unwrap();
    let dbs = h
        .oxido()
        .args(["databases", "list-dbs", id])
        .output()
        .unwrap();
    assert!(dbs.status.success(), "{}", stderr(&dbs));
}

#[test]
fn every_group_has_a_description_and_search_finds_commands() {
    let h = Harness::start();
    let out = h.bare().arg("--help").output().unwrap();
    let help = stdout(&out);
    let generic: Vec<&str> = help
        .lines()
        .filter(|l| l.contains("[generated] the `"))
        .collect();
    assert!(
        generic.is_empty(),
        "groups without a description: {generic:?}"
    );
    assert!(help.contains("DNS domains and their records"), "{help}");

    let out = h
        .bare()
        .args(["search", "domain", "record"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let found = stdout(&out);
    assert!(found.contains("oxido domains create-record"), "{found}");
    assert!(!found.contains("oxido droplets"), "{found}");

    let out = h
        .bare()
        .args(["search", "no-such-thing-xyz"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
