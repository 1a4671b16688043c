//! Pagination: `page`/`per_page` parsing, `links.pages` and `meta.total`.

use serde::Serialize;
use serde_json::{Value, json};

use super::error::ApiError;
use crate::state::store::Paging;

/// The API's default page size.
pub(crate) const DEFAULT_PER_PAGE: u64 = 20;
/// The API's largest page size; larger requests are capped to it.
pub(crate) const MAX_PER_PAGE: u64 = 200;

/// Query parameters of a list request.
#[derive(Debug, Clone)]
pub(crate) struct ListQuery {
    pub paging: Paging,
    /// Every parameter except `page`, in the order sent, to carry into links.
    pub kept: Vec<(String, String)>,
}

impl ListQuery {
    /// Parses the raw query string.
    pub fn parse(raw: Option<&str>) -> Result<Self, ApiError> {
        let mut page = 1;
        let mut per_page = DEFAULT_PER_PAGE;
        let mut kept = Vec::new();
        for (key, value) in url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            match key.as_ref() {
                "page" => page = positive(&key, &value)?,
                "per_page" => {
                    per_page = positive(&key, &value)?.min(MAX_PER_PAGE);
                    kept.push((key.into_owned(), value.into_owned()));
                }
                _ => kept.push((key.into_owned(), value.into_owned())),
            }
        }
        Ok(Self {
            paging: Paging { page, per_page },
            kept,
        })
    }

    /// A single parameter's value.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.kept
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn positive(key: &str, value: &str) -> Result<u64, ApiError> {
    value
        .parse::<u64>()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| {
            ApiError::unprocessable(format!(
                "{key} must be a positive integer, got '{}'.",
                super::action_request::excerpt(value)
            ))
        })
}

/// The `links` and `meta` members of a list response.
#[derive(Debug, Serialize)]
pub(crate) struct PageInfo {
    pub links: Value,
    pub meta: Meta,
}

/// `meta.total`
#[derive(Debug, Serialize)]
pub(crate) struct Meta {
    pub total: usize,
}

impl PageInfo {
    /// Builds links for `path` on `origin` (`http://host:port`) that apply to this page.
    pub fn new(origin: &str, path: &str, query: &ListQuery, total: usize) -> Self {
        let Paging { page, per_page } = query.paging;
        let last = (total as u64).div_ceil(per_page).max(1);
        let link = |n: u64| {
            let mut q = url::form_urlencoded::Serializer::new(String::new());
            q.append_pair("page", &n.to_string());
            for (k, v) in &query.kept {
                q.append_pair(k, v);
            }
            format!("{origin}{path}?{}", q.finish())
        };
        let mut pages = serde_json::Map::new();
        if page > 1 {
            pages.insert("first".into(), link(1).into());
            pages.insert("prev".into(), link((page - 1).min(last)).into());
        }
        if page < last {
            pages.insert("last".into(), link(last).into());
            pages.insert("next".into(), link(page + 1).into());
        }
        let links = if pages.is_empty() {
            json!({})
        } else {
            json!({ "pages": pages })
        };
        Self {
            links,
            meta: Meta { total },
        }
    }
}
