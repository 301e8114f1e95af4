//! Why an after-sales request was refused.

use corridor_store::StoreError;

/// A refused after-sales request. Each maps to one API error.
#[derive(Debug, thiserror::Error)]
pub enum AfterSalesError {
    /// Bad input, naming the field.
    #[error("{message}")]
    Invalid {
        /// The request field.
        param: String,
        /// Stable code.
        code: &'static str,
        /// Message.
        message: String,
    },
    /// No such object (for this caller): its kind and id.
    #[error("no such {0}: {1}")]
    NotFound(&'static str, String),
    /// The object's state does not allow the request.
    #[error("{message}")]
    State {
        /// Stable code.
        code: &'static str,
        /// Message.
        message: String,
    },
    /// The merchant's balance cannot cover the movement.
    #[error("{0}")]
    InsufficientFunds(String),
    /// Nothing can serve the request now (no connector, no rate).
    #[error("{0}")]
    Unavailable(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl AfterSalesError {
    pub(crate) fn invalid(param: &str, code: &'static str, message: impl Into<String>) -> Self {
        AfterSalesError::Invalid {
            param: param.to_string(),
            code,
            message: message.into(),
        }
    }

    pub(crate) fn state(code: &'static str, message: impl Into<String>) -> Self {
        AfterSalesError::State {
            code,
            message: message.into(),
        }
    }

    pub(crate) fn corrupt(message: impl Into<String>) -> Self {
        AfterSalesError::Store(StoreError::Corrupt(message.into()))
    }
}
