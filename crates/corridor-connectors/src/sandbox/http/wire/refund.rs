//! A refund request and a refund, as JSON.

use corridor_core::{Amount, Currency};
use serde::{Deserialize, Serialize};

use crate::{IdempotencyKey, RefundBankAccount, RefundOutcome, RefundRequest, RefundResponse};

/// `POST /psp/{name}/refunds`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RefundBody {
    pub charge: String,
    pub refund_id: String,
    pub amount: i64,
    pub currency: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bank_account: Option<BankAccountWire>,
}

/// Bank details of a refund by bank transfer.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BankAccountWire {
    pub holder_name: String,
    pub bank_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch_code: Option<String>,
    pub account_number: String,
}

/// A refund as the sandbox server answers it.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RefundWire {
    pub reference: String,
    pub charge: String,
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_code: Option<String>,
    pub amount: i64,
    pub currency: String,
    pub latency_ms: u32,
}

impl RefundBody {
    pub fn from_request(request: &RefundRequest) -> Self {
        RefundBody {
            charge: request.charge_reference.clone(),
            refund_id: request.refund_id.clone(),
            amount: request.amount.minor(),
            currency: request.currency.code().to_string(),
            bank_account: request.bank_account.as_ref().map(|b| BankAccountWire {
                holder_name: b.holder_name.clone(),
                bank_code: b.bank_code.clone(),
                branch_code: b.branch_code.clone(),
                account_number: b.account_number.clone(),
            }),
        }
    }

    pub fn into_request(self, idempotency_key: IdempotencyKey) -> Result<RefundRequest, String> {
        Ok(RefundRequest {
            idempotency_key,
            charge_reference: self.charge,
            refund_id: self.refund_id,
            amount: Amount::positive(self.amount).map_err(|e| format!("amount: {e}"))?,
            currency: Currency::parse(&self.currency).map_err(|e| format!("currency: {e}"))?,
            bank_account: self.bank_account.map(|b| RefundBankAccount {
                holder_name: b.holder_name,
                bank_code: b.bank_code,
                branch_code: b.branch_code,
                account_number: b.account_number,
            }),
        })
    }
}

impl RefundWire {
    pub fn from_response(response: &RefundResponse) -> Self {
        let failure_code = match &response.outcome {
            RefundOutcome::Failed { code } => Some(code.clone()),
            _ => None,
        };
        RefundWire {
            reference: response.reference.clone(),
            charge: response.charge_reference.clone(),
            status: response.outcome.code().to_string(),
            failure_code,
            amount: response.amount.minor(),
            currency: response.currency.code().to_string(),
            latency_ms: response.latency_ms,
        }
    }

    pub fn into_response(self) -> Result<RefundResponse, String> {
        let outcome = match (self.status.as_str(), self.failure_code) {
            ("pending", None) => RefundOutcome::Pending,
            ("succeeded", None) => RefundOutcome::Succeeded,
            ("failed", Some(code)) => RefundOutcome::Failed { code },
            (status, code) => {
                return Err(format!(
                    "refund status `{status}` with failure code {code:?}"
                ))
            }
        };
        Ok(RefundResponse {
            reference: self.reference,
            charge_reference: self.charge,
            outcome,
            amount: Amount::positive(self.amount).map_err(|e| format!("amount: {e}"))?,
            currency: Currency::parse(&self.currency).map_err(|e| format!("currency: {e}"))?,
            latency_ms: self.latency_ms,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refunds_round_trip_through_json() {
        let response = RefundResponse {
            reference: "atlas_re_00000001".into(),
            charge_reference: "atlas_ch_00000001".into(),
            outcome: RefundOutcome::Failed {
                code: "expired_or_canceled_card".into(),
            },
            amount: Amount::positive(500).unwrap(),
            currency: Currency::parse("EUR").unwrap(),
            latency_ms: 12,
        };
        let json = serde_json::to_string(&RefundWire::from_response(&response)).unwrap();
        let back: RefundWire = serde_json::from_str(&json).unwrap();
        assert_eq!(back.into_response().unwrap(), response);
        let odd = RefundWire {
            status: "succeeded".into(),
            failure_code: Some("x".into()),
            ..serde_json::from_str(&json).unwrap()
        };
        assert!(odd.into_response().is_err());
    }
}
