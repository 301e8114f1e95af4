//! Background FX jobs, driven by the store's clock (the sandbox clock in
//! sandbox mode): forwards are delivered at maturity, marked to market,
//! margin-called and closed when a call is past due; merchants converting
//! to home have their foreign available balances converted.

use std::time::Duration;

use corridor_services::fx::FxService;

/// How often forwards are checked.
const FORWARD_INTERVAL: Duration = Duration::from_secs(1);
/// Forwards handled per pass.
const FORWARD_BATCH: usize = 500;

/// Starts the FX jobs.
pub(crate) fn spawn(fx: &FxService) {
    let fx = fx.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(FORWARD_INTERVAL);
        loop {
            tick.tick().await;
            if let Err(e) = fx.mark_forwards(FORWARD_BATCH).await {
                tracing::warn!(error = %e, "marking forwards failed; retrying next tick");
            }
            if let Err(e) = fx.run_auto_conversions().await {
                tracing::warn!(error = %e, "auto-conversion failed; retrying next tick");
            }
        }
    });
}
