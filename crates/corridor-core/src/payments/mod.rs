//! Payment rules: card checks, the payment state machine, fees, routing.

pub mod attempt;
pub mod card;
pub mod fee_table;
pub mod fees;
pub mod method;
pub mod routing;
pub mod status;
