//! Load on the emulator itself: raw HTTP requests per second over a fixed number of keep-alive connections,
//! with no SDK in the way.

use std::time::{Duration, Instant};

use crate::stats::{LoopResult, join_samples};
use crate::target::Target;

/// What each connection sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Load {
    /// GET the reference action.
    GetAction,
    /// POST a reboot to the reference droplet (the emulator must run zero-length actions, or the
    /// droplet's pending-event rule turns every POST after the first into a 422).
    PostReboot,
}

impl Load {
    fn label(self) -> &'static str {
        match self {
            Self::GetAction => "get",
            Self::PostReboot => "post",
        }
    }
}

/// `connections` tasks, each with its own one-connection client, sending `load` back to back for `budget`.
/// A response other than 200 (GET) or 201 (POST) counts as an error. POSTs go to one fresh droplet per
/// connection, so no two connections race for the same droplet's pending-event slot.
pub async fn run(
    target: &Target,
    load: Load,
    connections: usize,
    budget: Duration,
) -> Result<LoopResult, String> {
    let (droplet_id, action_id) = target.action;
    let base = target.base_url.trim_end_matches('/');
    let authorization = format!("Bearer {}", target.token);
    let urls: Vec<String> = match load {
        Load::GetAction => (0..connections)
            .map(|_| format!("{base}/v2/droplets/{droplet_id}/actions/{action_id}"))
            .collect(),
        Load::PostReboot => droplet_urls(target, connections).await?,
    };
    let mut clients = Vec::with_capacity(connections);
    for url in urls {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(1)
            .build()
            .map_err(|err| format!("building a load client: {err}"))?;
        // One warm-up request opens the connection before timing starts.
        send(&client, load, &url, &authorization)
            .await
            .map_err(|status| format!("{} warm-up answered {status}", load.label()))?;
        clients.push((client, url));
    }

    let started = Instant::now();
    let tasks: Vec<_> = clients
        .into_iter()
        .map(|(client, url)| {
            let authorization = authorization.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut errors = 0u64;
                while started.elapsed() < budget && latencies.len() < 5_000_000 {
                    let before = Instant::now();
                    match send(&client, load, &url, &authorization).await {
                        Ok(()) => latencies.push(before.elapsed()),
                        Err(_) => errors += 1,
                    }
                }
                (latencies, errors)
            })
        })
        .collect();
    let (latencies, errors) = join_samples(tasks).await?;
    let name = format!("emulator_{}_{connections}_connections", load.label());
    Ok(LoopResult::from_samples(
        &name,
        latencies,
        errors,
        started.elapsed(),
    ))
}

/// The action-POST URLs of `count` freshly created droplets.
pub async fn droplet_urls(target: &Target, count: usize) -> Result<Vec<String>, String> {
    let base = target.base_url.trim_end_matches('/');
    Ok(create_droplets(target, count)
        .await?
        .into_iter()
        .map(|id| format!("{base}/v2/droplets/{id}/actions"))
        .collect())
}

/// One request; `Err` carries the status (0 for a transport failure).
async fn send(
    client: &reqwest::Client,
    load: Load,
    url: &str,
    authorization: &str,
) -> Result<(), u16> {
    let request = match load {
        Load::GetAction => client.get(url),
        Load::PostReboot => client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(r#"{"type":"reboot"}"#),
    };
    let response = request
        .header(reqwest::header::AUTHORIZATION, authorization)
        .send()
        .await
        .map_err(|_| 0u16)?;
    let status = response.status().as_u16();
    let expected = match load {
        Load::GetAction => 200,
        Load::PostReboot => 201,
    };
    // The body is read in full so the connection can be reused.
    response.bytes().await.map_err(|_| 0u16)?;
    if status == expected {
        Ok(())
    } else {
        Err(status)
    }
}

/// Starts `count` actions on `droplet_id`, one after the other (the emulator must run zero-length
/// actions; concurrent POSTs to one droplet would meet its pending-event rule).
pub async fn seed_actions(target: &Target, droplet_id: u64, count: usize) -> Result<(), String> {
    use futures::StreamExt;

    let client = reqwest::Client::new();
    let url = format!(
        "{}/v2/droplets/{droplet_id}/actions",
        target.base_url.trim_end_matches('/')
    );
    let authorization = format!("Bearer {}", target.token);
    let failures = futures::stream::iter(0..count)
        .map(|_| send(&client, Load::PostReboot, &url, &authorization))
        .buffered(1)
        .filter_map(|outcome| async move { outcome.err() })
        .collect::<Vec<u16>>()
        .await;
    match failures.first() {
        None => Ok(()),
        Some(status) => Err(format!(
            "{} of {count} seeding POSTs failed (first answered {status})",
            failures.len()
        )),
    }
}

/// Creates `count` droplets and returns their ids.
async fn create_droplets(target: &Target, count: usize) -> Result<Vec<u64>, String> {
    #[derive(serde::Deserialize)]
    struct Created {
        droplet: CreatedDroplet,
    }
    #[derive(serde::Deserialize)]
    struct CreatedDroplet {
        id: u64,
    }

    let client = reqwest::Client::new();
    let url = format!("{}/v2/droplets", target.base_url.trim_end_matches('/'));
    let mut ids = Vec::with_capacity(count);
    for n in 0..count {
        let response = client
            .post(&url)
            .bearer_auth(&target.token)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(
                serde_json::json!({
                    "name": format!("bench-{n}"),
                    "size": "s-1vcpu-1gb",
                    "image": "debian-12-x64",
                })
                .to_string(),
            )
            .send()
            .await
            .map_err(|err| format!("creating a droplet: {err}"))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|err| format!("reading a created droplet: {err}"))?;
        let created: Created = serde_json::from_slice(&body).map_err(|err| {
            format!(
                "creating a droplet answered {status}: {err}: {}",
                String::from_utf8_lossy(&body)
            )
        })?;
        ids.push(created.droplet.id);
    }
    Ok(ids)
}
