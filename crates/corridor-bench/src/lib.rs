//! Benchmarks, run from the CLI on a release build.

mod figures;
pub mod fx;
mod latency;
pub mod ledger;
pub mod payments;
pub mod payouts;
mod pg;
mod procfs;
pub mod routing;
pub mod screening;
