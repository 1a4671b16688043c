//! `--verbose`: one line on stderr per HTTP attempt, retry and failure the SDK reports.
//!
//! The SDK emits `tracing` events on target `oxido` with the method, path, status, attempt,
//! request id and elapsed time; this layer turns each into a short line such as
//! `> GET /v2/actions/1 -> 200 in 3 ms (attempt 1, request 5f2c...)`. Only the SDK's and this
//! binary's targets are shown, so an in-process sandbox emulator stays quiet. Neither crate
//! ever puts the token in an event, and this layer prints only the fields it knows.
//!
//! `-vv` adds the request and response headers the SDK traces (it redacts `Authorization` and
//! other credentials before they reach any event), and `-vvv` the bodies too.
//!
//! Without `-v` the same layer still watches for one event: a retry after a 429 that waits a
//! second or more (the SDK sleeps until the rate limit resets, up to a minute). A silent
//! minute looks like a hang, so that wait is announced on stderr.

use std::fmt::{self, Write as _};
use std::time::Duration;

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::Context;
use tracing_subscriber::prelude::*;

use crate::stdio;

/// Installs the stderr logger: request lines with `-v`, headers with `-vv`, bodies with
/// `-vvv`, and the rate-limit wait notice always.
pub fn install(verbosity: u8) {
    let lines = match verbosity {
        0 => None,
        1 => Some(Level::DEBUG),
        _ => Some(Level::TRACE),
    };
    // A logger installed earlier (never expected in this binary) keeps precedence.
    let _ = tracing_subscriber::registry()
        .with(HttpLines {
            lines,
            bodies: verbosity >= 3,
        })
        .try_init();
}

/// Writes the SDK's events as plain lines on stderr.
struct HttpLines {
    /// The most detailed level printed as request lines; `None` without `-v`.
    lines: Option<Level>,
    /// Whether body events (`-vvv`) are printed; header events need only TRACE (`-vv`).
    bodies: bool,
}

/// Waits shorter than this pass without a notice.
const NOTICE_AFTER: Duration = Duration::from_secs(1);

impl<S: Subscriber> Layer<S> for HttpLines {
    fn enabled(&self, meta: &tracing::Metadata<'_>, _: Context<'_, S>) -> bool {
        // DEBUG is needed even without -v: the SDK's "retrying" event is DEBUG.
        let max = self.lines.unwrap_or(Level::DEBUG).max(Level::DEBUG);
        meta.is_event() && *meta.level() <= max && is_ours(meta.target())
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        if self
            .lines
            .is_some_and(|max| *event.metadata().level() <= max)
        {
            if let Some(text) = fields.headers.as_deref() {
                stdio::err_line(&fields.line());
                for header in text.lines() {
                    stdio::err_line(&format!("{}   {header}", fields.direction()));
                }
            } else if let Some(body) = fields.body.as_deref() {
                if self.bodies {
                    stdio::err_line(&fields.line());
                    for line in body.lines() {
                        let line = escape_controls(line);
                        stdio::err_line(&format!("{}   {line}", fields.direction()));
                    }
                }
            } else {
                stdio::err_line(&fields.line());
            }
        }
        if let Some(notice) = fields.rate_limit_notice() {
            stdio::err_line(&notice);
        }
    }
}

fn is_ours(target: &str) -> bool {
    ["oxido", "oxido_cli"].iter().any(|ours| {
        target == *ours
            || target
                .strip_prefix(ours)
                .is_some_and(|rest| rest.starts_with("::"))
    })
}

/// A body line with control characters escaped, so a body cannot drive the terminal.
fn escape_controls(line: &str) -> String {
    line.chars()
        .map(|c| {
            if c.is_control() && c != '\t' {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// The fields of one event that are worth a line.
#[derive(Default)]
struct Fields {
    message: String,
    method: Option<String>,
    path: Option<String>,
    status: Option<String>,
    attempt: Option<String>,
    elapsed_ms: Option<String>,
    request_id: Option<String>,
    error: Option<String>,
    delay_ms: Option<String>,
    reason: Option<String>,
    /// `name: value` lines, credentials already redacted by the SDK.
    headers: Option<String>,
    body: Option<String>,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.store(field, value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.store(field, format!("{value:?}"));
    }
}

impl Fields {
    fn store(&mut self, field: &Field, value: String) {
        let slot = match field.name() {
            "message" => {
                self.message = value;
                return;
            }
            "method" => &mut self.method,
            "path" => &mut self.path,
            "status" => &mut self.status,
            "attempt" => &mut self.attempt,
            "elapsed_ms" => &mut self.elapsed_ms,
            "request_id" => &mut self.request_id,
            "error" => &mut self.error,
            "delay_ms" => &mut self.delay_ms,
            "reason" => &mut self.reason,
            "headers" => &mut self.headers,
            "body" => &mut self.body,
            // Unknown fields are left out rather than risk printing something sensitive.
            _ => return,
        };
        *slot = Some(value);
    }

    /// "Rate limited ..." when this is a retry after a 429 that waits a noticeable time.
    fn rate_limit_notice(&self) -> Option<String> {
        if self.message != "retrying" || self.reason.as_deref() != Some("status 429") {
            return None;
        }
        let millis: u64 = self.delay_ms.as_deref()?.parse().ok()?;
        let wait = Duration::from_millis(millis);
        if wait < NOTICE_AFTER {
            return None;
        }
        let whole = Duration::from_secs(millis.div_ceil(1000));
        Some(format!(
            "Rate limited by the API: waiting {} for the limit to reset, then retrying",
            humantime::format_duration(whole)
        ))
    }

    /// `>` for what was sent, `<` for what came back.
    fn direction(&self) -> char {
        if matches!(
            self.message.as_str(),
            "http response headers" | "http response body"
        ) {
            '<'
        } else {
            '>'
        }
    }

    fn line(&self) -> String {
        let mut line = String::from(self.direction());
        if let (Some(method), Some(path)) = (&self.method, &self.path) {
            let _ = write!(line, " {method} {path}");
        }
        match (self.message.as_str(), &self.status) {
            ("http response", Some(status)) => {
                let _ = write!(line, " -> {status}");
            }
            ("retrying", _) => {
                let _ = write!(line, ": retrying");
                if let Some(delay) = &self.delay_ms {
                    let _ = write!(line, " in {delay} ms");
                }
                if let Some(reason) = &self.reason {
                    let _ = write!(line, " after {reason}");
                }
            }
            (message, _) => {
                let _ = write!(line, " {message}");
            }
        }
        if let Some(error) = &self.error {
            let _ = write!(line, ": {error}");
        }
        if let Some(elapsed) = &self.elapsed_ms {
            let _ = write!(line, " in {elapsed} ms");
        }
        let mut details = Vec::new();
        if let Some(attempt) = &self.attempt {
            details.push(format!("attempt {attempt}"));
        }
        if let Some(id) = self.request_id.as_deref().filter(|id| *id != "-") {
            details.push(format!("request {id}"));
        }
        if !details.is_empty() {
            let _ = write!(line, " ({})", details.join(", "));
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_response_reads_as_one_short_line() {
        let fields = Fields {
            message: "http response".into(),
            method: Some("GET".into()),
            path: Some("/v2/actions/1".into()),
            status: Some("200".into()),
            attempt: Some("1".into()),
            elapsed_ms: Some("3".into()),
            request_id: Some("abc".into()),
            ..Fields::default()
        };
        assert_eq!(
            fields.line(),
            "> GET /v2/actions/1 -> 200 in 3 ms (attempt 1, request abc)"
        );
    }

    #[test]
    fn a_retry_names_its_delay_and_reason() {
        let fields = Fields {
            message: "retrying".into(),
            method: Some("GET".into()),
            path: Some("/v2/actions".into()),
            attempt: Some("1".into()),
            delay_ms: Some("250".into()),
            reason: Some("503".into()),
            request_id: Some("-".into()),
            ..Fields::default()
        };
        assert_eq!(
            fields.line(),
            "> GET /v2/actions: retrying in 250 ms after 503 (attempt 1)"
        );
    }

    #[test]
    fn a_long_wait_after_429_is_announced_and_short_or_other_ones_are_not() {
        let retry = |reason: &str, delay: &str| Fields {
            message: "retrying".into(),
            delay_ms: Some(delay.into()),
            reason: Some(reason.into()),
            ..Fields::default()
        };
        assert_eq!(
            retry("status 429", "56200").rate_limit_notice().as_deref(),
            Some("Rate limited by the API: waiting 57s for the limit to reset, then retrying")
        );
        assert_eq!(retry("status 429", "300").rate_limit_notice(), None);
        assert_eq!(retry("status 503", "5000").rate_limit_notice(), None);
    }

    #[test]
    fn only_the_sdk_and_cli_targets_are_shown() {
        assert!(is_ours("oxido"));
        assert!(is_ours("oxido::transport"));
        assert!(is_ours("oxido_cli"));
        assert!(!is_ours("oxido_sim"));
        assert!(!is_ours("hyper::proto"));
    }
}
