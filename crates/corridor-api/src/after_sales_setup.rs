//! Wiring the after-sales service: the payment connectors, the renderer,
//! the FX remainder policy, the rates, and the sweeps.

use std::sync::Arc;

use corridor_core::aftersales::fx_remainder::RemainderPolicy;
use corridor_services::after_sales::{
    spawn_after_sales_jobs, AfterSalesConfig, AfterSalesService, FixedRates, RefundConnectors,
};
use corridor_store::Store;

/// Environment variable naming who bears the FX remainder of cross-currency
/// refunds: `merchant` (the default) or `platform`.
pub const FX_REMAINDER_POLICY_VAR: &str = "CORRIDOR_REFUND_FX_REMAINDER";

/// Starts the after-sales service and its sweeps. The rates table is
/// returned so the sandbox can set rates.
pub fn start(
    store: &Store,
    connectors: Arc<dyn RefundConnectors>,
) -> std::io::Result<(AfterSalesService, Arc<FixedRates>)> {
    let policy = match std::env::var(FX_REMAINDER_POLICY_VAR) {
        Ok(text) => RemainderPolicy::parse(&text).ok_or_else(|| {
            std::io::Error::other(format!(
                "{FX_REMAINDER_POLICY_VAR} must be `merchant` or `platform`, not `{text}`"
            ))
        })?,
        Err(_) => RemainderPolicy::Merchant,
    };
    let rates = Arc::new(FixedRates::new());
    let render = Arc::new(crate::routes::after_sales_objects::JsonRender {
        clock: store.clock().clone(),
    });
    let service = AfterSalesService::new(
        store.clone(),
        connectors,
        render,
        AfterSalesConfig {
            fx_remainder_policy: policy,
            rates: rates.clone(),
        },
    );
    spawn_after_sales_jobs(service.clone());
    Ok((service, rates))
}
