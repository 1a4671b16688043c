//! The log of API requests the simulator received, so tests can count what a client sent.

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};

use serde::Serialize;

/// One API request as received (faulted ones included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SeenRequest {
    /// The HTTP method, e.g. `GET`.
    pub method: String,
    /// The path with its query string, e.g. `/v2/actions?page=2`.
    pub path: String,
    /// The body as text (invalid UTF-8 replaced); empty when there was none.
    pub body: String,
}

/// A bounded log: the oldest entries are dropped past the capacity, so a
/// long-running server does not grow without limit.
#[derive(Debug)]
pub(crate) struct Journal {
    entries: Mutex<VecDeque<SeenRequest>>,
    capacity: usize,
}

impl Journal {
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: Mutex::new(VecDeque::new()),
            capacity,
        }
    }

    pub fn record(&self, request: SeenRequest) {
        if self.capacity == 0 {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= self.capacity {
            entries.pop_front();
        }
        entries.push_back(request);
    }

    pub fn snapshot(&self) -> Vec<SeenRequest> {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .cloned()
            .collect()
    }

    pub fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}
