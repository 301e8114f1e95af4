//! Foreign exchange: reference rates and crosses through EUR, operator
//! pricing, quotes and the amounts a conversion books, forward rates by
//! covered interest parity, value-at-risk by historical simulation, and the
//! statistics of hedging backtests.
//!
//! Everything here is pure decimal arithmetic (`rust_decimal`): no floats,
//! no clock, no I/O. Dates are [`Day`]s passed in by the caller; every
//! rounding is named where it happens.

mod backtest;
mod day;
mod forward;
mod policy;
mod pricing;
mod quote;
mod rates;
mod stats;
mod var;

pub use backtest::{
    run_backtest, BacktestInput, BacktestMonth, HedgeStrategy, StrategyReport, VolumeScenario,
};
pub use day::Day;
pub use forward::{
    cip_forward_rate, initial_margin_bps, mark_to_market, DayCount, ForwardTerms, MarginPolicy,
    MAX_FORWARD_DAYS,
};
pub use policy::{PolicyRate, PolicyRateTable};
pub use pricing::{LockDuration, Pricing, PricingError, SpreadRule, Tier, MAX_SPREAD_BPS};
pub use quote::{all_in_cost_pct, price_quote, QuoteAmount, QuoteInput, QuoteTerms};
pub use rates::{cross_rate, EurRates, RATE_SIGNIFICANT_DIGITS};
pub use stats::{basel_zone, kupiec_pof, mean, std_dev, BaselZone, KupiecResult};
pub use var::{historical_var, returns, VarResult};

/// Why an FX computation was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FxError {
    /// Selling and buying the same currency.
    #[error("sell and buy currency are the same")]
    SameCurrency,
    /// The rate source has no rate for this currency on that day.
    #[error("no reference rate for {0}")]
    NoRate(String),
    /// The amount converts to zero minor units.
    #[error("the amount is too small: it converts to zero")]
    RoundsToZero,
    /// A computation left the representable range.
    #[error("arithmetic overflow")]
    Overflow,
    /// No policy rate is known for this currency on that day.
    #[error("no interest rate for {0} on that date")]
    NoInterestRate(String),
    /// Not enough observations for a statistic.
    #[error("not enough history: {0}")]
    NotEnoughHistory(String),
}
