//! One page of a list response, with the links to its neighbours.

use serde::{Deserialize, Serialize};

/// One page of results from a list endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// Links to other pages.
    #[serde(default)]
    pub links: Links,
    /// Facts about the whole result set.
    #[serde(default)]
    pub meta: Meta,
}

impl<T> Page<T> {
    /// The number of items across all pages, when the API reported it.
    pub fn total(&self) -> Option<u64> {
        self.meta.total
    }

    /// The absolute URL of the next page, if there is one.
    pub fn next_link(&self) -> Option<&str> {
        self.links
            .pages
            .as_ref()
            .and_then(|pages| pages.next.as_deref())
    }
}

/// The `links` object of a list response.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Links {
    /// Links to the first, previous, next and last pages; absent on a single page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<PageLinks>,
}

/// Absolute URLs of neighbouring pages; each is present only when that page exists.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageLinks {
    /// The first page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first: Option<String>,
    /// The previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev: Option<String>,
    /// The next page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// The last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<String>,
}

/// The `meta` object of a list response.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    /// The number of items across all pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
}
