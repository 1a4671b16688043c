//! The log of API requests the simulator received, so tests can count what a client sent.
//!
//! Anyone who can reach the port can fill it, token or not, so it is bounded three
//! ways: in entries, in bytes, and per body (only a short prefix of a body is kept,
//! as raw bytes, and only for requests that passed authentication and the body
//! checks; a refused request is counted and logged without its body).

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};

use serde::Serialize;

/// How many bytes of an accepted request's body the log keeps.
pub const REQUEST_LOG_BODY_BYTES: usize = 4096;
/// What one entry costs besides its path and body bytes, for the byte budget.
const ENTRY_OVERHEAD: usize = 64;

/// One API request as received (faulted and refused ones included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SeenRequest {
    /// The HTTP method, e.g. `GET`.
    pub method: String,
    /// The path with its query string, e.g. `/v2/actions?page=2`.
    pub path: String,
    /// The body as text: at most the first [`REQUEST_LOG_BODY_BYTES`] bytes, invalid
    /// UTF-8 replaced; empty when there was none or it was not kept (the request was
    /// refused before a handler: no valid token, or a bad, oversized or slow body).
    pub body: String,
    /// How many body bytes were received, kept or not.
    pub body_len: u64,
    /// Whether `body` holds less than what was received.
    pub body_truncated: bool,
}

#[derive(Debug)]
struct Entry {
    method: http::Method,
    path: Box<str>,
    body: Box<[u8]>,
    body_len: u64,
}

impl Entry {
    fn cost(&self) -> usize {
        ENTRY_OVERHEAD + self.path.len() + self.body.len()
    }

    fn view(&self) -> SeenRequest {
        let truncated = (self.body.len() as u64) < self.body_len;
        let body = match std::str::from_utf8(&self.body) {
            Ok(text) => text.to_owned(),
            // A prefix may end inside a character: keep the whole characters before it.
            Err(e) if truncated && e.error_len().is_none() => {
                String::from_utf8_lossy(&self.body[..e.valid_up_to()]).into_owned()
            }
            Err(_) => String::from_utf8_lossy(&self.body).into_owned(),
        };
        SeenRequest {
            method: self.method.to_string(),
            path: self.path.to_string(),
            body,
            body_len: self.body_len,
            body_truncated: truncated,
        }
    }
}

#[derive(Debug, Default)]
struct Entries {
    queue: VecDeque<Entry>,
    bytes: usize,
}

/// A bounded log: the oldest entries are dropped past the entry or byte budget,
/// so a long-running server does not grow without limit.
#[derive(Debug)]
pub(crate) struct Journal {
    entries: Mutex<Entries>,
    capacity: usize,
    max_bytes: usize,
}

impl Journal {
    pub fn new(capacity: usize, max_bytes: usize) -> Self {
        Self {
            entries: Mutex::new(Entries::default()),
            capacity,
            max_bytes,
        }
    }

    /// Logs a request. `body` is the received body when it may be kept (the request
    /// was accepted), `None` when only its size is recorded.
    pub fn record(&self, method: &http::Method, path: &str, body: Option<&[u8]>, body_len: u64) {
        if self.capacity == 0 {
            return;
        }
        let kept = body.map_or(&[][..], |b| &b[..b.len().min(REQUEST_LOG_BODY_BYTES)]);
        let entry = Entry {
            method: method.clone(),
            path: path.into(),
            // A copy, so the log never pins the request's whole buffer.
            body: kept.into(),
            body_len,
        };
        let cost = entry.cost();
        if cost > self.max_bytes {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        while entries.queue.len() >= self.capacity || entries.bytes + cost > self.max_bytes {
            let Some(old) = entries.queue.pop_front() else {
                break;
            };
            entries.bytes -= old.cost();
        }
        entries.bytes += cost;
        entries.queue.push_back(entry);
    }

    pub fn snapshot(&self) -> Vec<SeenRequest> {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .queue
            .iter()
            .map(Entry::view)
            .collect()
    }

    pub fn clear(&self) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.queue.clear();
        entries.bytes = 0;
    }

    /// Bytes the log accounts for (entries' paths and bodies plus a fixed overhead each).
    #[cfg(test)]
    fn bytes(&self) -> usize {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .bytes
    }
}

#[cfg(test)]
mod tests {
    use http::Method;

    use super::*;

    #[test]
    fn only_a_prefix_of_a_body_is_kept_and_refused_bodies_not_at_all() {
        let journal = Journal::new(100, 1 << 20);
        let big = vec![b'x'; 1 << 20];
        journal.record(&Method::POST, "/v2/droplets", Some(&big), big.len() as u64);
        journal.record(&Method::POST, "/v2/droplets", None, big.len() as u64);
        let seen = journal.snapshot();
        assert_eq!(seen[0].body.len(), REQUEST_LOG_BODY_BYTES);
        assert!(seen[0].body_truncated);
        assert_eq!(seen[0].body_len, 1 << 20);
        assert_eq!(seen[1].body, "");
        assert!(seen[1].body_truncated);
        assert!(journal.bytes() < 2 * (REQUEST_LOG_BODY_BYTES + 200));
    }

    #[test]
    fn invalid_utf8_does_not_grow_the_stored_entry() {
        let journal = Journal::new(10, 1 << 20);
        let bytes = vec![0xFF; 3000];
        journal.record(&Method::POST, "/x", Some(&bytes), 3000);
        // Stored raw: 3000 bytes, not the 9000 of its lossy text.
        assert_eq!(journal.bytes(), ENTRY_OVERHEAD + 2 + 3000);
        assert_eq!(journal.snapshot()[0].body.chars().count(), 3000);
    }

    #[test]
    fn a_prefix_cut_inside_a_character_drops_the_partial_character() {
        let journal = Journal::new(10, 1 << 20);
        let mut body = vec![b'a'; REQUEST_LOG_BODY_BYTES - 1];
        body.extend_from_slice("é".as_bytes());
        journal.record(&Method::POST, "/x", Some(&body), body.len() as u64);
        let seen = &journal.snapshot()[0];
        assert_eq!(seen.body, "a".repeat(REQUEST_LOG_BODY_BYTES - 1));
        assert!(seen.body_truncated);
    }

    #[test]
    fn the_byte_budget_evicts_the_oldest_entries() {
        let journal = Journal::new(1000, 10_000);
        let body = vec![b'y'; REQUEST_LOG_BODY_BYTES];
        for n in 0..10 {
            journal.record(&Method::POST, &format!("/{n}"), Some(&body), 4096);
        }
        assert!(journal.bytes() <= 10_000);
        let seen = journal.snapshot();
        assert_eq!(seen.len(), 2);
        assert_eq!(seen.last().unwrap().path, "/9");
        journal.clear();
        assert_eq!(journal.bytes(), 0);
    }
}
