//! Per-request cost of the request pipeline and handlers without sockets: each route
//! called in a loop through `oxido_sim::__fuzz::InProcess` on one thread, so the figure
//! is the emulator's own work (no kernel, no client) and is steady on a shared machine.
//!
//! Run: `cargo bench -p oxido-sim --bench handler` (`OXIDO_SIM_BENCH_CALLS`, default 200000).

use std::time::{Duration, Instant};

use bytes::Bytes;
use oxido_sim::{DEMO_TOKEN, Seed, Sim};

const ROUTES: &[(&str, &str)] = &[
    ("action (hand-written)", "/v2/actions/36804636"),
    ("droplet (hand-written)", "/v2/droplets/3164444"),
    (
        "volume (engine)",
        "/v2/volumes/7724db7c-e098-11e5-b522-000f53304e51",
    ),
    ("account (engine, static)", "/v2/account"),
];

fn request(path: &str) -> http::Request<Bytes> {
    http::Request::get(path)
        .header(http::header::HOST, "127.0.0.1:3000")
        .header(http::header::AUTHORIZATION, format!("Bearer {DEMO_TOKEN}"))
        .body(Bytes::new())
        .expect("request builds")
}

fn main() {
    let calls: u32 = std::env::var("OXIDO_SIM_BENCH_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let sim = Sim::builder()
        .seed(Seed::Demo)
        .action_duration(Duration::ZERO)
        .rate_limit_per_minute(u32::MAX)
        .rate_limit_per_hour(u32::MAX)
        .in_process()
        .expect("sim builds");
    println!("| route | calls | µs per call (best of 3) | body bytes |");
    println!("|---|---:|---:|---:|");
    runtime.block_on(async {
        for (name, path) in ROUTES {
            let first = sim.call(request(path)).await;
            assert_eq!(first.status(), 200, "{path}");
            let mut best = f64::MAX;
            for _ in 0..3 {
                let started = Instant::now();
                for _ in 0..calls {
                    let response = sim.call(request(path)).await;
                    debug_assert_eq!(response.status(), 200);
                }
                best = best.min(started.elapsed().as_secs_f64() * 1e6 / f64::from(calls));
            }
            println!(
                "| {name} `{path}` | {calls} | {best:.2} | {} |",
                first.body().len()
            );
        }
    });
}
