//! The region object embedded in actions.

use serde::{Deserialize, Serialize};

/// A datacenter region.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Region {
    /// Display name, for example `New York 3`.
    pub name: String,
    /// Identifier, for example `nyc3`.
    pub slug: String,
    /// Features available in the region.
    #[serde(default, deserialize_with = "super::string_list::deserialize")]
    pub features: Vec<String>,
    /// Whether new Droplets can be created in the region.
    pub available: bool,
    /// Size slugs available in the region.
    #[serde(default, deserialize_with = "super::string_list::deserialize")]
    pub sizes: Vec<String>,
}
