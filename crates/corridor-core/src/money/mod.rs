//! Money: currencies, amounts in minor units, exchange rates and named roundings.

mod amount;
mod currency;
mod display;
mod limits;
mod rate;

pub use amount::Amount;
pub use currency::Currency;
pub use display::format_minor;
pub use limits::{default_max_minor, AmountLimits};
pub use rate::{Rate, Rounding};

/// Why a money value could not be parsed or computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// The code is not an ISO 4217 currency that Corridor settles in.
    #[error("unsupported currency code `{0}`")]
    UnknownCurrency(String),
    /// Amounts must be strictly positive here.
    #[error("amount must be greater than zero")]
    NotPositive,
    /// The amount does not fit in 64 bits.
    #[error("amount exceeds the 64-bit range")]
    OutOfRange,
    /// A checked arithmetic operation overflowed.
    #[error("arithmetic overflow")]
    Overflow,
    /// A rate must be a positive decimal.
    #[error("rate must be a positive decimal, got `{0}`")]
    InvalidRate(String),
}
