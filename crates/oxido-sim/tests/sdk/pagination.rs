//! Pagination through the SDK's `into_stream()` over several emulator pages.

use futures::TryStreamExt;
use serde_json::json;

use super::common::*;

#[tokio::test]
async fn droplets_and_actions_stream_across_pages_without_loss_or_repeat() {
    let sim = sim().await;
    let client = client(&sim);
    let names: Vec<String> = (1..=7).map(|i| format!("paged-{i}")).collect();
    let made = client
        .droplets()
        .create_many(body(json!({
            "names": names, "region": "nyc3", "size": "s-1vcpu-1gb",
            "image": "ubuntu-22-04-x64", "tags": ["paged"]
        })))
        .await
        .expect("created");
    let first = client
        .droplets()
        .list()
        .tag_name("paged")
        .per_page(2)
        .send()
        .await
        .expect("the first page");
    assert_eq!(first.items.len(), 2);
    assert_eq!(first.total(), Some(7));
    assert!(first.next_link().is_some(), "{first:?}");
    let streamed: Vec<oxido::types::Droplet> = client
        .droplets()
        .list()
        .tag_name("paged")
        .per_page(2)
        .into_stream()
        .try_collect()
        .await
        .expect("four pages");
    let mut got: Vec<u64> = streamed.iter().map(|d| d.id).collect();
    let mut want: Vec<u64> = made.droplets.iter().map(|d| d.id).collect();
    got.sort_unstable();
    want.sort_unstable();
    assert_eq!(got, want);

    // Every create made an action; the account's history streams past them all.
    let actions: Vec<oxido::Action> = client
        .actions()
        .list()
        .per_page(3)
        .into_stream()
        .try_collect()
        .await
        .expect("every action");
    let whole = client
        .actions()
        .list()
        .per_page(200)
        .send()
        .await
        .expect("one page");
    assert_eq!(actions.len(), whole.items.len());
    assert!(actions.len() >= 7);
    let mut ids: Vec<u64> = actions.iter().map(|a| a.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), actions.len(), "no action twice");
}

#[tokio::test]
async fn engine_collections_stream_across_pages() {
    let sim = sim().await;
    let client = client(&sim);
    for i in 0..5 {
        client
            .ssh_keys()
            .create(body(json!({
                "name": format!("key-{i}"),
                "public_key": format!("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHn1aUNHGIYr6Oxz0DG53FaOQ5Zw4J0JLEmuvFxWzCO{i} k{i}")
            })))
            .await
            .expect("key added");
    }
    let whole = client
        .ssh_keys()
        .list()
        .per_page(200)
        .send()
        .await
        .expect("one page");
    assert!(whole.items.len() >= 5);
    let streamed: Vec<oxido::types::SshKeys> = client
        .ssh_keys()
        .list()
        .per_page(2)
        .into_stream()
        .try_collect()
        .await
        .expect("every page");
    let ids = |keys: &[oxido::types::SshKeys]| keys.iter().map(|k| k.id).collect::<Vec<_>>();
    assert_eq!(ids(&streamed), ids(&whole.items));
}
