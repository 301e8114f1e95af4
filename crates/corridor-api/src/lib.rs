//! Corridor's HTTP API: the only place that knows JSON and HTTP.
//!
//! Handlers authenticate the caller, parse bodies into domain types (naming
//! the field at fault on error), and submit writes to the store's ledger
//! writer together with the response to store under the request's
//! `Idempotency-Key`.
#![deny(missing_docs)]

mod after_sales_setup;
mod app;
pub mod audit;
pub mod auth;
mod card_vault;
pub mod connectors;
pub mod dashboard;
pub mod error;
mod fx_jobs;
pub mod idempotency;
mod ids;
pub mod json;
mod json_numbers;
pub mod metrics;
pub mod openapi;
mod openapi_contract;
mod payments_setup;
pub mod policy;
pub mod routes;
pub mod serve;
mod settings_documents;
pub mod state;
mod time_fmt;
pub mod users;
pub mod webhooks;

pub use app::router;
