//! The catalog through the SDK: regions, sizes and 1-clicks, read whole and page by page.

use futures::TryStreamExt;
use oxido::types::Size;

use super::common::*;

#[tokio::test]
async fn regions_and_sizes_streamed_two_at_a_time_are_the_whole_catalog() {
    let sim = sim().await;
    let client = client(&sim);
    let whole = client
        .regions()
        .list()
        .per_page(200)
        .send()
        .await
        .expect("regions");
    assert!(
        whole.items.len() > 4,
        "a realistic catalog: {}",
        whole.items.len()
    );
    assert_eq!(whole.total(), Some(whole.items.len() as u64));
    let streamed: Vec<oxido::Region> = client
        .regions()
        .list()
        .per_page(2)
        .into_stream()
        .try_collect()
        .await
        .expect("every page");
    let slugs = |r: &[oxido::Region]| r.iter().map(|r| r.slug.clone()).collect::<Vec<_>>();
    assert_eq!(slugs(&streamed), slugs(&whole.items));
    assert!(whole.items.iter().any(|r| r.slug == "nyc3" && r.available));

    let sizes: Vec<Size> = client
        .sizes()
        .list()
        .per_page(2)
        .into_stream()
        .try_collect()
        .await
        .expect("every size");
    assert!(sizes.len() > 2, "more than one page: {}", sizes.len());
    let first = client
        .sizes()
        .list()
        .per_page(200)
        .send()
        .await
        .expect("sizes");
    assert_eq!(sizes.len(), first.items.len());
    let small = sizes
        .iter()
        .find(|s| s.slug == "s-1vcpu-1gb")
        .expect("the smallest Droplet size");
    assert_eq!((small.vcpus, small.memory), (1, 1024));
    assert!(small.price_monthly > 0.0 && small.price_hourly > 0.0);
}

#[tokio::test]
async fn one_clicks_are_listed_and_filtered_by_type() {
    let sim = sim().await;
    let client = client(&sim);
    let all = client.one_clicks().list().await.expect("1-clicks");
    assert!(!all.is_empty());
    let droplet = client
        .one_clicks()
        .list()
        .r#type("droplet")
        .await
        .expect("droplet 1-clicks");
    assert!(!droplet.is_empty());
    assert!(droplet.iter().all(|o| o.kind == "droplet"), "{droplet:?}");
    assert!(droplet.len() <= all.len());
    let kubernetes = client
        .one_clicks()
        .list()
        .r#type("kubernetes")
        .await
        .expect("kubernetes 1-clicks");
    assert!(
        kubernetes.iter().all(|o| o.kind == "kubernetes"),
        "{kubernetes:?}"
    );
}

#[tokio::test]
async fn every_size_a_region_offers_is_in_the_size_list() {
    let sim = sim().await;
    let client = client(&sim);
    let regions: Vec<oxido::Region> = client
        .regions()
        .list()
        .into_stream()
        .try_collect()
        .await
        .expect("regions");
    let sizes: Vec<Size> = client
        .sizes()
        .list()
        .into_stream()
        .try_collect()
        .await
        .expect("sizes");
    for region in &regions {
        for size in &region.sizes {
            assert!(
                sizes.iter().any(|s| &s.slug == size),
                "{} offers unknown size {size}",
                region.slug
            );
        }
    }
}
