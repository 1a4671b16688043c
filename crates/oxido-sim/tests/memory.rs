//! Memory stress test of the `oxido-sim` binary (Linux: reads `/proc/<pid>/status`).
//!
//! ```sh
//! cargo test --release -p oxido-sim --test memory -- --ignored --nocapture
//! ```
//!
//! Sends 400 unauthenticated 1 MiB POSTs, then 400 of the largest Droplet creates
//! the emulator accepts on one token, then lists 200 of them in one page, and
//! checks that the server's peak resident memory stays under 150 MB.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use futures::StreamExt;
use serde_json::json;

const LIMIT_BYTES: u64 = 150_000_000;
const MIB: usize = 1 << 20;
const CONCURRENCY: usize = 16;

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start() -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_oxido-sim"))
        .args(["--listen", "127.0.0.1:0", "--seed", "empty"])
        // One token sends 400 creates and the reads around them within a minute.
        .args(["--rate-limit-per-minute", "100000"])
        .args(["--rate-limit-per-hour", "100000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");
    let stdout = child.stdout.take().expect("stdout piped");
    let mut lines = BufReader::new(stdout).lines();
    let first = lines
        .next()
        .expect("a banner line")
        .expect("readable banner");
    // Keep reading so the server never writes into a closed pipe.
    std::thread::spawn(move || lines.for_each(drop));
    let base = first.rsplit(' ').next().expect("a URL").to_owned();
    assert!(base.starts_with("http://127.0.0.1:"), "{first}");
    Server { child, base }
}

/// `VmRSS` and `VmHWM` (peak) of a process, in bytes.
fn rss(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("procfs");
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name)?.strip_prefix(':'))
            .and_then(|rest| rest.split_whitespace().next()?.parse::<u64>().ok())
            .expect("field present")
            * 1024
    };
    (field("VmRSS"), field("VmHWM"))
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

/// The largest Droplet create the emulator accepts (every bounded field at its bound).
fn maximal_create(n: usize) -> String {
    let name = format!("{n:m>255}");
    let tags: Vec<String> = (0..64).map(|t| format!("{n}-{t:x>250}")).collect();
    json!({
        "name": name,
        "region": "nyc3",
        "size": "s-1vcpu-1gb",
        "image": "ubuntu-22-04-x64",
        "tags": tags,
        "vpc_uuid": "760e09ef-dc84-11e8-981e-3cfdfeaae000",
        "user_data": "u".repeat(64 * 1024),
        "ssh_keys": (0..64).collect::<Vec<u64>>(),
        "volumes": ["12e97116-7280-11ed-b3d0-0a58ac146812"],
        "backups": true,
        "ipv6": true,
        "monitoring": true,
    })
    .to_string()
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "stress test sending ~430 MiB; run: cargo test --release -p oxido-sim --test memory -- --ignored --nocapture"]
async fn memory_stays_bounded_under_hostile_traffic() {
    let server = start();
    let pid = server.child.id();
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client builds");
    let (start_rss, _) = rss(pid);

    let junk = bytes::Bytes::from(vec![0xFFu8; MIB]);
    let statuses: Vec<u16> = futures::stream::iter(0..400)
        .map(|_| {
            let request = client
                .post(format!("{}/v2/droplets", server.base))
                .header("content-type", "application/json")
                .body(junk.clone());
            async move { request.send().await.expect("answered").status().as_u16() }
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    assert!(statuses.iter().all(|s| *s == 401), "{statuses:?}");
    let (after_anonymous, peak_anonymous) = rss(pid);

    let statuses: Vec<u16> = futures::stream::iter(0..400)
        .map(|n| {
            let request = client
                .post(format!("{}/v2/droplets", server.base))
                .bearer_auth(oxido_sim::DEMO_TOKEN)
                .header("content-type", "application/json")
                .body(maximal_create(n));
            async move { request.send().await.expect("answered").status().as_u16() }
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    assert!(statuses.iter().all(|s| *s == 202), "{statuses:?}");
    let (after_creates, _) = rss(pid);

    let page = client
        .get(format!("{}/v2/droplets?per_page=200", server.base))
        .bearer_auth(oxido_sim::DEMO_TOKEN)
        .send()
        .await
        .expect("answered")
        .bytes()
        .await
        .expect("body read");
    let (at_end, peak) = rss(pid);

    println!(
        "oxido-sim RSS: start {:.1} MB; after 400 unauthenticated 1 MiB POSTs {:.1} MB (peak {:.1} MB); \
         after 400 maximal creates {:.1} MB; after a 200-droplet page of {:.1} MB: {:.1} MB; peak {:.1} MB",
        mb(start_rss),
        mb(after_anonymous),
        mb(peak_anonymous),
        mb(after_creates),
        mb(page.len() as u64),
        mb(at_end),
        mb(peak),
    );
    assert!(page.len() < 10 * MIB, "page of {} bytes", page.len());
    assert!(peak < LIMIT_BYTES, "peak RSS {:.1} MB", mb(peak));
}

/// A database create carrying `tags` tags (one short string each).
fn tag_flood(n: usize, tags: usize) -> String {
    let tags: Vec<String> = (0..tags).map(|t| format!("t{}", t % 10)).collect();
    json!({
        "name": format!("flood-{n}"),
        "engine": "pg",
        "region": "nyc3",
        "size": "db-s-1vcpu-1gb",
        "num_nodes": 1,
        "tags": tags,
    })
    .to_string()
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "stress test sending ~210 MiB; run: cargo test --release -p oxido-sim --test memory -- --ignored --nocapture"]
async fn tag_floods_are_refused_and_memory_stays_bounded() {
    let server = start();
    let pid = server.child.id();
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client builds");
    let (start_rss, _) = rss(pid);
    // 300 database clusters with 100,000 tags each took 1.94 GB before the bounds.
    let statuses: Vec<u16> = futures::stream::iter(0..300)
        .map(|n| {
            let request = client
                .post(format!("{}/v2/databases", server.base))
                .bearer_auth(oxido_sim::DEMO_TOKEN)
                .header("content-type", "application/json")
                .body(tag_flood(n, 100_000));
            async move { request.send().await.expect("answered").status().as_u16() }
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    assert!(statuses.iter().all(|s| *s == 422), "{statuses:?}");
    let list = client
        .get(format!("{}/v2/databases", server.base))
        .bearer_auth(oxido_sim::DEMO_TOKEN)
        .send()
        .await
        .expect("answered")
        .bytes()
        .await
        .expect("body read");
    let (at_end, peak) = rss(pid);
    println!(
        "oxido-sim RSS: start {:.1} MB; after 300 creates of 100,000 tags each (all 422) {:.1} MB; \
         peak {:.1} MB; GET /v2/databases {} bytes",
        mb(start_rss),
        mb(at_end),
        mb(peak),
        list.len(),
    );
    assert!(list.len() < MIB, "list of {} bytes", list.len());
    assert!(peak < LIMIT_BYTES, "peak RSS {:.1} MB", mb(peak));
}
