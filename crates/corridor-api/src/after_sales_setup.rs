//! Wiring the after-sales service: the payments, the renderer,
//! the FX remainder policy, the rates, and the sweeps.

use std::sync::Arc;

use corridor_core::aftersales::fx_remainder::RemainderPolicy;
use corridor_services::after_sales::{
    spawn_after_sales_jobs, AfterSalesConfig, AfterSalesService, FixedRates, RefundPayments,
    SandboxOverRates,
};
use corridor_store::Store;

/// Environment variable naming who bears the FX remainder of cross-currency
/// refunds: `merchant` (the default) or `platform`.
pub const FX_REMAINDER_POLICY_VAR: &str = "CORRIDOR_REFUND_FX_REMAINDER";

/// Starts the after-sales service and its sweeps. Cross-currency refunds
/// take the FX service's reference rates; the returned table holds the
/// overrides only the sandbox's test helper sets (empty otherwise).
pub fn start(
    store: &Store,
    payments: Arc<dyn RefundPayments>,
    fx: &corridor_services::fx::FxService,
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
        payments,
        render,
        AfterSalesConfig {
            fx_remainder_policy: policy,
            rates: Arc::new(SandboxOverRates {
                overrides: rates.clone(),
                fx: fx.clone(),
            }),
        },
    );
    spawn_after_sales_jobs(service.clone());
    Ok((service, rates))
}
