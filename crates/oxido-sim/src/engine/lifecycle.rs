//! Resources that take time to come up: the status they start in and the one they
//! reach once the configured action duration (`--action-duration`) has passed.

use std::time::Duration;

use jiff::Timestamp;
use serde_json::Value;

use super::store::Transition;

/// One long-running resource kind.
#[derive(Debug)]
pub(crate) struct Lifecycle {
    /// The collection's path template.
    pub collection: &'static str,
    /// JSON pointer of the status member.
    pub pointer: &'static str,
    pub starting: &'static str,
    /// Statuses between `starting` and `done`, in order.
    pub steps: &'static [&'static str],
    pub done: &'static str,
}

/// Every long-running kind the engine models.
pub(crate) const LIFECYCLES: &[Lifecycle] = &[
    Lifecycle {
        collection: "/v2/kubernetes/clusters",
        pointer: "/status/state",
        starting: "provisioning",
        steps: &[],
        done: "running",
    },
    Lifecycle {
        collection: "/v2/databases",
        pointer: "/status",
        starting: "creating",
        steps: &[],
        done: "online",
    },
    Lifecycle {
        collection: "/v2/databases/{database_cluster_uuid}/replicas",
        pointer: "/status",
        starting: "creating",
        steps: &[],
        done: "online",
    },
    Lifecycle {
        collection: "/v2/apps/{app_id}/deployments",
        pointer: "/phase",
        starting: "PENDING_BUILD",
        steps: &["BUILDING", "PENDING_DEPLOY", "DEPLOYING"],
        done: "ACTIVE",
    },
    Lifecycle {
        collection: "/v2/load_balancers",
        pointer: "/status",
        starting: "new",
        steps: &[],
        done: "active",
    },
    Lifecycle {
        collection: "/v2/images",
        pointer: "/status",
        starting: "NEW",
        steps: &[],
        done: "available",
    },
    // A firewall's changes are applied to its Droplets shortly after it is written; the
    // Terraform provider reads `status` back (firewall/resource_firewall.go).
    Lifecycle {
        collection: "/v2/firewalls",
        pointer: "/status",
        starting: "waiting",
        steps: &[],
        done: "succeeded",
    },
    // A share is usable once ACTIVE; the Terraform provider waits for it
    // (nfs/resource_nfs.go).
    Lifecycle {
        collection: "/v2/nfs",
        pointer: "/status",
        starting: "CREATING",
        steps: &[],
        done: "ACTIVE",
    },
    Lifecycle {
        collection: "/v2/nfs/snapshots",
        pointer: "/status",
        starting: "CREATING",
        steps: &[],
        done: "ACTIVE",
    },
    Lifecycle {
        collection: "/v2/certificates",
        pointer: "/state",
        starting: "pending",
        steps: &[],
        done: "verified",
    },
    // The Terraform provider waits for each of these to leave its first state
    // (vpcpeering/resource_vpc_peering.go, nfs/resource_nfs.go,
    // vpcnatgateway/resource_vpc_nat_gateway.go,
    // partnernetworkconnect/resource_partner_network_connect.go); doctl's
    // `vpcs peerings create --wait` polls for ACTIVE. NFS shares are above.
    Lifecycle {
        collection: "/v2/vpc_peerings",
        pointer: "/status",
        starting: "PROVISIONING",
        steps: &[],
        done: "ACTIVE",
    },
    Lifecycle {
        collection: "/v2/vpcs/{vpc_id}/peerings",
        pointer: "/status",
        starting: "PROVISIONING",
        steps: &[],
        done: "ACTIVE",
    },
    Lifecycle {
        collection: "/v2/nfs/shares/{share_id}/access_points",
        pointer: "/status",
        starting: "CREATING",
        steps: &[],
        done: "ACTIVE",
    },
    Lifecycle {
        collection: "/v2/vpc_nat_gateways",
        pointer: "/state",
        starting: "NEW",
        steps: &[],
        done: "ACTIVE",
    },
    Lifecycle {
        collection: "/v2/partner_network_connect/attachments",
        pointer: "/state",
        starting: "CREATING",
        steps: &[],
        done: "CREATED",
    },
];

/// A registry garbage collection, started by `POST .../garbage-collection`.
pub(crate) const GARBAGE_COLLECTION: Lifecycle = Lifecycle {
    collection: "/v2/registry/{registry_name}/garbage-collections",
    pointer: "/status",
    starting: "requested",
    steps: &[
        "waiting for write JWTs to expire",
        "scanning manifests",
        "deleting unreferenced blobs",
    ],
    done: "succeeded",
};

/// Members each kind assigns only once it is up, read empty before: a load balancer
/// has no address while `new` (godo's recorded create answer, `lbCreateJSONResponse`
/// in load_balancers_test.go, has `"ip": ""` with `"status": "new"`; the Terraform
/// provider reads the address after waiting for `active`).
const UNSET_UNTIL_DONE: &[(&str, &[&str])] = &[("/v2/load_balancers", &["/ip"])];

/// The members `collection`'s objects read empty until they settle.
pub(crate) fn unset_until_done(collection: &str) -> &'static [&'static str] {
    UNSET_UNTIL_DONE
        .iter()
        .find(|(c, _)| *c == collection)
        .map_or(&[], |(_, members)| members)
}

/// The lifecycle of a collection, if it has one.
pub(crate) fn of(collection: &str) -> Option<&'static Lifecycle> {
    LIFECYCLES.iter().find(|l| l.collection == collection)
}

/// Puts a new object in its starting status.
pub(crate) fn start(object: &mut Value, lifecycle: &Lifecycle) {
    if let Some(slot) = object.pointer_mut(lifecycle.pointer) {
        *slot = Value::String(lifecycle.starting.to_owned());
    }
}

/// When and how a new object settles; a duration past the calendar never settles.
pub(crate) fn transition(lifecycle: &'static Lifecycle, duration: Duration) -> Transition {
    let now = Timestamp::now();
    let at = jiff::SignedDuration::try_from(duration)
        .ok()
        .and_then(|d| now.checked_add(d).ok())
        .unwrap_or(Timestamp::MAX);
    Transition {
        pointer: lifecycle.pointer,
        steps: lifecycle.steps,
        done: lifecycle.done,
        unset: unset_until_done(lifecycle.collection),
        from: now,
        at,
    }
}
