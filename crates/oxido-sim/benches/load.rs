//! Load benchmark: starts oxido-sim in-process and drives it over keep-alive
//! connections with a minimal HTTP/1.1 client (so the client costs little CPU),
//! then fills the store to 100,000 actions and reports memory and list-page cost.
//! It also times the binary from spawn to listening, and measures memory with every
//! operation of the description loaded and the demo seed touched, and GETs through
//! the generic engine (`/v2/volumes/{id}`) beside the hand-written Droplet handler.
//!
//! Run: `cargo bench -p oxido-sim --bench load`
//! Knobs: `OXIDO_SIM_BENCH_SECS` (per scenario, default 5), `OXIDO_SIM_BENCH_ACTIONS`
//! (default 100000). Prints a table and one JSON object per scenario.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use oxido_sim::{Seed, Sim};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const DROPLETS: [u64; 4] = [3164444, 3164450, 3164494, 3164510];

struct Outcome {
    name: String,
    connections: usize,
    requests: usize,
    errors: usize,
    seconds: f64,
    p50_us: u32,
    p99_us: u32,
}

impl Outcome {
    fn rate(&self) -> f64 {
        self.requests as f64 / self.seconds
    }

    fn json(&self) -> String {
        format!(
            r#"{{"scenario":"{}","connections":{},"requests":{},"errors":{},"seconds":{:.2},"req_per_s":{:.0},"p50_ms":{:.3},"p99_ms":{:.3},"rss_mb":{:.1}}}"#,
            self.name,
            self.connections,
            self.requests,
            self.errors,
            self.seconds,
            self.rate(),
            f64::from(self.p50_us) / 1000.0,
            f64::from(self.p99_us) / 1000.0,
            rss_mb("VmRSS"),
        )
    }
}

/// A request generator: returns the raw request bytes for the n-th request of a connection.
type Make = Arc<dyn Fn(usize, usize) -> Vec<u8> + Send + Sync>;

fn get_request(host: &str, token: &str, path: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n\r\n")
        .into_bytes()
}

fn post_request(host: &str, token: &str, path: &str, body: &str) -> Vec<u8> {
    format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Sends one request and reads one full response; returns the status code.
async fn exchange(
    stream: &mut TcpStream,
    request: &[u8],
    buf: &mut Vec<u8>,
) -> std::io::Result<u16> {
    stream.write_all(request).await?;
    buf.clear();
    let mut chunk = [0u8; 16 * 1024];
    let (head_end, length) = loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = std::str::from_utf8(&buf[..pos]).map_err(std::io::Error::other)?;
            let length = head
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            break (pos + 4, length);
        }
    };
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let status = std::str::from_utf8(&buf[9..12])
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Ok(status)
}

async fn drive(sim: &Sim, name: &str, connections: usize, seconds: f64, make: Make) -> Outcome {
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for conn in 0..connections {
        let stop = stop.clone();
        let make = make.clone();
        let addr = sim.addr();
        tasks.push(tokio::spawn(async move {
            let mut stream = TcpStream::connect(addr).await.expect("connect");
            stream.set_nodelay(true).ok();
            let mut buf = Vec::with_capacity(4096);
            let mut latencies = Vec::with_capacity(200_000);
            let mut errors = 0;
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                let request = make(conn, n);
                let started = Instant::now();
                match exchange(&mut stream, &request, &mut buf).await {
                    Ok(status) if status < 400 => {}
                    Ok(_) => errors += 1,
                    Err(_) => {
                        errors += 1;
                        stream = TcpStream::connect(addr).await.expect("reconnect");
                    }
                }
                latencies.push(started.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
                n += 1;
            }
            (latencies, errors)
        }));
    }
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs_f64(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut all = Vec::new();
    let mut errors = 0;
    for task in tasks {
        let (latencies, e) = task.await.expect("load task");
        all.extend(latencies);
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort_unstable();
    let pct = |p: f64| {
        all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0)
    };
    Outcome {
        name: name.to_owned(),
        connections,
        requests: all.len(),
        errors,
        seconds: elapsed,
        p50_us: pct(0.50),
        p99_us: pct(0.99),
    }
}

fn rss_mb(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Mean latency of one GET over a fresh connection-less loop of `n` calls.
async fn page_latency(sim: &Sim, path: &str, n: usize) -> f64 {
    let host = sim.addr().to_string();
    let request = get_request(&host, sim.token(), path);
    let mut stream = TcpStream::connect(sim.addr()).await.expect("connect");
    stream.set_nodelay(true).ok();
    let mut buf = Vec::new();
    let started = Instant::now();
    for _ in 0..n {
        let status = exchange(&mut stream, &request, &mut buf)
            .await
            .expect("page");
        assert_eq!(status, 200, "{path}");
    }
    started.elapsed().as_secs_f64() * 1000.0 / n as f64
}

/// Spawns the `oxido-sim` binary and times it from spawn to accepting a connection.
fn startup_to_listening() -> Vec<f64> {
    let mut times = Vec::new();
    for run in 0..5u16 {
        let port = 39_500 + run;
        let started = Instant::now();
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_oxido-sim"))
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("the binary starts");
        let deadline = started + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "the binary never listened");
            std::thread::sleep(Duration::from_micros(200));
        }
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        let _ = child.kill();
        let _ = child.wait();
    }
    times
}

fn main() {
    // Criterion-style flags (e.g. `--bench`) are passed by cargo; nothing to parse.
    let seconds: f64 = env_or("OXIDO_SIM_BENCH_SECS", 5.0);
    let target_actions: usize = env_or("OXIDO_SIM_BENCH_ACTIONS", 100_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let startup = startup_to_listening();
    runtime.block_on(async move {
        let rss_before = rss_mb("VmRSS");
        let sim = Sim::builder()
            .seed(Seed::Demo)
            .action_duration(Duration::ZERO)
            .rate_limit_per_minute(u32::MAX)
            .rate_limit_per_hour(u32::MAX)
            .request_log_capacity(1000)
            .start()
            .await
            .expect("sim starts");
        let host = sim.addr().to_string();
        let token = sim.token().to_owned();

        let get_action: Make = {
            let request = get_request(&host, &token, "/v2/droplets/3164444/actions/36804636");
            Arc::new(move |_, _| request.clone())
        };
        let post_action: Make = {
            let (host, token) = (host.clone(), token.clone());
            Arc::new(move |conn, _| {
                let droplet = DROPLETS[conn % DROPLETS.len()];
                post_request(&host, &token, &format!("/v2/droplets/{droplet}/actions"), r#"{"type":"power_cycle"}"#)
            })
        };

        // Everything loaded: every operation parsed and compiled, and the demo seed's
        // collections touched through every documented GET.
        let loaded_started = Instant::now();
        oxido_sim::__spec::load_all();
        let load_all_ms = loaded_started.elapsed().as_secs_f64() * 1000.0;
        let mut stream = TcpStream::connect(sim.addr()).await.expect("connect");
        let mut buf = Vec::new();
        let mut swept = 0usize;
        for path in oxido_sim::__spec::example_get_paths() {
            let status = exchange(&mut stream, &get_request(&host, &token, &path), &mut buf)
                .await
                .expect("sweep");
            swept += usize::from((200..300).contains(&status));
        }
        let rss_catalog = rss_mb("VmRSS");
        let (cached, cache_cap) = oxido_sim::__spec::cached_operations();
        let get_volume: Make = {
            let request = get_request(&host, &token, "/v2/volumes/7724db7c-e098-11e5-b522-000f53304e51");
            Arc::new(move |_, _| request.clone())
        };
        let get_droplet: Make = {
            let request = get_request(&host, &token, "/v2/droplets/3164444");
            Arc::new(move |_, _| request.clone())
        };
        let mut outcomes = Vec::new();
        for connections in [1, 32] {
            outcomes.push(drive(&sim, "GET volume (engine)", connections, seconds, get_volume.clone()).await);
        }
        for connections in [1, 32] {
            outcomes.push(drive(&sim, "GET droplet (handler)", connections, seconds, get_droplet.clone()).await);
        }

        // Fill the store to the target with in-process posts over one connection.
        let fill_started = Instant::now();
        let mut stream = TcpStream::connect(sim.addr()).await.expect("connect");
        stream.set_nodelay(true).ok();
        let mut buf = Vec::new();
        let mut n = 0usize;
        while sim.action_count() < target_actions {
            let droplet = DROPLETS[n % DROPLETS.len()];
            let request = post_request(&host, &token, &format!("/v2/droplets/{droplet}/actions"), r#"{"type":"reboot"}"#);
            exchange(&mut stream, &request, &mut buf).await.expect("fill");
            n += 1;
        }
        let fill_secs = fill_started.elapsed().as_secs_f64();
        let stored = sim.action_count();
        let rss_after = rss_mb("VmRSS");
        let first_page = page_latency(&sim, "/v2/actions?per_page=200&page=1", 200).await;
        let last_page_no = stored.div_ceil(200);
        let last_page = page_latency(&sim, &format!("/v2/actions?per_page=200&page={last_page_no}"), 200).await;
        let small_page = page_latency(&sim, "/v2/actions?per_page=20&page=2000", 500).await;

        for connections in [1, 32] {
            outcomes.push(drive(&sim, "GET action", connections, seconds, get_action.clone()).await);
        }
        for connections in [1, 32] {
            outcomes.push(drive(&sim, "POST action", connections, seconds, post_action.clone()).await);
        }

        let final_actions = sim.action_count();
        let rss_final = rss_mb("VmRSS");
        println!();
        println!("| scenario | connections | requests | errors | req/s | p50 ms | p99 ms |");
        println!("|---|---:|---:|---:|---:|---:|---:|");
        for o in &outcomes {
            println!(
                "| {} | {} | {} | {} | {:.0} | {:.3} | {:.3} |",
                o.name,
                o.connections,
                o.requests,
                o.errors,
                o.rate(),
                f64::from(o.p50_us) / 1000.0,
                f64::from(o.p99_us) / 1000.0
            );
        }
        println!();
        println!("| store | value |");
        println!("|---|---:|");
        println!("| actions stored | {stored} |");
        println!(
            "| fill time (s) | {fill_secs:.1} ({:.0} posts/s, 1 connection) |",
            n as f64 / fill_secs.max(1e-9)
        );
        let mut sorted = startup.clone();
        sorted.sort_by(f64::total_cmp);
        println!(
            "| binary start-up to listening (ms, 5 runs: median / max) | {:.1} / {:.1} |",
            sorted[sorted.len() / 2],
            sorted[sorted.len() - 1]
        );
        println!("| load_all: parse + compile + template all 659 operations (ms) | {load_all_ms:.0} |");
        println!("| operations parsed and compiled after the sweep (cap) | {cached} ({cache_cap}) |");
        println!("| documented GETs swept (2xx) | {swept} |");
        println!("| RSS with the whole catalog and demo seed loaded (MB) | {rss_catalog:.1} |");
        println!("| RSS before start (MB) | {rss_before:.1} |");
        println!("| RSS with all actions (MB) | {rss_after:.1} |");
        println!("| actions after the load runs | {final_actions} |");
        println!("| RSS after the load runs (MB) | {rss_final:.1} |");
        println!("| peak RSS (MB) | {:.1} |", rss_mb("VmHWM"));
        println!("| GET /v2/actions per_page=200 page 1 (ms) | {first_page:.3} |");
        println!("| GET /v2/actions per_page=200 page {last_page_no} (ms) | {last_page:.3} |");
        println!("| GET /v2/actions per_page=20 page 2000 (ms) | {small_page:.3} |");
        println!();
        for o in &outcomes {
            println!("{}", o.json());
        }
        println!(
            r#"{{"scenario":"store","actions":{stored},"rss_mb":{rss_after:.1},"actions_after_load":{final_actions},"rss_after_load_mb":{rss_final:.1},"peak_rss_mb":{:.1},"page1_per_page200_ms":{first_page:.3},"last_page_per_page200_ms":{last_page:.3},"page2000_per_page20_ms":{small_page:.3}}}"#,
            rss_mb("VmHWM")
        );
        sim.shutdown().await;
    });
}
