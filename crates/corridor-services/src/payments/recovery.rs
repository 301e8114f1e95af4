//! Recovery: attempts without an outcome are resolved by asking their
//! provider, never by charging again.
//!
//! At start (every attempt left open by the previous process) and then
//! periodically (attempts older than a grace period, so confirmations still
//! running are left alone), each open attempt is looked up by its key:
//! a charge found is applied as the confirmation's answer; nothing found
//! is final only once the provider's settle window has passed, and then
//! the attempt is closed as `not_charged` and the payment returns to
//! `requires_payment_method` (a retry or a new confirmation may try again).
//! Payments still `processing` at their provider are retrieved, in case a
//! notification was lost.

use std::time::Duration;

use corridor_connectors::IdempotencyKey;
use corridor_core::payments::attempt::AttemptStatus;
use corridor_core::payments::status::{PaymentEvent, PaymentStatus};

use super::confirm::{is_open, settled};
use super::persist::Change;
use super::{PaymentError, PaymentService, PaymentSnapshot};

/// Attempts and payments looked at per recovery pass.
const RECOVERY_BATCH: usize = 200;

/// What one recovery pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Recovered {
    /// Open attempts resolved (charge found, or definitely never made).
    pub attempts_resolved: usize,
    /// Open attempts still unknown (the provider could not say yet).
    pub attempts_pending: usize,
    /// Processing payments whose provider state was applied.
    pub payments_refreshed: usize,
}

impl PaymentService {
    /// Resolves open attempts older than `min_age` and refreshes payments
    /// that have waited on their provider as long. A row that fails is
    /// logged and skipped.
    pub async fn recover(&self, min_age: Duration) -> Result<Recovered, PaymentError> {
        let now = self.now();
        let age = i64::try_from(min_age.as_micros()).unwrap_or(i64::MAX);
        let cutoff =
            corridor_core::Timestamp::from_unix_micros(now.unix_micros().saturating_sub(age));
        let mut done = Recovered::default();
        for attempt in self.store.open_attempts(RECOVERY_BATCH).await? {
            if attempt.created_at > cutoff {
                continue;
            }
            match self.recover_attempt(&attempt.payment_id, attempt.seq).await {
                Ok(true) => done.attempts_resolved += 1,
                Ok(false) => done.attempts_pending += 1,
                Err(e) => {
                    done.attempts_pending += 1;
                    tracing::warn!(error = %e, payment = %attempt.payment_id, seq = attempt.seq, "open attempt not resolved; retrying later");
                }
            }
        }
        for payment in self
            .store
            .payments_awaiting_provider(cutoff, RECOVERY_BATCH)
            .await?
        {
            let id = payment.id.clone();
            match self.refresh(payment).await {
                Ok(true) => done.payments_refreshed += 1,
                Ok(false) => {}
                Err(e) => {
                    tracing::warn!(error = %e, payment = %id, "processing payment not refreshed; retrying later")
                }
            }
        }
        Ok(done)
    }

    /// Looks one open attempt up at its provider. `Ok(false)`: still unknown.
    async fn recover_attempt(&self, payment_id: &str, seq: i64) -> Result<bool, PaymentError> {
        let snapshot = self.get(payment_id, None).await?;
        let Some(i) = snapshot
            .attempts
            .iter()
            .position(|a| a.seq == seq && is_open(a))
        else {
            return Ok(true);
        };
        let attempt = snapshot.attempts[i].clone();
        let connector = self.connector(&attempt.connector).ok_or_else(|| {
            PaymentError::Unavailable(format!("provider {} is not configured", attempt.connector))
        })?;
        let key = IdempotencyKey::parse(&attempt.idempotency_key)
            .map_err(|e| PaymentError::Unavailable(e.to_string()))?;
        let found = connector
            .lookup(&key)
            .await
            .map_err(|e| PaymentError::Unavailable(format!("lookup failed: {e}")))?;
        match found {
            Some(response) => {
                tracing::info!(payment = %payment_id, seq, connector = %attempt.connector, outcome = response.outcome.code(), "open attempt found at its provider");
                self.finish_answered(snapshot, i, connector.name(), response, None)
                    .await
                    .map(|_| true)
                    .or_else(|e| match e {
                        // Stored as failed: that is a resolution too.
                        PaymentError::Declined { .. } => Ok(true),
                        other => Err(other),
                    })
            }
            None if settled(connector.as_ref(), attempt.created_at, self.now()) => {
                tracing::info!(payment = %payment_id, seq, connector = %attempt.connector, "open attempt never reached its provider");
                self.not_charged(snapshot, i).await.map(|_| true)
            }
            None => Ok(false),
        }
    }

    /// The provider definitely never charged the attempt: close it and let
    /// the payment be confirmed again.
    async fn not_charged(
        &self,
        mut snapshot: PaymentSnapshot,
        attempt: usize,
    ) -> Result<(), PaymentError> {
        let before = snapshot.payment.version;
        snapshot.attempts[attempt].outcome = AttemptStatus::NotCharged;
        snapshot.attempts[attempt].code = Some("not_charged".into());
        if !snapshot.attempts.iter().any(is_open) {
            snapshot.payment.status = PaymentStatus::RequiresPaymentMethod;
            snapshot.payment.connector = None;
            snapshot.payment.connector_ref = None;
        }
        let change = Change {
            before: Some(before),
            snapshot,
            attempts_changed: true,
            ledger: None,
            event: Some("payment.updated"),
            started_key: None,
        };
        self.write(change, None).await.map(|_| ())
    }

    /// Retrieves a processing payment's charge and applies its state.
    async fn refresh(&self, payment: corridor_store::PaymentRecord) -> Result<bool, PaymentError> {
        let (connector, reference) = self.connector_of(&payment)?;
        let response = connector
            .retrieve(&reference)
            .await
            .map_err(|e| PaymentError::Unavailable(format!("retrieve failed: {e}")))?;
        let attempts = self.store.payment_attempts(&payment.id).await?;
        let version = payment.version;
        let answer = self
            .apply_update(
                PaymentSnapshot { payment, attempts },
                connector.name(),
                &response,
                PaymentEvent::AsyncResult,
            )
            .await?;
        Ok(matches!(answer, super::Answer::Payment(s, _) if s.payment.version != version))
    }
}
