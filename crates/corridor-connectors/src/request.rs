//! What the payment service asks a connector to do.

use corridor_core::{Amount, CountryCode, Currency};

use crate::{IdempotencyKey, PaymentMethod};

pub use corridor_core::payments::method::CaptureMode;

/// One attempt at charging a payment at one provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChargeRequest {
    /// The Corridor payment (`pay_...`) this attempt belongs to.
    pub payment_id: String,
    /// Unique per attempt; repeating it never charges twice.
    pub idempotency_key: IdempotencyKey,
    /// In the currency's minor unit.
    pub amount: Amount,
    /// The payment currency.
    pub currency: Currency,
    /// The buyer's market.
    pub country: CountryCode,
    /// Capture at once or later.
    pub capture: CaptureMode,
    /// The market's rules require strong customer authentication (3DS for cards).
    pub sca_required: bool,
    /// How the buyer pays.
    pub method: PaymentMethod,
}

/// Captures an authorized charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptureRequest {
    /// Repeating the capture with this key answers the first result.
    pub idempotency_key: IdempotencyKey,
    /// The provider's reference of the charge.
    pub reference: String,
    /// At most the authorized amount; less captures in part.
    pub amount: Amount,
    /// The payment currency, for providers that need it with the amount
    /// (Adyen); `None` where the caller does not know it.
    pub currency: Option<Currency>,
}

/// Cancels a charge that is not captured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancelRequest {
    /// Repeating the cancel with this key answers the first result.
    pub idempotency_key: IdempotencyKey,
    /// The provider's reference of the charge.
    pub reference: String,
    /// The payment's amount and currency, for providers that answer without
    /// them (Adyen); `None` where the caller does not know them.
    pub payment_amount: Option<(Amount, Currency)>,
}
