//! Benchmarks, run from the CLI on a release build.

mod latency;
pub mod fx;
pub mod ledger;
pub mod payments;
mod pg;
pub mod routing;
