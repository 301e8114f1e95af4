//! Sending a refund to its provider, resolving unknown outcomes by lookup,
//! and following pending refunds until they end.

use corridor_connectors::{
    ConnectorError, IdempotencyKey, RefundBankAccount, RefundOutcome, RefundRequest, RefundResponse,
};
use corridor_core::aftersales::refund::RefundStatus;
use corridor_store::{AfterSalesKind, AfterSalesWrite, RefusalCode};

use super::super::{AfterSalesError, AfterSalesService, Reply, Submitted};
use super::funding::movement;
use super::Refund;

/// A refund written but not answered is resumed by the sweep after this.
pub(crate) const RESUME_AFTER_SECONDS: i64 = 30;
/// A pending refund is checked at its provider this often.
pub(crate) const POLL_SECONDS: i64 = 60;
/// Calls per send before leaving the rest to the sweep.
const SEND_TRIES_MAX: u32 = 3;
/// Refunds the sweep handles per round.
const SWEEP_BATCH: usize = 200;

/// What the provider said, if anything.
enum Heard {
    Answer(RefundResponse),
    /// Refused for good (invalid, not found, unsupported): nothing was refunded.
    Refused(&'static str),
    /// No answer that tells: try again later, by lookup.
    Nothing,
}

impl AfterSalesService {
    /// Carries a refund on: sends it (or looks it up) while pending and
    /// writes what the provider says; completes the caller's key with the
    /// final write.
    pub(crate) async fn drive(
        &self,
        refund: Refund,
        reply: Option<Reply>,
    ) -> Result<Refund, AfterSalesError> {
        if refund.status != RefundStatus::Pending {
            return Ok(refund);
        }
        let heard = self.ask_provider(&refund).await;
        self.apply(refund, heard, reply).await
    }

    /// A provider's own report of a refund's result (its notification),
    /// for refund `refund_id` sent through `connector`: applied to a pending
    /// refund, or to a succeeded one the provider later reports failed (the
    /// merchant's debit is then reversed, once). Anything else (another
    /// connector's refund, a repeat, an unknown id) changes nothing.
    /// Returns whether the refund changed.
    pub async fn apply_provider_refund_result(
        &self,
        connector: &str,
        refund_id: &str,
        reference: &str,
        outcome: RefundOutcome,
    ) -> Result<bool, AfterSalesError> {
        let refund = match self.refund(refund_id, None).await {
            Ok(refund) => refund,
            Err(AfterSalesError::NotFound(..)) => return Ok(false),
            Err(e) => return Err(e),
        };
        if refund.connector != connector {
            return Ok(false);
        }
        let applies = match (refund.status, &outcome) {
            (RefundStatus::Pending, _) => true,
            (RefundStatus::Succeeded, RefundOutcome::Failed { .. }) => true,
            (RefundStatus::Succeeded, RefundOutcome::Succeeded | RefundOutcome::Pending)
            | (RefundStatus::Failed, _) => false,
        };
        if !applies {
            return Ok(false);
        }
        let before = refund.status;
        let answer = RefundResponse {
            reference: reference.to_string(),
            charge_reference: refund.charge_reference.clone(),
            outcome,
            amount: refund.amount,
            currency: refund.currency,
            latency_ms: 0,
        };
        let after = self.apply(refund, Heard::Answer(answer), None).await?;
        Ok(after.status != before)
    }

    /// Pending refunds whose time has come: resumed or checked.
    pub async fn refunds_due(&self) -> Result<usize, AfterSalesError> {
        let due = self
            .store
            .after_sales_due(AfterSalesKind::Refund, self.now(), SWEEP_BATCH)
            .await?;
        let count = due.len();
        for record in due {
            let id = record.id.clone();
            let refund = Refund::from_record(record)?;
            if let Err(e) = self.drive(refund, None).await {
                tracing::warn!(refund = %id, error = %e, "refund not advanced");
            }
        }
        Ok(count)
    }

    async fn ask_provider(&self, refund: &Refund) -> Heard {
        let Some(connector) = self.connector(&refund.connector) else {
            tracing::error!(refund = %refund.id, connector = %refund.connector, "refund connector missing");
            return Heard::Nothing;
        };
        let Ok(key) = IdempotencyKey::parse(&refund.provider_key()) else {
            return Heard::Refused("invalid_request");
        };
        if let Some(reference) = &refund.connector_ref {
            return match connector.retrieve_refund(reference).await {
                Ok(answer) => Heard::Answer(answer),
                Err(_) => Heard::Nothing,
            };
        }
        for _ in 0..SEND_TRIES_MAX {
            // A refund this service may have sent before (a crash, a
            // timeout) is looked up first; only one never recorded is sent.
            if refund.unanswered > 0 || refund.version.unwrap_or(0) > 1 {
                match connector.lookup_refund(&key).await {
                    Ok(Some(found)) => return Heard::Answer(found),
                    Ok(None) => {}
                    Err(_) => return Heard::Nothing,
                }
            }
            match connector.refund(request(refund, key.clone())).await {
                Ok(answer) => return Heard::Answer(answer),
                Err(e) if e.outcome_unknown() => match connector.lookup_refund(&key).await {
                    Ok(Some(found)) => return Heard::Answer(found),
                    // Never recorded: the same key may be sent again.
                    Ok(None) => continue,
                    Err(_) => return Heard::Nothing,
                },
                Err(e) if e.is_retryable() => continue,
                Err(e) => return Heard::Refused(refused_code(&e)),
            }
        }
        Heard::Nothing
    }

    /// Writes what was heard: the new status, the reversal of a failed
    /// refund's funding, the event, and the caller's key.
    async fn apply(
        &self,
        refund: Refund,
        heard: Heard,
        reply: Option<Reply>,
    ) -> Result<Refund, AfterSalesError> {
        let now = self.now();
        let before = refund.version;
        let mut next = Refund {
            updated_at: now,
            ..refund.clone()
        };
        match heard {
            Heard::Answer(answer) => {
                next.connector_ref = Some(answer.reference.clone());
                match answer.outcome {
                    RefundOutcome::Succeeded => {
                        next.status = RefundStatus::Succeeded;
                        next.due_at = None;
                    }
                    RefundOutcome::Pending => {
                        next.due_at = Some(now.plus_seconds(POLL_SECONDS));
                    }
                    RefundOutcome::Failed { code } => {
                        next.status = RefundStatus::Failed;
                        next.failure_code = Some(code);
                        next.due_at = None;
                    }
                }
            }
            Heard::Refused(code) => {
                next.status = RefundStatus::Failed;
                next.failure_code = Some(code.to_string());
                next.due_at = None;
            }
            Heard::Nothing => {
                next.unanswered = next.unanswered.saturating_add(1);
                next.due_at = Some(now.plus_seconds(RESUME_AFTER_SECONDS));
            }
        }
        let changed = next.status != refund.status || next.connector_ref != refund.connector_ref;
        let mut ledger = Vec::new();
        let mut events = Vec::new();
        if next.status == RefundStatus::Failed {
            ledger.push(movement(&next.id, &next.legs, true)?);
        }
        let kind = match next.status {
            RefundStatus::Succeeded => "refund.succeeded",
            RefundStatus::Failed => "refund.failed",
            RefundStatus::Pending => "refund.updated",
        };
        if changed {
            events.push(self.event(&next.merchant_id, kind, self.render.refund(&next)));
        }
        let write = AfterSalesWrite {
            records: vec![(next.to_record(), before)],
            refund_claim: None,
            ledger,
            events,
        };
        let rendered = self.render.refund(&next);
        match self.submit(write, reply, || rendered).await? {
            Submitted::Written => Ok(Refund {
                version: before.map(|v| v + 1),
                ..next
            }),
            // Someone else advanced it meanwhile: theirs stands.
            Submitted::Refused(r) if r.code == RefusalCode::VersionConflict => {
                self.refund(&next.id, None).await
            }
            Submitted::Refused(r) => Err(AfterSalesError::corrupt(format!(
                "refund {} update refused: {} {}",
                next.id, r.code, r.message
            ))),
            Submitted::Replayed => self.refund(&next.id, None).await,
        }
    }
}

fn request(refund: &Refund, key: IdempotencyKey) -> RefundRequest {
    RefundRequest {
        idempotency_key: key,
        charge_reference: refund.charge_reference.clone(),
        refund_id: refund.id.clone(),
        amount: refund.amount,
        currency: refund.currency,
        bank_account: refund.bank_account.as_ref().map(|b| RefundBankAccount {
            holder_name: b.holder_name.clone(),
            bank_code: b.bank_code.clone(),
            branch_code: b.branch_code.clone(),
            account_number: b.account_number.clone(),
        }),
    }
}

fn refused_code(e: &ConnectorError) -> &'static str {
    match e {
        ConnectorError::InvalidState(_) => "charge_not_refundable",
        ConnectorError::NotFound(_) => "charge_not_found",
        ConnectorError::Unsupported(_) => "refunds_unsupported",
        ConnectorError::IdempotencyConflict => "idempotency_conflict",
        _ => "refund_refused",
    }
}
