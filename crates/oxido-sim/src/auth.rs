//! Bearer tokens: which account a token acts for, and whether it may write.

use std::collections::HashMap;
use std::sync::Arc;

use http::HeaderMap;
use http::header::AUTHORIZATION;

use crate::state::model::AccountId;

/// The account whose data the demo seed fills and the default tokens act for.
pub(crate) const PRIMARY_ACCOUNT: AccountId = AccountId(1);

/// Who is calling.
#[derive(Clone)]
pub(crate) struct Principal {
    pub account: AccountId,
    pub writable: bool,
    /// The token itself, used only as the rate limiter's key; never printed.
    pub key: Arc<str>,
}

impl std::fmt::Debug for Principal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Principal")
            .field("account", &self.account)
            .field("writable", &self.writable)
            .finish_non_exhaustive()
    }
}

/// Immutable token table built at start.
#[derive(Default)]
pub(crate) struct Auth {
    tokens: HashMap<Arc<str>, Principal>,
}

impl Auth {
    /// Registers a token; a token registered twice keeps its first meaning.
    pub fn add(&mut self, token: &str, account: AccountId, writable: bool) {
        let key: Arc<str> = Arc::from(token);
        self.tokens.entry(key.clone()).or_insert(Principal {
            account,
            writable,
            key,
        });
    }

    /// The account a token acts for, if the token is known.
    pub fn account_of(&self, token: &str) -> Option<AccountId> {
        self.tokens.get(token).map(|p| p.account)
    }

    /// The caller named by the `Authorization: Bearer` header, if the token is known.
    pub fn authenticate(&self, headers: &HeaderMap) -> Option<Principal> {
        let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
        let token = bearer(value)?;
        self.tokens.get(token).cloned()
    }
}

/// Extracts the token from a `Bearer <token>` header value (scheme case-insensitive).
pub(crate) fn bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Checks a configured token: non-empty, no whitespace or control characters.
pub(crate) fn valid_token(token: &str) -> bool {
    !token.is_empty() && token.len() <= 512 && token.chars().all(|c| c.is_ascii_graphic())
}
