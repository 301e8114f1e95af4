//! Corridor's SQL layer.
//!
//! Two backends behind one [`Store`]: SQLite (the embedded default) and
//! PostgreSQL. Reads go straight to the database; every write goes through
//! the [`LedgerWriter`], one per database, which batches concurrent requests
//! into one transaction (group commit), checks balances in memory against
//! the core's [`corridor_core::ledger::Book`], and answers each request only
//! once its batch is durable.
#![deny(missing_docs)]

mod after_sales_records;
mod after_sales_sql;
mod after_sales_store;
mod clock;
mod compliance_records;
mod compliance_sql;
mod compliance_store;
mod connector_health_store;
mod error;
mod existing;
mod fx_records;
mod fx_sql;
mod fx_store;
mod log_sql;
mod merchant_kyb_records;
mod merchant_kyb_sql;
mod monitor_store;
mod payment_records;
mod payment_sql;
mod payment_store;
mod payout_records;
mod payout_rows;
mod payout_sql;
mod payout_store;
mod postgres;
mod quota_sql;
mod quota_store;
mod records;
mod recovery_store;
mod replay_sql;
mod replay_store;
mod request_store;
mod rows;
mod settings_records;
mod settings_sql;
mod settings_store;
mod sql;
mod sqlite;
mod store;
mod time_ordered_id;
mod user_records;
mod user_sql;
mod user_store;
mod webhook_store;
pub mod writer;

pub use after_sales_records::*;
pub use clock::{Clock, SystemClock, TestClock};
pub use compliance_records::*;
pub use connector_health_store::{AttemptBucket, AttemptTally, LatencyBucket};
pub use error::StoreError;
pub use existing::require_existing;
pub use fx_records::*;
pub use merchant_kyb_records::{MerchantContact, MerchantKybRecord, MerchantKybWrite};
pub use monitor_store::MonitoredRecord;
pub use payment_records::*;
pub use payout_records::*;
pub use payout_rows::SqlValue;
pub use quota_store::TotalsOf;
pub use records::*;
pub use request_store::KeyState;
pub use settings_records::*;
pub use store::{Store, StoreConfig};
pub use time_ordered_id::time_ordered_id;
pub use user_records::*;
pub use webhook_store::{DeliveryLogEntry, DueDelivery};
pub use writer::{
    AuditedWrite, IdempotencyCapture, LedgerWriter, Refusal, RefusalCode, WriteOp, WriteOutcome,
    WriteRequest, WriteResult, WriterConfig, MAX_BATCH_REQUESTS,
};
