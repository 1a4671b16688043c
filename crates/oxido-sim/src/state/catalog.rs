//! Fixed reference data: regions, sizes and images the simulated account can use.

use serde::Serialize;

/// A datacenter region, serialized exactly as the API's `region` object.
#[derive(Debug, Serialize)]
pub(crate) struct Region {
    pub name: &'static str,
    pub slug: &'static str,
    pub features: &'static [&'static str],
    pub available: bool,
    pub sizes: &'static [&'static str],
}

/// A Droplet plan.
#[derive(Debug)]
pub(crate) struct Size {
    pub slug: &'static str,
    pub memory: u32,
    pub vcpus: u32,
    pub disk: u32,
    pub transfer: f64,
    pub price_monthly: f64,
    pub price_hourly: f64,
    pub description: &'static str,
}

/// A public distribution image.
#[derive(Debug)]
pub(crate) struct Image {
    pub id: u64,
    pub name: &'static str,
    pub distribution: &'static str,
    pub slug: &'static str,
    pub created_at: &'static str,
    pub min_disk_size: u32,
    pub size_gigabytes: f64,
}

/// The nyc3 size list, kept byte-for-byte as the reference example shows it
/// (including its truncated last slug), because the demo action embeds it.
const NYC3_SIZES: &[&str] = &[
    "s-1vcpu-1gb",
    "s-1vcpu-2gb",
    "s-1vcpu-3gb",
    "s-2vcpu-2gb",
    "s-3vcpu-1gb",
    "s-2vcpu-4gb",
    "s-4vcpu-8gb",
    "s-6vcpu-16gb",
    "s-8vcpu-32gb",
    "s-12vcpu-48gb",
    "s-16vcpu-64gb",
    "s-20vcpu-96gb",
    "s-24vcpu-128gb",
    "s-32vcpu-192g",
];

const COMMON_SIZES: &[&str] = &[
    "s-1vcpu-1gb",
    "s-1vcpu-2gb",
    "s-2vcpu-2gb",
    "s-2vcpu-4gb",
    "s-4vcpu-8gb",
    "s-8vcpu-16gb",
];

const FULL_FEATURES: &[&str] = &[
    "private_networking",
    "backups",
    "ipv6",
    "metadata",
    "install_agent",
    "storage",
    "image_transfer",
];

pub(crate) static REGIONS: &[Region] = &[
    Region {
        name: "New York 3",
        slug: "nyc3",
        features: FULL_FEATURES,
        available: true,
        sizes: NYC3_SIZES,
    },
    Region {
        name: "Amsterdam 3",
        slug: "ams3",
        features: FULL_FEATURES,
        available: true,
        sizes: COMMON_SIZES,
    },
    Region {
        name: "San Francisco 3",
        slug: "sfo3",
        features: FULL_FEATURES,
        available: true,
        sizes: COMMON_SIZES,
    },
    Region {
        name: "Frankfurt 1",
        slug: "fra1",
        features: FULL_FEATURES,
        available: true,
        sizes: COMMON_SIZES,
    },
    // Where the volume examples live.
    Region {
        name: "New York 1",
        slug: "nyc1",
        features: FULL_FEATURES,
        available: true,
        sizes: COMMON_SIZES,
    },
];

pub(crate) static SIZES: &[Size] = &[
    Size {
        slug: "s-1vcpu-1gb",
        memory: 1024,
        vcpus: 1,
        disk: 25,
        transfer: 1.0,
        price_monthly: 6.0,
        price_hourly: 0.00893,
        description: "Basic",
    },
    Size {
        slug: "s-1vcpu-2gb",
        memory: 2048,
        vcpus: 1,
        disk: 50,
        transfer: 2.0,
        price_monthly: 12.0,
        price_hourly: 0.01786,
        description: "Basic",
    },
    Size {
        slug: "s-2vcpu-2gb",
        memory: 2048,
        vcpus: 2,
        disk: 60,
        transfer: 3.0,
        price_monthly: 18.0,
        price_hourly: 0.02679,
        description: "Basic",
    },
    Size {
        slug: "s-2vcpu-4gb",
        memory: 4096,
        vcpus: 2,
        disk: 80,
        transfer: 4.0,
        price_monthly: 24.0,
        price_hourly: 0.03571,
        description: "Basic",
    },
    Size {
        slug: "s-4vcpu-8gb",
        memory: 8192,
        vcpus: 4,
        disk: 160,
        transfer: 5.0,
        price_monthly: 48.0,
        price_hourly: 0.07143,
        description: "Basic",
    },
    Size {
        slug: "s-8vcpu-16gb",
        memory: 16384,
        vcpus: 8,
        disk: 320,
        transfer: 6.0,
        price_monthly: 96.0,
        price_hourly: 0.14286,
        description: "Basic",
    },
];

pub(crate) static IMAGES: &[Image] = &[
    Image {
        id: 63663980,
        name: "20.04 (LTS) x64",
        distribution: "Ubuntu",
        slug: "ubuntu-20-04-x64",
        created_at: "2020-05-15T05:47:50Z",
        min_disk_size: 20,
        size_gigabytes: 2.36,
    },
    Image {
        id: 129211873,
        name: "22.04 (LTS) x64",
        distribution: "Ubuntu",
        slug: "ubuntu-22-04-x64",
        created_at: "2023-03-28T19:41:11Z",
        min_disk_size: 7,
        size_gigabytes: 2.29,
    },
    Image {
        id: 106433672,
        name: "12 x64",
        distribution: "Debian",
        slug: "debian-12-x64",
        created_at: "2023-06-12T16:04:52Z",
        min_disk_size: 15,
        size_gigabytes: 0.99,
    },
];

/// Looks a region up by slug.
pub(crate) fn region(slug: &str) -> Option<&'static Region> {
    REGIONS.iter().find(|r| r.slug == slug)
}

/// Looks a size up by slug.
pub(crate) fn size(slug: &str) -> Option<&'static Size> {
    SIZES.iter().find(|s| s.slug == slug)
}

/// Looks an image up by slug.
pub(crate) fn image_by_slug(slug: &str) -> Option<&'static Image> {
    IMAGES.iter().find(|i| i.slug == slug)
}

/// Looks an image up by numeric id.
pub(crate) fn image_by_id(id: u64) -> Option<&'static Image> {
    IMAGES.iter().find(|i| i.id == id)
}
