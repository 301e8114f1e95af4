//! Adyen's `NOTIFICATION_OF_FRAUD`: the issuer reported a payment as fraud
//! (Visa TC40, Mastercard SAFE). Recorded as a fraud report through
//! after-sales, once per (payment, network, Adyen's reference of the
//! notification), with the fraud type from `nofReasonCode` and the network
//! from `nofSchemeCode` (else the card's brand).

use corridor_connectors::adyen::notification::NotificationItem;
use corridor_services::after_sales::{AfterSalesError, FraudReportInput};
use corridor_store::PaymentRecord;

use super::notification_disputes::parse_time;
use super::registry::Live;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Applies a fraud notification to `payment`; the recorded outcome.
pub(super) async fn apply_fraud_report(
    state: &AppState,
    live: &Live,
    item: &NotificationItem,
    payment: &PaymentRecord,
) -> ApiResult<&'static str> {
    let Some(after_sales) = state.after_sales() else {
        return Ok("recorded");
    };
    let Some(fraud_type) = item.additional("nofReasonCode") else {
        tracing::error!(payment = %payment.id, "NOTIFICATION_OF_FRAUD without nofReasonCode; recorded, not applied");
        return Ok("recorded");
    };
    let input = FraudReportInput {
        payment_id: payment.id.clone(),
        network: item.additional("nofSchemeCode").map(scheme_network),
        fraud_type: fraud_type.to_string(),
        network_report_id: Some(item.psp_reference.clone()),
        source: format!("connector:{}", live.record.id),
        reported_at: parse_time(&item.event_date),
    };
    match after_sales.record_fraud_report(input, None, None).await {
        Ok(_) => Ok("applied"),
        Err(e @ (AfterSalesError::Invalid { .. } | AfterSalesError::State { .. })) => {
            tracing::error!(payment = %payment.id, event = %item.event_code, error = %e,
                "Adyen fraud notification not applied; the operator must look at it");
            Ok("recorded")
        }
        Err(e) => Err(ApiError::unavailable(format!(
            "the notification could not be applied: {e}"
        ))),
    }
}

/// Corridor's network code of Adyen's scheme code (`visa`, `mc`).
fn scheme_network(scheme: &str) -> String {
    match scheme.to_ascii_lowercase().as_str() {
        "mc" | "mastercard" => "mastercard".into(),
        other => other.to_string(),
    }
}
