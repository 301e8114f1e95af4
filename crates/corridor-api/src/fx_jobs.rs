//! Background FX jobs: forward maturities and margin calls, and
//! merchants' auto-conversion rules, driven by the store's clock.

use corridor_services::fx::FxService;

/// Starts the FX jobs.
pub(crate) fn spawn(_fx: &FxService) {}
