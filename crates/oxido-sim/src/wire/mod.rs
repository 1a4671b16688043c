//! JSON shapes of requests and responses, kept independent of any client crate.

pub(crate) mod action;
pub(crate) mod action_request;
pub(crate) mod body;
pub(crate) mod droplet;
pub(crate) mod droplet_request;
pub(crate) mod error;
pub(crate) mod page;

use jiff::Timestamp;
use serde::{Serialize, Serializer};

/// A timestamp written the API's way: RFC 3339, UTC, whole seconds (`2020-11-14T16:29:21Z`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stamp(pub Timestamp);

impl Serialize for Stamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let whole = Timestamp::from_second(self.0.as_second()).unwrap_or(self.0);
        serializer.collect_str(&whole)
    }
}

impl std::fmt::Display for Stamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let whole = Timestamp::from_second(self.0.as_second()).unwrap_or(self.0);
        write!(f, "{whole}")
    }
}
