//! Foreign exchange: reference rates (ECB files, an HTTP JSON provider,
//! operator rates), operator pricing, quotes and conversions on the ledger,
//! forwards with collateral and margin calls, exposure and value-at-risk.
//!
//! The arithmetic lives in `corridor_core::fx`; this module reads files and
//! providers, keeps the rate history in memory, and persists every change
//! through the store's writer.

mod auto;
pub mod dates;
mod drawdowns;
pub mod ecb;
mod error;
pub mod exposure;
pub use exposure::{CurrencyExposure, Exposure, VarFigures};
pub mod forwards;
pub use drawdowns::PreparedDrawdown;
pub use forwards::{collateral_held, ForwardRequest, PreparedForward};
pub mod history;
pub mod objects;
pub mod policy_seed;
pub mod pricing_doc;
pub mod provider;
mod quotes;
mod service;

pub use error::FxServiceError;

pub use history::{RateFeed, RateHistory, SANDBOX_SOURCE};
pub use objects::{AutoConversionRule, Conversion, Drawdown, Forward, MarginCall, Quote};
pub(crate) use quotes::object as quote_object;
pub use quotes::{PreparedConversion, PreparedQuote, QuoteRequest};
pub use service::{FxService, RatesView, FX_RATE_SOURCE_NOTE};
