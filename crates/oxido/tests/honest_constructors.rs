//! Constructors that cannot lie (issue 17, item 3): the variant alone sets the tag, choosing a variant
//! changes what is sent, "slug or id" converts from either, one region type, `create` and
//! `create_many`, and required arguments that cannot be swapped.

use std::time::Duration;

use oxido::Client;
use oxido::types::{
    AppJobSpec, AppJobSpecKind, AppJobSpecSchedule, AppSpec, AppsCreateAppRequest,
    ClusterRequestRequired, DatabasesCreateClusterBody, DatabasesCreateClusterBodyRequired,
    DomainRecordA, DomainRecordARequired, DomainRecordCname, DomainRecordCnameRequired,
    DomainsCreateRecordBody, DropletMultiCreate, DropletMultiCreateRequired, DropletSingleCreate,
    DropletSingleCreateRequired, KubernetesNodePoolRequest, KubernetesNodePoolRequestRequired,
    RegionSlug, SlugOrId, VolumesCreateBody, VolumesExt4, VolumesExt4Required, VolumesXfs,
    VolumesXfsRequired, VpcsCreateBody,
};
use oxido_sim::{Seed, Sim};
use serde_json::json;

fn encode<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).expect("encodes")
}

#[test]
fn a_domain_record_kind_is_the_variant_alone() {
    // `DomainRecordA` has no `type` to get wrong: the variant sends it.
    let a = DomainRecordA::new(DomainRecordARequired {
        data: "203.0.113.10".into(),
        name: "www".into(),
    });
    assert_eq!(
        encode(&DomainsCreateRecordBody::A(a)),
        json!({"type": "A", "data": "203.0.113.10", "name": "www"})
    );
    let cname = DomainRecordCname::new(DomainRecordCnameRequired {
        data: "www.example.com.".into(),
        name: "blog".into(),
    });
    assert_eq!(
        encode(&DomainsCreateRecordBody::Cname(cname))["type"],
        "CNAME"
    );
    // Decoding picks the variant by the tag, as before.
    let body: DomainsCreateRecordBody =
        serde_json::from_value(json!({"type": "CNAME", "data": "x.", "name": "y"}))
            .expect("decodes");
    assert!(
        matches!(body, DomainsCreateRecordBody::Cname(_)),
        "{body:?}"
    );
}

#[test]
fn choosing_xfs_or_ext4_sends_that_filesystem() {
    let xfs = VolumesXfs::new(VolumesXfsRequired {
        name: "data".into(),
        size_gigabytes: 10,
        region: RegionSlug::Nyc3,
    });
    let sent = encode(&VolumesCreateBody::Xfs(xfs));
    assert_eq!(sent["filesystem_type"], "xfs", "{sent}");
    let ext4 = VolumesExt4::new(VolumesExt4Required {
        name: "data".into(),
        size_gigabytes: 10,
        region: "nyc3".into(),
    });
    let sent = encode(&VolumesCreateBody::Ext4(ext4));
    assert_eq!(sent["filesystem_type"], "ext4", "{sent}");
    assert_eq!(sent["region"], "nyc3", "{sent}");
    // And the field picks the variant when a body is read (the CLI's `--body`).
    let read: VolumesCreateBody = serde_json::from_value(
        json!({"name": "data", "size_gigabytes": 10, "region": "nyc3", "filesystem_type": "xfs"}),
    )
    .expect("decodes");
    assert!(matches!(read, VolumesCreateBody::Xfs(_)), "{read:?}");
}

#[test]
fn a_slug_or_id_converts_from_either() {
    assert_eq!(
        SlugOrId::from("ubuntu-24-04-x64"),
        SlugOrId::Slug("ubuntu-24-04-x64".into())
    );
    assert_eq!(SlugOrId::from(12345_u64), SlugOrId::Id(12345));
    assert_eq!(encode(&SlugOrId::from(7_u64)), json!(7));
    assert_eq!(encode(&SlugOrId::from("fp")), json!("fp"));
    // An image and an SSH key are the same kind of reference.
    let body = DropletSingleCreate {
        ssh_keys: Some(vec![289794_u64.into(), "3b:16:bf:e4".into()]),
        ..DropletSingleCreate::new(DropletSingleCreateRequired {
            name: "web".into(),
            image: "ubuntu-24-04-x64".into(),
            size: "s-1vcpu-1gb".into(),
        })
    };
    let sent = encode(&body);
    assert_eq!(sent["image"], "ubuntu-24-04-x64");
    assert_eq!(sent["ssh_keys"], json!([289794, "3b:16:bf:e4"]));
}

#[test]
fn every_datacenter_region_is_a_region_slug() {
    // Each is the one `RegionSlug`: these lines compile only while that holds.
    let droplet: Option<RegionSlug> = DropletSingleCreate::new(DropletSingleCreateRequired {
        name: "a".into(),
        image: 1_u64.into(),
        size: "s".into(),
    })
    .region;
    assert_eq!(droplet, None);
    let pool = KubernetesNodePoolRequest::new(KubernetesNodePoolRequestRequired {
        size: "s-1vcpu-2gb".into(),
        count: 1,
        name: "pool".into(),
    });
    let cluster = ClusterRequestRequired {
        name: "k8s".into(),
        node_pools: vec![pool],
        region: "nyc1".into(),
        version: "latest".into(),
    };
    assert_eq!(cluster.region, RegionSlug::Nyc1);
    let vpc = VpcsCreateBody::new(oxido::types::VpcsCreateBodyRequired {
        name: "net".into(),
        region: RegionSlug::Ams3,
    });
    assert_eq!(encode(&vpc)["region"], "ams3");
    // A region this crate does not list yet still goes out as written.
    assert_eq!(encode(&RegionSlug::from("atl1")), json!("atl1"));
}

#[test]
fn required_arguments_are_named_so_they_cannot_swap() {
    let body = DatabasesCreateClusterBody::new(DatabasesCreateClusterBodyRequired {
        engine: oxido::types::DatabaseClusterEngine::Pg,
        name: "db".into(),
        num_nodes: 1,
        size: "db-s-1vcpu-1gb".into(),
        region: RegionSlug::Nyc3,
    });
    let sent = encode(&body);
    assert_eq!(sent["region"], "nyc3", "{sent}");
    assert_eq!(sent["size"], "db-s-1vcpu-1gb", "{sent}");
    assert_eq!(sent["engine"], "pg", "{sent}");
}

#[tokio::test]
async fn create_makes_one_droplet_and_create_many_several() {
    let (sim, client) = sim_and_client(Seed::Empty).await;
    let one = client
        .droplets()
        .create(DropletSingleCreate {
            region: Some(RegionSlug::Nyc3),
            ..DropletSingleCreate::new(DropletSingleCreateRequired {
                name: "one".into(),
                image: "ubuntu-24-04-x64".into(),
                size: "s-1vcpu-1gb".into(),
            })
        })
        .await
        .expect("created one");
    assert_eq!(one.droplet.name, "one");
    let many = client
        .droplets()
        .create_many(DropletMultiCreate {
            region: Some(RegionSlug::Nyc3),
            ..DropletMultiCreate::new(DropletMultiCreateRequired {
                names: vec!["two".into(), "three".into()],
                image: "ubuntu-24-04-x64".into(),
                size: "s-1vcpu-1gb".into(),
            })
        })
        .await
        .expect("created two");
    let names: Vec<&str> = many.droplets.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["two", "three"]);
    let sent: Vec<serde_json::Value> = sim
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path == "/v2/droplets")
        .map(|r| serde_json::from_str(&r.body).expect("JSON body"))
        .collect();
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert_eq!(sent[0]["name"], "one");
    assert_eq!(sent[1]["names"], json!(["two", "three"]));
}

#[tokio::test]
async fn a_droplet_action_chains_its_wait() {
    let (sim, client) = sim_and_client(Seed::Demo).await;
    let done = client
        .droplet_actions()
        .post(3164444, oxido::DropletAction::Reboot)
        .wait()
        .poll_interval(Duration::from_millis(20), Duration::from_millis(100))
        .timeout(Duration::from_secs(10))
        .await
        .expect("the reboot completes");
    assert_eq!(done.status, oxido::ActionStatus::Completed, "{done:?}");
    assert_eq!(done.kind.as_str(), "reboot");
    // Polled on the Droplet's own action endpoint, and the action was started once.
    let requests = sim.requests();
    let posts = requests
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/v2/droplets/3164444/actions")
        .count();
    assert_eq!(posts, 1);
    let poll = format!("/v2/droplets/3164444/actions/{}", done.id);
    assert!(
        requests.iter().any(|r| r.method == "GET" && r.path == poll),
        "no GET {poll}"
    );
    // Awaited without `.wait()`, it is the action as first answered.
    let started = client
        .droplet_actions()
        .post(3164444, oxido::DropletAction::PowerCycle)
        .await
        .expect("started");
    assert_eq!(started.kind.as_str(), "power_cycle");
}

#[test]
fn an_answer_is_built_from_default_in_a_test() {
    // Answers are `#[non_exhaustive]`: `Default`, then the fields a test needs.
    let mut firewall = oxido::types::Firewall::default();
    firewall.id = "fw-1".into();
    firewall.name = "web".into();
    firewall.droplet_ids = vec![3164444];
    let sent = encode(&firewall);
    assert_eq!(sent["id"], "fw-1");
    assert_eq!(sent["droplet_ids"], json!([3164444]));
    let action = oxido::Action {
        id: 7,
        status: oxido::ActionStatus::Completed,
        ..oxido::Action::default()
    };
    assert!(action.is_done());
}

/// The spec offers ext4 and xfs only; the API's default, an unformatted volume, is one call away
/// and sends no `filesystem_type` at all.
#[test]
fn an_unformatted_volume_sends_no_filesystem() {
    let volume = VolumesExt4 {
        tags: Some(vec!["db".into()]),
        filesystem_label: Some("ignored".into()),
        ..VolumesExt4::new(VolumesExt4Required {
            name: "raw".into(),
            size_gigabytes: 10,
            region: RegionSlug::Nyc3,
        })
    };
    let sent = encode(&VolumesCreateBody::unformatted(volume));
    assert_eq!(
        sent,
        json!({"name": "raw", "size_gigabytes": 10, "region": "nyc3", "tags": ["db"]})
    );
}

/// A scheduled App Platform job (a kind and a member the description lacks, which godo
/// has) is sent with its schedule and decodes back typed, nothing lost.
#[tokio::test]
async fn a_scheduled_job_goes_out_and_comes_back_typed() {
    let (_sim, client) = sim_and_client(Seed::Empty).await;
    let image = serde_json::from_value(json!({"registry_type": "DOCKER_HUB",
        "registry": "library", "repository": "busybox", "tag": "latest"}))
    .expect("an image source");
    let job = AppJobSpec {
        kind: Some(AppJobSpecKind::SCHEDULED),
        schedule: Some(AppJobSpecSchedule {
            time_zone: Some("Europe/Berlin".into()),
            ..AppJobSpecSchedule::new("0 3 * * *")
        }),
        run_command: Some("echo nightly".into()),
        image: Some(image),
        ..AppJobSpec::new("nightly")
    };
    let spec = AppSpec {
        region: Some("nyc".into()),
        jobs: Some(vec![job.clone()]),
        ..AppSpec::new("scheduled")
    };
    let app = client
        .apps()
        .create(AppsCreateAppRequest::new(spec))
        .await
        .expect("created");
    let read = client.apps().get(&app.id).await.expect("read back");
    let jobs = read.spec.jobs.expect("jobs");
    assert_eq!(jobs[0].kind, Some(AppJobSpecKind::SCHEDULED));
    assert_eq!(jobs[0].schedule, job.schedule);
}

/// A fresh emulator with quick actions, and a client of it.
async fn sim_and_client(seed: Seed) -> (Sim, Client) {
    let sim = Sim::builder()
        .seed(seed)
        .action_duration(Duration::from_millis(50))
        .start()
        .await
        .expect("emulator starts");
    let client = Client::builder()
        .no_proxy()
        .token(sim.token())
        .base_url(sim.base_url())
        .overall_timeout(Duration::from_secs(20))
        .build()
        .expect("client");
    (sim, client)
}
