//! Initial data: the demo account (holding the reference page's example) or nothing.

use std::collections::VecDeque;

use jiff::Timestamp;

use crate::auth::PRIMARY_ACCOUNT;
use crate::state::catalog::{self, Image, Region, Size};
use crate::state::images::{DropletImage, ImageKind};
use crate::state::model::{
    Action, ActionKind, BackupPolicy, Droplet, DropletStatus, Outcome, PrivateAddr, Subject,
};
use crate::state::store::Data;

/// Which data the simulator starts with (and returns to on reset).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Seed {
    /// The demo account: droplet 3164444 with the reference page's action 36804636,
    /// plus three more droplets (tagged `web`, `db`, or untagged, in ams3, sfo3 and
    /// fra1) with some action history, and droplet 11612190 in nyc1, which the volume
    /// examples attach to (with the documented volume attached and backup 62137902).
    #[default]
    Demo,
    /// No droplets and no actions.
    Empty,
}

impl std::str::FromStr for Seed {
    type Err = crate::error::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "demo" => Ok(Self::Demo),
            "empty" => Ok(Self::Empty),
            other => Err(crate::error::Error::InvalidConfig(format!(
                "seed must be 'demo' or 'empty', got '{other}'"
            ))),
        }
    }
}

impl Seed {
    /// Builds the data set.
    pub(crate) fn data(self, max_actions: usize) -> Data {
        let mut data = Data::empty(max_actions);
        if self == Seed::Demo {
            demo(&mut data);
        }
        data
    }
}

fn at(text: &str) -> Timestamp {
    // Constant inputs; the seed tests prove each one parses.
    text.parse().unwrap_or(Timestamp::UNIX_EPOCH)
}

struct DropletSeed {
    id: u64,
    name: &'static str,
    region: &'static str,
    size: &'static str,
    image: &'static str,
    status: DropletStatus,
    created_at: &'static str,
    backups: bool,
    ipv6: bool,
    backup_ids: &'static [u64],
    snapshot_ids: &'static [u64],
    tags: &'static [&'static str],
    vpc_uuid: &'static str,
    volume_ids: &'static [&'static str],
}

fn demo(data: &mut Data) {
    let droplets = [
        DropletSeed {
            id: 3164444,
            name: "example.com",
            region: "nyc3",
            size: "s-1vcpu-1gb",
            image: "ubuntu-20-04-x64",
            status: DropletStatus::Active,
            created_at: "2020-11-14T16:29:21Z",
            backups: true,
            ipv6: true,
            backup_ids: &[53893572],
            snapshot_ids: &[67512819],
            tags: &["web", "env:prod"],
            vpc_uuid: "760e09ef-dc84-11e8-981e-3cfdfeaae000",
            volume_ids: &[],
        },
        DropletSeed {
            id: 3164450,
            name: "web-2",
            region: "ams3",
            size: "s-1vcpu-2gb",
            image: "ubuntu-22-04-x64",
            status: DropletStatus::Active,
            created_at: "2021-02-03T09:12:40Z",
            backups: false,
            ipv6: false,
            backup_ids: &[],
            snapshot_ids: &[],
            tags: &["web"],
            vpc_uuid: "5a4981aa-9653-4bd1-bef5-d6bff52042e4",
            volume_ids: &[],
        },
        DropletSeed {
            id: 3164494,
            name: "db-1",
            region: "sfo3",
            size: "s-2vcpu-4gb",
            image: "debian-12-x64",
            status: DropletStatus::Off,
            created_at: "2021-03-18T22:01:05Z",
            backups: false,
            ipv6: false,
            backup_ids: &[],
            snapshot_ids: &[],
            tags: &["db", "env:prod"],
            vpc_uuid: "8d2c7f4e-2a61-4f35-9a7e-4c2b1e8f9d03",
            volume_ids: &[],
        },
        DropletSeed {
            id: 3164510,
            name: "worker-1",
            region: "fra1",
            size: "s-1vcpu-1gb",
            image: "ubuntu-22-04-x64",
            status: DropletStatus::Active,
            created_at: "2022-06-01T07:45:00Z",
            backups: false,
            ipv6: false,
            backup_ids: &[],
            snapshot_ids: &[],
            tags: &[],
            vpc_uuid: "c3b0e1d2-7f6a-4e5b-8c9d-0a1b2c3d4e5f",
            volume_ids: &[],
        },
        // The Droplet the volume examples attach to and detach from, with the documented
        // volume attached; its backup is the image the image examples read and convert.
        DropletSeed {
            id: 11612190,
            name: "volume-host",
            region: "nyc1",
            size: "s-1vcpu-1gb",
            image: "ubuntu-22-04-x64",
            status: DropletStatus::Active,
            created_at: "2022-09-12T10:20:00Z",
            backups: true,
            ipv6: false,
            backup_ids: &[62137902],
            snapshot_ids: &[],
            tags: &[],
            vpc_uuid: "760e09ef-dc84-11e8-981e-3cfdfeaae001",
            volume_ids: &["7724db7c-e098-11e5-b522-000f53304e51"],
        },
        // Droplets the firewall, load balancer, reserved IP and project examples name, so their
        // references resolve (in sfo3, away from the reference Droplet's neighbors).
        DropletSeed {
            id: 8043964,
            name: "firewall-member",
            region: "sfo3",
            size: "s-1vcpu-1gb",
            image: "ubuntu-22-04-x64",
            status: DropletStatus::Active,
            created_at: "2022-10-01T12:00:00Z",
            backups: false,
            ipv6: false,
            backup_ids: &[],
            snapshot_ids: &[],
            tags: &[],
            vpc_uuid: "8d2c7f4e-2a61-4f35-9a7e-4c2b1e8f9d03",
            volume_ids: &[],
        },
        DropletSeed {
            id: 3164445,
            name: "web-3",
            region: "sfo3",
            size: "s-1vcpu-1gb",
            image: "ubuntu-22-04-x64",
            status: DropletStatus::Active,
            created_at: "2022-10-02T12:00:00Z",
            backups: false,
            ipv6: false,
            backup_ids: &[],
            snapshot_ids: &[],
            tags: &[],
            vpc_uuid: "8d2c7f4e-2a61-4f35-9a7e-4c2b1e8f9d03",
            volume_ids: &[],
        },
        DropletSeed {
            id: 2457247,
            name: "ip-holder",
            region: "sfo3",
            size: "s-1vcpu-1gb",
            image: "ubuntu-22-04-x64",
            status: DropletStatus::Active,
            created_at: "2022-10-04T12:00:00Z",
            backups: false,
            ipv6: false,
            backup_ids: &[],
            snapshot_ids: &[],
            tags: &[],
            vpc_uuid: "8d2c7f4e-2a61-4f35-9a7e-4c2b1e8f9d03",
            volume_ids: &[],
        },
        DropletSeed {
            id: 13457723,
            name: "project-member",
            region: "sfo3",
            size: "s-1vcpu-1gb",
            image: "ubuntu-22-04-x64",
            status: DropletStatus::Active,
            created_at: "2022-10-03T12:00:00Z",
            backups: false,
            ipv6: false,
            backup_ids: &[],
            snapshot_ids: &[],
            tags: &[],
            vpc_uuid: "8d2c7f4e-2a61-4f35-9a7e-4c2b1e8f9d03",
            volume_ids: &[],
        },
    ];
    for d in &droplets {
        let mut made = droplet(d);
        // Each takes the next free address of its VPC's range.
        let range = DEMO_VPCS
            .iter()
            .find(|(id, ..)| *id == d.vpc_uuid)
            .map(|(_, _, range, _)| *range);
        made.private_ipv4 = range.and_then(|range| {
            PrivateAddr::first_free(range, |ip| {
                data.droplets
                    .values()
                    .any(|o| o.vpc_uuid == d.vpc_uuid && o.private_ipv4.is_some_and(|a| a.ip == ip))
            })
        });
        // The seeded images were made a day after their Droplet.
        let day_later = made
            .created_at
            .checked_add(jiff::SignedDuration::from_hours(24))
            .unwrap_or(made.created_at);
        for (ids, kind) in [
            (d.backup_ids, ImageKind::Backup),
            (d.snapshot_ids, ImageKind::Snapshot),
        ] {
            for id in ids {
                data.images
                    .insert(*id, DropletImage::of(&made, *id, kind, day_later));
            }
        }
        data.push_droplet(made);
    }
    // The demo Kubernetes clusters' nodes run on these, in the cluster's region and VPC.
    for worker in demo_workers() {
        let mut made = droplet(&DropletSeed {
            id: worker.id,
            name: worker.name,
            region: DEMO_K8S_REGION,
            size: worker.size,
            image: "debian-12-x64",
            status: DropletStatus::Active,
            created_at: "2018-11-15T16:00:11Z",
            backups: false,
            ipv6: false,
            backup_ids: &[],
            snapshot_ids: &[],
            tags: &[],
            vpc_uuid: DEMO_K8S_VPC,
            volume_ids: &[],
        });
        made.tags = vec![
            "k8s".to_owned(),
            format!("k8s:{}", worker.cluster),
            "k8s:worker".to_owned(),
        ];
        let range = DEMO_VPCS
            .iter()
            .find(|(id, ..)| *id == DEMO_K8S_VPC)
            .map(|(_, _, range, _)| *range);
        made.private_ipv4 = range.and_then(|range| {
            PrivateAddr::first_free(range, |ip| {
                data.droplets.values().any(|o| {
                    o.vpc_uuid == DEMO_K8S_VPC && o.private_ipv4.is_some_and(|a| a.ip == ip)
                })
            })
        });
        data.push_droplet(made);
    }
    // (id, droplet, type, started, completed): the first is the reference page's example.
    let history: [(u64, u64, ActionKind, &str, &str); 9] = [
        (
            36804636,
            3164444,
            ActionKind::Create,
            "2020-11-14T16:29:21Z",
            "2020-11-14T16:30:06Z",
        ),
        (
            36804750,
            3164444,
            ActionKind::EnableBackups,
            "2020-11-14T17:02:11Z",
            "2020-11-14T17:02:19Z",
        ),
        (
            36805101,
            3164444,
            ActionKind::Snapshot,
            "2020-12-01T03:00:00Z",
            "2020-12-01T03:04:31Z",
        ),
        (
            52412087,
            3164450,
            ActionKind::Create,
            "2021-02-03T09:12:40Z",
            "2021-02-03T09:13:22Z",
        ),
        (
            52413311,
            3164450,
            ActionKind::PowerOff,
            "2021-02-10T12:00:03Z",
            "2021-02-10T12:00:09Z",
        ),
        (
            52413380,
            3164450,
            ActionKind::PowerOn,
            "2021-02-10T12:05:44Z",
            "2021-02-10T12:05:50Z",
        ),
        (
            60233401,
            3164494,
            ActionKind::Create,
            "2021-03-18T22:01:05Z",
            "2021-03-18T22:01:49Z",
        ),
        (
            60290017,
            3164494,
            ActionKind::Shutdown,
            "2021-04-02T18:30:00Z",
            "2021-04-02T18:30:14Z",
        ),
        (
            91877210,
            3164510,
            ActionKind::Create,
            "2022-06-01T07:45:00Z",
            "2022-06-01T07:45:38Z",
        ),
    ];
    for (id, droplet_id, kind, started, completed) in history {
        let region = match data.droplets.get(&droplet_id) {
            // The reference Droplet's 2020 actions show nyc3 with the size list of
            // their day, as the reference page's action does.
            _ if droplet_id == 3164444 => catalog::reference_nyc3(),
            Some(d) => d.region,
            None => &catalog::REGIONS[0],
        };
        data.push_action(Action {
            id,
            account: PRIMARY_ACCOUNT,
            kind,
            subject: Subject::Droplet,
            droplet_id,
            region,
            started_at: at(started),
            completes_at: Some(at(completed)),
            outcome: Outcome::Completed,
        });
    }
}

/// Ids of the demo Droplets' snapshots and backups (the engine must not hold a copy).
/// The demo's VPCs: (id, region, range, whether it is the region's default). The
/// Droplets' VPCs are their regions' defaults; `c33931f2…` is the one the load balancer
/// examples name.
pub(crate) const DEMO_VPCS: [(&str, &str, &str, bool); 13] = [
    (
        "760e09ef-dc84-11e8-981e-3cfdfeaae000",
        "nyc3",
        "10.116.0.0/20",
        true,
    ),
    (
        "5a4981aa-9653-4bd1-bef5-d6bff52042e4",
        "ams3",
        "10.110.0.0/20",
        true,
    ),
    (
        "8d2c7f4e-2a61-4f35-9a7e-4c2b1e8f9d03",
        "sfo3",
        "10.124.0.0/20",
        true,
    ),
    (
        "c3b0e1d2-7f6a-4e5b-8c9d-0a1b2c3d4e5f",
        "fra1",
        "10.114.0.0/20",
        true,
    ),
    (
        "760e09ef-dc84-11e8-981e-3cfdfeaae001",
        "nyc1",
        "10.108.0.0/20",
        true,
    ),
    (
        "c33931f2-a26a-4e61-b85c-4e95a2ec431b",
        "nyc3",
        "10.100.0.0/20",
        false,
    ),
    // The VPCs the documented NFS, peering, partner attachment, NAT gateway and
    // Dedicated Inference requests name, so that each example runs as written.
    (
        "796c6fe3-2a1d-4da2-9f3e-38239827dc91",
        "atl1",
        "10.102.0.0/20",
        true,
    ),
    (
        "3f34cdb2-1e4f-4100-b5c7-f55f2762085f",
        "atl1",
        "10.103.0.0/20",
        false,
    ),
    (
        "997615ce-132d-4bae-9270-9ee21b395e5d",
        "atl1",
        "10.104.0.0/20",
        false,
    ),
    (
        "e51aed59-3bb1-4a6a-8de0-9d1329e9c997",
        "atl1",
        "10.107.0.0/20",
        false,
    ),
    (
        "c140286f-e6ce-4131-8b7b-df4590ce8d6a",
        "nyc3",
        "10.105.0.0/20",
        false,
    ),
    (
        "994a2735-dc84-11e8-80bc-3cfdfea9fba1",
        "nyc1",
        "10.106.0.0/20",
        false,
    ),
    (
        "0eb1752f-807b-4562-a077-8018e13ab1fb",
        "tor1",
        "10.118.0.0/20",
        true,
    ),
];

pub(crate) const DEMO_DROPLET_IMAGES: [u64; 3] = [53893572, 67512819, 62137902];

/// The reference page's Droplet, which the demo's documented snapshot was taken of.
pub(crate) const DEMO_REFERENCE_DROPLET: u64 = 3164444;

/// The demo Kubernetes clusters: the documented one and the one the registry examples
/// name, both in nyc1's default VPC.
pub(crate) const DEMO_K8S_CLUSTERS: [&str; 2] = [
    "bd5f5959-5e1e-4205-a714-a914373942af",
    "50c2f44c-011d-493e-aee5-361a4a0d1844",
];
const DEMO_K8S_REGION: &str = "nyc1";
const DEMO_K8S_VPC: &str = "760e09ef-dc84-11e8-981e-3cfdfeaae001";

/// Each demo cluster's node pools as documented: each pool's size and its nodes' names.
const DEMO_K8S_POOLS: [(&str, &[&str]); 2] = [
    (
        "s-1vcpu-2gb",
        &[
            "adoring-newton-3niq",
            "adoring-newton-3nim",
            "adoring-newton-3ni7",
        ],
    ),
    (
        "g-4vcpu-16gb",
        &[
            "affectionate-nightingale-3nif",
            "affectionate-nightingale-3niy",
        ],
    ),
];

/// One demo worker Droplet: which cluster, pool and node it runs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DemoWorker {
    pub id: u64,
    pub cluster: &'static str,
    pub pool: usize,
    pub node: usize,
    pub size: &'static str,
    pub name: &'static str,
}

/// The demo nodes' worker Droplets, numbered up from the documented node's `droplet_id`
/// (205545370), cluster by cluster, pool by pool.
pub(crate) fn demo_workers() -> impl Iterator<Item = DemoWorker> {
    DEMO_K8S_CLUSTERS
        .iter()
        .flat_map(|cluster| {
            DEMO_K8S_POOLS
                .iter()
                .enumerate()
                .flat_map(move |(pool, (size, names))| {
                    names
                        .iter()
                        .enumerate()
                        .map(move |(node, name)| DemoWorker {
                            id: 0,
                            cluster,
                            pool,
                            node,
                            size,
                            name,
                        })
                })
        })
        .zip(205_545_370..)
        .map(|(worker, id)| DemoWorker { id, ..worker })
}

fn droplet(s: &DropletSeed) -> Droplet {
    let region: &'static Region = catalog::region(s.region).unwrap_or(&catalog::REGIONS[0]);
    let size: &'static Size = catalog::size(s.size).unwrap_or(&catalog::SIZES[0]);
    let image: &'static Image = catalog::image_by_slug(s.image).unwrap_or(&catalog::IMAGES[0]);
    Droplet {
        id: s.id,
        account: PRIMARY_ACCOUNT,
        name: s.name.to_owned(),
        size,
        disk: size.disk,
        status: s.status,
        created_at: at(s.created_at),
        backups: s.backups,
        backup_policy: s.backups.then(BackupPolicy::default),
        // The schedule starts when the emulator does.
        backups_since: s.backups.then(Timestamp::now),
        backups_made: 0,
        ipv6: s.ipv6,
        public_ipv4: true,
        monitoring: false,
        backup_ids: s.backup_ids.to_vec(),
        snapshot_ids: s.snapshot_ids.to_vec(),
        image,
        image_shown: None,
        kernel: None,
        region,
        tags: s.tags.iter().map(|t| (*t).to_owned()).collect(),
        vpc_uuid: s.vpc_uuid.to_owned(),
        private_ipv4: None,
        volume_ids: s.volume_ids.iter().map(|v| (*v).to_owned()).collect(),
        action_ids: VecDeque::new(),
        pending: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_seed_timestamp_parses() {
        let data = Seed::Demo.data(usize::MAX);
        // Nine Droplets of their own, and the demo Kubernetes nodes' worker Droplets.
        assert_eq!(data.droplets.len(), 9 + demo_workers().count());
        assert_eq!(data.actions.len(), 9);
        for action in data.actions.values() {
            assert!(
                action.started_at > Timestamp::UNIX_EPOCH,
                "action {}",
                action.id
            );
        }
        for droplet in data.droplets.values() {
            assert!(
                droplet.created_at > Timestamp::UNIX_EPOCH,
                "droplet {}",
                droplet.id
            );
        }
        assert!(Seed::Empty.data(usize::MAX).droplets.is_empty());
        let mut images: Vec<u64> = data.images.keys().copied().collect();
        let mut listed = DEMO_DROPLET_IMAGES.to_vec();
        images.sort_unstable();
        listed.sort_unstable();
        assert_eq!(images, listed);
    }
}
