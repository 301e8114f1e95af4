//! Why a compliance request failed.

use corridor_store::StoreError;

/// A compliance failure, mapped to HTTP by the API.
#[derive(Debug, thiserror::Error)]
pub enum ComplianceError {
    /// Bad input (400), naming the field.
    #[error("{message}")]
    Invalid {
        /// The field at fault.
        param: String,
        /// Stable code.
        code: String,
        /// Why.
        message: String,
    },
    /// Stopped by screening or a rule (403 `compliance_error`).
    #[error("{message}")]
    Blocked {
        /// Stable code.
        code: String,
        /// Why, naming the rule or the screening.
        message: String,
    },
    /// No such object (404).
    #[error("no such {kind}: {id}")]
    NotFound {
        /// What.
        kind: &'static str,
        /// Its id.
        id: String,
    },
    /// The object is not in a state for this (409).
    #[error("{message}")]
    Conflict {
        /// Stable code.
        code: String,
        /// Why.
        message: String,
    },
    /// Information the merchant's country requires is missing (409
    /// `kyb_incomplete`).
    #[error("{message}")]
    Incomplete {
        /// The missing fields, by API name.
        missing: Vec<String>,
        /// Why, naming them.
        message: String,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ComplianceError {
    pub(crate) fn invalid(param: &str, code: &str, message: impl Into<String>) -> Self {
        ComplianceError::Invalid {
            param: param.to_owned(),
            code: code.to_owned(),
            message: message.into(),
        }
    }
}
