//! Why a payout operation was refused.

use corridor_store::StoreError;

/// A refusal, mapped by the API to its status and error body.
#[derive(Debug, thiserror::Error)]
pub enum PayoutError {
    /// Bad input (400), naming the field.
    #[error("{param}: {message}")]
    Invalid {
        /// The field.
        param: String,
        /// Stable code.
        code: String,
        /// What is wrong.
        message: String,
    },
    /// Blocked by compliance screening (403).
    #[error("{message}")]
    Blocked {
        /// Stable code.
        code: String,
        /// Why.
        message: String,
    },
    /// No such object (404).
    #[error("no such {kind}: {id}")]
    NotFound {
        /// `payout`, `beneficiary`, `payout_batch`.
        kind: &'static str,
        /// The id asked for.
        id: String,
    },
    /// The state does not allow it (409).
    #[error("{message}")]
    Conflict {
        /// Stable code.
        code: String,
        /// Why.
        message: String,
    },
    /// The store failed (500).
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl PayoutError {
    /// A 400 on `param`.
    pub fn invalid(param: &str, code: &str, message: impl Into<String>) -> Self {
        PayoutError::Invalid {
            param: param.to_string(),
            code: code.to_string(),
            message: message.into(),
        }
    }

    /// A 409.
    pub fn conflict(code: &str, message: impl Into<String>) -> Self {
        PayoutError::Conflict {
            code: code.to_string(),
            message: message.into(),
        }
    }
}
