//! Fault injection: rules that slow down, replace, cut or corrupt matching responses,
//! and rules that make new actions end `errored`.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// The longest delay latency rules can add to one request, however large their
/// `millis` (summed with saturation, then clamped).
pub const MAX_FAULT_DELAY: Duration = Duration::from_secs(24 * 60 * 60);

/// Most fault rules, and most action-failure rules, active at once.
pub const MAX_RULES: usize = 1000;
/// Longest `route` or `method` a rule may name, and longest action type.
const MAX_RULE_TEXT: usize = 2048;

/// What a fault does to a matching request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum FaultEffect {
    /// Wait this long before handling the request (the request then proceeds normally).
    Latency {
        /// Added delay in milliseconds (the total per request is capped at [`MAX_FAULT_DELAY`]).
        millis: u64,
    },
    /// Answer with this status instead of handling the request (state is untouched).
    Status {
        /// The HTTP status, 100..=599.
        status: u16,
        /// Adds a `retry-after` header with this many seconds.
        #[serde(default)]
        retry_after: Option<u64>,
        /// Sets `ratelimit-remaining: 0` and a `ratelimit-reset` one hour away.
        #[serde(default)]
        exhaust_rate_limit: bool,
        /// Answers with a proxy-style HTML page instead of the API's JSON error.
        #[serde(default)]
        html: bool,
    },
    /// Close the connection after reading the request, before any reply.
    DropConnection,
    /// Handle the request, then send only the first half of the body
    /// (with a matching `content-length`, so the HTTP exchange itself is valid).
    TruncatedBody,
    /// Handle the request, then send a body that is not valid JSON.
    MalformedJson,
    /// Handle the request, then pad the JSON body to at least this many bytes.
    OversizedBody {
        /// Target body size in bytes.
        bytes: usize,
    },
}

impl FaultEffect {
    fn is_latency(&self) -> bool {
        matches!(self, Self::Latency { .. })
    }

    /// Whether this effect rewrites the body produced by the real handler.
    pub(crate) fn is_body_fault(&self) -> bool {
        matches!(
            self,
            Self::TruncatedBody | Self::MalformedJson | Self::OversizedBody { .. }
        )
    }
}

/// A fault rule: which requests it matches and what it does to them.
///
/// ```
/// use oxido_sim::Fault;
/// // The next two GETs of any action answer 503, then requests pass.
/// let fault = Fault::status(503).on("GET", "/v2/actions/{action_id}").times(2);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Fault {
    /// HTTP method to match (case-insensitive); `None` matches all.
    #[serde(default)]
    pub method: Option<String>,
    /// Route to match: an exact path (`/v2/actions/5`), a pattern whose `{name}`
    /// segments match any one segment (`/v2/actions/{action_id}`), or `*`; `None`
    /// matches all. The query string is ignored.
    #[serde(default)]
    pub route: Option<String>,
    /// Share of matching requests affected, 0.0..=1.0.
    #[serde(default = "one")]
    pub share: f64,
    /// Affect only this many more matching requests, then retire.
    #[serde(default)]
    pub times: Option<u32>,
    /// What to do.
    pub effect: FaultEffect,
}

fn one() -> f64 {
    1.0
}

impl Fault {
    /// A rule applying `effect` to every request.
    pub fn new(effect: FaultEffect) -> Self {
        Self {
            method: None,
            route: None,
            share: 1.0,
            times: None,
            effect,
        }
    }

    /// Adds latency.
    pub fn latency(delay: Duration) -> Self {
        Self::new(FaultEffect::Latency {
            millis: u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
        })
    }

    /// Replaces the response with `status` and the API's JSON error body.
    pub fn status(status: u16) -> Self {
        Self::new(FaultEffect::Status {
            status,
            retry_after: None,
            exhaust_rate_limit: false,
            html: false,
        })
    }

    /// Replaces the response with `status` and an HTML error page, like a proxy would.
    pub fn html_status(status: u16) -> Self {
        Self::new(FaultEffect::Status {
            status,
            retry_after: None,
            exhaust_rate_limit: false,
            html: true,
        })
    }

    /// A 429 with `retry-after` in seconds.
    pub fn too_many_requests(retry_after_secs: u64) -> Self {
        Self::new(FaultEffect::Status {
            status: 429,
            retry_after: Some(retry_after_secs),
            exhaust_rate_limit: true,
            html: false,
        })
    }

    /// A 429 without `retry-after`, with `ratelimit-remaining: 0` and a reset an hour away.
    pub fn rate_limit_exhausted() -> Self {
        Self::new(FaultEffect::Status {
            status: 429,
            retry_after: None,
            exhaust_rate_limit: true,
            html: false,
        })
    }

    /// Closes the connection without replying.
    pub fn drop_connection() -> Self {
        Self::new(FaultEffect::DropConnection)
    }

    /// Sends half of the real body.
    pub fn truncated_body() -> Self {
        Self::new(FaultEffect::TruncatedBody)
    }

    /// Sends a body that is not valid JSON.
    pub fn malformed_json() -> Self {
        Self::new(FaultEffect::MalformedJson)
    }

    /// Pads the real JSON body to `bytes`.
    pub fn oversized_body(bytes: usize) -> Self {
        Self::new(FaultEffect::OversizedBody { bytes })
    }

    /// Restricts the rule to one method and route (see [`Fault::route`]).
    pub fn on(self, method: impl Into<String>, route: impl Into<String>) -> Self {
        self.method(method).route(route)
    }

    /// Restricts the rule to one method.
    pub fn method(mut self, method: impl Into<String>) -> Self {
        self.method = Some(method.into());
        self
    }

    /// Restricts the rule to one route or path.
    pub fn route(mut self, route: impl Into<String>) -> Self {
        self.route = Some(route.into());
        self
    }

    /// Affects only this share of matching requests (0.0..=1.0).
    pub fn share(mut self, share: f64) -> Self {
        self.share = share;
        self
    }

    /// Affects only the next `n` matching requests.
    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }

    /// Checks every field, naming the first bad one.
    pub fn validate(&self) -> Result<(), Error> {
        for (field, text) in [("route", &self.route), ("method", &self.method)] {
            if text.as_ref().is_some_and(|t| t.len() > MAX_RULE_TEXT) {
                return Err(Error::InvalidFault(format!(
                    "{field} must be at most {MAX_RULE_TEXT} bytes long"
                )));
            }
        }
        if !(0.0..=1.0).contains(&self.share) {
            return Err(Error::InvalidFault(format!(
                "share must be between 0.0 and 1.0, got {}",
                self.share
            )));
        }
        if let Some(route) = &self.route {
            if route != "*" && !route.starts_with('/') {
                return Err(Error::InvalidFault(format!(
                    "route must start with '/' or be '*', got '{route}'"
                )));
            }
        }
        if let Some(method) = &self.method {
            if method.is_empty() || !method.chars().all(|c| c.is_ascii_alphabetic() || c == '*') {
                return Err(Error::InvalidFault(format!(
                    "method '{method}' is not an HTTP method"
                )));
            }
        }
        if let FaultEffect::Status { status, .. } = self.effect {
            if !(100..=599).contains(&status) {
                return Err(Error::InvalidFault(format!(
                    "status must be between 100 and 599, got {status}"
                )));
            }
        }
        if let FaultEffect::OversizedBody { bytes } = self.effect {
            if bytes > 1 << 30 {
                return Err(Error::InvalidFault(format!(
                    "oversized_body bytes must be at most 1 GiB, got {bytes}"
                )));
            }
        }
        Ok(())
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        let method_ok = self
            .method
            .as_deref()
            .is_none_or(|m| m == "*" || m.eq_ignore_ascii_case(method));
        method_ok && self.route.as_deref().is_none_or(|r| route_matches(r, path))
    }
}

impl std::str::FromStr for Fault {
    type Err = Error;

    /// Parses the JSON form used by the admin route and the binary's `--fault` flag.
    fn from_str(s: &str) -> Result<Self, Error> {
        let fault: Fault =
            serde_json::from_str(s).map_err(|e| Error::InvalidFault(e.to_string()))?;
        fault.validate()?;
        Ok(fault)
    }
}

fn route_matches(pattern: &str, path: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let mut want = pattern.split('/');
    let mut got = path.split('/');
    loop {
        match (want.next(), got.next()) {
            (None, None) => return true,
            (Some(w), Some(g)) => {
                let wildcard = w == "*" || (w.starts_with('{') && w.ends_with('}'));
                if !wildcard && w != g {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

/// Identifies an injected fault, to remove it later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FaultId(pub u64);

/// An active rule and how many more requests it may affect.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ActiveFault {
    pub id: FaultId,
    pub fault: Fault,
    pub remaining: Option<u32>,
}

/// What the pipeline must do to one request.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    pub delay: Duration,
    pub effect: Option<FaultEffect>,
}

/// All active fault rules.
#[derive(Debug, Default)]
pub(crate) struct FaultTable {
    rules: Mutex<Vec<ActiveFault>>,
    // Lets the hot path skip the lock entirely when no fault is configured.
    any: AtomicBool,
    next_id: AtomicU64,
}

impl FaultTable {
    pub fn add(&self, fault: Fault) -> Result<FaultId, Error> {
        fault.validate()?;
        let id = FaultId(self.next_id.fetch_add(1, Ordering::Relaxed) + 1);
        let mut rules = self.rules.lock().unwrap_or_else(PoisonError::into_inner);
        if rules.len() >= MAX_RULES {
            return Err(Error::InvalidFault(format!(
                "at most {MAX_RULES} fault rules may be active; remove some first"
            )));
        }
        rules.push(ActiveFault {
            id,
            remaining: fault.times,
            fault,
        });
        self.any.store(true, Ordering::Release);
        Ok(id)
    }

    pub fn remove(&self, id: FaultId) -> bool {
        let mut rules = self.rules.lock().unwrap_or_else(PoisonError::into_inner);
        let before = rules.len();
        rules.retain(|r| r.id != id);
        self.any.store(!rules.is_empty(), Ordering::Release);
        rules.len() != before
    }

    pub fn clear(&self) {
        let mut rules = self.rules.lock().unwrap_or_else(PoisonError::into_inner);
        rules.clear();
        self.any.store(false, Ordering::Release);
    }

    pub fn list(&self) -> Vec<ActiveFault> {
        self.rules
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Decides what happens to a request: every matching latency rule adds up, and
    /// the first matching rule of any other kind applies. Only applied rules use up
    /// their `times`.
    pub fn plan(&self, method: &str, path: &str) -> Plan {
        let mut plan = Plan::default();
        if !self.any.load(Ordering::Acquire) {
            return plan;
        }
        let mut rules = self.rules.lock().unwrap_or_else(PoisonError::into_inner);
        for rule in rules.iter_mut() {
            if !rule.fault.matches(method, path) || rule.remaining == Some(0) {
                continue;
            }
            let is_latency = rule.fault.effect.is_latency();
            if !is_latency && plan.effect.is_some() {
                continue;
            }
            if rule.fault.share < 1.0 && fastrand::f64() >= rule.fault.share {
                continue;
            }
            match &rule.fault.effect {
                FaultEffect::Latency { millis } => {
                    plan.delay = plan
                        .delay
                        .saturating_add(Duration::from_millis(*millis))
                        .min(MAX_FAULT_DELAY);
                }
                other => plan.effect = Some(other.clone()),
            }
            if let Some(n) = &mut rule.remaining {
                *n -= 1;
            }
        }
        rules.retain(|r| r.remaining != Some(0));
        self.any.store(!rules.is_empty(), Ordering::Release);
        plan
    }
}

/// A rule making new actions end `errored` instead of `completed`.
///
/// ```
/// use oxido_sim::ActionFailure;
/// let next_two = ActionFailure::any().times(2);
/// let every_reboot = ActionFailure::of_type("reboot");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ActionFailure {
    /// Only actions of this type (e.g. `reboot`, `create`); `None` matches all.
    #[serde(default, rename = "type")]
    pub action_type: Option<String>,
    /// Only the next this-many matching actions; `None` means every one.
    #[serde(default)]
    pub times: Option<u32>,
}

impl ActionFailure {
    /// Every new action fails.
    pub fn any() -> Self {
        Self {
            action_type: None,
            times: None,
        }
    }

    /// Every new action of this type fails.
    pub fn of_type(action_type: impl Into<String>) -> Self {
        Self {
            action_type: Some(action_type.into()),
            times: None,
        }
    }

    /// Only the next `n` matching actions fail.
    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }
}

/// Active action-failure rules.
#[derive(Debug, Default)]
pub(crate) struct FailureTable {
    rules: Mutex<Vec<ActionFailure>>,
}

impl FailureTable {
    /// Adds a rule from trusted code (the library handle).
    pub fn add(&self, rule: ActionFailure) {
        if rule.times != Some(0) {
            self.rules
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(rule);
        }
    }

    /// Adds a rule from the network (the admin route): bounded in size and count.
    pub fn add_bounded(&self, rule: ActionFailure) -> Result<(), Error> {
        if rule
            .action_type
            .as_ref()
            .is_some_and(|t| t.len() > MAX_RULE_TEXT)
        {
            return Err(Error::InvalidFault(format!(
                "type must be at most {MAX_RULE_TEXT} bytes long"
            )));
        }
        let mut rules = self.rules.lock().unwrap_or_else(PoisonError::into_inner);
        if rules.len() >= MAX_RULES {
            return Err(Error::InvalidFault(format!(
                "at most {MAX_RULES} action-failure rules may be active; remove some first"
            )));
        }
        if rule.times != Some(0) {
            rules.push(rule);
        }
        Ok(())
    }

    pub fn clear(&self) {
        self.rules
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// Whether a new action of `kind` must fail; uses up one of the rule's `times`.
    pub fn should_fail(&self, kind: &str) -> bool {
        let mut rules = self.rules.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(index) = rules
            .iter()
            .position(|r| r.action_type.as_deref().is_none_or(|t| t == kind))
        else {
            return false;
        };
        if let Some(n) = &mut rules[index].times {
            *n -= 1;
            if *n == 0 {
                rules.remove(index);
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_one_segment_per_placeholder() {
        assert!(route_matches("/v2/actions/{id}", "/v2/actions/5"));
        assert!(!route_matches("/v2/actions/{id}", "/v2/actions"));
        assert!(!route_matches("/v2/actions/{id}", "/v2/actions/5/x"));
        assert!(route_matches("/v2/actions/5", "/v2/actions/5"));
        assert!(route_matches("*", "/anything"));
    }

    #[test]
    fn times_limits_and_retires_a_rule() {
        let table = FaultTable::default();
        table
            .add(Fault::status(503).on("GET", "/v2/actions").times(2))
            .unwrap();
        assert!(table.plan("GET", "/v2/actions").effect.is_some());
        assert!(table.plan("POST", "/v2/actions").effect.is_none());
        assert!(table.plan("get", "/v2/actions").effect.is_some());
        assert!(table.plan("GET", "/v2/actions").effect.is_none());
        assert!(table.list().is_empty());
    }

    #[test]
    fn huge_latencies_add_up_without_overflow_and_are_capped() {
        let table = FaultTable::default();
        let huge = Fault::new(FaultEffect::Latency { millis: u64::MAX });
        table.add(huge.clone()).unwrap();
        table.add(huge).unwrap();
        assert_eq!(table.plan("GET", "/v2/actions").delay, MAX_FAULT_DELAY);
    }

    #[test]
    fn rule_tables_are_bounded() {
        let faults = FaultTable::default();
        for _ in 0..MAX_RULES {
            faults.add(Fault::status(503)).unwrap();
        }
        let err = faults.add(Fault::status(503)).unwrap_err();
        assert!(err.to_string().contains("at most"), "{err}");
        let long = Fault::status(503).route(format!("/{}", "a".repeat(MAX_RULE_TEXT)));
        assert!(long.validate().unwrap_err().to_string().contains("route"));

        let failures = FailureTable::default();
        for _ in 0..MAX_RULES {
            failures.add_bounded(ActionFailure::any()).unwrap();
        }
        assert!(failures.add_bounded(ActionFailure::any()).is_err());
        let long = ActionFailure::of_type("t".repeat(MAX_RULE_TEXT + 1));
        assert!(FailureTable::default().add_bounded(long).is_err());
    }

    #[test]
    fn invalid_rules_are_refused_with_the_field_named() {
        let err = Fault::status(503).share(1.5).validate().unwrap_err();
        assert!(err.to_string().contains("share"));
        let err = Fault::status(700).validate().unwrap_err();
        assert!(err.to_string().contains("status"));
        let err: Error = "{\"effect\":{\"kind\":\"nope\"}}"
            .parse::<Fault>()
            .unwrap_err();
        assert!(err.to_string().contains("nope"));
    }
}
