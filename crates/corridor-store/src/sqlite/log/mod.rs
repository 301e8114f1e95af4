//! The embedded store's durable record: an append-only log of batches, with
//! the SQLite database as its projection.
//!
//! The writer appends each batch's ledger rows to the log and answers once
//! the record is synced; a projection thread applies records to SQLite in
//! large transactions that also store the log position they reach. A batch
//! with rows the log does not carry (payments, merchants, settings, ...)
//! waits for the projection to catch up and commits to SQLite directly,
//! durably. Client references of batches not yet projected are kept in
//! memory, so a ledger batch never waits for the projection; any other
//! prefetch does. The projection lags at most a few MiB of log. At open, records past the stored position are applied before
//! anything else happens; reads wait until the projection has reached every
//! write acknowledged before they began. `ledger verify` reads the log on
//! its own and compares it with the projection.

mod backend;
pub(crate) mod codec;
mod compare;
mod file;
mod pending_refs;
mod progress;
mod projection;
mod reader;

pub(crate) use backend::LogBackend;
pub(crate) use compare::LogComparison;
pub(crate) use file::needs_database;
pub(crate) use progress::Progress;
pub(crate) use projection::recover;
