//! Adyen Checkout API v71: a connector to a real provider.
//!
//! [`AdyenConnector`] speaks Adyen's documented Checkout API (`POST
//! /payments`, `/payments/details`, `/payments/{pspReference}/captures`,
//! `/cancels`, `/refunds`, `POST /paymentMethods`) with the merchant
//! account's API key. Every POST carries an `Idempotency-Key` derived from the
//! Corridor attempt's key ([`idempotency::adyen_key`]), so a call that timed
//! out is resolved by replaying it with the same key: Adyen answers the first
//! call's result instead of charging again.
//!
//! `resultCode`s and `refusalReasonCode`s map onto Corridor's outcomes and
//! decline codes ([`result`]); `action` objects onto [`crate::NextAction`].
//! Raw card numbers are sent only when the operator enabled
//! [`AdyenConfig::raw_card_data`] (a PCI DSS certified integration); the
//! encrypted fields of Adyen's client-side encryption are passed through.
//!
//! [`notification`] parses Adyen's standard webhooks and verifies their HMAC
//! signatures.

mod client;
mod config;
mod connector;
pub mod idempotency;
pub mod notification;
pub mod payment_method;
pub mod replay;
pub mod result;
mod wire;

pub use config::AdyenConfig;
pub use connector::{
    AdyenConnector, DetailsRequest, OfferedMethod, RefundReceipt, RefundRequest, DETAILS_FIELDS,
};
pub use replay::{MemoryReplays, ReplayStore, SavedCharge};
