//! `page`/`per_page`, `links.pages` only where they apply, `meta.total`, newest first.

use oxido_sim::{Seed, Sim};
use serde_json::{Value, json};

use crate::common::*;

fn ids(body: &Value, key: &str) -> Vec<u64> {
    body[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_u64().unwrap())
        .collect()
}

#[tokio::test]
async fn empty_lists_have_no_links() {
    let sim = start(Sim::builder().seed(Seed::Empty)).await;
    for (path, key) in [("/v2/actions", "actions"), ("/v2/droplets", "droplets")] {
        let body = get(&sim, path).await.json();
        assert_eq!(body, json!({ key: [], "links": {}, "meta": {"total": 0} }));
    }
}

#[tokio::test]
async fn exact_multiple_of_per_page() {
    let sim = demo(50).await;
    let base = sim.base_url();
    // The demo account has 9 actions: three full pages of 3.
    let first = get(&sim, "/v2/actions?per_page=3").await.json();
    assert_eq!(first["meta"]["total"], 9);
    assert_eq!(ids(&first, "actions"), vec![91877210, 60290017, 60233401]);
    assert_eq!(
        first["links"],
        json!({"pages": {
            "next": format!("{base}/v2/actions?page=2&per_page=3"),
            "last": format!("{base}/v2/actions?page=3&per_page=3"),
        }})
    );
    let middle = get(&sim, "/v2/actions?per_page=3&page=2").await.json();
    assert_eq!(middle["links"]["pages"].as_object().unwrap().len(), 4);
    let last = get(&sim, "/v2/actions?page=3&per_page=3").await.json();
    assert_eq!(ids(&last, "actions"), vec![36805101, 36804750, 36804636]);
    assert_eq!(
        last["links"],
        json!({"pages": {
            "first": format!("{base}/v2/actions?page=1&per_page=3"),
            "prev": format!("{base}/v2/actions?page=2&per_page=3"),
        }})
    );
    // Walking next links visits every action exactly once.
    let mut seen = Vec::new();
    let mut url = Some(format!("{base}/v2/actions?per_page=4"));
    for _ in 0..10 {
        let Some(next) = url.take() else { break };
        let body: Value = serde_json::from_str(
            &client()
                .get(&next)
                .bearer_auth(sim.token())
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap(),
        )
        .unwrap();
        seen.extend(ids(&body, "actions"));
        url = body["links"]["pages"]["next"].as_str().map(str::to_owned);
    }
    assert_eq!(seen.len(), 9);
    let mut sorted = seen.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(seen, sorted, "newest first");
}

#[tokio::test]
async fn page_past_the_end_is_empty_with_backward_links() {
    let sim = demo(50).await;
    let body = get(&sim, "/v2/actions?page=7&per_page=3").await.json();
    assert_eq!(body["actions"], json!([]));
    assert_eq!(body["meta"]["total"], 9);
    let pages = body["links"]["pages"].as_object().unwrap();
    assert!(pages.contains_key("first") && pages.contains_key("prev"));
    assert!(!pages.contains_key("next") && !pages.contains_key("last"));
    assert!(pages["prev"].as_str().unwrap().contains("page=3"));
}

#[tokio::test]
async fn default_and_capped_page_sizes_and_bad_values() {
    let sim = demo(0).await;
    // With a zero duration each action is complete as soon as it is created.
    for _ in 0..25 {
        let reply = post(
            &sim,
            "/v2/droplets/3164510/actions",
            r#"{"type":"password_reset"}"#,
        )
        .await;
        assert_eq!(reply.status.as_u16(), 201, "{}", reply.text);
        assert_eq!(reply.json()["action"]["status"], "completed");
    }
    let body = get(&sim, "/v2/droplets/3164510/actions").await.json();
    assert_eq!(body["actions"].as_array().unwrap().len(), 20);
    assert_eq!(body["meta"]["total"], 26);
    assert_eq!(
        body["links"]["pages"]["last"],
        format!("{}/v2/droplets/3164510/actions?page=2", sim.base_url())
    );
    let newest = ids(&body, "actions");
    assert!(newest.windows(2).all(|w| w[0] > w[1]));
    let body = get(&sim, "/v2/droplets/3164510/actions?per_page=1000")
        .await
        .json();
    assert_eq!(body["actions"].as_array().unwrap().len(), 26);
    assert_eq!(body["links"], json!({}));
    for bad in [
        "per_page=0",
        "per_page=abc",
        "page=0",
        "page=-1",
        "page=1.5",
    ] {
        let reply = get(&sim, &format!("/v2/actions?{bad}")).await;
        let error = reply.assert_error(422, "unprocessable_entity");
        let name = bad.split('=').next().unwrap();
        assert!(error["message"].as_str().unwrap().contains(name), "{bad}");
    }
}

#[tokio::test]
async fn links_use_the_requests_own_host_and_keep_filters() {
    let sim = demo(50).await;
    let body: Value = serde_json::from_str(
        &client()
            .get(format!(
                "{}/v2/droplets?tag_name=web&per_page=1",
                sim.base_url()
            ))
            .header("host", "sim.example.test:8080")
            .bearer_auth(sim.token())
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(body["meta"]["total"], 2);
    assert_eq!(
        body["links"]["pages"]["next"],
        "http://sim.example.test:8080/v2/droplets?page=2&tag_name=web&per_page=1"
    );
}

#[tokio::test]
async fn the_oldest_actions_are_forgotten_past_max_actions() {
    let sim = start(
        Sim::builder()
            .max_actions(12)
            .action_duration(std::time::Duration::ZERO),
    )
    .await;
    for _ in 0..5 {
        let reply = post(&sim, "/v2/droplets/3164510/actions", r#"{"type":"reboot"}"#).await;
        assert_eq!(reply.status.as_u16(), 201, "{}", reply.text);
    }
    assert_eq!(sim.action_count(), 12);
    // The two oldest seed actions (both on droplet 3164444) are gone everywhere.
    get(&sim, "/v2/actions/36804636")
        .await
        .assert_error(404, "not_found");
    get(&sim, "/v2/actions/36804750")
        .await
        .assert_error(404, "not_found");
    assert_eq!(get(&sim, "/v2/actions").await.json()["meta"]["total"], 12);
    let droplet_page = get(&sim, "/v2/droplets/3164444/actions").await.json();
    assert_eq!(ids(&droplet_page, "actions"), vec![36805101]);
    assert_eq!(droplet_page["meta"]["total"], 1);
}
