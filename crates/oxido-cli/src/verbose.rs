//! `--verbose`: the SDK's per-attempt HTTP events on stderr.
//!
//! Only the SDK's own target (`oxido`, `oxido::...`) and this binary's are shown, so an
//! in-process sandbox emulator stays quiet. The SDK never puts the token in an event, and
//! neither does this crate.

use tracing::Level;
use tracing_subscriber::filter::filter_fn;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::prelude::*;

/// Installs the stderr logger when `-v` was given at least once; `-vv` adds TRACE.
pub fn install(verbosity: u8) {
    if verbosity == 0 {
        return;
    }
    let max = if verbosity >= 2 {
        Level::TRACE
    } else {
        Level::DEBUG
    };
    let ours = filter_fn(move |meta| {
        let target = meta.target();
        let in_scope = target == "oxido"
            || target.starts_with("oxido::")
            || target == "oxido_cli"
            || target.starts_with("oxido_cli::");
        in_scope && *meta.level() <= max
    });
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .without_time()
        .with_target(false)
        .with_span_events(FmtSpan::NONE)
        .compact()
        .with_filter(ours);
    // A second install (never expected) would fail; the first logger stays, which is fine.
    let _ = tracing_subscriber::registry().with(layer).try_init();
}
