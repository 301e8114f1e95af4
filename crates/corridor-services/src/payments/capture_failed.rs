//! A capture the provider accepted that failed at the acquirer (Adyen's
//! `CAPTURE_FAILED`): the money never arrives, so the capture's movement is
//! reversed by explicit postings and the payment fails.

use corridor_core::payments::status::{PaymentEvent, PaymentStatus};
use corridor_core::Amount;
use corridor_store::AfterSalesKind;

use super::ledger;
use super::persist::Change;
use super::{PaymentError, PaymentService, PaymentSnapshot};

/// What a failed capture did to its payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptureFailure {
    /// The capture's movement was reversed; the payment is `failed`.
    Reversed,
    /// Nothing to reverse: the payment is not captured (or was reversed
    /// before: the same report twice changes nothing).
    NothingCaptured,
    /// No payment has this id at this connector.
    UnknownPayment,
}

impl PaymentService {
    /// `connector` reports that the capture of `payment_id` failed. The
    /// capture's gross goes back to clearing from the merchant's net
    /// (`pending`, or `available` once settled) and the platform's fee, and
    /// the payment becomes `failed` with `code`. A payment with refunds or a
    /// dispute is refused (`payment_unexpected_state`): its money has moved
    /// on and the operator must decide.
    pub async fn capture_failed(
        &self,
        connector: &str,
        payment_id: &str,
        code: &str,
    ) -> Result<CaptureFailure, PaymentError> {
        let Some(payment) = self.store.payment(payment_id).await? else {
            return Ok(CaptureFailure::UnknownPayment);
        };
        if payment.connector.as_deref() != Some(connector) {
            return Ok(CaptureFailure::UnknownPayment);
        }
        if payment.status != PaymentStatus::Succeeded || payment.amount_captured == 0 {
            return Ok(CaptureFailure::NothingCaptured);
        }
        let to = corridor_core::payments::status::transition(
            payment.status,
            PaymentEvent::CaptureFailed,
        )
        .map_err(|e| PaymentError::state("payment_unexpected_state", e.to_string()))?;
        let disputes = self
            .store
            .after_sales_of_payment(AfterSalesKind::Dispute, &payment.id)
            .await?;
        if payment.amount_refunded > 0 || !disputes.is_empty() {
            return Err(PaymentError::state(
                "payment_unexpected_state",
                "the payment has refunds or a dispute; its failed capture needs the operator",
            ));
        }
        let corrupt = |what: &str| {
            PaymentError::Store(corridor_store::StoreError::Corrupt(format!(
                "payment {}: {what}",
                payment.id
            )))
        };
        let gross = Amount::positive(payment.amount_captured).map_err(|_| corrupt("captured"))?;
        let fee = Amount::non_negative(payment.fee).map_err(|_| corrupt("fee"))?;
        let reversal = ledger::capture_reversal(
            &payment.id,
            &payment.merchant_id,
            payment.currency,
            gross,
            fee,
            payment.settled,
        );
        let attempts = self.store.payment_attempts(&payment.id).await?;
        let mut next = payment.clone();
        next.status = to;
        next.amount_captured = 0;
        next.decline_code = Some(code.to_string());
        // Not settled yet: it never will be.
        next.settle_at = None;
        let change = Change {
            before: Some(payment.version),
            snapshot: PaymentSnapshot {
                payment: next,
                attempts,
            },
            attempts_changed: false,
            started_key: None,
            ledger: Some(reversal),
            event: Some("payment.failed"),
        };
        self.write(change, None).await?;
        Ok(CaptureFailure::Reversed)
    }
}
