//! Compliance errors as HTTP errors, and the caller as an audit actor.

use corridor_services::compliance::ComplianceError;

use crate::error::ApiError;

/// Maps a compliance error to the API's.
pub fn map_error(e: ComplianceError) -> ApiError {
    match e {
        ComplianceError::Invalid {
            param,
            code,
            message,
        } => ApiError::invalid(&param, &code, message),
        ComplianceError::Blocked { code, message } => ApiError::compliance(&code, message),
        ComplianceError::NotFound { kind, id } => ApiError::not_found(kind, &id),
        ComplianceError::Conflict { code, message } => ApiError::conflict(&code, message),
        ComplianceError::Incomplete { missing, message } => {
            let e = ApiError::conflict("kyb_incomplete", message);
            match missing.first() {
                Some(first) => e.with_param(first),
                None => e,
            }
        }
        ComplianceError::Store(e) => ApiError::internal(e),
    }
}

pub use crate::audit::actor;
