//! Integration tests over real HTTP on 127.0.0.1 with plain reqwest.

mod admin;
mod auth;
mod binary;
mod common;
mod concurrency;
mod droplet_images;
mod engine;
mod errors;
mod every_operation;
mod faults;
mod hardening;
mod hostile;
mod lifecycle;
mod lifecycles;
mod minimal_creates;
mod pagination;
mod rate_limit;
mod reference;
mod registry;
mod relations;
mod resource_actions;
mod semantics;
mod state;
mod streaming;
