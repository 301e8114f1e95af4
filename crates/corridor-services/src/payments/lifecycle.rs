//! The operations on a payment.

use corridor_connectors::{
    CancelRequest, CaptureRequest, ChargeResponse, IdempotencyKey, PaymentMethod,
};
use corridor_core::payments::status::{transition, PaymentEvent, PaymentStatus};
use corridor_core::{Amount, Timestamp};
use corridor_store::{CardRecord, PaymentRecord, StartedKey, StoredResponse};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::confirm::is_open;
use super::input::validate;
use super::outcome::{apply, captured, Context};
use super::persist::{status_event, Change, Written};
use super::{NewPayment, PaymentError, PaymentInput, PaymentService, PaymentSnapshot, Reply};

/// Times a provider's answer is re-applied after losing a race.
const MAX_UPDATE_TRIES: usize = 3;

/// What an operation answers.
#[derive(Debug)]
pub enum Answer {
    /// The payment after the operation and, when the operation's last write
    /// completed the request's key, the response stored under it: the
    /// answer, already rendered.
    Payment(Box<PaymentSnapshot>, Option<StoredResponse>),
    /// The idempotency key was completed earlier: its stored response.
    Replayed(StoredResponse),
}

impl PaymentService {
    pub(crate) fn now(&self) -> Timestamp {
        self.store.clock().now()
    }

    /// Creates a payment and, with `confirm`, confirms it.
    pub async fn create(
        &self,
        input: PaymentInput,
        reply: Option<Reply>,
    ) -> Result<Answer, PaymentError> {
        let now = self.now();
        let new = validate(input, now)?;
        // A retry of a request whose payment was written (with its key, in
        // one write) finds it through the key; otherwise the payment is new.
        let started = reply.as_ref().and_then(|r| r.started.clone());
        let existing = match &started {
            Some(id) => self.store.payment(id).await?,
            None => None,
        };
        let id = started.unwrap_or_else(|| new_payment_id(now));
        if let Some(existing) = existing {
            // A retry of a request that created this payment (the key and the
            // request digest were checked before): resume its confirmation if
            // one is open or may start, else answer where it stands.
            let attempts = self.store.payment_attempts(&id).await?;
            let snapshot = PaymentSnapshot {
                payment: existing,
                attempts,
            };
            let resumable = snapshot.attempts.iter().any(is_open)
                || snapshot.payment.status == PaymentStatus::RequiresPaymentMethod;
            if new.confirm && resumable {
                return self.run_confirmation(snapshot, &new, reply, None).await;
            }
            return self.declined_or(Answer::Payment(Box::new(snapshot), None));
        }
        let mut payment = self.row(&id, &new, now);
        // The fee that applies if the whole amount is captured, shown before
        // the buyer pays; the capture computes it again on what it captures.
        let ctx = self.context(&payment, now).await?;
        let cross_border = ctx.merchant_country != payment.country;
        payment.fee = ctx
            .fee_schedule
            .fee(new.amount, cross_border)
            .map_or(0, |f| f.minor());
        // Kept until this function returns, after the payment's write:
        // another payment of the same quota subject waits to be checked
        // against a total that counts this one.
        let mut _quota_hold = None;
        if let Some(rules) = self.transaction_rules() {
            let tx = crate::compliance::rules::Transaction {
                flow: crate::compliance::rules::Flow::Payment,
                reference: &payment.id,
                merchant: &payment.merchant_id,
                merchant_approved: ctx.merchant_approved,
                country: Some(&payment.country),
                currency: payment.currency,
                amount: new.amount,
                amount_usd: rules.usd_value(new.amount, payment.currency),
                card: payment.card.as_ref().map(|c| c.fingerprint.as_str()),
                card_sca: payment.card.as_ref().map(|_| new.sca_required),
                beneficiary: None,
                purpose_code: None,
            };
            let blocked = |r: crate::compliance::rules::RuleRefusal| PaymentError::Blocked {
                code: r.code,
                message: r.message,
            };
            rules.check(&tx).map_err(blocked)?;
            _quota_hold = Some(rules.check_quotas(&tx, now).await.map_err(blocked)?);
            rules.observe(&tx, now);
        }
        let snapshot = PaymentSnapshot {
            payment,
            attempts: Vec::new(),
        };
        if !new.confirm {
            let change = Change {
                before: None,
                snapshot,
                attempts_changed: false,
                ledger: None,
                event: Some("payment.created"),
                started_key: None,
            };
            return self.written(change, reply).await;
        }
        // The payment, its first attempt and the request's key in one write.
        let started_key = reply.as_ref().map(|r| StartedKey {
            scope: r.scope.clone(),
            key: r.key.clone(),
            request_hash: r.request_hash.clone(),
            resource_id: id.clone(),
        });
        self.run_confirmation(snapshot, &new, reply, started_key)
            .await
    }

    /// Confirms a payment created without `confirm`.
    pub async fn confirm(
        &self,
        id: &str,
        merchant: Option<&str>,
        input: PaymentInput,
        reply: Option<Reply>,
    ) -> Result<Answer, PaymentError> {
        let snapshot = self.get(id, merchant).await?;
        if snapshot.attempts.iter().any(is_open) {
            return Err(PaymentError::state(
                "payment_in_progress",
                "a confirmation of this payment is in progress; retry later",
            ));
        }
        if snapshot.payment.status != PaymentStatus::RequiresPaymentMethod {
            return Err(PaymentError::state(
                "payment_unexpected_state",
                format!(
                    "a payment that is {} cannot be confirmed",
                    snapshot.payment.status
                ),
            ));
        }
        let new = validate(input, self.now())?;
        self.run_confirmation(snapshot, &new, reply, None).await
    }

    /// Turns a stored failed payment into the decline error the API answers with.
    pub(crate) fn declined_or(&self, answer: Answer) -> Result<Answer, PaymentError> {
        match answer {
            Answer::Payment(s, _) if s.payment.status == PaymentStatus::Failed => {
                let code = s
                    .payment
                    .decline_code
                    .clone()
                    .unwrap_or_else(|| "declined".into());
                Err(PaymentError::Declined { payment: s, code })
            }
            other => Ok(other),
        }
    }

    /// Captures an authorized payment, in full or in part.
    pub async fn capture(
        &self,
        id: &str,
        merchant: Option<&str>,
        amount: Option<i64>,
        reply: Option<Reply>,
    ) -> Result<Answer, PaymentError> {
        let snapshot = self.get(id, merchant).await?;
        let before = snapshot.payment.clone();
        transition(before.status, PaymentEvent::Capture)
            .map_err(|e| PaymentError::state("payment_unexpected_state", e.to_string()))?;
        let amount = match amount {
            None => Amount::positive(before.amount).map_err(|_| {
                PaymentError::invalid("amount", "amount_invalid", "nothing to capture")
            })?,
            Some(a) => {
                let a = Amount::positive(a).map_err(|_| {
                    PaymentError::invalid(
                        "amount",
                        "amount_invalid",
                        "amount must be a positive integer",
                    )
                })?;
                if a.minor() > before.amount {
                    return Err(PaymentError::invalid(
                        "amount",
                        "amount_too_large",
                        format!("at most {} can be captured", before.amount),
                    ));
                }
                a
            }
        };
        let (connector, reference) = self.connector_of(&before)?;
        let key = IdempotencyKey::parse(&format!("{id}-capture"))
            .map_err(|_| PaymentError::state("payment_unexpected_state", "bad key"))?;
        connector
            .capture(CaptureRequest {
                idempotency_key: key,
                reference,
                amount,
                currency: Some(before.currency),
            })
            .await
            .map_err(|e| {
                PaymentError::Unavailable(format!("the provider could not capture: {e}"))
            })?;
        let now = self.now();
        let ctx = self.context(&before, now).await?;
        let mut payment = before.clone();
        payment.status = PaymentStatus::Succeeded;
        payment.expires_at = None;
        let ledger = Some(captured(&mut payment, amount, &ctx));
        let change = Change {
            before: Some(before.version),
            snapshot: PaymentSnapshot {
                payment,
                attempts: snapshot.attempts,
            },
            attempts_changed: false,
            started_key: None,
            ledger,
            event: Some("payment.succeeded"),
        };
        self.written(change, reply).await
    }

    /// Cancels a payment that is not captured.
    pub async fn cancel(
        &self,
        id: &str,
        merchant: Option<&str>,
        reply: Option<Reply>,
    ) -> Result<Answer, PaymentError> {
        let snapshot = self.get(id, merchant).await?;
        let before = snapshot.payment.clone();
        let to = transition(before.status, PaymentEvent::Cancel)
            .map_err(|e| PaymentError::state("payment_unexpected_state", e.to_string()))?;
        if let Ok((connector, reference)) = self.connector_of(&before) {
            let key = IdempotencyKey::parse(&format!("{id}-cancel"))
                .map_err(|_| PaymentError::state("payment_unexpected_state", "bad key"))?;
            connector
                .cancel(CancelRequest {
                    idempotency_key: key,
                    reference,
                    payment_amount: Amount::positive(before.amount)
                        .ok()
                        .map(|a| (a, before.currency)),
                })
                .await
                .map_err(|e| {
                    PaymentError::Unavailable(format!("the provider could not cancel: {e}"))
                })?;
        }
        let mut payment = before.clone();
        payment.status = to;
        payment.next_action = None;
        payment.expires_at = None;
        let change = Change {
            before: Some(before.version),
            snapshot: PaymentSnapshot {
                payment,
                attempts: snapshot.attempts,
            },
            attempts_changed: false,
            started_key: None,
            ledger: None,
            event: Some("payment.canceled"),
        };
        self.written(change, reply).await
    }

    /// Sandbox: the buyer completes the pending action (3DS, redirect, QR, voucher).
    pub async fn complete_action(&self, id: &str) -> Result<Answer, PaymentError> {
        let snapshot = self.get(id, None).await?;
        if snapshot.payment.status != PaymentStatus::RequiresAction {
            return Err(PaymentError::state(
                "payment_unexpected_state",
                format!(
                    "a payment that is {} has no pending action",
                    snapshot.payment.status
                ),
            ));
        }
        let (connector, reference) = self.connector_of(&snapshot.payment)?;
        let response = connector.complete_action(&reference).await.map_err(|e| {
            PaymentError::Unavailable(format!("the provider could not complete the action: {e}"))
        })?;
        self.apply_update(
            snapshot,
            connector.name(),
            &response,
            PaymentEvent::ActionCompleted,
        )
        .await
    }

    /// Applies a provider's answer (a notification, or the result of an action).
    /// The same answer can arrive twice at once (the action's reply and the
    /// provider's notification): a write that lost the race re-reads the
    /// payment and applies the answer again, which then changes nothing.
    pub(crate) async fn apply_update(
        &self,
        mut snapshot: PaymentSnapshot,
        connector: &str,
        response: &ChargeResponse,
        event: fn(corridor_core::payments::status::ConnectorOutcome) -> PaymentEvent,
    ) -> Result<Answer, PaymentError> {
        for _ in 0..MAX_UPDATE_TRIES {
            let before = snapshot.payment.clone();
            let ctx = self.context(&before, self.now()).await?;
            let Some(applied) = apply(&before, connector, response, event, &ctx) else {
                return Ok(Answer::Payment(Box::new(snapshot), None));
            };
            let unchanged = applied.ledger.is_none()
                && applied.payment.status == before.status
                && applied.payment.next_action == before.next_action
                && applied.payment.connector_ref == before.connector_ref;
            if unchanged {
                return Ok(Answer::Payment(Box::new(snapshot), None));
            }
            let event = Some(status_event(applied.payment.status));
            // An attempt at this provider still open learns its outcome too.
            let mut attempts = snapshot.attempts.clone();
            let mut attempts_changed = false;
            for a in attempts
                .iter_mut()
                .filter(|a| is_open(a) && a.connector == connector)
            {
                a.outcome = response.outcome.attempt_status();
                a.code = None;
                a.answered_at = Some(self.now());
                attempts_changed = true;
            }
            let change = Change {
                before: Some(before.version),
                snapshot: PaymentSnapshot {
                    payment: applied.payment,
                    attempts,
                },
                attempts_changed,
                started_key: None,
                ledger: applied.ledger,
                event,
            };
            match self.written(change, None).await {
                Err(PaymentError::State {
                    code: "payment_changed",
                    ..
                }) => snapshot = self.get(&before.id, None).await?,
                other => return other,
            }
        }
        Err(PaymentError::state(
            "payment_changed",
            "the payment kept changing; retry",
        ))
    }

    pub(crate) async fn written(
        &self,
        change: Change,
        reply: Option<Reply>,
    ) -> Result<Answer, PaymentError> {
        Ok(match self.write(change, reply).await? {
            Written::Done(s, response) => Answer::Payment(s, response),
            Written::Replayed(r) => Answer::Replayed(r),
        })
    }

    pub(crate) fn connector_of(
        &self,
        p: &PaymentRecord,
    ) -> Result<(std::sync::Arc<dyn corridor_connectors::Connector>, String), PaymentError> {
        let name = p.connector.as_deref().ok_or_else(|| {
            PaymentError::state(
                "payment_unexpected_state",
                "the payment has no provider charge",
            )
        })?;
        let reference = p.connector_ref.clone().ok_or_else(|| {
            PaymentError::state(
                "payment_unexpected_state",
                "the payment has no provider charge",
            )
        })?;
        let connector = self.connector(name).ok_or_else(|| {
            PaymentError::Unavailable(format!("provider {name} is not configured"))
        })?;
        Ok((connector, reference))
    }

    pub(crate) async fn context(
        &self,
        p: &PaymentRecord,
        now: Timestamp,
    ) -> Result<Context, PaymentError> {
        // Read each time: the KYB decision changes what may be accepted.
        let merchant = self
            .store
            .merchant(&p.merchant_id)
            .await?
            .ok_or_else(|| PaymentError::NotFound(p.merchant_id.clone()))?;
        let settlement_days = corridor_core::CountryCode::parse(&p.country)
            .ok()
            .zip(corridor_markets::MethodType::parse(p.method_type.code()).ok())
            .and_then(|(c, m)| {
                corridor_markets::markets()
                    .method(c, m)
                    .and_then(|m| m.settlement_days())
            })
            .map_or(2, i64::from);
        let fee_schedule = match corridor_core::CountryCode::parse(&p.country) {
            Ok(country) => self.fee_schedule(p.method_type, country, p.currency),
            Err(_) => super::fees::schedule(p.method_type, p.currency),
        };
        Ok(Context {
            merchant_approved: merchant.kyb_status == "approved",
            merchant_country: merchant.country,
            settlement_days,
            now,
            fee_schedule,
        })
    }

    /// A merchant's country, from memory after its first read.
    fn row(&self, id: &str, new: &NewPayment, now: Timestamp) -> PaymentRecord {
        let card = match &new.method {
            PaymentMethod::Card(c) => Some(CardRecord {
                brand: c.number.brand().code().into(),
                last4: c.number.last4().into(),
                fingerprint: self.fingerprint(c.number.expose_digits()),
            }),
            _ => None,
        };
        PaymentRecord {
            id: id.to_string(),
            merchant_id: new.merchant_id.clone(),
            status: PaymentStatus::RequiresPaymentMethod,
            amount: new.amount.minor(),
            currency: new.currency,
            country: new.country.as_str().into(),
            method_type: new.method.method_type(),
            capture_method: new.capture,
            card,
            connector: None,
            connector_ref: None,
            amount_captured: 0,
            amount_refunded: 0,
            fee: 0,
            next_action: None,
            decline_code: None,
            description: new.description.clone(),
            metadata: new.metadata.clone(),
            customer_email: new.customer_email.clone(),
            expires_at: None,
            settle_at: None,
            settled: false,
            version: 0,
            created_at: now,
            updated_at: now,
        }
    }

    /// A keyed fingerprint: the same card gives the same value, which can't be reversed.
    fn fingerprint(&self, digits: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.fingerprint_key)
            .expect("HMAC takes keys of any length");
        mac.update(digits.as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..16])
    }
}

/// A new payment's id: `pay_` and 24 hex digits, in creation order
/// (`time_ordered_id`).
fn new_payment_id(now: Timestamp) -> String {
    corridor_store::time_ordered_id("pay_", now)
}
