//! Spec defects the generator works around (`crates/oxido-codegen/src/defects.rs`), each checked
//! through the SDK against the emulator on 127.0.0.1.

use std::time::Duration;

use oxido::Client;
use oxido::types::{
    CheckRegionsItem, CheckType, CheckUpdatable, RegionSlug, VolumeActionPostAttach,
    VolumeActionPostDetach, VolumeActionsPostBody,
};
use oxido_sim::{Seed, Sim};
use serde_json::{Value, json};

async fn sim() -> Sim {
    Sim::builder()
        .seed(Seed::Demo)
        .action_duration(Duration::from_millis(50))
        .start()
        .await
        .expect("emulator starts")
}

fn client(sim: &Sim) -> Client {
    Client::builder()
        .no_proxy()
        .token(sim.token())
        .base_url(sim.base_url())
        .overall_timeout(Duration::from_secs(20))
        .build()
        .expect("client")
}

/// The JSON body of the one request the emulator saw for `method path`.
fn sent(sim: &Sim, method: &str, path: &str) -> Value {
    let seen: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| r.method == method && r.path == path)
        .collect();
    assert_eq!(seen.len(), 1, "{seen:?}");
    serde_json::from_str(&seen[0].body).expect("JSON body")
}

#[tokio::test]
async fn a_spaces_key_is_one_key() {
    // The schema says `{"keys": [...]}`; the API (and the example) send `{"key": {...}}`.
    let sim = sim().await;
    let key = client(&sim)
        .spaces_key()
        .get("DOACCESSKEYEXAMPLE")
        .await
        .expect("decodes");
    assert_eq!(key.name.as_deref(), Some("read-only-key"), "{key:?}");
}

#[tokio::test]
async fn kafka_settings_at_long_max_decode() {
    let sim = sim().await;
    let topic = client(&sim)
        .databases()
        .get_kafka_topic("9cc10173-e9ea-4176-9dbc-a4cee4c4ff30", "customer-events")
        .await
        .expect("decodes");
    let config = topic.config.expect("config");
    // The API sends Java's Long.MAX_VALUE for these defaults; the emulator answers it exactly.
    assert_eq!(config.flush_messages, Some(i64::MAX as u64));
    assert_eq!(config.flush_ms, Some(i64::MAX as u64));
    // The spec's example is that value rounded through a double, beyond i64; it decodes too.
    let rounded: oxido::types::KafkaTopicConfig =
        serde_json::from_value(json!({"flush_messages": 9_223_372_036_854_776_000_u64}))
            .expect("decodes");
    assert_eq!(rounded.flush_messages, Some(9_223_372_036_854_776_000));
}

#[tokio::test]
async fn a_volume_detaches_and_attaches_by_name() {
    // The demo volume `example` (nyc1) starts attached to Droplet 11612190.
    let sim = sim().await;
    let client = client(&sim);
    let mut detach = VolumeActionPostDetach::new(11612190);
    detach.volume_name = Some("example".to_owned());
    detach.region = Some(RegionSlug::Nyc1);
    let action = client
        .volume_actions()
        .post(VolumeActionsPostBody::Detach(detach))
        .await
        .expect("detached by name");
    assert_eq!(action.kind.as_str(), "detach_volume", "{action:?}");

    let mut attach = VolumeActionPostAttach::new(11612190);
    attach.volume_name = Some("example".to_owned());
    attach.region = Some(RegionSlug::Nyc1);
    let action = client
        .volume_actions()
        .post(VolumeActionsPostBody::Attach(attach))
        .await
        .expect("attached by name");
    assert_eq!(action.kind.as_str(), "attach_volume", "{action:?}");

    let bodies: Vec<Value> = sim
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path == "/v2/volumes/actions")
        .map(|r| serde_json::from_str(&r.body).expect("JSON body"))
        .collect();
    assert_eq!(
        bodies,
        [
            json!({"type": "detach", "droplet_id": 11612190, "volume_name": "example", "region": "nyc1"}),
            json!({"type": "attach", "droplet_id": 11612190, "volume_name": "example", "region": "nyc1"}),
        ]
    );
}

#[tokio::test]
async fn an_uptime_check_is_created_with_its_method() {
    let sim = sim().await;
    let body = CheckUpdatable {
        name: Some("Landing page check".to_owned()),
        kind: Some(CheckType::Https),
        target: Some("https://www.landingpage.com".to_owned()),
        regions: Some(vec![CheckRegionsItem::UsEast]),
        enabled: Some(true),
        method: Some("GET".to_owned()),
    };
    let check = client(&sim)
        .uptime()
        .create_check(body)
        .await
        .expect("created");
    assert_eq!(check.name.as_deref(), Some("Landing page check"));
    assert_eq!(
        sent(&sim, "POST", "/v2/uptime/checks")["method"],
        json!("GET")
    );
}
