//! Corridor's market knowledge base: for each country, its currency, whether
//! Corridor may sell there, the local payment methods buyers use and the
//! payment rules a merchant selling there must follow. Every fact carries its
//! source.
//!
//! The data lives in `data/<CC>.toml`, one file per country, embedded at
//! compile time. The files are parsed into private serde structs and then
//! converted, with validation, into the domain types below (which derive no
//! serde traits: serialization belongs to the HTTP layer). [`markets()`]
//! loads them once; the unit tests load every file, so an invalid file fails
//! the tests instead of a request.
//!
//! Like the core, this crate does no I/O after compilation, reads no clock
//! and computes no floats: amounts are `i64` minor units, shares are tenths
//! of a percent.
#![deny(missing_docs)]
#![forbid(unsafe_code)]
#![deny(
    clippy::float_arithmetic,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap
)]

pub mod calendar;
mod convert;
mod data;
mod error;
mod market;
mod method;
mod method_type;
mod raw;
mod registry;
mod rules;
mod share;

pub use error::LoadError;
pub use market::{Market, MarketStatus};
pub use method::{AmountLimit, Flow, PaymentMethod, VoucherExpiry};
pub use method_type::{MethodType, UnknownMethodType};
pub use registry::{markets, Markets};
pub use rules::{ImportLimit, PaCbLimit, Rule, RuleKind, SanctionsRule, ScaRule, TraBand};
pub use share::Share;

#[cfg(test)]
mod tests;
