//! HTTPS against plain HTTP, in one run: one emulator serving both (`tls_listen`), 32
//! keep-alive connections each, GETting one Droplet for a few seconds per round, rounds
//! alternated so machine noise hits both alike. Prints requests per second and the ratio.
//!
//! Run: `cargo bench -p oxido-sim --bench tls`. Knobs: `OXIDO_SIM_BENCH_SECS` (per round,
//! default 3), `OXIDO_SIM_BENCH_ROUNDS` (default 2).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use oxido_sim::Sim;

const CONNECTIONS: usize = 32;
const PATH: &str = "/v2/droplets/3164444";

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Requests per second over `seconds`, with `CONNECTIONS` concurrent keep-alive clients.
async fn drive(client: &reqwest::Client, url: &str, token: &str, seconds: f64) -> (f64, usize) {
    // Open every connection (and, for HTTPS, finish every handshake) before timing.
    let warm: Vec<_> = (0..CONNECTIONS)
        .map(|_| client.get(url).bearer_auth(token).send())
        .collect();
    for response in futures::future::join_all(warm).await {
        assert_eq!(response.expect("warm-up request").status(), 200);
    }
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..CONNECTIONS)
        .map(|_| {
            let (client, url, token) = (client.clone(), url.to_owned(), token.to_owned());
            let (stop, done, errors) = (stop.clone(), done.clone(), errors.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let ok = match client.get(&url).bearer_auth(&token).send().await {
                        Ok(response) => response.status() == 200 && response.bytes().await.is_ok(),
                        Err(_) => false,
                    };
                    if ok {
                        done.fetch_add(1, Ordering::Relaxed);
                    } else {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_secs_f64(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    for task in tasks {
        task.await.expect("a client task");
    }
    let elapsed = started.elapsed().as_secs_f64();
    (
        done.load(Ordering::Relaxed) as f64 / elapsed,
        errors.load(Ordering::Relaxed),
    )
}

fn main() {
    let seconds: f64 = env_or("OXIDO_SIM_BENCH_SECS", 3.0);
    let rounds: usize = env_or("OXIDO_SIM_BENCH_ROUNDS", 2);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let sim = Sim::builder()
            .tls_listen("127.0.0.1:0".parse().unwrap())
            .rate_limit_per_minute(u32::MAX)
            .rate_limit_per_hour(u32::MAX)
            .request_log_capacity(1)
            .start()
            .await
            .expect("the emulator starts");
        let ca = reqwest::Certificate::from_pem(sim.ca_pem().unwrap().as_bytes()).unwrap();
        let client = reqwest::Client::builder()
            .no_proxy()
            .http1_only()
            .pool_max_idle_per_host(CONNECTIONS)
            .add_root_certificate(ca)
            .build()
            .unwrap();
        let plain_url = format!("{}{PATH}", sim.base_url());
        let tls_url = format!("{}{PATH}", sim.tls_url().unwrap());
        let (mut plain, mut tls) = (Vec::new(), Vec::new());
        for _ in 0..rounds {
            let (rate, errors) = drive(&client, &plain_url, sim.token(), seconds).await;
            assert_eq!(errors, 0, "plain HTTP errors");
            plain.push(rate);
            let (rate, errors) = drive(&client, &tls_url, sim.token(), seconds).await;
            assert_eq!(errors, 0, "HTTPS errors");
            tls.push(rate);
        }
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        let (plain, tls) = (mean(&plain), mean(&tls));
        println!("GET {PATH}, {CONNECTIONS} keep-alive connections, {rounds} rounds of {seconds} s each");
        println!("plain HTTP  {plain:>10.0} req/s");
        println!("HTTPS       {tls:>10.0} req/s");
        println!("ratio       {:>10.2}", tls / plain);
        println!(
            r#"{{"scenario":"tls_vs_plain","connections":{CONNECTIONS},"plain_req_per_s":{plain:.0},"tls_req_per_s":{tls:.0},"ratio":{:.3}}}"#,
            tls / plain
        );
    });
}
