//! Payment rules: card checks, the payment state machine, fees, routing.

pub mod card;
pub mod fees;
pub mod routing;
pub mod status;
