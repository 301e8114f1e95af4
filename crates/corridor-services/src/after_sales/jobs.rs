//! Clock-driven after-sales work: pending refunds followed at their
//! provider, disputes lost at their evidence deadline, overdue complaints.

use std::time::Duration;

use super::AfterSalesService;

/// How often due work is looked for.
const SWEEP_INTERVAL: Duration = Duration::from_millis(500);

/// Starts the after-sales sweeps.
pub fn spawn_after_sales_jobs(service: AfterSalesService) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(SWEEP_INTERVAL);
        loop {
            tick.tick().await;
            service.sweep_once().await;
        }
    });
}

impl AfterSalesService {
    /// One round of every sweep; failures are logged and retried next round.
    pub async fn sweep_once(&self) {
        if let Err(e) = self.refunds_due().await {
            tracing::warn!(error = %e, "refund sweep failed");
        }
        if let Err(e) = self.disputes_due().await {
            tracing::warn!(error = %e, "dispute deadline sweep failed");
        }
        if let Err(e) = self.complaints_due().await {
            tracing::warn!(error = %e, "complaint deadline sweep failed");
        }
    }
}
