//! Payment rules: card checks, the payment state machine, fees.

pub mod card;
pub mod fees;
pub mod status;
