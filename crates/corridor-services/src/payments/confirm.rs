//! Confirming a payment: durable attempts, one confirmation at a time.
//!
//! Money leaves through a provider, so every provider call follows one
//! pattern (anything else that moves money outside reuses it):
//!
//! 1. **Intent.** Before the call, the attempt (payment, sequence, provider
//!    and the provider idempotency key `{payment}-{provider}-a{seq}`) is
//!    written as `started`, and the payment moves to `processing`, checked
//!    against the version that was read. Of two confirmations of one
//!    payment, only one wins that write; the other answers 409
//!    `payment_in_progress` without calling anyone.
//! 2. **Call** the provider with that key. The same key never charges twice
//!    at that provider, so repeating the call (a retry of the request after
//!    a crash) resumes it instead of charging again.
//! 3. **Outcome.** What the provider said is written (the attempt's outcome,
//!    the payment's status and money). If it could not say (a timeout, a
//!    gateway's 502, an unreadable answer) and a lookup by key finds
//!    nothing yet, the attempt stays open (`unknown`) and the payment
//!    `processing`: recovery (`recovery.rs`) asks the provider again later.
//!
//! The payment moves on to another provider only after a definite "not
//! charged": a decline, the provider's own 500/503, an outage, or an empty
//! lookup once the provider's settle window has passed.

use std::collections::VecDeque;
use std::sync::Arc;

use corridor_connectors::{
    ChargeOutcome, ChargeRequest, ChargeResponse, Connector, ConnectorError, IdempotencyKey,
};
use corridor_core::payments::attempt::AttemptStatus;
use corridor_core::payments::routing::AttemptOutcome;
use corridor_core::payments::status::{PaymentEvent, PaymentStatus};
use corridor_core::Timestamp;
use corridor_store::{AttemptRecord, StartedKey};

use super::lifecycle::Answer;
use super::outcome::apply;
use super::persist::{status_event, Change};
use super::{NewPayment, PaymentError, PaymentService, PaymentSnapshot, Reply};

/// Whether an attempt's outcome is still to be learned.
pub(crate) fn is_open(a: &AttemptRecord) -> bool {
    a.outcome.is_open()
}

/// The provider idempotency key of attempt `seq` of a payment at a provider:
/// stable, so every call for that attempt is the same charge.
pub(crate) fn provider_key(payment_id: &str, connector: &str, seq: i64) -> String {
    format!("{payment_id}-{connector}-a{seq}")
}

/// Whether a lookup that finds nothing now is final for an attempt sent at `sent`.
pub(crate) fn settled(connector: &dyn Connector, sent: Timestamp, now: Timestamp) -> bool {
    let window = i64::try_from(connector.settle_window().as_micros()).unwrap_or(i64::MAX);
    now.unix_micros().saturating_sub(sent.unix_micros()) >= window
}

/// What one provider call came to.
#[derive(Debug)]
pub(crate) enum Call {
    /// The provider answered (a decline is an answer).
    Answered(ChargeResponse),
    /// Definitely not charged, with the reason's code.
    NotCharged(&'static str),
    /// The provider may have charged and could not say.
    Unknown,
}

impl PaymentService {
    /// Runs (or resumes) the confirmation of `snapshot`. A payment not
    /// stored yet (version 0) is written with its first attempt, and the
    /// request's `started_key`, in one write.
    pub(crate) async fn run_confirmation(
        &self,
        mut snapshot: PaymentSnapshot,
        new: &NewPayment,
        reply: Option<Reply>,
        mut started_key: Option<StartedKey>,
    ) -> Result<Answer, PaymentError> {
        // A key completed already answers before anyone is called (one
        // found unused when its request was admitted is not read again).
        if let Some(r) = reply.as_ref().filter(|r| !r.unused) {
            if let Some(done) = self.store.idempotency(&r.scope, &r.key).await? {
                return if done.request_hash == r.request_hash {
                    Ok(Answer::Replayed(done.response))
                } else {
                    Err(PaymentError::IdempotencyReused)
                };
            }
        }
        let now = self.now();
        let mut candidates: VecDeque<Arc<dyn Connector>> = self
            .candidates(new, now)
            .into_iter()
            // A provider that answered for this payment is not asked again;
            // one that definitely never saw it may be.
            .filter(|c| {
                !snapshot
                    .attempts
                    .iter()
                    .any(|a| a.connector == c.name() && a.outcome != AttemptStatus::NotCharged)
            })
            .collect();
        let mut last_code = "no_connector_available".to_string();
        let mut current = match snapshot.attempts.iter().position(is_open) {
            // Left open by an earlier run of this request: claim it again
            // (so recovery cannot close it under us) and resend its key.
            Some(i) => {
                let name = snapshot.attempts[i].connector.clone();
                let connector = self.connector(&name).ok_or_else(|| {
                    PaymentError::Unavailable(format!("provider {name} is not configured"))
                })?;
                snapshot.attempts[i].outcome = AttemptStatus::Started;
                snapshot.attempts[i].code = None;
                snapshot.attempts[i].created_at = now;
                snapshot.attempts[i].answered_at = None;
                snapshot = self.write_intent(snapshot, None).await?;
                (connector, i)
            }
            None => match candidates.pop_front() {
                Some(connector) => {
                    snapshot = self
                        .start_attempt(snapshot, &connector, started_key.take(), now)
                        .await?;
                    let i = snapshot.attempts.len() - 1;
                    (connector, i)
                }
                None => return self.finish_exhausted(snapshot, last_code, reply).await,
            },
        };
        loop {
            let (connector, i) = current;
            let key = snapshot.attempts[i].idempotency_key.clone();
            let sent = snapshot.attempts[i].created_at;
            let id = snapshot.payment.id.clone();
            let call = self.call(connector.as_ref(), new, &id, &key, sent).await;
            self.learn(connector.name(), new, learned(&call), now);
            match call {
                Call::Answered(response) => match &response.outcome {
                    ChargeOutcome::Declined(d) if d.soft => {
                        last_code = d.code.code().to_string();
                        close(
                            &mut snapshot.attempts[i],
                            AttemptStatus::Declined,
                            Some(d.code.code()),
                            self.now(),
                        );
                    }
                    _ => {
                        return self
                            .finish_answered(snapshot, i, connector.name(), response, reply)
                            .await
                    }
                },
                Call::NotCharged(code) => {
                    last_code = code.to_string();
                    close(
                        &mut snapshot.attempts[i],
                        AttemptStatus::Error,
                        Some(code),
                        self.now(),
                    );
                }
                Call::Unknown => return self.finish_unknown(snapshot, i).await,
            }
            current = match candidates.pop_front() {
                Some(next) => {
                    snapshot = self.start_attempt(snapshot, &next, None, now).await?;
                    let i = snapshot.attempts.len() - 1;
                    (next, i)
                }
                None => return self.finish_exhausted(snapshot, last_code, reply).await,
            };
        }
    }

    /// Writes the next attempt as `started` (with the previous one's outcome,
    /// if any) before its provider is called.
    async fn start_attempt(
        &self,
        mut snapshot: PaymentSnapshot,
        connector: &Arc<dyn Connector>,
        started_key: Option<StartedKey>,
        now: Timestamp,
    ) -> Result<PaymentSnapshot, PaymentError> {
        let seq = i64::try_from(snapshot.attempts.len()).unwrap_or(i64::MAX) + 1;
        let id = snapshot.payment.id.clone();
        snapshot.attempts.push(AttemptRecord {
            payment_id: id.clone(),
            seq,
            connector: connector.name().to_string(),
            idempotency_key: provider_key(&id, connector.name(), seq),
            outcome: AttemptStatus::Started,
            code: None,
            created_at: now,
            answered_at: None,
        });
        self.write_intent(snapshot, started_key).await
    }

    /// Writes the payment as `processing` with its open attempt. Losing the
    /// version check means another confirmation got there first.
    async fn write_intent(
        &self,
        mut snapshot: PaymentSnapshot,
        started_key: Option<StartedKey>,
    ) -> Result<PaymentSnapshot, PaymentError> {
        let new = snapshot.payment.version == 0;
        if let Some(open) = snapshot.attempts.iter().rev().find(|a| is_open(a)) {
            snapshot.payment.connector = Some(open.connector.clone());
        }
        snapshot.payment.status = PaymentStatus::Processing;
        snapshot.payment.connector_ref = None;
        let change = Change {
            before: (!new).then_some(snapshot.payment.version),
            snapshot,
            attempts_changed: true,
            ledger: None,
            event: new.then_some("payment.created"),
            started_key,
        };
        match self.written(change, None).await {
            Ok(Answer::Payment(s, _)) => Ok(*s),
            Ok(Answer::Replayed(_)) => Err(in_progress()),
            Err(PaymentError::State {
                code: "payment_changed",
                ..
            }) => Err(in_progress()),
            Err(e) => Err(e),
        }
    }

    /// Calls the provider for one attempt. An answer that may hide a charge
    /// is looked up by key; if the lookup finds nothing, the same key is
    /// sent once more (it cannot charge twice) before giving up as unknown.
    pub(crate) async fn call(
        &self,
        connector: &dyn Connector,
        new: &NewPayment,
        payment_id: &str,
        key: &str,
        sent: Timestamp,
    ) -> Call {
        let Ok(key) = IdempotencyKey::parse(key) else {
            return Call::NotCharged("processor_refused");
        };
        let request = ChargeRequest {
            payment_id: payment_id.to_string(),
            idempotency_key: key.clone(),
            amount: new.amount,
            currency: new.currency,
            country: new.country,
            capture: new.capture,
            sca_required: new.sca_required,
            method: new.method.clone(),
        };
        let mut sends = 1;
        let mut result = connector.charge(request.clone()).await;
        loop {
            match result {
                Ok(response) => return Call::Answered(response),
                Err(e) if !may_have_charged(&e) => return Call::NotCharged(error_code(&e)),
                Err(_) => {}
            }
            match connector.lookup(&key).await {
                Ok(Some(found)) => return Call::Answered(found),
                Ok(None) if sends < 2 => {
                    sends += 1;
                    result = connector.charge(request.clone()).await;
                }
                Ok(None) if settled(connector, sent, self.now()) => {
                    return Call::NotCharged("timeout")
                }
                Ok(None) | Err(_) => return Call::Unknown,
            }
        }
    }

    /// Applies the provider's answer to a payment in confirmation.
    pub(crate) async fn finish_answered(
        &self,
        mut snapshot: PaymentSnapshot,
        attempt: usize,
        connector: &str,
        response: ChargeResponse,
        reply: Option<Reply>,
    ) -> Result<Answer, PaymentError> {
        let before = snapshot.payment.clone();
        let ctx = self.context(&before, self.now()).await?;
        // The confirmation started from `requires_payment_method`; the intent
        // only marked it as running.
        let mut base = before.clone();
        base.status = PaymentStatus::RequiresPaymentMethod;
        let applied = apply(&base, connector, &response, PaymentEvent::Confirmed, &ctx)
            .ok_or_else(|| {
                PaymentError::state(
                    "payment_unexpected_state",
                    "the provider's answer does not fit the payment's state",
                )
            })?;
        let code = match &response.outcome {
            ChargeOutcome::Declined(d) => Some(d.code.code()),
            _ => None,
        };
        close(
            &mut snapshot.attempts[attempt],
            response.outcome.attempt_status(),
            code,
            self.now(),
        );
        let event = Some(status_event(applied.payment.status));
        snapshot.payment = applied.payment;
        let change = Change {
            before: Some(before.version),
            snapshot,
            attempts_changed: true,
            ledger: applied.ledger,
            event,
            started_key: None,
        };
        self.final_write(change, reply, &before.id).await
    }

    /// The provider could not say: the attempt stays open, the payment
    /// `processing`, and the request's key open, so a retry resumes.
    async fn finish_unknown(
        &self,
        mut snapshot: PaymentSnapshot,
        attempt: usize,
    ) -> Result<Answer, PaymentError> {
        let before = snapshot.payment.version;
        close(
            &mut snapshot.attempts[attempt],
            AttemptStatus::Unknown,
            Some("timeout"),
            self.now(),
        );
        let id = snapshot.payment.id.clone();
        let change = Change {
            before: Some(before),
            snapshot,
            attempts_changed: true,
            ledger: None,
            event: Some("payment.processing"),
            started_key: None,
        };
        self.final_write(change, None, &id).await
    }

    /// Every provider declined softly or failed without charging.
    async fn finish_exhausted(
        &self,
        mut snapshot: PaymentSnapshot,
        last_code: String,
        reply: Option<Reply>,
    ) -> Result<Answer, PaymentError> {
        let before = snapshot.payment.version;
        snapshot.payment.status = PaymentStatus::Failed;
        snapshot.payment.decline_code = Some(last_code);
        snapshot.payment.connector_ref = None;
        let id = snapshot.payment.id.clone();
        let change = Change {
            before: (before > 0).then_some(before),
            snapshot,
            attempts_changed: true,
            ledger: None,
            event: Some("payment.failed"),
            started_key: None,
        };
        self.final_write(change, reply, &id).await
    }

    /// Writes a confirmation's end. If something else (recovery, a
    /// notification) resolved the payment meanwhile, that stands: the
    /// current payment is answered.
    async fn final_write(
        &self,
        change: Change,
        reply: Option<Reply>,
        id: &str,
    ) -> Result<Answer, PaymentError> {
        match self.written(change, reply).await {
            Err(PaymentError::State {
                code: "payment_changed",
                ..
            }) => {
                let current = self.get(id, None).await?;
                self.declined_or(Answer::Payment(Box::new(current), None))
            }
            other => self.declined_or(other?),
        }
    }
}

/// Records an attempt's outcome and when it came.
fn close(a: &mut AttemptRecord, outcome: AttemptStatus, code: Option<&str>, now: Timestamp) {
    a.outcome = outcome;
    a.code = code.map(str::to_string);
    a.answered_at = Some(now);
}

fn in_progress() -> PaymentError {
    PaymentError::state(
        "payment_in_progress",
        "another confirmation of this payment is in progress; retry later",
    )
}

/// The provider may have acted: the charge must be looked up, not repeated elsewhere.
fn may_have_charged(e: &ConnectorError) -> bool {
    e.outcome_unknown() || matches!(e, ConnectorError::IdempotencyConflict)
}

/// What an attempt's result says about the connector.
fn learned(call: &Call) -> AttemptOutcome {
    match call {
        Call::Answered(r) => match &r.outcome {
            ChargeOutcome::Declined(d) if d.soft => AttemptOutcome::SoftDeclined,
            ChargeOutcome::Declined(_) => AttemptOutcome::HardDeclined,
            _ => AttemptOutcome::Approved,
        },
        Call::NotCharged(_) | Call::Unknown => AttemptOutcome::TechnicalFailure,
    }
}

fn error_code(e: &ConnectorError) -> &'static str {
    match e {
        ConnectorError::Timeout { .. } => "timeout",
        ConnectorError::ServerError { .. } => "processor_error",
        ConnectorError::Unavailable => "processor_unavailable",
        _ => "processor_refused",
    }
}
