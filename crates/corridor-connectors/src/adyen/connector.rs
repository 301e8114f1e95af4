//! The Adyen connector: the [`Connector`] trait over Checkout API v71, plus
//! the calls the trait does not cover (the buyer's return, refunds, the
//! merchant account's methods).

use std::sync::Arc;

use corridor_core::{Amount, CountryCode, Currency};
use serde_json::{json, Map, Value};

use super::client::{AdyenClient, Effect};
use super::idempotency::adyen_key;
use super::payment_method::{coverage, payment_method_json};
use super::replay::{MemoryReplays, ReplayStore, SavedCharge};
use super::result::{next_action, outcome};
use super::wire::{ModificationWire, PaymentMethodsWire, PaymentResponseWire};
use super::AdyenConfig;
use crate::connector::{BoxFuture, ConnectorResult};
use crate::{
    CancelRequest, CaptureMode, CaptureRequest, ChargeOutcome, ChargeRequest, ChargeResponse,
    Clock, Connector, ConnectorError, Coverage, IdempotencyKey, PaymentMethod,
};

/// The fields of Adyen's `PaymentCompletionDetails` a buyer's return may
/// carry (`redirectResult` after a redirect, `threeDSResult` after a native
/// 3DS2 challenge, ...).
pub const DETAILS_FIELDS: [&str; 6] = [
    "redirectResult",
    "threeDSResult",
    "payload",
    "threeds2.fingerprint",
    "threeds2.challengeResult",
    "MD",
];

/// The buyer came back: what Adyen's redirect or 3DS2 SDK handed over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetailsRequest {
    /// Repeating the submission with this key answers the first result.
    pub idempotency_key: IdempotencyKey,
    /// The Corridor payment.
    pub payment_id: String,
    /// The payment's amount and currency (Adyen may omit them).
    pub amount: Amount,
    /// The payment currency.
    pub currency: Currency,
    /// Whether the payment captures on authorisation.
    pub capture: CaptureMode,
    /// Fields among [`DETAILS_FIELDS`], as received.
    pub details: Vec<(String, String)>,
}

/// Refunds a captured payment, in full or in part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundRequest {
    /// Repeating the refund with this key answers the first result.
    pub idempotency_key: IdempotencyKey,
    /// Adyen's `pspReference` of the payment.
    pub reference: String,
    /// The amount to refund.
    pub amount: Amount,
    /// The payment currency.
    pub currency: Currency,
    /// Corridor's reference of the refund (`re_...`), shown in Adyen's reports.
    pub refund_reference: String,
}

/// Adyen accepted a refund; its result arrives as a `REFUND` or
/// `REFUND_FAILED` notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundReceipt {
    /// Adyen's reference of the refund.
    pub psp_reference: String,
    /// Adyen's reference of the payment refunded.
    pub payment_psp_reference: String,
}

/// A payment method a merchant account offers, as `POST /paymentMethods`
/// lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferedMethod {
    /// Adyen's `type` (`scheme`, `ideal`, ...).
    pub kind: String,
    /// Its display name.
    pub name: String,
}

/// What a charge needs to be read (and replayed).
#[derive(Debug, Clone)]
struct Sent {
    body: Value,
    captured: bool,
    vpa: Option<String>,
    amount: Amount,
    currency: Currency,
    payment_id: String,
}

/// A [`Connector`] to one Adyen merchant account.
#[derive(Debug)]
pub struct AdyenConnector {
    client: AdyenClient,
    coverage: Coverage,
    clock: Clock,
    replays: Arc<dyn ReplayStore>,
}

impl Sent {
    fn saved(&self) -> SavedCharge {
        SavedCharge {
            body: self.body.clone(),
            captured: self.captured,
            vpa: self.vpa.clone(),
            amount: self.amount.minor(),
            currency: self.currency.code().to_string(),
            payment_id: self.payment_id.clone(),
        }
    }

    fn from_saved(saved: SavedCharge) -> Option<Sent> {
        let (amount, currency) = saved.money()?;
        Some(Sent {
            body: saved.body,
            captured: saved.captured,
            vpa: saved.vpa,
            amount,
            currency,
            payment_id: saved.payment_id,
        })
    }
}

impl AdyenConnector {
    /// A connector with `config`, dating actions with `clock`, keeping the
    /// requests it may replay in memory only.
    pub fn new(config: AdyenConfig, clock: Clock) -> ConnectorResult<Self> {
        Self::with_replays(config, clock, Arc::new(MemoryReplays::default()))
    }

    /// A connector keeping the requests it may replay in `replays` (a
    /// durable store lets a restarted server replay them).
    pub fn with_replays(
        config: AdyenConfig,
        clock: Clock,
        replays: Arc<dyn ReplayStore>,
    ) -> ConnectorResult<Self> {
        Ok(AdyenConnector {
            client: AdyenClient::new(config)?,
            coverage: coverage(),
            clock,
            replays,
        })
    }

    /// The configuration (its `Debug` hides the API key).
    pub fn config(&self) -> &AdyenConfig {
        self.client.config()
    }

    /// Saves the request before it is sent: a timeout is resolved by
    /// replaying exactly this request under the same key, even after a
    /// restart. Nothing is sent when it cannot be saved.
    async fn remember(&self, key: &IdempotencyKey, sent: &Sent) -> ConnectorResult<()> {
        let bytes = serde_json::to_vec(&sent.saved())
            .map_err(|e| ConnectorError::Protocol(format!("replay request: {e}")))?;
        self.replays
            .save(self.name(), key, bytes)
            .await
            .map_err(|e| {
                tracing::error!(connector = %self.name(), key = %key, error = %e, "the request could not be saved for replay; not sent");
                ConnectorError::Unavailable
            })
    }

    /// The request saved for `key`: `Ok(None)` when it was never sent.
    async fn recalled(&self, key: &IdempotencyKey) -> ConnectorResult<Option<Sent>> {
        let unknown = |why: String| {
            ConnectorError::Protocol(format!(
                "no request with key `{key}` to replay ({why}); Adyen's notification will tell"
            ))
        };
        let saved = self.replays.load(self.name(), key).await.map_err(unknown)?;
        match saved {
            Some(bytes) => {
                let saved: SavedCharge = serde_json::from_slice(&bytes)
                    .map_err(|e| unknown(format!("unreadable: {e}")))?;
                Sent::from_saved(saved)
                    .map(Some)
                    .ok_or_else(|| unknown("an unreadable amount".into()))
            }
            None if self.replays.durable() => Ok(None),
            None => Err(unknown("not sent by this process".into())),
        }
    }

    /// The `/payments` request body of a charge.
    fn payment_body(&self, request: &ChargeRequest) -> ConnectorResult<Value> {
        let config = self.client.config();
        let method = payment_method_json(&request.method, request.country, config.raw_card_data)?;
        let mut body = json!({
            "amount": {"currency": request.currency.code(), "value": request.amount.minor()},
            "merchantAccount": config.merchant_account,
            "reference": request.payment_id,
            "returnUrl": config.return_url,
            "paymentMethod": method,
            "countryCode": request.country.as_str(),
            "channel": "Web",
        });
        if request.capture == CaptureMode::Manual {
            body["additionalData"] = json!({"manualCapture": "true"});
        }
        let is_card = matches!(
            request.method,
            PaymentMethod::Card(_) | PaymentMethod::EncryptedCard(_)
        );
        if is_card && request.sca_required {
            body["authenticationData"] = json!({"attemptAuthentication": "always"});
        }
        Ok(body)
    }

    /// Sends (or replays) a charge and reads Adyen's answer.
    async fn send_payment(
        &self,
        key: &IdempotencyKey,
        sent: &Sent,
    ) -> ConnectorResult<ChargeResponse> {
        let (value, latency_ms) = self
            .client
            .post(
                "/payments",
                Some(&adyen_key(key)),
                &sent.body,
                Effect::Payment,
            )
            .await?;
        self.read_payment(value, sent, latency_ms)
    }

    fn read_payment(
        &self,
        value: Value,
        sent: &Sent,
        latency_ms: u32,
    ) -> ConnectorResult<ChargeResponse> {
        let wire: PaymentResponseWire = serde_json::from_value(value)
            .map_err(|e| ConnectorError::Protocol(format!("payment response: {e}")))?;
        let result_code = wire.result_code.as_deref().ok_or_else(|| {
            ConnectorError::Protocol("a payment response without resultCode".into())
        })?;
        let action = match &wire.action {
            Some(a) => next_action(a, sent.vpa.as_deref(), self.clock.now())
                .map_err(ConnectorError::Protocol)?,
            None => None,
        };
        let outcome = outcome(
            result_code,
            wire.refusal_reason_code.as_deref(),
            action,
            sent.captured,
        )
        .map_err(ConnectorError::Protocol)?;
        if let ChargeOutcome::Declined(d) = &outcome {
            tracing::info!(
                connector = %self.name(),
                payment = %sent.payment_id,
                refusal_reason_code = wire.refusal_reason_code.as_deref().unwrap_or("-"),
                refusal_reason = wire.refusal_reason.as_deref().unwrap_or("-"),
                decline_code = d.code.code(),
                "Adyen refused the payment"
            );
        }
        let (amount, currency) = match &wire.amount {
            Some(a) if a.currency == sent.currency.code() => (
                Amount::non_negative(a.value)
                    .map_err(|_| ConnectorError::Protocol("a negative amount".into()))?,
                sent.currency,
            ),
            Some(a) => {
                return Err(ConnectorError::Protocol(format!(
                    "Adyen answered in {} for a payment in {}",
                    a.currency,
                    sent.currency.code()
                )))
            }
            None => (sent.amount, sent.currency),
        };
        let amount_captured = if outcome == ChargeOutcome::Captured {
            amount
        } else {
            Amount::ZERO
        };
        // Without a pspReference yet (a 3DS2 fingerprint step), the payment
        // is known by Corridor's reference, which Adyen's notifications carry
        // as merchantReference.
        let reference = wire
            .psp_reference
            .or(wire.merchant_reference)
            .unwrap_or_else(|| sent.payment_id.clone());
        Ok(ChargeResponse {
            reference,
            outcome,
            amount,
            currency,
            amount_captured,
            fee: Amount::ZERO,
            latency_ms,
        })
    }

    /// `POST /payments/details`: submits what the buyer's return carried and
    /// answers where the payment now stands.
    pub async fn submit_details(&self, request: DetailsRequest) -> ConnectorResult<ChargeResponse> {
        if request.details.is_empty() {
            return Err(ConnectorError::InvalidRequest(
                "no details to submit".into(),
            ));
        }
        let mut details = Map::new();
        for (name, value) in &request.details {
            if !DETAILS_FIELDS.contains(&name.as_str()) {
                return Err(ConnectorError::InvalidRequest(format!(
                    "`{name}` is not a detail Adyen takes; expected one of {}",
                    DETAILS_FIELDS.join(", ")
                )));
            }
            details.insert(name.clone(), value.clone().into());
        }
        let body = json!({ "details": details });
        let (value, latency_ms) = self
            .client
            .post(
                "/payments/details",
                Some(&adyen_key(&request.idempotency_key)),
                &body,
                Effect::Payment,
            )
            .await?;
        let sent = Sent {
            body,
            captured: request.capture == CaptureMode::Automatic,
            vpa: None,
            amount: request.amount,
            currency: request.currency,
            payment_id: request.payment_id,
        };
        self.read_payment(value, &sent, latency_ms)
    }

    /// `POST /payments/{pspReference}/refunds`. The refund's result arrives
    /// by notification (`REFUND`, `REFUND_FAILED`).
    pub async fn refund(&self, request: RefundRequest) -> ConnectorResult<RefundReceipt> {
        let path = format!("/payments/{}/refunds", path_segment(&request.reference)?);
        let body = json!({
            "amount": {"currency": request.currency.code(), "value": request.amount.minor()},
            "merchantAccount": self.client.config().merchant_account,
            "reference": request.refund_reference,
        });
        let wire = self
            .modification(&path, &request.idempotency_key, &body)
            .await?;
        Ok(RefundReceipt {
            psp_reference: wire.psp_reference,
            payment_psp_reference: wire.payment_psp_reference,
        })
    }

    /// `POST /paymentMethods`: the methods the merchant account offers a
    /// buyer in `country` paying `amount` (when given).
    pub async fn payment_methods(
        &self,
        country: Option<CountryCode>,
        amount: Option<(Amount, Currency)>,
    ) -> ConnectorResult<Vec<OfferedMethod>> {
        let mut body = json!({"merchantAccount": self.client.config().merchant_account});
        if let Some(country) = country {
            body["countryCode"] = country.as_str().into();
        }
        if let Some((amount, currency)) = amount {
            body["amount"] = json!({"currency": currency.code(), "value": amount.minor()});
        }
        let (value, _) = self
            .client
            .post("/paymentMethods", None, &body, Effect::Other)
            .await?;
        let wire: PaymentMethodsWire = serde_json::from_value(value)
            .map_err(|e| ConnectorError::Protocol(format!("payment methods: {e}")))?;
        Ok(wire
            .payment_methods
            .into_iter()
            .filter_map(|m| {
                let kind = m.kind?;
                Some(OfferedMethod {
                    name: m.name.unwrap_or_else(|| kind.clone()),
                    kind,
                })
            })
            .collect())
    }

    async fn modification(
        &self,
        path: &str,
        key: &IdempotencyKey,
        body: &Value,
    ) -> ConnectorResult<ModificationWire> {
        let (value, _) = self
            .client
            .post(path, Some(&adyen_key(key)), body, Effect::Other)
            .await?;
        let wire: ModificationWire = serde_json::from_value(value)
            .map_err(|e| ConnectorError::Protocol(format!("{path}: {e}")))?;
        if wire.status != "received" {
            return Err(ConnectorError::Protocol(format!(
                "{path}: status `{}`",
                wire.status
            )));
        }
        Ok(wire)
    }
}

/// A pspReference as one URL path segment: Adyen's are alphanumeric; a
/// Corridor payment id (the reference before Adyen gave one) has `_` too.
fn path_segment(reference: &str) -> ConnectorResult<&str> {
    let fine = !reference.is_empty()
        && reference.len() <= 80
        && reference
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if fine {
        Ok(reference)
    } else {
        Err(ConnectorError::InvalidRequest(format!(
            "`{reference}` is not an Adyen pspReference"
        )))
    }
}

impl Connector for AdyenConnector {
    fn name(&self) -> &str {
        &self.client.config().name
    }

    fn coverage(&self) -> &Coverage {
        &self.coverage
    }

    fn charge(&self, request: ChargeRequest) -> BoxFuture<'_, ConnectorResult<ChargeResponse>> {
        Box::pin(async move {
            self.coverage.check_request(&request)?;
            let body = self.payment_body(&request)?;
            let sent = Sent {
                body,
                captured: request.capture == CaptureMode::Automatic,
                vpa: match &request.method {
                    PaymentMethod::Upi { vpa } => Some(vpa.clone()),
                    _ => None,
                },
                amount: request.amount,
                currency: request.currency,
                payment_id: request.payment_id.clone(),
            };
            self.remember(&request.idempotency_key, &sent).await?;
            self.send_payment(&request.idempotency_key, &sent).await
        })
    }

    /// Adyen has no lookup by key: the charge is replayed with the same
    /// `Idempotency-Key`, and Adyen answers the first call's result without
    /// charging again. With a durable replay store, a key never saved was
    /// never sent (`None`); with memory only, a charge this process did not
    /// send (after a restart) is an error, never `None`: its result arrives
    /// by notification.
    fn lookup<'a>(
        &'a self,
        key: &'a IdempotencyKey,
    ) -> BoxFuture<'a, ConnectorResult<Option<ChargeResponse>>> {
        Box::pin(async move {
            match self.recalled(key).await? {
                Some(sent) => self.send_payment(key, &sent).await.map(Some),
                None => Ok(None),
            }
        })
    }

    fn retrieve<'a>(
        &'a self,
        reference: &'a str,
    ) -> BoxFuture<'a, ConnectorResult<ChargeResponse>> {
        Box::pin(async move {
            Err(ConnectorError::InvalidRequest(format!(
                "Adyen Checkout cannot be asked about payment `{reference}`; its state arrives by notification"
            )))
        })
    }

    fn capture(&self, request: CaptureRequest) -> BoxFuture<'_, ConnectorResult<ChargeResponse>> {
        Box::pin(async move {
            let path = format!("/payments/{}/captures", path_segment(&request.reference)?);
            let currency = request.currency.ok_or_else(|| {
                ConnectorError::InvalidRequest("Adyen captures need the payment currency".into())
            })?;
            let body = json!({
                "amount": {"currency": currency.code(), "value": request.amount.minor()},
                "merchantAccount": self.client.config().merchant_account,
                "reference": request.idempotency_key.as_str(),
            });
            let wire = self
                .modification(&path, &request.idempotency_key, &body)
                .await?;
            Ok(ChargeResponse {
                reference: wire.payment_psp_reference,
                outcome: ChargeOutcome::Captured,
                amount: request.amount,
                currency,
                amount_captured: request.amount,
                fee: Amount::ZERO,
                latency_ms: 0,
            })
        })
    }

    fn cancel(&self, request: CancelRequest) -> BoxFuture<'_, ConnectorResult<ChargeResponse>> {
        Box::pin(async move {
            let path = format!("/payments/{}/cancels", path_segment(&request.reference)?);
            let (amount, currency) = request.payment_amount.ok_or_else(|| {
                ConnectorError::InvalidRequest("Adyen cancels need the payment amount".into())
            })?;
            let body = json!({
                "merchantAccount": self.client.config().merchant_account,
                "reference": request.idempotency_key.as_str(),
            });
            let wire = self
                .modification(&path, &request.idempotency_key, &body)
                .await?;
            Ok(ChargeResponse {
                reference: wire.payment_psp_reference,
                outcome: ChargeOutcome::Canceled,
                amount,
                currency,
                amount_captured: Amount::ZERO,
                fee: Amount::ZERO,
                latency_ms: 0,
            })
        })
    }

    fn complete_action<'a>(
        &'a self,
        _reference: &'a str,
    ) -> BoxFuture<'a, ConnectorResult<ChargeResponse>> {
        Box::pin(async move {
            Err(ConnectorError::InvalidRequest(
                "the buyer completes Adyen actions at Adyen; submit the return's details".into(),
            ))
        })
    }

    /// `/payments/{pspReference}/refunds`: Adyen accepts the refund
    /// (`received`) and reports its result by a `REFUND` or `REFUND_FAILED`
    /// notification, so the refund stays pending until then. Adyen cannot
    /// be asked about a refund; the same key sent again answers the first
    /// result, which is what an unknown outcome needs. A refund to bank
    /// details (vouchers) is not an Adyen Checkout operation.
    fn refund(
        &self,
        request: crate::RefundRequest,
    ) -> BoxFuture<'_, ConnectorResult<crate::RefundResponse>> {
        Box::pin(async move {
            if request.bank_account.is_some() {
                return Err(ConnectorError::InvalidRequest(
                    "Adyen Checkout refunds to the payment's source, not to bank details".into(),
                ));
            }
            let receipt = AdyenConnector::refund(
                self,
                RefundRequest {
                    idempotency_key: request.idempotency_key.clone(),
                    reference: request.charge_reference.clone(),
                    amount: request.amount,
                    currency: request.currency,
                    refund_reference: request.refund_id.clone(),
                },
            )
            .await?;
            Ok(crate::RefundResponse {
                reference: receipt.psp_reference,
                charge_reference: receipt.payment_psp_reference,
                outcome: crate::RefundOutcome::Pending,
                amount: request.amount,
                currency: request.currency,
                latency_ms: 0,
            })
        })
    }
}
