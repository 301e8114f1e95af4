//! Benchmarks, run from the CLI on a release build.

pub mod ledger;
pub mod payments;
pub mod routing;
