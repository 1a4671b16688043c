//! App Platform flows as the Terraform provider and careful scripts drive them: an update
//! of the spec deploys it, deployments list newest first, and a deployment's progress
//! reads done once it is ACTIVE. Each test is a defect the platform probes found.

use std::time::{Duration, Instant};

use oxido_sim::Sim;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{demo, get, send_json};

fn spec(name: &str, instances: u64) -> Value {
    json!({"name": name, "region": "nyc", "services": [{
        "name": "web", "instance_size_slug": "apps-s-1vcpu-0.5gb", "instance_count": instances,
        "http_port": 8080,
        "image": {"registry_type": "DOCKER_HUB", "registry": "library", "repository": "nginx", "tag": "latest"}
    }]})
}

async fn deployment(sim: &Sim, app: &str, id: &str) -> Value {
    let reply = get(sim, &format!("/v2/apps/{app}/deployments/{id}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.json()["deployment"].clone()
}

/// Waits as the Terraform provider's `WaitForAppDeployment` does: until every step of
/// the deployment's `progress` reads SUCCESS.
async fn wait_all_steps_succeed(sim: &Sim, app: &str, id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let d = deployment(sim, app, id).await;
        let steps = d["progress"]["steps"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if steps.iter().all(|s| s["status"] == "SUCCESS") {
            return d;
        }
        assert!(Instant::now() < deadline, "deployment never succeeded: {d}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn updating_the_spec_deploys_it_and_the_provider_wait_ends() {
    let sim = demo(200).await;
    let made = send_json(
        &sim,
        Method::POST,
        "/v2/apps",
        json!({"spec": spec("probe-app", 1)}),
    )
    .await;
    assert!(made.status.is_success(), "{}", made.text);
    let app = made.json()["app"].clone();
    let app_id = app["id"].as_str().expect("id").to_owned();
    let first = app["pending_deployment"]["id"]
        .as_str()
        .expect("pending")
        .to_owned();
    let early = deployment(&sim, &app_id, &first).await;
    assert_ne!(early["phase"], "ACTIVE");
    assert!(
        early["progress"]["steps"]
            .as_array()
            .is_some_and(|s| s.iter().any(|s| s["status"] != "SUCCESS")),
        "a pending deployment is not done yet: {early}"
    );
    let done = wait_all_steps_succeed(&sim, &app_id, &first).await;
    assert_eq!(done["phase"], "ACTIVE", "{done}");
    assert_eq!(done["progress"]["error_steps"], 0);
    assert_eq!(
        done["progress"]["success_steps"],
        done["progress"]["total_steps"]
    );

    let updated = send_json(
        &sim,
        Method::PUT,
        &format!("/v2/apps/{app_id}"),
        json!({"spec": spec("probe-app", 2)}),
    )
    .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.text);
    let updated = updated.json()["app"].clone();
    assert_eq!(updated["spec"]["services"][0]["instance_count"], 2);
    let second = updated["pending_deployment"]["id"]
        .as_str()
        .expect("an update names its deployment")
        .to_owned();
    assert_ne!(second, first);
    let listed = get(&sim, &format!("/v2/apps/{app_id}/deployments"))
        .await
        .json();
    let ids: Vec<&str> = listed["deployments"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|d| d["id"].as_str())
        .collect();
    assert_eq!(ids, vec![second.as_str(), first.as_str()], "newest first");
    let done = wait_all_steps_succeed(&sim, &app_id, &second).await;
    assert_eq!(done["spec"]["services"][0]["instance_count"], 2);
    let read = get(&sim, &format!("/v2/apps/{app_id}")).await.json();
    assert_eq!(read["app"]["active_deployment"]["id"], second.as_str());
}

/// An app sits in a project (its `project_id`, else the default one), and the project's
/// resource list shows it: the description's URN pattern lacks `do:app:`, and that once
/// made the whole list fall back to the example's Droplet and domain.
#[tokio::test]
async fn a_project_lists_the_apps_in_it() {
    let sim = demo(50).await;
    let project = send_json(
        &sim,
        Method::POST,
        "/v2/projects",
        json!({"name": "approj", "purpose": "Web Application", "environment": "Development"}),
    )
    .await;
    assert!(project.status.is_success(), "{}", project.text);
    let project = project.json()["project"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let placed = send_json(
        &sim,
        Method::POST,
        "/v2/apps",
        json!({"spec": spec("placed-app", 1), "project_id": project}),
    )
    .await;
    assert!(placed.status.is_success(), "{}", placed.text);
    let placed = placed.json()["app"]["id"].as_str().expect("id").to_owned();
    let defaulted = send_json(
        &sim,
        Method::POST,
        "/v2/apps",
        json!({"spec": spec("default-app", 1)}),
    )
    .await;
    assert!(defaulted.status.is_success(), "{}", defaulted.text);
    let defaulted = defaulted.json()["app"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let urns = |body: Value| -> Vec<String> {
        body["resources"]
            .as_array()
            .expect("resources")
            .iter()
            .filter_map(|r| r["urn"].as_str().map(str::to_owned))
            .collect()
    };
    let listed = get(&sim, &format!("/v2/projects/{project}/resources")).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text);
    assert_eq!(urns(listed.json()), vec![format!("do:app:{placed}")]);
    let default = get(&sim, "/v2/projects/default/resources").await.json();
    crate::common::conforms("GET", "/v2/projects/default/resources", &default);
    let default = urns(default);
    assert!(
        default.contains(&format!("do:app:{defaulted}")),
        "{default:?}"
    );
    assert!(
        !default.contains(&format!("do:app:{placed}")),
        "{default:?}"
    );
    let gone = crate::common::call(
        &sim,
        Method::DELETE,
        &format!("/v2/apps/{placed}"),
        Some(sim.token()),
        None,
    )
    .await;
    assert!(gone.status.is_success(), "{}", gone.text);
    let listed = get(&sim, &format!("/v2/projects/{project}/resources"))
        .await
        .json();
    assert_eq!(urns(listed), Vec::<String>::new());
}

/// A scheduled job (godo's `AppJobSpecKind_Scheduled` with `AppJobSpecSchedule`; the
/// description's `kind` enum lacks it) is accepted, kept and read back; a job of another
/// kind gains no schedule, and a schedule without its cron expression is refused.
#[tokio::test]
async fn an_app_with_a_scheduled_job_keeps_its_schedule() {
    let sim = demo(200).await;
    let job = |kind: &str, schedule: Option<Value>| {
        let mut job = json!({"name": format!("{}-job", kind.to_ascii_lowercase().replace('_', "-")),
            "kind": kind, "run_command": "echo hi",
            "image": {"registry_type": "DOCKER_HUB", "registry": "library", "repository": "busybox", "tag": "latest"}});
        if let Some(schedule) = schedule {
            job["schedule"] = schedule;
        }
        job
    };
    let spec = json!({"name": "scheduled-app", "region": "nyc", "jobs": [
        job("SCHEDULED", Some(json!({"cron": "0 3 * * *", "time_zone": "Europe/Berlin"}))),
        job("PRE_DEPLOY", None),
    ]});
    let reply = send_json(&sim, Method::POST, "/v2/apps", json!({"spec": spec})).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let id = reply.json()["app"]["id"].as_str().expect("id").to_owned();
    let read = get(&sim, &format!("/v2/apps/{id}")).await.json();
    let jobs = read["app"]["spec"]["jobs"]
        .as_array()
        .expect("jobs")
        .clone();
    assert_eq!(jobs[0]["kind"], "SCHEDULED", "{read}");
    assert_eq!(
        jobs[0]["schedule"],
        json!({"cron": "0 3 * * *", "time_zone": "Europe/Berlin"})
    );
    assert!(
        jobs[1].get("schedule").is_none(),
        "no schedule was given: {}",
        jobs[1]
    );

    let bad = json!({"spec": {"name": "bad-schedule", "region": "nyc",
        "jobs": [job("SCHEDULED", Some(json!({"time_zone": "UTC"})))]}});
    let reply = send_json(&sim, Method::POST, "/v2/apps", bad).await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.text
    );
    assert!(reply.text.contains("cron"), "{}", reply.text);
}

/// The archive a logs request names (`historic_urls`) is served by the emulator, without
/// a token as a presigned address is, with the lines of each phase asked for; a wrong
/// signature is a 404, and following gives the live stream alone.
#[tokio::test]
async fn app_log_archives_are_served_as_text_without_a_token() {
    let sim = demo(100).await;
    let spec = json!({"name": "logs-app", "region": "nyc", "services": [{"name": "web",
        "image": {"registry_type": "DOCKER_HUB", "registry": "library", "repository": "nginx", "tag": "1.27"},
        "run_command": "nginx -g 'daemon off;'", "instance_count": 2}],
        "workers": [{"name": "queue", "github": {"repo": "acme/queue", "branch": "main"},
        "build_command": "make"}]});
    let reply = send_json(&sim, Method::POST, "/v2/apps", json!({"spec": spec})).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let id = reply.json()["app"]["id"].as_str().expect("id").to_owned();
    crate::common::settled(&sim, &format!("/v2/apps/{id}"), "app", |app| {
        app.pointer("/active_deployment/phase") == Some(&json!("ACTIVE"))
    })
    .await;
    let plain = crate::common::client();
    let archive = |query: &'static str| {
        let sim = &sim;
        let id = id.clone();
        async move {
            let reply = get(sim, &format!("/v2/apps/{id}/logs?{query}")).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
            let logs = reply.json();
            assert!(logs.get("live_url").is_none(), "{logs}");
            logs["historic_urls"][0]
                .as_str()
                .expect("an archive")
                .to_owned()
        }
    };
    let build = archive("type=BUILD").await;
    let text = plain.get(&build).send().await.expect("served");
    assert_eq!(text.status(), StatusCode::OK);
    let text = text.text().await.expect("text");
    assert!(
        text.contains("web ") && text.contains("Pulling image nginx:1.27"),
        "{text}"
    );
    assert!(
        text.contains("queue ") && text.contains("Running build command: make"),
        "{text}"
    );
    assert!(!text.contains("Starting"), "only the build phase: {text}");

    let run = archive("type=RUN").await;
    let text = plain
        .get(&run)
        .send()
        .await
        .expect("served")
        .text()
        .await
        .expect("text");
    assert!(
        text.contains("web ") && text.contains("Starting: nginx -g 'daemon off;'"),
        "{text}"
    );

    let forged = build.replace("signature=", "signature=0");
    assert_eq!(
        plain.get(&forged).send().await.expect("answered").status(),
        StatusCode::NOT_FOUND
    );
    let posted = plain.post(&build).send().await.expect("answered");
    assert_eq!(posted.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(posted.headers()["allow"], "GET");

    let follow = get(&sim, &format!("/v2/apps/{id}/logs?type=RUN&follow=true"))
        .await
        .json();
    assert!(
        follow.get("historic_urls").is_none() && follow["live_url"].is_string(),
        "{follow}"
    );
}
