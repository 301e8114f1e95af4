//! Corridor's pure core: money and the ledger rules.
//!
//! This crate does no I/O, has no async, never reads a clock and never draws
//! random numbers. Time, ids and loaded state are passed in; functions return
//! decisions. Everything that touches the world lives in other crates.
#![deny(missing_docs)]
#![forbid(unsafe_code)]
#![deny(
    clippy::float_arithmetic,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap
)]

pub mod aftersales;
pub mod country;
pub mod ledger;
pub mod money;
pub mod payments;
pub mod time;

pub use country::CountryCode;
pub use money::{format_minor, Amount, AmountLimits, Currency, MoneyError, Rate, Rounding};
pub use time::Timestamp;
