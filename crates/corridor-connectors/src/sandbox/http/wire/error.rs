//! Errors as JSON: `{"error": {code, message, ...}}`, and back into
//! [`ConnectorError`]s.

use corridor_core::{Amount, CountryCode, Currency};
use serde::{Deserialize, Serialize};

use crate::{ConnectorError, CoverageError, MethodType};

/// The envelope.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ErrorBody {
    pub error: ErrorWire,
}

/// One error. `reference` names the charge of a `charge_not_found`;
/// `coverage` details an `unsupported`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ErrorWire {
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage: Option<CoverageErrorWire>,
}

/// Why a charge is not served.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CoverageErrorWire {
    pub reason: String,
    pub method: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
}

/// The wire code of `charge_not_found`, kept apart from `psp_not_found`.
pub(crate) const CHARGE_NOT_FOUND: &str = "charge_not_found";

impl ErrorWire {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        ErrorWire {
            code: code.to_string(),
            message: message.into(),
            reference: None,
            coverage: None,
        }
    }

    pub fn from_error(error: &ConnectorError) -> Self {
        let mut wire = ErrorWire::new(error.code(), error.to_string());
        match error {
            ConnectorError::NotFound(reference) => {
                wire.code = CHARGE_NOT_FOUND.to_string();
                wire.reference = Some(reference.clone());
            }
            ConnectorError::Unsupported(refused) => {
                wire.coverage = Some(CoverageErrorWire::from_error(refused))
            }
            _ => {}
        }
        wire
    }

    /// The connector error this answer means; `status` is the HTTP status
    /// and `timeout_ms` the client's own timeout.
    pub fn into_error(self, status: u16, timeout_ms: u32) -> ConnectorError {
        match self.code.as_str() {
            "timeout" => ConnectorError::Timeout { timeout_ms },
            "server_error" => ConnectorError::ServerError { status },
            "unavailable" => ConnectorError::Unavailable,
            CHARGE_NOT_FOUND => ConnectorError::NotFound(self.reference.unwrap_or_default()),
            "invalid_state" => ConnectorError::InvalidState(self.message),
            "idempotency_conflict" => ConnectorError::IdempotencyConflict,
            "invalid_request" | "psp_not_found" => ConnectorError::InvalidRequest(self.message),
            "unsupported" => match self.coverage.map(CoverageErrorWire::into_error) {
                Some(Ok(refused)) => ConnectorError::Unsupported(refused),
                Some(Err(e)) => ConnectorError::Protocol(format!("unsupported: {e}")),
                None => ConnectorError::Protocol("unsupported without details".to_string()),
            },
            _ if (500..600).contains(&status) => ConnectorError::ServerError { status },
            other => ConnectorError::Protocol(format!("error code `{other}` ({status})")),
        }
    }
}

impl CoverageErrorWire {
    fn from_error(error: &CoverageError) -> Self {
        let mut wire = CoverageErrorWire {
            reason: error.code().to_string(),
            method: String::new(),
            country: None,
            currency: None,
            limit: None,
        };
        let method = match error {
            CoverageError::Method(method) | CoverageError::ManualCapture(method) => method,
            CoverageError::Country { method, country } => {
                wire.country = Some(country.as_str().to_string());
                method
            }
            CoverageError::Currency { method, currency } => {
                wire.currency = Some(currency.code().to_string());
                method
            }
            CoverageError::BelowMinimum {
                method,
                currency,
                min: limit,
            }
            | CoverageError::AboveMaximum {
                method,
                currency,
                max: limit,
            } => {
                wire.currency = Some(currency.code().to_string());
                wire.limit = Some(limit.minor());
                method
            }
        };
        wire.method = method.code().to_string();
        wire
    }

    fn into_error(self) -> Result<CoverageError, String> {
        let method = MethodType::parse(&self.method).ok_or(format!("method `{}`", self.method))?;
        let country =
            || CountryCode::parse(self.country.as_deref().unwrap_or("")).map_err(|e| e.to_string());
        let currency =
            || Currency::parse(self.currency.as_deref().unwrap_or("")).map_err(|e| e.to_string());
        let limit = || Amount::non_negative(self.limit.unwrap_or(-1)).map_err(|e| e.to_string());
        Ok(match self.reason.as_str() {
            "method_not_supported" => CoverageError::Method(method),
            "manual_capture_not_supported" => CoverageError::ManualCapture(method),
            "country_not_supported" => CoverageError::Country {
                method,
                country: country()?,
            },
            "currency_not_supported" => CoverageError::Currency {
                method,
                currency: currency()?,
            },
            "amount_below_minimum" => CoverageError::BelowMinimum {
                method,
                currency: currency()?,
                min: limit()?,
            },
            "amount_above_maximum" => CoverageError::AboveMaximum {
                method,
                currency: currency()?,
                max: limit()?,
            },
            other => return Err(format!("reason `{other}`")),
        })
    }
}
