//! A stateful local emulator of the DigitalOcean API v2, for testing without a cloud account.
//!
//! It serves every operation of the vendored API description in the API's wire format:
//! droplets, droplet actions and actions by hand, everything else through a generic engine
//! that validates requests against the description and keeps created objects per account.
//! It has per-token accounts and scopes, the API's rate limits, actions and long-running
//! resources that complete after a configurable duration, and fault injection for testing
//! clients' error handling. Use it in tests through [`Sim`], or run the `oxido-sim`
//! binary.
//!
//! ```no_run
//! # async fn demo() -> Result<(), oxido_sim::Error> {
//! use std::time::Duration;
//! use oxido_sim::{Fault, Seed, Sim};
//!
//! let sim = Sim::builder()
//!     .seed(Seed::Demo)
//!     .action_duration(Duration::from_millis(200))
//!     .start()
//!     .await?;
//! sim.inject(Fault::status(503).on("GET", "/v2/actions/{action_id}").times(1))?;
//! // ... point a client at sim.base_url() with sim.token() ...
//! assert_eq!(sim.requests().len(), 0);
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

mod admin;
mod app;
mod auth;
mod engine;
mod error;
mod faults;
mod in_process;
mod journal;
mod limits;
mod parity;
mod rate_limit;
mod refusal;
mod router;
mod seed;
mod server;
mod sim;
mod snapshot;
mod state;
mod wire;
mod world;

/// Hooks for fuzz targets; not a stable API.
#[doc(hidden)]
pub mod __fuzz {
    pub use crate::in_process::InProcess;
}

/// The emulator's reading of the vendored description, for tests; not a stable API.
#[doc(hidden)]
pub mod __spec {
    /// Number of operations routed.
    pub fn operation_count() -> usize {
        crate::engine::spec::OP_COUNT
    }

    /// How many operations are parsed and compiled right now, and the most kept.
    pub fn cached_operations() -> (usize, usize) {
        (
            crate::engine::spec::cached_operations(),
            crate::engine::spec::CACHED_OPERATIONS,
        )
    }

    /// Parses, compiles and builds the answer template of every operation, as if each
    /// had been called once (for measuring memory with everything loaded).
    pub fn load_all() {
        for op in crate::engine::spec::OpId::all() {
            let _ = crate::engine::catalog::template(op);
        }
    }

    /// The path of every GET operation with its documented parameter examples filled in.
    pub fn example_get_paths() -> Vec<String> {
        crate::engine::spec::OPS
            .iter()
            .filter(|op| op.method == crate::engine::spec::Method::Get)
            .map(|op| {
                let mut examples = op.examples.iter();
                op.path
                    .split('/')
                    .map(|segment| {
                        if segment.starts_with('{') {
                            let value = examples.next().copied().unwrap_or_default();
                            percent_encoding::utf8_percent_encode(
                                value,
                                percent_encoding::NON_ALPHANUMERIC,
                            )
                            .to_string()
                        } else {
                            segment.to_owned()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .collect()
    }

    /// The parity report as `docs/sim-parity.md` holds it.
    pub fn parity_markdown() -> String {
        crate::parity::markdown()
    }

    /// The success response's JSON Schema (OpenAPI 3.0 rewritten as JSON Schema
    /// 2020-12, definitions inlined under `$defs`) of `method path`, if it documents one.
    pub fn response_schema(method: &str, path: &str) -> Option<serde_json::Value> {
        let op = crate::engine::spec::OPS
            .iter()
            .find(|op| op.method.as_str() == method && op.path == path)?
            .op;
        crate::engine::spec::operation(op)
            .response
            .as_ref()
            .map(|doc| doc.schema.clone())
    }

    /// The JSON Schema of one event of `method path`'s `text/event-stream` answer, if
    /// it can stream.
    pub fn event_schema(method: &str, path: &str) -> Option<serde_json::Value> {
        let op = crate::engine::spec::OPS
            .iter()
            .find(|op| op.method.as_str() == method && op.path == path)?
            .op;
        crate::engine::spec::operation(op)
            .stream
            .as_ref()
            .map(|doc| doc.schema.clone())
    }
}

pub use error::Error;
pub use faults::{ActionFailure, Fault, FaultEffect, FaultId, MAX_FAULT_DELAY, MAX_RULES};
pub use journal::{REQUEST_LOG_BODY_BYTES, SeenRequest};
pub use seed::Seed;
pub use sim::{
    DEFAULT_ACTION_DURATION, DEFAULT_BODY_TIMEOUT, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_ACTIONS,
    DEFAULT_MAX_CONNECTIONS, DEFAULT_RATE_LIMIT_PER_HOUR, DEFAULT_RATE_LIMIT_PER_MINUTE,
    DEFAULT_REQUEST_LOG_BYTES, DEFAULT_REQUEST_LOG_CAPACITY, DEMO_TOKEN, Sim, SimBuilder,
};
