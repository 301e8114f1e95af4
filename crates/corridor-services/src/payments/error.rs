//! Why a payment request was refused.

use corridor_store::StoreError;

/// A refused payment request. Each maps to one API error.
#[derive(Debug, thiserror::Error)]
pub enum PaymentError {
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
    /// The market or a rule forbids this payment.
    #[error("{message}")]
    Blocked {
        /// Stable code.
        code: &'static str,
        /// Message.
        message: String,
    },
    /// No such payment (for this caller).
    #[error("no such payment: {0}")]
    NotFound(String),
    /// The payment's state does not allow the request.
    #[error("{message}")]
    State {
        /// Stable code.
        code: &'static str,
        /// Message.
        message: String,
    },
    /// The payment was declined; it is stored as failed.
    #[error("the payment was declined: {code}")]
    Declined {
        /// The failed payment, as rendered.
        payment: Box<super::PaymentSnapshot>,
        /// Decline code.
        code: String,
    },
    /// No connector could take the payment (coverage, outage).
    #[error("{0}")]
    Unavailable(String),
    /// The `Idempotency-Key` was used before with a different request.
    #[error("the idempotency key was used with a different request")]
    IdempotencyReused,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl PaymentError {
    pub(crate) fn invalid(param: &str, code: &'static str, message: impl Into<String>) -> Self {
        PaymentError::Invalid {
            param: param.to_string(),
            code,
            message: message.into(),
        }
    }

    pub(crate) fn state(code: &'static str, message: impl Into<String>) -> Self {
        PaymentError::State {
            code,
            message: message.into(),
        }
    }
}
