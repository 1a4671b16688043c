//! Writes that change state, through the SDK: an app restarted and rolled back, a
//! database replica promoted, a clusterlint run read back.

use oxido::types::AppsDeployment;
use serde_json::json;

use super::common::*;

const DATABASE: &str = "9cc10173-e9ea-4176-9dbc-a4cee4c4ff30";
const CLUSTER: &str = "bd5f5959-5e1e-4205-a714-a914373942af";

fn phase(deployment: &AppsDeployment) -> String {
    json_of(&deployment.phase)
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn an_app_restarts_then_rolls_back_pinned_until_committed() {
    let sim = sim().await;
    let client = client(&sim);
    let apps = client.apps();
    let made = apps
        .create(body(json!({"spec": {"name": "rolling", "region": "nyc"}})))
        .await
        .expect("created");
    let app = made.id.clone();
    let first = made
        .pending_deployment
        .and_then(|d| d.id)
        .expect("a first deployment");
    until(
        "the first deployment becomes ACTIVE",
        || apps.get_deployment(&app, &first).send(),
        |d| phase(d) == "ACTIVE",
    )
    .await;
    let restarted = apps
        .restart(&app, body(json!({})))
        .await
        .expect("restarted");
    let restarted = restarted.id.expect("an id");
    until(
        "the restart becomes ACTIVE",
        || apps.get_deployment(&app, &restarted).send(),
        |d| phase(d) == "ACTIVE",
    )
    .await;
    let rollback = apps
        .create_rollback(&app, body(json!({"deployment_id": first})))
        .await
        .expect("rolled back");
    assert_eq!(rollback.cloned_from.as_deref(), Some(first.as_str()));
    let pinned = apps.get(&app).await.expect("the app");
    assert_eq!(
        pinned.pinned_deployment.and_then(|d| d.id),
        rollback.id.clone()
    );
    apps.commit_rollback(&app).await.expect("committed");
    let unpinned = apps.get(&app).await.expect("the app");
    assert!(unpinned.pinned_deployment.is_none());
    let again = apps
        .commit_rollback(&app)
        .await
        .expect_err("nothing to commit");
    assert_eq!(again.status(), Some(409), "{again}");
}

#[tokio::test]
async fn a_promoted_replica_leaves_the_replicas_and_clusterlint_reads_back() {
    let sim = sim().await;
    let client = client(&sim);
    let databases = client.databases();
    let replicas = databases.list_replicas(DATABASE).await.expect("replicas");
    let name = replicas.first().expect("a replica").name.clone();
    databases
        .promote_replica(DATABASE, &name)
        .await
        .expect("promoted");
    let replicas = databases.list_replicas(DATABASE).await.expect("replicas");
    assert!(replicas.iter().all(|r| r.name != name));

    let kubernetes = client.kubernetes();
    let run = kubernetes
        .run_cluster_lint(CLUSTER, body(json!({})))
        .await
        .expect("a run");
    let result = kubernetes
        .get_cluster_lint_results(CLUSTER)
        .run_id(run.clone())
        .send()
        .await
        .expect("its result");
    assert_eq!(result.run_id.as_deref(), Some(run.as_str()));
}
