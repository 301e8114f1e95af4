//! Why an FX request was refused, as the API maps it.

use corridor_store::StoreError;

/// An FX refusal.
#[derive(Debug, thiserror::Error)]
pub enum FxServiceError {
    /// Bad input: 400 naming the field.
    #[error("{param}: {message}")]
    Invalid {
        /// The field.
        param: String,
        /// Stable code.
        code: &'static str,
        /// What is wrong.
        message: String,
    },
    /// 404.
    #[error("no such {what}: {id}")]
    NotFound {
        /// Kind of object.
        what: &'static str,
        /// Its id.
        id: String,
    },
    /// 409: the object's state forbids it (expired or used quote, stale rate, ...).
    #[error("{code}: {message}")]
    Conflict {
        /// Stable code (`quote_expired`, `quote_used`, `rate_stale`, ...).
        code: &'static str,
        /// Details.
        message: String,
    },
    /// 402: the balance cannot cover it.
    #[error("insufficient funds: {0}")]
    InsufficientFunds(String),
    /// 500.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// 500: a stored object could not be read back.
    #[error("corrupt fx object: {0}")]
    Corrupt(String),
}

impl FxServiceError {
    /// 400 about `param`.
    pub fn invalid(param: &str, code: &'static str, message: impl Into<String>) -> Self {
        FxServiceError::Invalid {
            param: param.to_string(),
            code,
            message: message.into(),
        }
    }
}
