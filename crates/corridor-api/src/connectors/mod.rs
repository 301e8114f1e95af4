//! The operator's payment settings: configured connectors (credentials
//! sealed at rest), their providers' notifications, routing rules and fee
//! schedules, all applied without a restart.

pub mod api;
pub mod buyer_return;
pub mod fees;
mod notification_disputes;
mod notification_fraud;
pub mod notifications;
pub mod offered;
mod registry;
pub mod replays;
pub mod routing;
pub mod secrets;

pub use registry::{Credentials, Registry};

use corridor_services::payments::PaymentService;
use corridor_store::Store;

/// Loads what the operator configured (connectors, routing rules, fee
/// schedules) into the payment service at start.
pub async fn load(
    store: &Store,
    service: &PaymentService,
    registry: &Registry,
) -> Result<(), String> {
    registry
        .reload(store, service)
        .await
        .map_err(|e| e.to_string())?;
    if let Some(v) = store
        .latest_settings(routing::KIND)
        .await
        .map_err(|e| e.to_string())?
    {
        let body: routing::RoutingRulesBody =
            serde_json::from_str(&v.body).map_err(|e| e.to_string())?;
        let rules = routing::to_rules(&body).map_err(|e| format!("stored routing rules: {e:?}"))?;
        service.set_operator_rules(rules);
    }
    if let Some(v) = store
        .latest_settings(fees::KIND)
        .await
        .map_err(|e| e.to_string())?
    {
        let body: fees::FeeSchedulesBody =
            serde_json::from_str(&v.body).map_err(|e| e.to_string())?;
        let table = fees::to_table(&body).map_err(|e| format!("stored fee schedules: {e:?}"))?;
        service.set_fee_table(table);
    }
    Ok(())
}
