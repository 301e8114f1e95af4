//! Payment rules: card checks, the payment state machine, fees, routing.

pub mod card;
pub mod fee_table;
pub mod fees;
pub mod routing;
pub mod status;
