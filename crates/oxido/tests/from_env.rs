//! `Client::from_env` against a real process environment, set on a child process so this test process's own
//! environment is never changed.

use std::process::Command;

const CHILD_FLAG: &str = "OXIDO_FROM_ENV_CHILD";

/// Run only as the child below: prints what `from_env` built from the variables it was given.
#[test]
#[ignore = "run by from_env_reads_the_process_environment in a child process"]
fn from_env_child() {
    if std::env::var_os(CHILD_FLAG).is_none() {
        return;
    }
    match oxido::Client::from_env() {
        Ok(client) => println!("CHILD-RESULT ok {}", client.base_url()),
        Err(err) => println!("CHILD-RESULT err {err}"),
    }
}

fn run_child(vars: &[(&str, &str)]) -> String {
    let mut command = Command::new(std::env::current_exe().expect("test binary"));
    command
        .args(["--exact", "from_env_child", "--ignored", "--nocapture"])
        .env(CHILD_FLAG, "1");
    for name in [
        "DIGITALOCEAN_TOKEN",
        "DIGITALOCEAN_ACCESS_TOKEN",
        "DIGITALOCEAN_API_URL",
    ] {
        command.env_remove(name);
    }
    for (name, value) in vars {
        command.env(name, value);
    }
    let output = command.output().expect("child ran");
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    stdout
        .lines()
        .find_map(|line| line.strip_prefix("CHILD-RESULT "))
        .expect("the child printed its result")
        .to_owned()
}

#[test]
fn from_env_reads_the_process_environment() {
    assert_eq!(
        run_child(&[
            ("DIGITALOCEAN_ACCESS_TOKEN", "second"),
            ("DIGITALOCEAN_API_URL", "http://127.0.0.1:3000/sim"),
        ]),
        "ok http://127.0.0.1:3000/sim"
    );
    assert_eq!(
        run_child(&[
            ("DIGITALOCEAN_TOKEN", "first"),
            ("DIGITALOCEAN_API_URL", "")
        ]),
        "ok https://api.digitalocean.com/"
    );
    let missing = run_child(&[("DIGITALOCEAN_TOKEN", " ")]);
    assert!(
        missing.starts_with("err ") && missing.contains("DIGITALOCEAN_ACCESS_TOKEN"),
        "{missing}"
    );
}
