//! Corridor's application services.
//!
//! A service loads state from the store, asks the pure core and the market
//! knowledge base what is allowed, calls connectors, and persists the
//! effects through the store's ledger writer, in one transaction per state
//! change. Services know nothing of HTTP or JSON: the API renders their
//! results.
#![deny(missing_docs)]

pub mod after_sales;
pub mod compliance;
pub mod fx;
pub mod payments;
pub mod payouts;
