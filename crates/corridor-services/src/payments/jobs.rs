//! Background work driven by the clock and by providers' notifications.
//!
//! Every sweep handles its rows one by one: a row that fails is logged
//! (with `alert`) and skipped, and is tried again on the next sweep, so one
//! bad row never blocks the others.

use std::time::Duration;

use corridor_connectors::sandbox::Notification;
use corridor_connectors::{
    CancelRequest, ChargeOutcome, ConnectorError, IdempotencyKey, RefundOutcome, RefundRequest,
};
use corridor_core::payments::status::{transition, PaymentEvent, PaymentStatus};
use corridor_core::Amount;
use corridor_store::{OrphanRecord, PaymentRecord, WriteOp, WriteRequest};
use tokio::sync::mpsc::UnboundedReceiver;

use super::confirm::is_open;
use super::ledger;
use super::persist::Change;
use super::{PaymentError, PaymentService, PaymentSnapshot};

/// How often due settlements and expiries are looked for.
const SWEEP_INTERVAL: Duration = Duration::from_millis(500);
/// Payments handled per sweep.
const SWEEP_BATCH: usize = 500;
/// How often open attempts and waiting payments are checked with providers.
const RECOVERY_INTERVAL: Duration = Duration::from_secs(5);
/// Attempts younger than this belong to confirmations still running here.
pub const RECOVERY_MIN_AGE: Duration = Duration::from_secs(10);

/// Starts recovery (a first pass over everything open, then periodic), the
/// settlement and expiry sweeps and, if given, the notification listener.
pub fn spawn_jobs(service: PaymentService, notifications: Option<UnboundedReceiver<Notification>>) {
    let recovering = service.clone();
    tokio::spawn(async move {
        // At start nothing is running here yet: every open attempt is the
        // previous process's, whatever its age.
        let mut min_age = Duration::ZERO;
        let mut tick = tokio::time::interval(RECOVERY_INTERVAL);
        loop {
            tick.tick().await;
            match recovering.recover(min_age).await {
                Ok(r) if r != Default::default() => tracing::info!(?r, "recovery pass"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "recovery pass failed"),
            }
            min_age = RECOVERY_MIN_AGE;
        }
    });
    let sweeper = service.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(SWEEP_INTERVAL);
        loop {
            tick.tick().await;
            if let Err(e) = sweeper.settle_due().await {
                tracing::warn!(error = %e, "settlement sweep failed");
            }
            if let Err(e) = sweeper.expire_due().await {
                tracing::warn!(error = %e, "expiry sweep failed");
            }
        }
    });
    if let Some(mut rx) = notifications {
        tokio::spawn(async move {
            while let Some(n) = rx.recv().await {
                if let Err(e) = service.on_notification(&n).await {
                    tracing::warn!(error = %e, payment = %n.payment_id, "notification not applied");
                }
            }
        });
    }
}

impl PaymentService {
    /// Moves the net of captured payments whose delay has passed to
    /// `available`. Returns how many were settled; a failing one is skipped.
    pub async fn settle_due(&self) -> Result<usize, PaymentError> {
        let due = self
            .store
            .payments_due_settlement(self.store.clock().now(), SWEEP_BATCH)
            .await?;
        let mut settled = 0;
        for payment in due {
            let id = payment.id.clone();
            match self.settle_one(payment).await {
                Ok(true) => settled += 1,
                Ok(false) => {}
                Err(e) => {
                    tracing::error!(alert = true, error = %e, payment = %id, "settlement failed; skipped until the next sweep")
                }
            }
        }
        Ok(settled)
    }

    /// Settles the payment `id` now, ahead of its delay, exactly as the
    /// sweep would: the same movement under the same client reference, so
    /// its net moves once whoever gets there first. A refund of a payment
    /// the merchant has not been paid for yet is funded this way from the
    /// payment's own money. Nothing happens to a settled payment or one
    /// with nothing to settle.
    pub async fn settle_now(&self, id: &str) -> Result<(), PaymentError> {
        let mut last = None;
        // A concurrent change of the payment (the sweep, another refund
        // settling it) makes the write stale: read again and look.
        for _ in 0..3 {
            let payment = self
                .store
                .payment(id)
                .await?
                .ok_or_else(|| PaymentError::NotFound(id.to_string()))?;
            if payment.settled || payment.settle_at.is_none() {
                return Ok(());
            }
            match self.settle_one(payment).await {
                Ok(_) => return Ok(()),
                Err(e) => last = Some(e),
            }
        }
        match last {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    async fn settle_one(&self, payment: PaymentRecord) -> Result<bool, PaymentError> {
        // The fee never exceeds the captured amount; a row that says
        // otherwise is corrupt and is left unsettled, loudly.
        let net = payment
            .amount_captured
            .checked_sub(payment.fee)
            .and_then(|n| corridor_core::Amount::non_negative(n).ok());
        let Some(net) = net else {
            tracing::error!(alert = true, payment = %payment.id, "captured amount below its fee; not settled");
            return Ok(false);
        };
        let mut after = payment.clone();
        after.settled = true;
        let money = (!net.is_zero())
            .then(|| ledger::settle(&payment.id, &payment.merchant_id, payment.currency, net));
        let attempts = self.store.payment_attempts(&payment.id).await?;
        let change = Change {
            before: Some(payment.version),
            snapshot: PaymentSnapshot {
                payment: after,
                attempts,
            },
            attempts_changed: false,
            ledger: money,
            event: None,
            started_key: None,
        };
        self.write(change, None).await?;
        Ok(true)
    }

    /// Fails payments whose action expired and cancels lapsed
    /// authorizations, after canceling them at their provider. Returns how
    /// many were expired; a failing one is skipped.
    pub async fn expire_due(&self) -> Result<usize, PaymentError> {
        let due = self
            .store
            .payments_due_expiry(self.store.clock().now(), SWEEP_BATCH)
            .await?;
        let mut expired = 0;
        for payment in due {
            let id = payment.id.clone();
            match self.expire_one(payment).await {
                Ok(true) => expired += 1,
                Ok(false) => {}
                Err(e) => {
                    tracing::error!(alert = true, error = %e, payment = %id, "expiry failed; skipped until the next sweep")
                }
            }
        }
        Ok(expired)
    }

    async fn expire_one(&self, payment: PaymentRecord) -> Result<bool, PaymentError> {
        let attempts = self.store.payment_attempts(&payment.id).await?;
        let snapshot = PaymentSnapshot {
            payment: payment.clone(),
            attempts,
        };
        let Ok(to) = transition(payment.status, PaymentEvent::Expired) else {
            return Ok(false);
        };
        // The provider is told first: a capture or a payment racing the
        // expiry must not succeed there while it shows as expired here.
        if let Ok((connector, reference)) = self.connector_of(&payment) {
            let key = IdempotencyKey::parse(&format!("{}-expire", payment.id))
                .map_err(|e| PaymentError::Unavailable(e.to_string()))?;
            let canceled = connector
                .cancel(CancelRequest {
                    idempotency_key: key,
                    reference: reference.clone(),
                    payment_amount: Amount::positive(payment.amount)
                        .ok()
                        .map(|a| (a, payment.currency)),
                })
                .await;
            let actual = match canceled {
                Ok(r) if r.outcome == ChargeOutcome::Canceled => None,
                Ok(r) => Some(r),
                // Not cancelable any more: it moved on at the provider
                // (paid, captured, lapsed there); what it is decides.
                Err(ConnectorError::InvalidState(_)) => Some(
                    connector
                        .retrieve(&reference)
                        .await
                        .map_err(|e| PaymentError::Unavailable(format!("retrieve failed: {e}")))?,
                ),
                Err(e) => {
                    return Err(PaymentError::Unavailable(format!(
                        "the provider could not cancel: {e}"
                    )))
                }
            };
            if let Some(response) = actual {
                if response.outcome == ChargeOutcome::Captured
                    && payment.status == PaymentStatus::RequiresCapture
                {
                    return self.captured_at_provider(snapshot, &response).await;
                }
                if response.outcome != ChargeOutcome::Canceled {
                    self.apply_update(
                        snapshot,
                        connector.name(),
                        &response,
                        PaymentEvent::AsyncResult,
                    )
                    .await?;
                    return Ok(false);
                }
            }
        }
        let mut after = payment.clone();
        after.status = to;
        after.next_action = None;
        after.expires_at = None;
        if to == PaymentStatus::Failed {
            after.decline_code = Some("expired".into());
        }
        let event = Some(super::persist::status_event(after.status));
        let change = Change {
            before: Some(payment.version),
            snapshot: PaymentSnapshot {
                payment: after,
                attempts: snapshot.attempts,
            },
            attempts_changed: false,
            ledger: None,
            event,
            started_key: None,
        };
        self.write(change, None).await?;
        Ok(true)
    }

    /// An authorization the provider reports captured (a capture that won
    /// the race with the expiry there): book the capture it made.
    async fn captured_at_provider(
        &self,
        snapshot: PaymentSnapshot,
        response: &corridor_connectors::ChargeResponse,
    ) -> Result<bool, PaymentError> {
        let before = snapshot.payment.clone();
        let ctx = self.context(&before, self.now()).await?;
        let mut payment = before.clone();
        payment.status = PaymentStatus::Succeeded;
        payment.expires_at = None;
        let ledger = Some(super::outcome::captured(
            &mut payment,
            response.amount_captured,
            &ctx,
        ));
        let change = Change {
            before: Some(before.version),
            snapshot: PaymentSnapshot {
                payment,
                attempts: snapshot.attempts,
            },
            attempts_changed: false,
            ledger,
            event: Some("payment.succeeded"),
            started_key: None,
        };
        self.write(change, None).await?;
        Ok(false)
    }

    /// Applies a provider's asynchronous result. A notification about a
    /// charge no attempt accounts for is an orphan: recorded, alerted, and
    /// voided at the provider when it can be.
    pub async fn on_notification(&self, n: &Notification) -> Result<(), PaymentError> {
        let Some(payment) = self.store.payment(&n.payment_id).await? else {
            return self.orphan(n).await;
        };
        let attempts = self.store.payment_attempts(&payment.id).await?;
        let snapshot = PaymentSnapshot { payment, attempts };
        // The answer to a confirmation whose call has not returned (or never will).
        if let Some(i) = snapshot
            .attempts
            .iter()
            .position(|a| is_open(a) && a.connector == n.psp)
        {
            return match self
                .finish_answered(snapshot, i, &n.psp, n.charge.clone(), None)
                .await
            {
                Ok(_) | Err(PaymentError::Declined { .. }) => Ok(()),
                Err(e) => Err(e),
            };
        }
        let current = snapshot.payment.connector.as_deref() == Some(n.psp.as_str())
            && snapshot.payment.connector_ref.as_deref() == Some(n.charge.reference.as_str());
        if !current {
            return self.orphan(n).await;
        }
        self.apply_update(snapshot, &n.psp, &n.charge, PaymentEvent::AsyncResult)
            .await?;
        Ok(())
    }

    /// Handles a provider charge without an attempt: records it with the
    /// action it needs (the intent, durable before the provider is called),
    /// voids it at the provider when it is not captured and refunds it when
    /// it is, then records what came of that and alerts the operator. The
    /// provider keys derive from the charge's reference, so a repeated
    /// notification (or a crash between the steps) never voids or refunds
    /// twice.
    async fn orphan(&self, n: &Notification) -> Result<(), PaymentError> {
        let charge = &n.charge;
        let refund = match &charge.outcome {
            ChargeOutcome::Declined(_) | ChargeOutcome::Canceled => return Ok(()),
            ChargeOutcome::Captured => true,
            ChargeOutcome::Authorized
            | ChargeOutcome::RequiresAction(_)
            | ChargeOutcome::Pending => false,
        };
        let intent = if refund {
            "refund_pending"
        } else {
            "void_pending"
        };
        self.record_orphan(n, intent).await?;
        let resolution = if refund {
            self.refund_orphan(n).await
        } else {
            match self.void_orphan(n).await {
                Ok(()) => "voided",
                Err(e) => {
                    tracing::warn!(error = %e, reference = %charge.reference, "orphan charge not voided");
                    "void_failed"
                }
            }
        };
        tracing::error!(
            alert = true,
            connector = %n.psp,
            reference = %charge.reference,
            payment = %n.payment_id,
            status = charge.outcome.code(),
            resolution,
            "provider charge without a payment attempt"
        );
        self.record_orphan(n, resolution).await
    }

    async fn record_orphan(&self, n: &Notification, resolution: &str) -> Result<(), PaymentError> {
        let charge = &n.charge;
        let record = OrphanRecord {
            connector: n.psp.clone(),
            reference: charge.reference.clone(),
            payment_id: n.payment_id.clone(),
            status: charge.outcome.code().to_string(),
            amount: charge.amount.minor(),
            currency: charge.currency.code().to_string(),
            resolution: resolution.to_string(),
            created_at: self.now(),
        };
        self.store
            .writer()
            .submit(WriteRequest {
                op: WriteOp::ProviderOrphan(record),
                idempotency: None,
            })
            .await?;
        Ok(())
    }

    /// Refunds a captured orphan charge in full at its provider. An unknown
    /// outcome is looked up by the refund's key, never sent under a new one.
    async fn refund_orphan(&self, n: &Notification) -> &'static str {
        let Some(connector) = self.connector(&n.psp) else {
            tracing::warn!(connector = %n.psp, "orphan charge's provider is not configured");
            return "refund_failed";
        };
        let Ok(key) = IdempotencyKey::parse(&format!("{}-orphan-refund", n.charge.reference))
        else {
            return "refund_failed";
        };
        let request = RefundRequest {
            idempotency_key: key.clone(),
            charge_reference: n.charge.reference.clone(),
            refund_id: format!("orphan-{}", n.charge.reference),
            amount: n.charge.amount_captured,
            currency: n.charge.currency,
            bank_account: None,
        };
        let answer = match connector.refund(request).await {
            Ok(response) => Some(response),
            Err(e) if e.outcome_unknown() => match connector.lookup_refund(&key).await {
                Ok(Some(found)) => Some(found),
                Ok(None) | Err(_) => {
                    tracing::warn!(error = %e, reference = %n.charge.reference, "orphan refund outcome unknown");
                    return "refund_unknown";
                }
            },
            Err(e) => {
                tracing::warn!(error = %e, reference = %n.charge.reference, "orphan charge not refunded");
                None
            }
        };
        match answer.map(|r| r.outcome) {
            Some(RefundOutcome::Succeeded) => "refunded",
            Some(RefundOutcome::Pending) => "refund_pending",
            Some(RefundOutcome::Failed { .. }) | None => "refund_failed",
        }
    }

    async fn void_orphan(&self, n: &Notification) -> Result<(), PaymentError> {
        let connector = self.connector(&n.psp).ok_or_else(|| {
            PaymentError::Unavailable(format!("provider {} is not configured", n.psp))
        })?;
        let key = IdempotencyKey::parse(&format!("{}-orphan-void", n.charge.reference))
            .map_err(|e| PaymentError::Unavailable(e.to_string()))?;
        connector
            .cancel(CancelRequest {
                idempotency_key: key,
                reference: n.charge.reference.clone(),
                payment_amount: Some((n.charge.amount, n.charge.currency)),
            })
            .await
            .map_err(|e| PaymentError::Unavailable(e.to_string()))?;
        Ok(())
    }
}
