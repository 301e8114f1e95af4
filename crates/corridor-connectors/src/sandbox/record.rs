//! What a simulated provider remembers about one charge.

use corridor_core::{Amount, CountryCode, Currency};

use super::test_cards::TestCard;
use crate::{
    CaptureMode, ChargeOutcome, ChargeResponse, MethodType, RefundOutcome, RefundResponse,
};

/// One charge at one provider.
#[derive(Debug, Clone)]
pub(crate) struct ChargeRecord {
    pub reference: String,
    pub payment_id: String,
    pub method: MethodType,
    pub amount: Amount,
    pub currency: Currency,
    pub country: CountryCode,
    pub capture: CaptureMode,
    pub test_card: Option<TestCard>,
    pub outcome: ChargeOutcome,
    pub amount_captured: Amount,
    pub fee: Amount,
}

impl ChargeRecord {
    /// The charge as a response, for a call that took `latency_ms`.
    pub fn response(&self, latency_ms: u32) -> ChargeResponse {
        ChargeResponse {
            reference: self.reference.clone(),
            outcome: self.outcome.clone(),
            amount: self.amount,
            currency: self.currency,
            amount_captured: self.amount_captured,
            fee: self.fee,
            latency_ms,
        }
    }
}

/// One refund at one provider.
#[derive(Debug, Clone)]
pub(crate) struct RefundRecord {
    pub reference: String,
    pub charge_reference: String,
    pub amount: Amount,
    pub currency: Currency,
    pub outcome: RefundOutcome,
    /// What a pending refund becomes when it settles.
    pub settles_to: RefundOutcome,
}

impl RefundRecord {
    /// The refund as a response, for a call that took `latency_ms`.
    pub fn response(&self, latency_ms: u32) -> RefundResponse {
        RefundResponse {
            reference: self.reference.clone(),
            charge_reference: self.charge_reference.clone(),
            outcome: self.outcome.clone(),
            amount: self.amount,
            currency: self.currency,
            latency_ms,
        }
    }
}
