//! Why the model refuses a change: the error of the layers below the HTTP edge
//! (limits, the typed store), which knows nothing of status codes; `wire::error`
//! maps it to the API's answer.

use std::borrow::Cow;

/// A change the model refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The resource the change addresses does not exist.
    NotFound,
    /// The change breaks a rule of the model; the message names the field and the rule.
    Invalid(Cow<'static, str>),
}

impl Refusal {
    pub fn invalid(message: impl Into<Cow<'static, str>>) -> Self {
        Self::Invalid(message.into())
    }

    /// What was refused, in words.
    pub fn message(&self) -> &str {
        match self {
            Self::NotFound => "The resource you were accessing could not be found.",
            Self::Invalid(message) => message,
        }
    }
}
