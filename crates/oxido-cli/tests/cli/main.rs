//! End-to-end tests: the built `oxido` binary against an oxido-sim started in the test.

mod common;

mod actions;
mod auth;
mod bodies;
mod completion;
mod conveniences;
mod doctl_users;
mod errors;
mod generated_waits;
mod names;
mod output;
mod pipes;
mod raw_json;
mod read;
mod safety;
mod tls;
mod verbose;
