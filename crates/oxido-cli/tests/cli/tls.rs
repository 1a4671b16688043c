//! `oxido` against an emulator serving HTTPS with its own CA: trusted through `--cacert`
//! or `SSL_CERT_FILE`, refused without either.

use crate::common::{Harness, stderr, stdout};

/// An HTTPS emulator and its CA written to a file in the harness's private directory.
fn https() -> (Harness, std::path::PathBuf) {
    let harness = Harness::start_with(|builder| builder.tls(true));
    assert!(harness.sim.base_url().starts_with("https://"));
    let ca = harness.config_dir.path().join("oxido-sim-ca.pem");
    std::fs::write(&ca, harness.sim.ca_pem().expect("a generated CA")).unwrap();
    (harness, ca)
}

const ARGS: [&str; 5] = ["droplet-action", "get", "3164444", "36804636", "-ojson"];

#[test]
fn cacert_makes_the_cli_trust_the_emulator() {
    let (harness, ca) = https();
    let output = harness
        .oxido()
        .env_remove("SSL_CERT_FILE")
        .arg("--cacert")
        .arg(&ca)
        .args(ARGS)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("36804636"), "{}", stdout(&output));
}

#[test]
fn ssl_cert_file_is_honoured_when_cacert_is_absent() {
    let (harness, ca) = https();
    let output = harness
        .oxido()
        .env("SSL_CERT_FILE", &ca)
        .args(ARGS)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("36804636"), "{}", stdout(&output));
}

#[test]
fn without_the_ca_the_cli_refuses_the_server() {
    let (harness, _ca) = https();
    let output = harness
        .oxido()
        .env_remove("SSL_CERT_FILE")
        .args(ARGS)
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("certificate"),
        "{}",
        stderr(&output)
    );
    assert!(stdout(&output).is_empty(), "{}", stdout(&output));
    assert!(harness.sim.requests().is_empty(), "nothing reached the API");
}

#[test]
fn an_unreadable_or_empty_ca_file_is_named() {
    let (harness, _ca) = https();
    let missing = harness.config_dir.path().join("missing.pem");
    let output = harness
        .oxido()
        .arg("--cacert")
        .arg(&missing)
        .args(ARGS)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("--cacert"), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("missing.pem"),
        "{}",
        stderr(&output)
    );

    let empty = harness.config_dir.path().join("empty.pem");
    std::fs::write(&empty, "").unwrap();
    let output = harness
        .oxido()
        .env("SSL_CERT_FILE", &empty)
        .args(ARGS)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("SSL_CERT_FILE"),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("no PEM certificate"),
        "{}",
        stderr(&output)
    );
}

/// An ambient `SSL_CERT_FILE` (CI images set it to the system bundle) is not parsed when every
/// request is plain HTTP to the API: it cannot matter there, and parsing it doubled a one-shot
/// command's CPU time. `--cacert` is still checked, and so is the variable for a command that
/// reaches the inference host over HTTPS.
#[test]
fn an_ambient_ca_file_is_skipped_only_where_no_request_can_use_it() {
    let harness = Harness::start();
    assert!(harness.sim.base_url().starts_with("http://"));
    let bad = harness.config_dir.path().join("bad.pem");
    std::fs::write(&bad, "not a certificate").unwrap();

    let output = harness
        .oxido()
        .env("SSL_CERT_FILE", &bad)
        .args(ARGS)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("36804636"), "{}", stdout(&output));

    let output = harness
        .oxido()
        .arg("--cacert")
        .arg(&bad)
        .args(ARGS)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("--cacert"), "{}", stderr(&output));

    let before = harness.sim.requests().len();
    let output = harness
        .oxido()
        .env("SSL_CERT_FILE", &bad)
        .args(["inference", "list-models"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("SSL_CERT_FILE"),
        "{}",
        stderr(&output)
    );
    assert_eq!(harness.sim.requests().len(), before, "nothing was sent");
}
