//! Errors returned by the library API (starting a simulator, configuring faults).

use std::net::SocketAddr;

/// Why the simulator could not be started or configured.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The listening socket could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address that was requested.
        addr: SocketAddr,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// A builder setting was invalid; the message names the setting.
    #[error("invalid simulator configuration: {0}")]
    InvalidConfig(String),
    /// A fault or action-failure rule was invalid; the message names the field.
    #[error("invalid fault: {0}")]
    InvalidFault(String),
    /// A state file or document could not be read, written or used; nothing was loaded
    /// from it. The message names the file and what was wrong.
    #[error("state: {0}")]
    State(String),
}
