//! Creates a project and assigns a Droplet to it: `project_assign <droplet-id>`.

use oxido::Client;
use oxido::types::{ProjectAssignment, ProjectBase, ProjectEnvironment};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let droplet_id: u64 = std::env::args()
        .nth(1)
        .ok_or("usage: project_assign <droplet-id>")?
        .parse()?;
    let client = Client::from_env()?;

    let project = ProjectBase {
        name: Some("oxido-example".into()),
        purpose: Some("Web Application".into()),
        environment: Some(ProjectEnvironment::Development),
        ..ProjectBase::default()
    };
    let project = client.projects().create(project).await?;
    let id = project.id;
    let assignment = ProjectAssignment {
        resources: Some(vec![format!("do:droplet:{droplet_id}")]),
    };
    for resource in client.projects().assign_resources(&id, assignment).await? {
        let (urn, status) = (
            resource.urn.unwrap_or_default(),
            resource.status.map(|s| s.to_string()),
        );
        println!("project {id}: {urn} {}", status.unwrap_or_default());
    }
    Ok(())
}
