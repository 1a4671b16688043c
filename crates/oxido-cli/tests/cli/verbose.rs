//! `-v` request lines, `-vv` headers, `-vvv` bodies: on stderr only, and never the token.

use crate::common::{Harness, TOKEN, stderr, stdout};

fn run(h: &Harness, verbosity: &str, args: &[&str]) -> (String, String) {
    let output = h
        .oxido_std()
        .arg(verbosity)
        .args(args)
        .output()
        .expect("oxido runs");
    assert!(output.status.success(), "{}", stderr(&output));
    (stdout(&output), stderr(&output))
}

#[test]
fn each_v_adds_headers_then_bodies_and_the_token_never_shows() {
    let h = Harness::start();
    let create = ["tags", "create", "--name", "verbose-web", "-o", "json"];

    let (out, err) = run(&h, "-v", &create);
    assert!(err.contains("> POST /v2/tags -> 201"), "{err}");
    assert!(!err.contains("content-type"), "-v shows no headers: {err}");
    assert!(!out.contains("> POST"), "logs stay off stdout: {out}");

    let (_, err) = run(&h, "-vv", &["tags", "get", "verbose-web"]);
    assert!(
        err.contains("> GET /v2/tags/verbose-web http request headers"),
        "{err}"
    );
    assert!(err.contains(">   authorization: [redacted]"), "{err}");
    assert!(err.contains(">   accept: application/json"), "{err}");
    assert!(
        err.contains("< GET /v2/tags/verbose-web http response headers"),
        "{err}"
    );
    assert!(err.contains("<   content-type: application/json"), "{err}");
    assert!(
        !err.contains("http response body"),
        "-vv shows no bodies: {err}"
    );

    let (_, err) = run(&h, "-vvv", &["tags", "create", "--name", "verbose-db"]);
    assert!(err.contains("> POST /v2/tags http request body"), "{err}");
    assert!(err.contains(r#"{"name":"verbose-db"}"#), "{err}");
    assert!(err.contains("< POST /v2/tags http response body"), "{err}");
    assert!(err.contains(r#""name":"verbose-db""#), "{err}");

    for verbosity in ["-v", "-vv", "-vvv"] {
        let (out, err) = run(&h, verbosity, &["account", "get"]);
        for text in [&out, &err] {
            assert!(!text.contains(TOKEN), "token leaked at {verbosity}: {text}");
            assert!(
                !text.to_ascii_lowercase().contains("bearer"),
                "authorization leaked at {verbosity}: {text}"
            );
        }
    }
}
