//! One world per account under one lock: a request's changes across resources are
//! atomic, and each account counts its own ids.

use std::sync::Arc;

use oxido_sim::{Seed, Sim};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{Reply, call, start};

async fn send(sim: &Sim, token: &str, method: Method, path: &str, body: Option<Value>) -> Reply {
    let text = body.map(|b| b.to_string());
    call(sim, method, path, Some(token), text.as_deref()).await
}

async fn droplet(sim: &Sim, token: &str, name: &str) -> u64 {
    let body =
        json!({"name": name, "region": "nyc3", "size": "s-1vcpu-1gb", "image": "ubuntu-22-04-x64"});
    let made = send(sim, token, Method::POST, "/v2/droplets", Some(body)).await;
    assert_eq!(made.status, StatusCode::ACCEPTED, "{}", made.text);
    made.json()["droplet"]["id"].as_u64().expect("a Droplet id")
}

async fn ssh_key(sim: &Sim, token: &str, n: u32) -> u64 {
    // Distinct keys: one key is stored once per account.
    let body = json!({
        "name": format!("key-{n}"),
        "public_key": format!("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{n:A>43} world")
    });
    let made = send(sim, token, Method::POST, "/v2/account/keys", Some(body)).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    made.json()["ssh_key"]["id"].as_u64().expect("a key id")
}

fn ids(value: &Value) -> Vec<u64> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_u64)
        .collect()
}

/// A Droplet deleted while load balancers add it: either the add comes first and the
/// delete takes it out, or the delete comes first and the add is refused. Never does a
/// load balancer keep the id of a Droplet that is gone.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_droplet_deleted_while_load_balancers_add_it_never_dangles() {
    let sim = Arc::new(
        start(
            Sim::builder()
                .seed(Seed::Empty)
                .rate_limit_per_minute(100_000)
                .rate_limit_per_hour(100_000),
        )
        .await,
    );
    let token = sim.token().to_owned();
    let lb_body = json!({
        "name": "lb",
        "region": "nyc3",
        "forwarding_rules": [{"entry_protocol": "http", "entry_port": 80, "target_protocol": "http", "target_port": 80}]
    });
    let made = send(
        &sim,
        &token,
        Method::POST,
        "/v2/load_balancers",
        Some(lb_body),
    )
    .await;
    assert_eq!(made.status, StatusCode::ACCEPTED, "{}", made.text);
    let lb = made.json()["load_balancer"]["id"]
        .as_str()
        .expect("a load balancer id")
        .to_owned();
    let mut droplets = Vec::new();
    for i in 0..24 {
        droplets.push(droplet(&sim, &token, &format!("d{i}")).await);
    }
    let mut tasks = Vec::new();
    for id in droplets {
        let (s, t, lb) = (sim.clone(), token.clone(), lb.clone());
        tasks.push(tokio::spawn(async move {
            let (sim, token) = (s, t);
            let body = json!({"droplet_ids": [id]});
            let path = format!("/v2/load_balancers/{lb}/droplets");
            let added = send(&sim, &token, Method::POST, &path, Some(body)).await;
            // Refused only because the Droplet was already gone.
            assert!(
                added.status == StatusCode::NO_CONTENT || added.status.as_u16() == 422,
                "{} {}",
                added.status,
                added.text
            );
        }));
        let (s, t) = (sim.clone(), token.clone());
        tasks.push(tokio::spawn(async move {
            let (sim, token) = (s, t);
            let path = format!("/v2/droplets/{id}");
            let gone = send(&sim, &token, Method::DELETE, &path, None).await;
            assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
        }));
    }
    for task in tasks {
        task.await.expect("the task finishes");
    }
    let read = send(
        &sim,
        &token,
        Method::GET,
        &format!("/v2/load_balancers/{lb}"),
        None,
    )
    .await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    let left = ids(&read.json()["load_balancer"]["droplet_ids"]);
    assert!(left.is_empty(), "dangling Droplet ids {left:?}");
}

/// Ids are counted per account: another account's creates do not move this one's.
#[tokio::test]
async fn each_account_counts_its_own_ids() {
    let sim = start(
        Sim::builder()
            .seed(Seed::Empty)
            .other_account_token("other-account"),
    )
    .await;
    let mine = sim.token().to_owned();
    let first_droplet = droplet(&sim, &mine, "a").await;
    let first_key = ssh_key(&sim, &mine, 0).await;
    let their_droplet = droplet(&sim, "other-account", "b").await;
    let their_key = ssh_key(&sim, "other-account", 0).await;
    // Two fresh accounts start from the same counters.
    assert_eq!(their_droplet, first_droplet);
    assert_eq!(their_key, first_key);
    for i in 0..5 {
        droplet(&sim, "other-account", &format!("b{i}")).await;
        ssh_key(&sim, "other-account", i + 1).await;
    }
    assert_eq!(droplet(&sim, &mine, "c").await, first_droplet + 1);
    assert_eq!(ssh_key(&sim, &mine, 1).await, first_key + 1);
    // The same id names each account's own Droplet.
    let path = format!("/v2/droplets/{first_droplet}");
    let read = send(&sim, "other-account", Method::GET, &path, None).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    assert_eq!(read.json()["droplet"]["name"], "b");
}

/// Two accounts create at once, each under its own lock, while each also asks whether the
/// other's registry name is free (the one read across accounts) and an admin export takes
/// every account: nothing waits forever, every create lands, and a registry name stays
/// unique across accounts.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_accounts_creating_at_once_never_deadlock_and_keep_registry_names_unique() {
    const ROUNDS: usize = 40;
    let sim = Arc::new(
        start(
            Sim::builder()
                .seed(Seed::Empty)
                .other_account_token("account-b")
                .rate_limit_per_minute(100_000)
                .rate_limit_per_hour(100_000),
        )
        .await,
    );
    let a = sim.token().to_owned();
    let b = "account-b".to_owned();
    let work = async {
        let mut tasks = Vec::new();
        for (me, other) in [(a.clone(), "b"), (b.clone(), "a")] {
            let sim = Arc::clone(&sim);
            let mine = if other == "b" { "a" } else { "b" };
            tasks.push(tokio::spawn(async move {
                for i in 0..ROUNDS {
                    let volume = json!({"name": format!("v-{i}"), "region": "nyc1", "size_gigabytes": 1});
                    let made = send(&sim, &me, Method::POST, "/v2/volumes", Some(volume)).await;
                    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
                    // An account has one registry: the last round's goes first.
                    if i > 0 {
                        let gone = send(&sim, &me, Method::DELETE, "/v2/registry", None).await;
                        assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
                    }
                    let registry = json!({"name": format!("reg-{mine}-{i}"), "subscription_tier_slug": "basic"});
                    let made = send(&sim, &me, Method::POST, "/v2/registry", Some(registry)).await;
                    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
                    // The other account's registry of this round may or may not exist yet.
                    let name = json!({"name": format!("reg-{other}-{i}")});
                    let asked =
                        send(&sim, &me, Method::POST, "/v2/registry/validate-name", Some(name))
                            .await;
                    assert!(
                        [StatusCode::NO_CONTENT, StatusCode::CONFLICT].contains(&asked.status),
                        "{} {}",
                        asked.status,
                        asked.text
                    );
                }
            }));
        }
        let admin = Arc::clone(&sim);
        tasks.push(tokio::spawn(async move {
            for _ in 0..ROUNDS / 4 {
                let reply = crate::common::call(
                    &admin,
                    Method::GET,
                    "/_sim/state",
                    Some(admin.admin_token()),
                    None,
                )
                .await;
                assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
            }
        }));
        for task in tasks {
            task.await.expect("a task finished without panicking");
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(60), work)
        .await
        .expect("two accounts creating at once finished within 60 s (no deadlock)");

    for token in [&a, &b] {
        let listed = send(&sim, token, Method::GET, "/v2/volumes?per_page=200", None).await;
        assert_eq!(
            listed.json()["volumes"].as_array().map(Vec::len),
            Some(ROUNDS)
        );
    }
    let last = ROUNDS - 1;
    let ask = |token: String, name: String| {
        let sim = Arc::clone(&sim);
        async move {
            let body = json!({ "name": name });
            send(
                &sim,
                &token,
                Method::POST,
                "/v2/registry/validate-name",
                Some(body),
            )
            .await
            .status
        }
    };
    // Each account's current registry name is taken for the other; a replaced one is free.
    assert_eq!(
        ask(a.clone(), format!("reg-b-{last}")).await,
        StatusCode::CONFLICT
    );
    assert_eq!(
        ask(b.clone(), format!("reg-a-{last}")).await,
        StatusCode::CONFLICT
    );
    assert_eq!(
        ask(a.clone(), "reg-b-0".into()).await,
        StatusCode::NO_CONTENT
    );
    // A deleted registry frees its name for everyone.
    let gone = send(&sim, &b, Method::DELETE, "/v2/registry", None).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
    assert_eq!(
        ask(a.clone(), format!("reg-b-{last}")).await,
        StatusCode::NO_CONTENT
    );
}
