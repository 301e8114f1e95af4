//! Writing a payment change: the row, its attempts, its money and its event,
//! and the caller's idempotency key, in one transaction.

use corridor_core::payments::status::PaymentStatus;
use corridor_store::{
    IdempotencyCapture, LedgerWrite, NewEvent, PaymentWrite, RefusalCode, StartedKey,
    StoredResponse, WriteOp, WriteOutcome, WriteRequest, WriteResult,
};

use super::{PaymentError, PaymentService, PaymentSnapshot, Reply};

/// One change to write.
pub(crate) struct Change {
    /// The version read; `None` for a new payment.
    pub before: Option<i64>,
    pub snapshot: PaymentSnapshot,
    /// Whether attempts were added or their outcomes changed (all are written).
    pub attempts_changed: bool,
    pub ledger: Option<LedgerWrite>,
    pub event: Option<&'static str>,
    /// The request's key, when this write starts its effect.
    pub started_key: Option<StartedKey>,
}

/// What a write produced.
pub(crate) enum Written {
    /// Written; the snapshot with its new version, and the response stored
    /// under the request's key when the write completed one.
    Done(Box<PaymentSnapshot>, Option<StoredResponse>),
    /// The idempotency key was completed before (another node): its response.
    Replayed(StoredResponse),
}

impl PaymentService {
    pub(crate) async fn write(
        &self,
        change: Change,
        reply: Option<Reply>,
    ) -> Result<Written, PaymentError> {
        let mut snapshot = change.snapshot;
        let version = change.before.map_or(1, |v| v + 1);
        snapshot.payment.version = version;
        // Rendered once: the same body is the answer, the response kept
        // under the key and, when it is the payment, the event's object.
        let response = reply.as_ref().map(|r| (r.render)(&snapshot));
        let events = match change.event {
            Some(kind) => vec![self.event(kind, &snapshot, response.as_ref())],
            None => Vec::new(),
        };
        let attempts = if change.attempts_changed {
            snapshot.attempts.clone()
        } else {
            Vec::new()
        };
        let write = PaymentWrite {
            payment: snapshot.payment.clone(),
            expected_version: change.before,
            attempts,
            ledger: change.ledger,
            events,
            started_key: change.started_key,
        };
        let request_hash = reply.as_ref().map(|r| r.request_hash.clone());
        let capture = reply.zip(response.clone()).map(|(r, response)| {
            IdempotencyCapture {
                scope: r.scope,
                key: r.key,
                request_hash: r.request_hash,
                // Only a written change completes the key; a refused one leaves it open.
                respond: Box::new(move |outcome: &WriteOutcome, _at| {
                    matches!(outcome, WriteOutcome::Payment(Ok(_))).then(|| response.clone())
                }),
            }
        });
        let result = self
            .store
            .writer()
            .submit(WriteRequest {
                op: WriteOp::Payment(Box::new(write)),
                idempotency: capture,
            })
            .await?;
        match result {
            WriteResult::Done {
                outcome: WriteOutcome::Payment(Ok(_)),
                ..
            } => Ok(Written::Done(Box::new(snapshot), response)),
            WriteResult::Done {
                outcome: WriteOutcome::Payment(Err(refusal)),
                ..
            } if refusal.code == RefusalCode::VersionConflict => Err(PaymentError::state(
                "payment_changed",
                "the payment changed while this request ran; retry",
            )),
            WriteResult::Done {
                outcome: WriteOutcome::Payment(Err(refusal)),
                ..
            } if refusal.code == RefusalCode::INSUFFICIENT_FUNDS => Err(PaymentError::state(
                "insufficient_funds",
                format!(
                    "the merchant's balance cannot cover this: {}",
                    refusal.message
                ),
            )),
            WriteResult::Done {
                outcome: WriteOutcome::Payment(Err(refusal)),
                ..
            } if refusal.code == RefusalCode::OVERFLOW => Err(PaymentError::invalid(
                "amount",
                "amount_too_large",
                "this amount would take a balance of the merchant beyond the ledger's 64-bit range",
            )),
            WriteResult::Done { outcome, .. } => Err(PaymentError::Store(
                corridor_store::StoreError::Corrupt(format!("payment write refused: {outcome:?}")),
            )),
            // The key was completed by an earlier request: replay its answer,
            // but only to the same request.
            WriteResult::AlreadyCompleted(record)
                if request_hash.as_deref() == Some(record.request_hash.as_str()) =>
            {
                Ok(Written::Replayed(record.response))
            }
            WriteResult::AlreadyCompleted(_) => Err(PaymentError::IdempotencyReused),
        }
    }

    /// The event `kind` of `snapshot`. A successful `answer` already holds
    /// the payment's JSON (see [`Reply::render`]) and is not rendered again.
    fn event(
        &self,
        kind: &str,
        snapshot: &PaymentSnapshot,
        answer: Option<&StoredResponse>,
    ) -> NewEvent {
        let object = match answer {
            Some(a) if (200..300).contains(&a.status) => a.body.clone(),
            _ => (self.render)(snapshot).body,
        };
        NewEvent {
            merchant_id: snapshot.payment.merchant_id.clone(),
            kind: kind.to_string(),
            object,
        }
    }
}

/// The event type announcing a status.
pub(crate) fn status_event(status: PaymentStatus) -> &'static str {
    use corridor_core::payments::status::PaymentStatus as S;
    match status {
        S::RequiresPaymentMethod => "payment.updated",
        S::RequiresAction => "payment.requires_action",
        S::Processing => "payment.processing",
        S::RequiresCapture => "payment.requires_capture",
        S::Succeeded => "payment.succeeded",
        S::Failed => "payment.failed",
        S::Canceled => "payment.canceled",
    }
}
