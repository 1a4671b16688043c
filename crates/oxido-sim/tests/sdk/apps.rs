//! Apps through the SDK: created with a first deployment, deployments to `ACTIVE`, logs
//! URLs, deleted.

use oxido::types::AppsDeployment;
use serde_json::json;

use super::common::*;

const PHASES: [&str; 5] = [
    "PENDING_BUILD",
    "BUILDING",
    "PENDING_DEPLOY",
    "DEPLOYING",
    "ACTIVE",
];

/// Archived logs are fetched over HTTPS, live ones may be a WebSocket.
fn is_log_url(url: &str) -> bool {
    ["https://", "http://", "wss://"]
        .iter()
        .any(|scheme| url.starts_with(scheme))
}

/// Fetches an archive without a token (it is a presigned address) and gives its lines.
async fn archived(url: &str) -> String {
    let reply = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
        .get(url)
        .send()
        .await
        .expect("the archive is served");
    assert_eq!(reply.status(), reqwest::StatusCode::OK, "{url}");
    reply.text().await.expect("text")
}

fn phase(deployment: &AppsDeployment) -> String {
    json_of(&deployment.phase)
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn an_app_is_created_deployed_to_active_redeployed_and_deleted() {
    let sim = sim().await;
    let client = client(&sim);
    let apps = client.apps();
    let made = apps
        .create(body(
            json!({"spec": {"name": "first-app", "region": "nyc"}}),
        ))
        .await
        .expect("created");
    let app = made.id.clone();
    assert_eq!(made.spec.name, "first-app");
    let first = made
        .pending_deployment
        .as_ref()
        .and_then(|d| d.id.clone())
        .expect("a first deployment starts");
    let listed = apps
        .list_deployments(&app)
        .send()
        .await
        .expect("deployments");
    let ids: Vec<&str> = listed
        .items
        .iter()
        .filter_map(|d| d.id.as_deref())
        .collect();
    assert_eq!(ids, [first.as_str()]);

    // Every phase seen is on the documented way, in order, ending ACTIVE.
    let seen = std::sync::Mutex::new(Vec::new());
    let active = until(
        "the first deployment becomes ACTIVE",
        || apps.get_deployment(&app, &first).send(),
        |d| {
            let now = PHASES
                .iter()
                .position(|p| *p == phase(d))
                .unwrap_or_else(|| panic!("an undocumented phase: {}", phase(d)));
            let mut seen = seen.lock().expect("not poisoned");
            assert!(
                seen.last().is_none_or(|last| *last <= now),
                "{seen:?} then {now}"
            );
            seen.push(now);
            now == PHASES.len() - 1
        },
    )
    .await;
    assert_eq!(active.id.as_deref(), Some(first.as_str()));

    let second = apps
        .create_deployment(&app, body(json!({"force_build": true})))
        .await
        .expect("redeploy");
    let second = second.id.expect("an id");
    assert_ne!(second, first);
    until(
        "the second deployment becomes ACTIVE",
        || apps.get_deployment(&app, &second).send(),
        |d| phase(d) == "ACTIVE",
    )
    .await;
    let listed = apps
        .list_deployments(&app)
        .send()
        .await
        .expect("deployments");
    assert_eq!(listed.items.len(), 2);

    let logs = apps
        .get_logs_aggregate(&app, &second, "BUILD")
        .await
        .expect("logs");
    assert!(!logs.historic_urls.is_empty(), "{logs:?}");
    for url in &logs.historic_urls {
        assert!(is_log_url(url), "{url}");
        // The app has no components, so its archive holds no lines.
        assert_eq!(archived(url).await, "", "{url}");
    }

    apps.delete(&app).await.expect("deleted");
    let gone = apps.get(&app).await.expect_err("deleted");
    assert!(gone.is_not_found(), "{gone}");
}

#[tokio::test]
async fn a_services_logs_are_urls_for_its_deployment() {
    let sim = sim().await;
    let client = client(&sim);
    let apps = client.apps();
    let made = apps
        .create(body(json!({"spec": {
            "name": "with-service", "region": "nyc",
            "services": [{"name": "api", "instance_count": 1,
                          "github": {"repo": "digitalocean/sample-golang", "branch": "main"}}]
        }})))
        .await
        .expect("created");
    let app = made.id.clone();
    let deployment = made
        .pending_deployment
        .and_then(|d| d.id)
        .expect("a first deployment");
    until(
        "the deployment becomes ACTIVE",
        || apps.get_deployment(&app, &deployment).send(),
        |d| phase(d) == "ACTIVE",
    )
    .await;
    let run = apps
        .get_logs(&app, &deployment, "api", "RUN")
        .await
        .expect("run logs");
    let build = apps
        .get_logs_active_deployment(&app, "api", "BUILD")
        .await
        .expect("build logs of the active deployment");
    for logs in [run, build] {
        assert!(!logs.historic_urls.is_empty(), "{logs:?}");
        for url in &logs.historic_urls {
            assert!(is_log_url(url), "{url}");
            let text = archived(url).await;
            assert!(
                !text.is_empty() && text.lines().all(|l| l.starts_with("api ")),
                "{text}"
            );
        }
    }
}

#[tokio::test]
async fn the_active_deployment_is_the_last_one_to_become_active() {
    let sim = sim().await;
    let client = client(&sim);
    let apps = client.apps();
    let made = apps
        .create(body(json!({"spec": {"name": "tracked", "region": "nyc"}})))
        .await
        .expect("created");
    let app = made.id.clone();
    let deployment = made
        .pending_deployment
        .and_then(|d| d.id)
        .expect("a first deployment");
    until(
        "the deployment becomes ACTIVE",
        || apps.get_deployment(&app, &deployment).send(),
        |d| phase(d) == "ACTIVE",
    )
    .await;
    let read = apps.get(&app).await.expect("the app");
    let active = read.active_deployment.and_then(|d| d.id);
    assert_eq!(active.as_deref(), Some(deployment.as_str()));
}
