//! Making a Droplet in the typed store: its VPC (the region's default unless named, and
//! in the same region), its private address from that VPC's range, its tags remembered,
//! and its create action's link. Shared by Droplet creates and Kubernetes worker nodes, so
//! neither of those modules needs the other.

use serde_json::{Value, json};

use crate::engine::call::Call;
use crate::wire::error::ApiError;

/// Makes a Kubernetes worker Droplet and gives its id: its cluster is the project's
/// resource, not the worker itself.
pub(super) fn create_worker(
    call: &Call<'_>,
    spec: crate::state::store::NewDroplet,
) -> Result<u64, ApiError> {
    make(call, spec).map(|(droplet, _)| droplet.id)
}

pub(super) fn make(
    call: &Call<'_>,
    mut spec: crate::state::store::NewDroplet,
) -> Result<(crate::state::model::Droplet, Value), ApiError> {
    // A Droplet made without a VPC joins its region's default one, which then exists.
    if spec.vpc_uuid.is_none() {
        spec.vpc_uuid = super::regional::default_vpc(call, spec.region.slug);
    }
    // Its private address comes from the VPC's range (the reference check made sure
    // a named VPC exists).
    if let Some(vpc) = spec.vpc_uuid.as_deref() {
        crate::engine::call::ensure_seeded(call, &["/v2/vpcs"]);
        let docs = call.docs();
        let named = docs.items("/v2/vpcs").and_then(|items| items.get(vpc));
        // A VPC spans one region: the API refuses a Droplet in another.
        if let Some(region) = named.and_then(|v| v["region"].as_str())
            && region != spec.region.slug
        {
            return Err(ApiError::unprocessable(format!(
                "vpc_uuid: the VPC is in {region}, not in {}",
                spec.region.slug
            )));
        }
        spec.vpc_range = named.and_then(|vpc| vpc["ip_range"].as_str().map(str::to_owned));
    }
    let app = call.app;
    let (droplet, action) =
        call.store()
            .create_droplet(call.who.account, spec, app.action_duration(), &|kind| {
                app.decide(kind)
            })?;
    super::tags::remember(call, droplet.tags.iter().map(String::as_str));
    let link = json!({
        "id": action.id,
        "rel": "create",
        "href": format!("{}/v2/actions/{}", call.origin, action.id),
    });
    Ok((droplet, link))
}
