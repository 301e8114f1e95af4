//! Background work driven by the clock and by providers' notifications.

use std::time::Duration;

use corridor_connectors::sandbox::Notification;
use corridor_core::payments::status::PaymentEvent;
use tokio::sync::mpsc::UnboundedReceiver;

use super::ledger;
use super::persist::Change;
use super::{PaymentError, PaymentService, PaymentSnapshot};

/// How often due settlements and expiries are looked for.
const SWEEP_INTERVAL: Duration = Duration::from_millis(500);
/// Payments handled per sweep.
const SWEEP_BATCH: usize = 500;

/// Starts the settlement and expiry sweeps and, if given, the notification listener.
pub fn spawn_jobs(service: PaymentService, notifications: Option<UnboundedReceiver<Notification>>) {
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
    /// Moves the net of captured payments whose delay has passed to `available`.
    pub async fn settle_due(&self) -> Result<usize, PaymentError> {
        let due = self
            .store
            .payments_due_settlement(self.store.clock().now(), SWEEP_BATCH)
            .await?;
        let count = due.len();
        for payment in due {
            // The fee never exceeds the captured amount; a row that says
            // otherwise is corrupt and is left unsettled, loudly.
            let net = payment
                .amount_captured
                .checked_sub(payment.fee)
                .and_then(|n| corridor_core::Amount::non_negative(n).ok());
            let Some(net) = net else {
                tracing::error!(payment = %payment.id, "captured amount below its fee; not settled");
                continue;
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
                new_attempts: 0,
                ledger: money,
                event: None,
            };
            self.write(change, None).await?;
        }
        Ok(count)
    }

    /// Fails payments whose action expired and cancels lapsed authorizations.
    pub async fn expire_due(&self) -> Result<usize, PaymentError> {
        let due = self
            .store
            .payments_due_expiry(self.store.clock().now(), SWEEP_BATCH)
            .await?;
        let count = due.len();
        for payment in due {
            let attempts = self.store.payment_attempts(&payment.id).await?;
            let status = corridor_core::payments::status::PaymentStatus::parse(&payment.status);
            let Some(to) = status.and_then(|s| {
                corridor_core::payments::status::transition(s, PaymentEvent::Expired).ok()
            }) else {
                continue;
            };
            let mut after = payment.clone();
            after.status = to.code().into();
            after.next_action = None;
            after.expires_at = None;
            if to == corridor_core::payments::status::PaymentStatus::Failed {
                after.decline_code = Some("expired".into());
            }
            let event = Some(super::persist::status_event(&after.status));
            let change = Change {
                before: Some(payment.version),
                snapshot: PaymentSnapshot {
                    payment: after,
                    attempts,
                },
                new_attempts: 0,
                ledger: None,
                event,
            };
            self.write(change, None).await?;
        }
        Ok(count)
    }

    /// Applies a provider's asynchronous result.
    pub async fn on_notification(&self, n: &Notification) -> Result<(), PaymentError> {
        let Some(payment) = self.store.payment(&n.payment_id).await? else {
            return Ok(());
        };
        if payment.connector.as_deref() != Some(n.psp.as_str()) {
            return Ok(());
        }
        let attempts = self.store.payment_attempts(&payment.id).await?;
        self.apply_update(
            PaymentSnapshot { payment, attempts },
            &n.psp,
            &n.charge,
            PaymentEvent::AsyncResult,
        )
        .await?;
        Ok(())
    }
}
