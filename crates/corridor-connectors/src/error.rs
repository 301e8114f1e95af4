//! Why a connector could not answer. Declines are not errors: they are
//! answers ([`crate::ChargeOutcome::Declined`]).

use crate::CoverageError;

/// A connector call that produced no answer, or a refused request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectorError {
    /// No answer in time. The charge may or may not have happened: call
    /// [`crate::Connector::lookup`] before charging elsewhere.
    #[error("the provider did not answer within {timeout_ms} ms")]
    Timeout {
        /// The timeout that expired.
        timeout_ms: u32,
    },
    /// The provider answered with a 5xx. A 500 or 503 from the provider
    /// itself means nothing was charged; a 502 or 504 comes from a gateway
    /// in front of it, which cannot know, so the outcome is unknown.
    #[error("the provider answered with server error {status}")]
    ServerError {
        /// The HTTP status (500-599).
        status: u16,
    },
    /// The provider is down or unreachable; nothing was charged.
    #[error("the provider is unavailable")]
    Unavailable,
    /// The provider does not serve this method, country, currency, amount
    /// or capture mode.
    #[error("not supported by this provider: {0}")]
    Unsupported(#[from] CoverageError),
    /// No charge has this reference.
    #[error("no charge with reference `{0}`")]
    NotFound(String),
    /// The charge is not in a state that allows this (capturing a declined
    /// charge, canceling a captured one, ...).
    #[error("{0}")]
    InvalidState(String),
    /// The idempotency key was already used for a different request.
    #[error("the idempotency key was already used for a different request")]
    IdempotencyConflict,
    /// The request is malformed (a bad UPI address, an amount above the
    /// authorized amount, ...).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The provider's answer could not be understood. Like a timeout, the
    /// charge may or may not have happened.
    #[error("unexpected answer from the provider: {0}")]
    Protocol(String),
}

impl ConnectorError {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            ConnectorError::Timeout { .. } => "timeout",
            ConnectorError::ServerError { .. } => "server_error",
            ConnectorError::Unavailable => "unavailable",
            ConnectorError::Unsupported(_) => "unsupported",
            ConnectorError::NotFound(_) => "not_found",
            ConnectorError::InvalidState(_) => "invalid_state",
            ConnectorError::IdempotencyConflict => "idempotency_conflict",
            ConnectorError::InvalidRequest(_) => "invalid_request",
            ConnectorError::Protocol(_) => "protocol_error",
        }
    }

    /// A transient failure of the provider: retrying (after a lookup when
    /// [`Self::outcome_unknown`]) here or at another provider may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            ConnectorError::Timeout { .. }
                | ConnectorError::ServerError { .. }
                | ConnectorError::Unavailable
        )
    }

    /// The provider may have acted on the request: look it up before
    /// charging the payment anywhere else.
    pub fn outcome_unknown(&self) -> bool {
        matches!(
            self,
            ConnectorError::Timeout { .. }
                | ConnectorError::Protocol(_)
                | ConnectorError::ServerError { status: 502 | 504 }
        )
    }
}
