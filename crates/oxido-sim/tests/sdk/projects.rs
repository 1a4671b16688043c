//! Projects through the SDK: resources assigned to a project and to the default project,
//! listed back, and projects created, changed and deleted.

use serde_json::json;

use super::common::*;

fn urns(resources: &[oxido::types::Resource]) -> Vec<String> {
    resources.iter().filter_map(|r| r.urn.clone()).collect()
}

#[tokio::test]
async fn resources_assigned_to_a_new_project_are_listed_in_it() {
    let sim = sim().await;
    let client = client(&sim);
    let projects = client.projects();
    let made = projects
        .create(body(json!({
            "name": "sdk-project", "purpose": "Service or API", "environment": "Development"
        })))
        .await
        .expect("created");
    let id = made.id.clone();
    assert_eq!(made.name, "sdk-project");
    assert_ne!(made.is_default, Some(true));

    let wanted = [
        format!("do:droplet:{DROPLET}"),
        format!("do:volume:{VOLUME}"),
    ];
    let assigned = projects
        .assign_resources(&id, body(json!({"resources": wanted})))
        .await
        .expect("assigned");
    assert_eq!(urns(&assigned), wanted);
    let listed = projects
        .list_resources(&id)
        .send()
        .await
        .expect("resources");
    assert_eq!(urns(&listed.items), wanted);
    assert_eq!(listed.total(), Some(2));

    let patched = projects
        .patch(&id, body(json!({"description": "changed by the SDK"})))
        .await
        .expect("patched");
    assert_eq!(patched.description.as_deref(), Some("changed by the SDK"));
    assert_eq!(patched.name, "sdk-project", "a patch keeps the rest");
    let all = projects
        .list()
        .per_page(200)
        .send()
        .await
        .expect("projects");
    assert!(all.items.iter().any(|p| p.id == *id));
}

#[tokio::test]
async fn the_default_project_takes_assigned_resources() {
    let sim = sim().await;
    let client = client(&sim);
    let projects = client.projects();
    let default = projects.get_default().await.expect("a default project");
    assert_eq!(default.is_default, Some(true));
    let urn = format!("do:volume:{VOLUME}");
    projects
        .assign_resources_default(body(json!({"resources": [urn]})))
        .await
        .expect("assigned");
    let listed = projects
        .list_resources_default()
        .send()
        .await
        .expect("resources");
    assert!(urns(&listed.items).contains(&urn), "{listed:?}");
}

#[tokio::test]
async fn the_default_project_is_the_same_by_id() {
    let sim = sim().await;
    let client = client(&sim);
    let projects = client.projects();
    let default = projects.get_default().await.expect("a default project");
    let urn = format!("do:volume:{VOLUME}");
    projects
        .assign_resources_default(body(json!({"resources": [urn]})))
        .await
        .expect("assigned");
    let by_id = projects
        .list_resources(&default.id)
        .send()
        .await
        .expect("the same project by id");
    assert!(urns(&by_id.items).contains(&urn), "{by_id:?}");
}

#[tokio::test]
async fn a_new_project_has_no_resources() {
    let sim = sim().await;
    let client = client(&sim);
    let made = client
        .projects()
        .create(body(
            json!({"name": "empty", "purpose": "Just trying out DigitalOcean"}),
        ))
        .await
        .expect("created");
    let id = made.id;
    let listed = client
        .projects()
        .list_resources(&id)
        .send()
        .await
        .expect("resources");
    assert!(listed.items.is_empty(), "{listed:?}");
}

#[tokio::test]
async fn an_empty_project_is_deleted() {
    let sim = sim().await;
    let client = client(&sim);
    let made = client
        .projects()
        .create(body(
            json!({"name": "short-lived", "purpose": "Just trying out DigitalOcean"}),
        ))
        .await
        .expect("created");
    let id = made.id;
    client.projects().delete(&id).await.expect("deleted");
    let gone = client.projects().get(&id).await.expect_err("deleted");
    assert!(gone.is_not_found(), "{gone}");
}
