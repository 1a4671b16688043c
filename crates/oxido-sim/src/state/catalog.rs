//! The catalog the API lists: regions, Droplet sizes, public images, Kubernetes versions
//! and options, database engines and options, app instance sizes and regions, registry
//! tiers and 1-Click apps. The facts are in `data/catalog/*.json` (their sources are in
//! `data/catalog/README.md`), embedded and parsed once on first use. Nothing here knows
//! HTTP: lookups answer `Option`/`bool` and the callers word the refusals.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A datacenter region, serialized exactly as the API's `region` object.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Region {
    pub name: &'static str,
    pub slug: &'static str,
    pub features: Vec<&'static str>,
    pub available: bool,
    /// The sizes offered here: filled from the sizes' own region lists.
    #[serde(default)]
    pub sizes: Vec<&'static str>,
}

/// A Droplet plan, serialized as the API's `size` object.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Size {
    pub slug: &'static str,
    pub memory: u32,
    pub vcpus: u32,
    pub disk: u32,
    pub transfer: f64,
    pub price_monthly: f64,
    pub price_hourly: f64,
    pub regions: Vec<&'static str>,
    pub available: bool,
    pub description: &'static str,
    /// Local disk unless the file says otherwise (GPU sizes: boot and scratch).
    #[serde(default)]
    pub disk_info: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gpu_info: Option<Value>,
}

/// A public image: a distribution or a 1-Click application.
#[derive(Debug, Deserialize)]
pub(crate) struct Image {
    pub id: u64,
    pub name: &'static str,
    pub distribution: &'static str,
    pub slug: &'static str,
    pub created_at: &'static str,
    pub min_disk_size: u32,
    pub size_gigabytes: f64,
    /// `distribution` or `application`, the `type` filter of `/v2/images`.
    pub kind: &'static str,
}

/// A Kubernetes version, as `/v2/kubernetes/options` lists it.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct KubernetesVersion {
    pub slug: &'static str,
    pub kubernetes_version: &'static str,
    pub supported_features: Vec<&'static str>,
}

/// Kubernetes versions (newest first), regions and the smallest node size.
#[derive(Debug, Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub(crate) struct Kubernetes {
    pub versions: Vec<KubernetesVersion>,
    pub regions: Vec<&'static str>,
    /// Node pools need Droplets of at least this much memory (MiB).
    pub min_node_memory: u32,
}

/// A database engine's options.
#[derive(Debug, Serialize, Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub(crate) struct Engine {
    pub versions: Vec<&'static str>,
    pub regions: Vec<&'static str>,
    pub layouts: Vec<Layout>,
    #[serde(skip_serializing)]
    pub version_availability: Vec<Value>,
    /// Each version's full release, which a cluster reports as `semantic_version`.
    #[serde(skip_serializing)]
    pub semantic_versions: BTreeMap<&'static str, &'static str>,
}

impl Engine {
    /// The newest version offered, which a cluster made without one runs.
    pub fn newest(&self) -> Option<&'static str> {
        self.versions.last().copied()
    }

    /// The dates the catalog gives `version` as `(version_end_of_life,
    /// version_end_of_availability)`.
    pub fn end_dates(&self, version: &str) -> (Option<&str>, Option<&str>) {
        let row = self
            .version_availability
            .iter()
            .find(|r| r["version"] == version);
        let date = |key: &str| row.and_then(|r| r[key].as_str());
        (date("end_of_life"), date("end_of_availability"))
    }
}

/// Sizes a cluster of `num_nodes` nodes can have.
#[derive(Debug, Serialize, Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub(crate) struct Layout {
    pub num_nodes: u32,
    pub sizes: Vec<&'static str>,
}

#[derive(Debug, Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
struct Databases {
    engines: BTreeMap<&'static str, Engine>,
}

/// App Platform instance sizes and regions (API objects as they are listed).
#[derive(Debug, Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub(crate) struct Apps {
    pub instance_sizes: Vec<Value>,
    pub regions: Vec<Value>,
}

/// Container registry regions and subscription tiers.
#[derive(Debug, Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub(crate) struct Registry {
    pub regions: Vec<&'static str>,
    pub tiers: Vec<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
struct Regions {
    regions: Vec<Region>,
    reference_nyc3: Region,
}

#[derive(Debug, Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
struct Sizes {
    sizes: Vec<Size>,
}

#[derive(Debug, Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
struct Images {
    images: Vec<Image>,
}

#[derive(Debug, Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
struct OneClicks {
    kubernetes: Vec<&'static str>,
}

/// Parses an embedded data file; a unit test proves each one parses, so the
/// fallback (an empty catalog) is never what ships.
fn parse<T: Deserialize<'static> + Default>(name: &str, text: &'static str) -> T {
    serde_json::from_str(text).unwrap_or_else(|e| {
        tracing::error!("data/catalog/{name} does not parse: {e}");
        T::default()
    })
}

macro_rules! empty_default {
    ($($t:ty => $e:expr),* $(,)?) => {$(impl Default for $t { fn default() -> Self { $e } })*};
}

empty_default! {
    Sizes => Sizes { sizes: Vec::new() },
    Images => Images { images: Vec::new() },
    Databases => Databases { engines: BTreeMap::new() },
    OneClicks => OneClicks { kubernetes: Vec::new() },
    Apps => Apps { instance_sizes: Vec::new(), regions: Vec::new() },
    Registry => Registry { regions: Vec::new(), tiers: Vec::new() },
    Kubernetes => Kubernetes { versions: Vec::new(), regions: Vec::new(), min_node_memory: 0 },
    Regions => Regions {
        regions: Vec::new(),
        reference_nyc3: Region { name: "", slug: "", features: Vec::new(), available: false, sizes: Vec::new() },
    },
}

static REGION_FILE: LazyLock<Regions> = LazyLock::new(|| {
    let mut file: Regions = parse(
        "regions.json",
        include_str!("../../data/catalog/regions.json"),
    );
    for region in &mut file.regions {
        region.sizes = SIZES
            .iter()
            .filter(|s| s.regions.contains(&region.slug))
            .map(|s| s.slug)
            .collect();
    }
    file
});

/// Every region the API lists, open and closed, in the API's order.
pub(crate) static REGIONS: LazyLock<&'static [Region]> =
    LazyLock::new(|| REGION_FILE.regions.as_slice());

/// Every Droplet size.
pub(crate) static SIZES: LazyLock<Vec<Size>> = LazyLock::new(|| {
    let mut file: Sizes = parse("sizes.json", include_str!("../../data/catalog/sizes.json"));
    for size in &mut file.sizes {
        if size.disk_info.is_null() {
            size.disk_info = serde_json::json!([
                { "type": "local", "size": { "amount": size.disk, "unit": "gib" } }
            ]);
        }
    }
    file.sizes
});

/// Every public image, distributions first.
pub(crate) static IMAGES: LazyLock<Vec<Image>> = LazyLock::new(|| {
    parse::<Images>(
        "images.json",
        include_str!("../../data/catalog/images.json"),
    )
    .images
});

static KUBERNETES: LazyLock<Kubernetes> = LazyLock::new(|| {
    parse(
        "kubernetes.json",
        include_str!("../../data/catalog/kubernetes.json"),
    )
});

static DATABASES: LazyLock<Databases> = LazyLock::new(|| {
    parse(
        "databases.json",
        include_str!("../../data/catalog/databases.json"),
    )
});

static APPS: LazyLock<Apps> =
    LazyLock::new(|| parse("apps.json", include_str!("../../data/catalog/apps.json")));

static REGISTRY: LazyLock<Registry> = LazyLock::new(|| {
    parse(
        "registry.json",
        include_str!("../../data/catalog/registry.json"),
    )
});

static ONE_CLICKS: LazyLock<OneClicks> = LazyLock::new(|| {
    parse(
        "one_clicks.json",
        include_str!("../../data/catalog/one_clicks.json"),
    )
});

/// Parses every file now, so the first request pays nothing.
pub(crate) fn load() {
    let _ = (REGIONS.len(), IMAGES.len(), KUBERNETES.versions.len());
    let _ = (
        DATABASES.engines.len(),
        APPS.regions.len(),
        REGISTRY.tiers.len(),
    );
    let _ = ONE_CLICKS.kubernetes.len();
}

/// Looks a region up by slug.
pub(crate) fn region(slug: &str) -> Option<&'static Region> {
    REGIONS.iter().find(|r| r.slug == slug)
}

/// A region as its JSON object, made once per region: every volume create copies one,
/// and a copy costs less than serializing the region again.
pub(crate) fn region_value(slug: &str) -> Option<&'static Value> {
    static VALUES: LazyLock<Vec<Value>> = LazyLock::new(|| {
        REGIONS
            .iter()
            .map(|r| serde_json::to_value(r).unwrap_or(Value::Null))
            .collect()
    });
    let index = REGIONS.iter().position(|r| r.slug == slug)?;
    VALUES.get(index).filter(|v| v.is_object())
}

/// nyc3 as the reference page's create action (2020) shows it, with the size list of
/// that time; only that demo action carries it.
pub(crate) fn reference_nyc3() -> &'static Region {
    &REGION_FILE.reference_nyc3
}

/// Looks a size up by slug.
pub(crate) fn size(slug: &str) -> Option<&'static Size> {
    SIZES.iter().find(|s| s.slug == slug)
}

/// Whether Droplets of `size` can be made in `region` now.
pub(crate) fn offers(region: &Region, size: &Size) -> bool {
    region.available && size.available && size.regions.contains(&region.slug)
}

/// Looks an image up by slug.
pub(crate) fn image_by_slug(slug: &str) -> Option<&'static Image> {
    IMAGES.iter().find(|i| i.slug == slug)
}

/// Looks an image up by numeric id.
pub(crate) fn image_by_id(id: u64) -> Option<&'static Image> {
    IMAGES.iter().find(|i| i.id == id)
}

/// Kubernetes versions, regions and node sizes.
pub(crate) fn kubernetes() -> &'static Kubernetes {
    &KUBERNETES
}

/// A Kubernetes version slug; `latest` is the newest.
pub(crate) fn kubernetes_version(slug: &str) -> Option<&'static KubernetesVersion> {
    let versions = &KUBERNETES.versions;
    if slug == "latest" {
        return versions.first();
    }
    versions.iter().find(|v| v.slug == slug)
}

/// The Droplet sizes a node pool can use.
pub(crate) fn node_sizes() -> impl Iterator<Item = &'static Size> {
    SIZES
        .iter()
        .filter(|s| s.available && s.memory >= KUBERNETES.min_node_memory)
}

/// The database engines, by slug.
pub(crate) fn database_engines() -> &'static BTreeMap<&'static str, Engine> {
    &DATABASES.engines
}

/// A database engine by slug.
pub(crate) fn database_engine(slug: &str) -> Option<&'static Engine> {
    DATABASES.engines.get(slug)
}

/// The engine's `version_availability` rows.
pub(crate) fn version_availability() -> BTreeMap<&'static str, &'static [Value]> {
    DATABASES
        .engines
        .iter()
        .map(|(k, e)| (*k, e.version_availability.as_slice()))
        .collect()
}

/// App Platform instance sizes and regions.
pub(crate) fn apps() -> &'static Apps {
    &APPS
}

/// An app instance size by slug.
pub(crate) fn app_instance_size(slug: &str) -> Option<&'static Value> {
    APPS.instance_sizes.iter().find(|s| s["slug"] == slug)
}

/// An App Platform region by slug (`nyc`) or by one of its data centers (`nyc1`).
pub(crate) fn app_region(slug: &str) -> Option<&'static Value> {
    APPS.regions.iter().find(|r| {
        r["slug"] == slug
            || r["data_centers"]
                .as_array()
                .is_some_and(|d| d.iter().any(|c| c == slug))
    })
}

/// Registry regions and tiers.
pub(crate) fn registry() -> &'static Registry {
    &REGISTRY
}

/// A registry subscription tier by slug.
pub(crate) fn registry_tier(slug: &str) -> Option<&'static Value> {
    REGISTRY.tiers.iter().find(|t| t["slug"] == slug)
}

/// 1-Click apps: (slug, type). The Droplet ones are the application images.
pub(crate) fn one_clicks() -> impl Iterator<Item = (&'static str, &'static str)> {
    IMAGES
        .iter()
        .filter(|i| i.kind == "application")
        .map(|i| (i.slug, "droplet"))
        .chain(ONE_CLICKS.kubernetes.iter().map(|s| (*s, "kubernetes")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_parses_and_refers_only_to_what_exists() {
        // Straight from the text, so a file that does not parse fails here by name.
        for (name, text) in [
            ("regions", include_str!("../../data/catalog/regions.json")),
            ("sizes", include_str!("../../data/catalog/sizes.json")),
            ("images", include_str!("../../data/catalog/images.json")),
            (
                "kubernetes",
                include_str!("../../data/catalog/kubernetes.json"),
            ),
            (
                "databases",
                include_str!("../../data/catalog/databases.json"),
            ),
            ("apps", include_str!("../../data/catalog/apps.json")),
            ("registry", include_str!("../../data/catalog/registry.json")),
            (
                "one_clicks",
                include_str!("../../data/catalog/one_clicks.json"),
            ),
        ] {
            serde_json::from_str::<Value>(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        serde_json::from_str::<Regions>(include_str!("../../data/catalog/regions.json"))
            .expect("regions");
        serde_json::from_str::<Sizes>(include_str!("../../data/catalog/sizes.json"))
            .expect("sizes");
        serde_json::from_str::<Databases>(include_str!("../../data/catalog/databases.json"))
            .expect("databases");
        assert!(REGIONS.len() >= 13 && SIZES.len() >= 50 && IMAGES.len() >= 10);
        for size in SIZES.iter() {
            assert!(!size.regions.is_empty(), "{}", size.slug);
            for r in &size.regions {
                assert!(
                    region(r).is_some_and(|r| r.available),
                    "{} in {r}",
                    size.slug
                );
            }
        }
        for r in &KUBERNETES.regions {
            assert!(region(r).is_some(), "kubernetes region {r}");
        }
        for (engine, e) in database_engines() {
            assert!(!e.versions.is_empty() && !e.layouts.is_empty(), "{engine}");
            // Every version has its full release, of the same line.
            for v in &e.versions {
                let full = e.semantic_versions.get(v).copied().unwrap_or_default();
                assert!(full.starts_with(&format!("{v}.")), "{engine} {v}: {full}");
            }
            assert_eq!(e.semantic_versions.len(), e.versions.len(), "{engine}");
            for r in &e.regions {
                assert!(region(r).is_some(), "{engine} region {r}");
            }
        }
        for r in &REGISTRY.regions {
            assert!(region(r).is_some(), "registry region {r}");
        }
        for r in &APPS.regions {
            for dc in r["data_centers"].as_array().expect("data_centers") {
                assert!(dc.as_str().and_then(region).is_some(), "{r}");
            }
        }
        let mut ids: Vec<u64> = IMAGES.iter().map(|i| i.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), IMAGES.len(), "image ids are unique");
        assert_eq!(
            kubernetes_version("latest").map(|v| v.slug),
            KUBERNETES.versions.first().map(|v| v.slug)
        );
        assert_eq!(reference_nyc3().slug, "nyc3");
    }
}
