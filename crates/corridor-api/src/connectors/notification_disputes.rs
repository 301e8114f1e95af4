//! Adyen's dispute notifications and failed captures, applied to Corridor's
//! disputes and payments.
//!
//! A chargeback opens a dispute through the after-sales service exactly as
//! the network's own notification does (amount plus fee held, evidence due
//! by Adyen's `defensePeriodEndsAt` or else the network's window), under an
//! id derived from the connector, Adyen's dispute reference and the stage,
//! so the same notification twice (or after a crash) changes nothing. A
//! decision closes that dispute; a `SECOND_CHARGEBACK` or a lost
//! pre-arbitration after the first stage was won opens its stage's dispute
//! and loses it. A failed capture reverses the capture's movement.

use corridor_connectors::adyen::notification::{
    dispute_status_lost, DisputeEvent, DisputeStage, NotificationItem,
};
use corridor_core::{Amount, Timestamp};
use corridor_services::after_sales::{AfterSalesError, ProviderDispute};
use corridor_services::payments::{CaptureFailure, PaymentError};
use corridor_store::PaymentRecord;

use super::registry::Live;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Applies a dispute notification to `payment`; the recorded outcome.
pub(super) async fn apply_dispute(
    state: &AppState,
    live: &Live,
    item: &NotificationItem,
    payment: &PaymentRecord,
    event: DisputeEvent,
) -> ApiResult<&'static str> {
    let Some(after_sales) = state.after_sales() else {
        return Ok("recorded");
    };
    let base = ProviderDispute {
        connector: live.record.id.clone(),
        reference: item.psp_reference.clone(),
        stage: DisputeStage::Chargeback.code(),
        payment_id: payment.id.clone(),
        reason_code: item.additional("chargebackReasonCode").map(str::to_string),
        reason_text: item.reason.clone().filter(|r| !r.trim().is_empty()),
        amount: (item.amount.currency == payment.currency.code())
            .then(|| Amount::positive(item.amount.value).ok())
            .flatten(),
        evidence_due_by: item.additional("defensePeriodEndsAt").and_then(parse_time),
    };
    let report = |stage: DisputeStage| at(&base, stage);
    let id = |stage: DisputeStage| at(&base, stage).id();
    let result = match event {
        DisputeEvent::Opened(stage) => after_sales
            .open_provider_dispute(&report(stage))
            .await
            .map(|_| ()),
        DisputeEvent::Debited => {
            let stage = DisputeStage::Chargeback;
            let opened = after_sales.open_provider_dispute(&report(stage)).await;
            match (opened, item.additional("disputeStatus")) {
                (Ok(_), Some(status)) if dispute_status_lost(status) => after_sales
                    .decide_provider_dispute(&id(stage), false)
                    .await
                    .map(|_| ()),
                (other, _) => other.map(|_| ()),
            }
        }
        DisputeEvent::Decided(stage, won) => decide(after_sales, &base, stage, won).await,
    };
    match result {
        Ok(()) => Ok("applied"),
        Err(e @ (AfterSalesError::Invalid { .. } | AfterSalesError::State { .. })) => {
            tracing::error!(payment = %payment.id, event = %item.event_code, error = %e,
                "Adyen dispute notification not applied; the operator must look at it");
            Ok("recorded")
        }
        Err(e) => Err(ApiError::unavailable(format!(
            "the notification could not be applied: {e}"
        ))),
    }
}

/// A stage is decided. Its own dispute if Corridor has it; else, for a
/// later stage, the first stage's dispute while it is open; else (the first
/// stage decided before, or never reported) the stage opens and is decided
/// at once.
async fn decide(
    after_sales: &corridor_services::after_sales::AfterSalesService,
    base: &ProviderDispute,
    stage: DisputeStage,
    won: bool,
) -> Result<(), AfterSalesError> {
    let report = |stage: DisputeStage| at(base, stage);
    let id = |stage: DisputeStage| at(base, stage).id();
    if after_sales
        .decide_provider_dispute(&id(stage), won)
        .await?
        .is_some()
    {
        return Ok(());
    }
    if stage != DisputeStage::Chargeback {
        let first = after_sales
            .dispute(&id(DisputeStage::Chargeback), None)
            .await;
        if let Ok(first) = first {
            if !first.status.is_closed() {
                return after_sales
                    .decide_provider_dispute(&first.id, won)
                    .await
                    .map(|_| ());
            }
        }
    }
    if won {
        // Won without a dispute Corridor knows: nothing was held.
        return Err(AfterSalesError::State {
            code: "dispute_unknown",
            message: "a dispute decision for a dispute never reported".into(),
        });
    }
    after_sales.open_provider_dispute(&report(stage)).await?;
    after_sales
        .decide_provider_dispute(&id(stage), false)
        .await
        .map(|_| ())
}

fn at(base: &ProviderDispute, stage: DisputeStage) -> ProviderDispute {
    ProviderDispute {
        stage: stage.code(),
        ..base.clone()
    }
}

/// Applies `CAPTURE_FAILED` (or a failed `CAPTURE`) to `payment`.
pub(super) async fn apply_capture_failure(
    state: &AppState,
    live: &Live,
    item: &NotificationItem,
    payment: &PaymentRecord,
) -> ApiResult<&'static str> {
    let Some(service) = state.payments() else {
        return Ok("recorded");
    };
    match service
        .capture_failed(&live.record.name, &payment.id, "capture_failed")
        .await
    {
        Ok(CaptureFailure::Reversed) => Ok("applied"),
        Ok(CaptureFailure::NothingCaptured | CaptureFailure::UnknownPayment) => Ok("recorded"),
        Err(e @ PaymentError::State { .. }) => {
            tracing::error!(payment = %payment.id, event = %item.event_code, error = %e,
                "Adyen reports a failed capture that cannot be reversed; the operator must look at it");
            Ok("recorded")
        }
        Err(e) => Err(ApiError::unavailable(format!(
            "the notification could not be applied: {e}"
        ))),
    }
}

/// An ISO 8601 time with its offset (`2020-12-18T10:15:30+01:00`).
pub(super) fn parse_time(text: &str) -> Option<Timestamp> {
    let at =
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()?;
    i64::try_from(at.unix_timestamp_nanos() / 1_000)
        .ok()
        .map(Timestamp::from_unix_micros)
}
