//! A capture the provider accepted that failed at the acquirer (Adyen's
//! `CAPTURE_FAILED`): the money never arrives, so the capture's movement is
//! reversed by explicit postings and the payment fails.
//!
//! The provider owes nothing for the capture: its gross goes back to
//! platform clearing, the fee out of the platform's revenue, and the net out
//! of the merchant's balance, where the capture put it (`pending` while not
//! settled; `available` after). Once settled, the merchant's available
//! balance may no longer hold it: refunds already sent to the buyer were paid
//! from it, and a dispute holds part of it. What the balance (net of its
//! holds) does not cover is booked as owed by the merchant
//! (`platform_receivable`), as a lost dispute's shortfall is. Refunds keep
//! their own course (one that fails later gives its debit back), a dispute
//! its own (its hold stays until the network decides), and the operator is
//! alerted. One movement with one client reference: applied once however
//! often the provider reports it.

use corridor_core::ledger::AccountKind;
use corridor_core::payments::status::{PaymentEvent, PaymentStatus};
use corridor_core::{Amount, Currency};
use corridor_store::{AfterSalesKind, Owner, PaymentRecord};

use super::ledger::{self, NetSource};
use super::persist::Change;
use super::{PaymentError, PaymentService, PaymentSnapshot};

/// Times a reversal is tried again when the balance or the payment changed
/// between reading and writing.
const TRIES: usize = 3;

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
    /// capture's gross goes back to clearing from the merchant's net and the
    /// platform's fee (see the module's documentation for refunds, disputes
    /// and a balance that no longer covers the net), and the payment becomes
    /// `failed` with `code`.
    pub async fn capture_failed(
        &self,
        connector: &str,
        payment_id: &str,
        code: &str,
    ) -> Result<CaptureFailure, PaymentError> {
        let mut tries = 0;
        loop {
            tries += 1;
            match self.reverse_capture(connector, payment_id, code).await {
                Err(PaymentError::State { code, .. })
                    if tries < TRIES
                        && (code == "insufficient_funds" || code == "payment_changed") =>
                {
                    continue
                }
                other => return other,
            }
        }
    }

    async fn reverse_capture(
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
        let corrupt = |what: &str| {
            PaymentError::Store(corridor_store::StoreError::Corrupt(format!(
                "payment {}: {what}",
                payment.id
            )))
        };
        let gross = Amount::positive(payment.amount_captured).map_err(|_| corrupt("captured"))?;
        let fee = Amount::non_negative(payment.fee)
            .map_err(|_| corrupt("fee"))?
            .min(gross);
        let net_amount = gross.checked_sub(fee).map_err(|_| corrupt("net"))?;
        let net = self.net_source(&payment, net_amount).await?;
        let reversal = ledger::capture_reversal(
            &payment.id,
            &payment.merchant_id,
            payment.currency,
            gross,
            fee,
            net,
        );
        let disputes = self
            .store
            .after_sales_of_payment(AfterSalesKind::Dispute, &payment.id)
            .await?;
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
        if payment.amount_refunded > 0 || !disputes.is_empty() || !net.receivable.is_zero() {
            tracing::error!(
                alert = true,
                payment = %payment.id,
                merchant = %payment.merchant_id,
                currency = payment.currency.code(),
                gross = gross.minor(),
                refunded = payment.amount_refunded,
                disputes = disputes.len(),
                from_balance = net.from_balance.minor(),
                receivable = net.receivable.minor(),
                "a failed capture was reversed on a payment whose money had moved on (refunds, a dispute, or a balance short of its net): what the balance did not cover is owed by the merchant; refunds and disputes need the operator's review"
            );
        }
        Ok(CaptureFailure::Reversed)
    }

    /// Where the payment's net comes back from: all of it from `pending`
    /// while not settled (the capture put it there and only settlement takes
    /// it out); once settled, from `available` as far as it goes beyond its
    /// holds, the rest owed.
    async fn net_source(
        &self,
        payment: &PaymentRecord,
        net: Amount,
    ) -> Result<NetSource, PaymentError> {
        if !payment.settled {
            return Ok(NetSource {
                kind: AccountKind::MerchantPending,
                from_balance: net,
                receivable: Amount::ZERO,
            });
        }
        let available = self
            .available(&payment.merchant_id, payment.currency)
            .await?;
        let from_balance = Amount::non_negative(available.clamp(0, net.minor())).map_err(|_| {
            PaymentError::Store(corridor_store::StoreError::Corrupt("balance".into()))
        })?;
        let receivable = net.checked_sub(from_balance).map_err(|_| {
            PaymentError::Store(corridor_store::StoreError::Corrupt("shortfall".into()))
        })?;
        Ok(NetSource {
            kind: AccountKind::MerchantAvailable,
            from_balance,
            receivable,
        })
    }

    /// The merchant's available balance net of its holds.
    async fn available(&self, merchant: &str, currency: Currency) -> Result<i64, PaymentError> {
        let balances = self
            .store
            .balances(&Owner::Merchant(merchant.to_string()))
            .await?;
        Ok(balances
            .iter()
            .find(|b| b.currency == currency && b.kind == AccountKind::MerchantAvailable)
            .map_or(0, |b| b.posted.saturating_sub(b.held_out)))
    }
}
