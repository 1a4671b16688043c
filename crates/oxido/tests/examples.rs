//! Runs the everyday-task programs of `crates/oxido/examples` in order against one `oxido-sim`, as a user
//! would run them against the real API: built binaries, configured only by `DIGITALOCEAN_TOKEN` and
//! `DIGITALOCEAN_API_URL`. Each must exit 0 and print the line that shows its task was done.
//!
//! `cargo test` builds the examples next to this test (`target/<profile>/examples/`); when running this
//! test alone, build them first: `cargo build -p oxido --examples && cargo test -p oxido --test examples`.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use oxido_sim::{Seed, Sim};

/// How long one example may run; the emulator's actions take 100 ms, so each finishes in seconds.
const EXAMPLE_TIMEOUT: Duration = Duration::from_secs(60);

/// Where cargo puts the example binaries: `examples/` beside the `deps/` directory holding this test.
fn examples_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let deps = exe.parent().expect("the test binary's directory");
    deps.parent()
        .expect("the profile directory above deps/")
        .join("examples")
}

/// Runs one example with the environment pointing at `sim`, within [`EXAMPLE_TIMEOUT`], and returns its
/// standard output after checking that it exited 0.
fn run(sim: &Sim, name: &str, args: &[&str]) -> String {
    let path = examples_dir().join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.is_file(),
        "{} is missing: run `cargo build -p oxido --examples` first (`cargo test` builds it)",
        path.display()
    );
    let mut command = Command::new(&path);
    command
        .args(args)
        .env("DIGITALOCEAN_TOKEN", sim.token())
        .env("DIGITALOCEAN_API_URL", sim.base_url())
        .env_remove("DIGITALOCEAN_ACCESS_TOKEN")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // Nothing may leave the machine: no proxy, whatever the environment says.
    for proxy in ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"] {
        command.env_remove(proxy).env_remove(proxy.to_lowercase());
    }
    let mut child = command.spawn().expect("the example starts");
    let started = Instant::now();
    while child.try_wait().expect("the example's status").is_none() {
        if started.elapsed() > EXAMPLE_TIMEOUT {
            let _ = child.kill();
            let output = child
                .wait_with_output()
                .expect("the killed example's output");
            panic!(
                "{name} ran past {EXAMPLE_TIMEOUT:?}; stdout:\n{}\nstderr:\n{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().expect("the example's output");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{name} {args:?} failed ({}); stdout:\n{stdout}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// Asserts that `output` has a line starting with `prefix` and containing `part`, and returns that line.
fn line<'a>(name: &str, output: &'a str, prefix: &str, part: &str) -> &'a str {
    output
        .lines()
        .find(|line| line.starts_with(prefix) && line.contains(part))
        .unwrap_or_else(|| panic!("{name} printed no line `{prefix}…{part}…`:\n{output}"))
}

#[test]
fn every_everyday_task_runs_against_the_emulator() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime for the emulator");
    let sim = runtime
        .block_on(
            Sim::builder()
                .seed(Seed::Demo)
                .action_duration(Duration::from_millis(100))
                .start(),
        )
        .expect("the emulator starts");

    let out = run(&sim, "create_droplet", &[]);
    let created = line(
        "create_droplet",
        &out,
        "droplet ",
        " oxido-example-1 is active with key ",
    );
    let droplet = created
        .split_whitespace()
        .nth(1)
        .expect("create_droplet printed the droplet's id");
    assert!(droplet.parse::<u64>().is_ok(), "not an id: {created}");

    let out = run(&sim, "list_by_tag", &[]);
    line(
        "list_by_tag",
        &out,
        &format!("{droplet} "),
        "oxido-example-1 active",
    );
    line("list_by_tag", &out, "1 droplets", "tagged oxido-example");

    let out = run(&sim, "reboot_droplet", &[droplet]);
    line(
        "reboot_droplet",
        &out,
        &format!("droplet {droplet} rebooted by action "),
        "(completed)",
    );

    let out = run(&sim, "attach_volume", &[droplet]);
    line(
        "attach_volume",
        &out,
        "volume ",
        &format!("attached to droplet {droplet} by action "),
    );

    let out = run(&sim, "domain_records", &[]);
    line(
        "domain_records",
        &out,
        "domain oxido-example.com: A record ",
        ", CNAME record ",
    );

    let out = run(&sim, "firewall", &[]);
    line("firewall", &out, "firewall ", " is ");

    let out = run(&sim, "kubernetes_cluster", &[]);
    line("kubernetes_cluster", &out, "cluster ", " is running");
    line("kubernetes_cluster", &out, "apiVersion: v1", "");

    let out = run(&sim, "postgres", &[]);
    line(
        "postgres",
        &out,
        "database cluster ",
        "is online with user app and db app",
    );

    let out = run(&sim, "load_balancer", &[]);
    line("load_balancer", &out, "load balancer ", " is active");

    let out = run(&sim, "project_assign", &[droplet]);
    line(
        "project_assign",
        &out,
        "project ",
        &format!("do:droplet:{droplet}"),
    );

    let out = run(&sim, "snapshot", &[droplet]);
    line(
        "snapshot",
        &out,
        "snapshot ",
        &format!("oxido-example-snapshot of droplet {droplet}"),
    );

    let out = run(&sim, "cleanup", &[]);
    for made in [
        "deleted the droplets tagged oxido-example",
        "deleted volume ",
        "deleted snapshot ",
        "deleted domain oxido-example.com",
        "deleted firewall ",
        "deleted load balancer ",
        "deleted kubernetes cluster ",
        "deleted database cluster ",
        "deleted project ",
        "deleted ssh key ",
    ] {
        line("cleanup", &out, made, "");
    }
    let out = run(&sim, "list_by_tag", &[]);
    line("list_by_tag", &out, "0 droplets", "tagged oxido-example");

    runtime.block_on(sim.shutdown());
}
