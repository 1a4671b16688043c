//! The simulated cloud: reference data, records, the store and action completion.

pub(crate) mod catalog;
mod image_store;
pub(crate) mod images;
pub(crate) mod lifecycle;
pub(crate) mod model;
pub(crate) mod persist;
pub(crate) mod store;
