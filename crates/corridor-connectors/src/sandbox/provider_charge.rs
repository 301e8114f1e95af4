//! The provider-side view of a payment: every charge the simulated
//! providers hold for it, for tests and operators to compare with
//! Corridor's own records.

use serde::{Deserialize, Serialize};

/// One charge as a provider holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderCharge {
    /// The provider (`atlas`, ...).
    pub connector: String,
    /// The provider's reference.
    pub reference: String,
    /// The charge's state at the provider (`captured`, `authorized`,
    /// `requires_action`, `pending`, `canceled`, `declined`).
    pub status: String,
    /// Amount in minor units.
    pub amount: i64,
    /// ISO 4217 code.
    pub currency: String,
}

/// The body of `GET /charges?payment_id=...` on a sandbox server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderCharges {
    /// The charges, by provider then reference.
    pub data: Vec<ProviderCharge>,
}
