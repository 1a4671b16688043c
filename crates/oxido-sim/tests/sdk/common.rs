//! What every SDK lifecycle test shares: an emulator on 127.0.0.1 with fast actions, a
//! client pointed at it, typed bodies built from JSON, and a bounded poll.

use std::fmt::Debug;
use std::future::Future;
use std::time::{Duration, Instant};

use oxido_sim::Sim;

pub const DROPLET: u64 = 3164444;
/// The other demo Droplet tagged `web`.
pub const OTHER_DROPLET: u64 = 3164450;
pub const VOLUME: &str = "7724db7c-e098-11e5-b522-000f53304e51";
pub const CLUSTER: &str = "bd5f5959-5e1e-4205-a714-a914373942af";

/// Actions take this long, so the first read sees them in progress.
pub const DURATION: Duration = Duration::from_millis(300);
/// For the few tests that must see something still running: a wide margin, not a tight race.
pub const SLOW: Duration = Duration::from_secs(3);
/// Wide enough for a loaded 2-core machine; the waits return as soon as it is done.
pub const PATIENCE: Duration = Duration::from_secs(30);
/// Polling between 20 and 100 ms keeps the tests quick without busy-looping.
pub const POLL_MIN: Duration = Duration::from_millis(20);
pub const POLL_MAX: Duration = Duration::from_millis(100);

pub async fn sim() -> Sim {
    sim_with(Sim::builder()).await
}

/// An emulator whose actions and long-running resources take [`SLOW`].
pub async fn slow_sim() -> Sim {
    Sim::builder()
        .action_duration(SLOW)
        .start()
        .await
        .expect("sim starts")
}

pub async fn sim_with(builder: oxido_sim::SimBuilder) -> Sim {
    builder
        .action_duration(DURATION)
        .start()
        .await
        .expect("sim starts")
}

pub fn client(sim: &Sim) -> oxido::Client {
    oxido::Client::builder()
        .no_proxy()
        .token(sim.token())
        .base_url(sim.base_url())
        .build()
        .expect("client builds")
}

/// A typed request body from JSON, so a test reads like the API's documentation.
pub fn body<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value).expect("a valid request body")
}

/// A typed value as JSON, for fields whose type is an open enum or a union.
pub fn json_of<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).expect("serializes")
}

/// Reads with `read` until `done` holds, bounded in polls and in time.
pub async fn until<T, F, Fut>(what: &str, mut read: F, done: impl Fn(&T) -> bool) -> T
where
    T: Debug,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, oxido::Error>>,
{
    let deadline = Instant::now() + PATIENCE;
    for _ in 0..2000 {
        let now = read().await.unwrap_or_else(|e| panic!("{what}: {e}"));
        if done(&now) {
            return now;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: never done, last {now:?}"
        );
        tokio::time::sleep(POLL_MIN).await;
    }
    panic!("{what}: not done within the poll budget");
}

/// Runs a Droplet action through the SDK, waits for it with the SDK's waiter, and reads the Droplet after.
pub async fn act(
    client: &oxido::Client,
    id: u64,
    action: oxido::DropletAction,
) -> oxido::types::Droplet {
    let started = client
        .droplet_actions()
        .post(id, action.clone())
        .await
        .unwrap_or_else(|e| panic!("{action:?} accepted: {e}"));
    assert_eq!(started.resource_id, Some(id));
    assert_eq!(started.kind.as_str(), action.type_name());
    let done = client
        .droplet_actions()
        .wait(id, started.id)
        .poll_interval(POLL_MIN, POLL_MAX)
        .timeout(PATIENCE)
        .await
        .unwrap_or_else(|e| panic!("{action:?} completes: {e}"));
    assert_eq!(done.status, oxido::ActionStatus::Completed);
    client.droplets().get(id).await.expect("the droplet")
}
