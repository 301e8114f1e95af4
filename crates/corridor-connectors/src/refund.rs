//! Refunds: what the refund service asks a connector, and what it answers.
//!
//! A refund is sent once per idempotency key: repeating the call with the
//! same key and request answers the first refund, never a second one. A
//! refund that timed out may or may not exist at the provider: look it up
//! by its key ([`crate::Connector::lookup_refund`]) before anything else.

use corridor_core::{Amount, Currency};

use crate::IdempotencyKey;

/// Bank details a refund is paid to when the method cannot refund to its
/// source (Konbini, OXXO and Boleto are paid in cash at a store or bank).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundBankAccount {
    /// The account holder's name, as the bank knows it.
    pub holder_name: String,
    /// The bank's code (Zengin bank code in Japan, CLABE's bank part in
    /// Mexico, COMPE code in Brazil).
    pub bank_code: String,
    /// The branch, where the country uses one.
    pub branch_code: Option<String>,
    /// The account number (a CLABE in Mexico).
    pub account_number: String,
}

/// Refunds `amount` of a captured charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundRequest {
    /// Repeating the refund with this key answers the first refund.
    pub idempotency_key: IdempotencyKey,
    /// The provider's reference of the charge.
    pub charge_reference: String,
    /// The Corridor refund (`re_...`).
    pub refund_id: String,
    /// At most what is captured and not refunded yet at the provider.
    pub amount: Amount,
    /// The charge's currency: the buyer is refunded in what they paid.
    pub currency: Currency,
    /// Where the money goes when it cannot go back to the source.
    pub bank_account: Option<RefundBankAccount>,
}

/// Where a refund stands at the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefundOutcome {
    /// Accepted; the money is on its way (an asynchronous method, a bank
    /// transfer). It ends as `Succeeded` or `Failed`.
    Pending,
    /// The buyer has been refunded.
    Succeeded,
    /// The refund could not be paid (the card account is closed, the bank
    /// account was refused). Nothing reached the buyer.
    Failed {
        /// Why (`expired_or_canceled_card`, `bank_account_invalid`, ...).
        code: String,
    },
}

impl RefundOutcome {
    /// Stable code: `pending`, `succeeded`, `failed`.
    pub fn code(&self) -> &'static str {
        match self {
            RefundOutcome::Pending => "pending",
            RefundOutcome::Succeeded => "succeeded",
            RefundOutcome::Failed { .. } => "failed",
        }
    }

    /// No further change will happen.
    pub fn is_final(&self) -> bool {
        !matches!(self, RefundOutcome::Pending)
    }
}

/// A provider's answer about one refund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundResponse {
    /// The provider's reference of the refund.
    pub reference: String,
    /// The charge refunded.
    pub charge_reference: String,
    /// Where it stands.
    pub outcome: RefundOutcome,
    /// Amount refunded, in the currency's minor unit.
    pub amount: Amount,
    /// The currency.
    pub currency: Currency,
    /// How long the call took, in milliseconds (simulated in the sandbox).
    pub latency_ms: u32,
}
