//! Waiters for the resources whose status moves by itself after a create or change: each polls the
//! resource's generated `get` call through [`WaitFor::new`] and judges the status the API reports.
//!
//! The states waited for follow what doctl waits for (`running` Kubernetes clusters, `online` databases,
//! `active` load balancers, `ACTIVE` app deployments); a state from which the resource never gets there
//! ends the wait with [`crate::Error::WaitFailed`].

#[allow(unused_imports)]
use crate::generated::types::*;
#[allow(unused_imports)]
use crate::wait::{Progress, WaitFor};

/// Judges a status string: `done` finishes the wait, one of `failed` ends it, anything else (or none yet)
/// keeps polling.
#[allow(dead_code)]
fn judge(state: Option<&str>, done: &str, failed: &[&str]) -> Progress {
    match state {
        Some(state) if state == done => Progress::Done,
        Some(state) if failed.contains(&state) => Progress::Failed(state.to_owned()),
        _ => Progress::Pending,
    }
}

#[cfg(feature = "kubernetes")]
impl crate::Kubernetes {
    /// Waits for a Kubernetes cluster to be `running` (`error` or `deleted` end the wait with
    /// [`crate::Error::WaitFailed`]). See [`WaitFor`] for the settings.
    ///
    /// ```no_run
    /// # async fn run(client: oxido::Client) -> Result<(), oxido::Error> {
    /// let cluster = client.kubernetes().wait_running("bd5f5959-5e1e-4205-a714-a914373942af").await?;
    /// # Ok(()) }
    /// ```
    pub fn wait_running(&self, cluster_id: &str) -> WaitFor<ClusterRead> {
        WaitFor::new(self.get_cluster(cluster_id), |cluster| {
            let state = cluster.status.as_ref().and_then(|s| s.state.as_ref());
            judge(
                state.map(|state| state.as_str()),
                "running",
                &["error", "deleted"],
            )
        })
    }

    /// Waits until every node of a node pool is `running` and the pool has as many nodes as its `count`.
    pub fn wait_node_pool_running(
        &self,
        cluster_id: &str,
        node_pool_id: &str,
    ) -> WaitFor<KubernetesNodePool> {
        WaitFor::new(self.get_node_pool(cluster_id, node_pool_id), |pool| {
            let nodes = &pool.nodes;
            let running = nodes.iter().all(|node| {
                node.status
                    .as_ref()
                    .and_then(|s| s.state.as_ref())
                    .is_some_and(|state| state.as_str() == "running")
            });
            if running && i64::try_from(nodes.len()).is_ok_and(|n| n == pool.count) {
                Progress::Done
            } else {
                Progress::Pending
            }
        })
    }
}

#[cfg(feature = "databases")]
impl crate::Databases {
    /// Waits for a database cluster to be `online`. See [`WaitFor`] for the settings.
    pub fn wait_online(&self, database_cluster_uuid: &str) -> WaitFor<DatabaseCluster> {
        WaitFor::new(self.get_cluster(database_cluster_uuid), |cluster| {
            judge(cluster.status.as_ref().map(|s| s.as_str()), "online", &[])
        })
    }

    /// Waits for a read-only replica to be `online`. See [`WaitFor`] for the settings.
    pub fn wait_replica_online(
        &self,
        database_cluster_uuid: &str,
        replica_name: &str,
    ) -> WaitFor<DatabaseReplica> {
        WaitFor::new(
            self.get_replica(database_cluster_uuid, replica_name),
            |replica| judge(replica.status.as_ref().map(|s| s.as_str()), "online", &[]),
        )
    }
}

#[cfg(feature = "load_balancers")]
impl crate::LoadBalancers {
    /// Waits for a load balancer to be `active` (`errored` ends the wait with
    /// [`crate::Error::WaitFailed`]). See [`WaitFor`] for the settings.
    pub fn wait_active(&self, lb_id: &str) -> WaitFor<LoadBalancer> {
        WaitFor::new(self.get(lb_id), |lb| {
            judge(
                lb.status.as_ref().map(|s| s.as_str()),
                "active",
                &["errored"],
            )
        })
    }
}

#[cfg(feature = "apps")]
impl crate::Apps {
    /// Waits for an app deployment to be `ACTIVE` (`ERROR`, `CANCELED` or `SUPERSEDED` end the wait with
    /// [`crate::Error::WaitFailed`]). See [`WaitFor`] for the settings.
    pub fn wait_deployment_active(
        &self,
        app_id: &str,
        deployment_id: &str,
    ) -> WaitFor<AppsDeployment> {
        WaitFor::new(self.get_deployment(app_id, deployment_id), |deployment| {
            judge(
                deployment.phase.as_ref().map(|p| p.as_str()),
                "ACTIVE",
                &["ERROR", "CANCELED", "SUPERSEDED"],
            )
        })
    }
}

#[cfg(feature = "images")]
impl crate::Images {
    /// Waits for an image (a custom image being imported, a snapshot being made) to be `available`
    /// (`deleted` or `retired` end the wait with [`crate::Error::WaitFailed`]). See [`WaitFor`].
    pub fn wait_available(&self, image_id: &str) -> WaitFor<Image> {
        WaitFor::new(self.get(image_id), |image| {
            judge(
                image.status.as_ref().map(|s| s.as_str()),
                "available",
                &["deleted", "retired"],
            )
        })
    }
}

#[cfg(feature = "certificates")]
impl crate::Certificates {
    /// Waits for a certificate to be `verified` (a Let's Encrypt certificate being issued; `error` ends
    /// the wait with [`crate::Error::WaitFailed`]). See [`WaitFor`] for the settings.
    pub fn wait_verified(&self, certificate_id: &str) -> WaitFor<Certificate> {
        WaitFor::new(self.get(certificate_id), |certificate| {
            judge(
                certificate.state.as_ref().map(|s| s.as_str()),
                "verified",
                &["error"],
            )
        })
    }
}
