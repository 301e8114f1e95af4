//! The network opens a dispute.

use std::collections::BTreeMap;

use corridor_core::aftersales::dispute::{
    barred_by_liability_shift, dispute_fee, evidence_due_by, reason_code, DisputeCategory,
    DisputeStatus, Network, ReasonCode,
};
use corridor_core::payments::status::PaymentStatus;
use corridor_core::{Amount, Timestamp};
use corridor_store::{AfterSalesKind, Owner, PaymentRecord};

use super::super::{AfterSalesError, AfterSalesService, Reply};
use super::lifecycle::Closing;
use super::Dispute;

/// How long a dispute hold lives past the evidence deadline: long enough
/// for the network's decision (arbitration included).
const HOLD_DAYS_PAST_DEADLINE: i64 = 120;

impl AfterSalesService {
    /// The card network opens a dispute on a payment with `reason_code`
    /// (what a provider's chargeback notification carries). `complaint`
    /// links the complaint escalated into it.
    pub async fn open_dispute(
        &self,
        payment_id: &str,
        merchant: Option<&str>,
        reason: &str,
        complaint: Option<String>,
        reply: Option<Reply>,
    ) -> Result<Dispute, AfterSalesError> {
        let id = Self::new_id("dp", reply.as_ref());
        self.open_dispute_as(id, payment_id, merchant, reason, complaint, reply)
            .await
    }

    /// Opens the dispute `id` (or answers the one that exists).
    pub(crate) async fn open_dispute_as(
        &self,
        id: String,
        payment_id: &str,
        merchant: Option<&str>,
        reason: &str,
        complaint: Option<String>,
        reply: Option<Reply>,
    ) -> Result<Dispute, AfterSalesError> {
        if let Ok(existing) = self.dispute(&id, None).await {
            return Ok(existing);
        }
        let payment = self.disputed_payment(payment_id, merchant).await?;
        let network = card_network(&payment)?;
        let code = reason_code(network, reason).ok_or_else(|| {
            AfterSalesError::invalid(
                "reason_code",
                "parameter_invalid",
                format!(
                    "`{reason}` is not a {} reason code (Visa 10.1-13.9, Mastercard 48xx)",
                    network.code()
                ),
            )
        })?;
        let opening = Opening {
            id,
            reason: OpeningReason::of(code),
            amount: None,
            evidence_due_by: None,
            complaint,
        };
        self.open_on(&payment, network, opening, reply).await
    }

    /// The payment to dispute, if the merchant (when given) owns it.
    pub(crate) async fn disputed_payment(
        &self,
        payment_id: &str,
        merchant: Option<&str>,
    ) -> Result<PaymentRecord, AfterSalesError> {
        self.store
            .payment(payment_id)
            .await?
            .filter(|p| merchant.is_none_or(|m| m == p.merchant_id))
            .ok_or_else(|| AfterSalesError::NotFound("payment", payment_id.to_string()))
    }

    /// Opens a dispute on `payment` (a card payment of `network`): the
    /// amount plus the fee held on the merchant's available balance.
    pub(super) async fn open_on(
        &self,
        payment: &PaymentRecord,
        network: Network,
        opening: Opening,
        reply: Option<Reply>,
    ) -> Result<Dispute, AfterSalesError> {
        let Opening {
            id,
            reason,
            amount: claimed,
            evidence_due_by: due,
            complaint,
        } = opening;
        let disputable = payment
            .amount_captured
            .saturating_sub(payment.amount_refunded);
        let amount = Amount::positive(disputable).map_err(|_| {
            AfterSalesError::invalid(
                "payment",
                "payment_not_disputable",
                "nothing of the payment is left to dispute",
            )
        })?;
        // A network may dispute part of the payment, never more than is left.
        let amount = claimed.filter(|c| *c < amount).unwrap_or(amount);
        let open = self
            .store
            .after_sales_of_payment(AfterSalesKind::Dispute, &payment.id)
            .await?
            .into_iter()
            .any(|d| d.status == "needs_response" || d.status == "under_review");
        if open {
            return Err(AfterSalesError::state(
                "dispute_already_open",
                "the payment already has an open dispute",
            ));
        }
        let now = self.now();
        let attempts = self.store.payment_attempts(&payment.id).await?;
        let liability_shift = super::super::three_ds::assess(payment, &attempts)
            .is_some_and(|a| a.outcome.liability_shift);
        let fee = dispute_fee(payment.currency)
            .map_err(|e| AfterSalesError::corrupt(format!("dispute fee: {e}")))?;
        let dispute = Dispute {
            id,
            merchant_id: payment.merchant_id.clone(),
            payment_id: payment.id.clone(),
            country: payment.country.clone(),
            status: DisputeStatus::NeedsResponse,
            amount,
            currency: payment.currency,
            network,
            reason_code: reason.code,
            category: reason.category,
            description: reason.description,
            fee,
            evidence_due_by: due.unwrap_or_else(|| evidence_due_by(network, now)),
            evidence: BTreeMap::new(),
            compelling_evidence_3: None,
            evidence_submitted_at: None,
            funds_held: false,
            held: Amount::ZERO,
            receivable: Amount::ZERO,
            liability_shift,
            closed_reason: None,
            closed_at: None,
            complaint,
            created_at: now,
            updated_at: now,
            version: None,
        };
        if reason
            .known
            .is_some_and(|code| barred_by_liability_shift(code, liability_shift))
        {
            // The issuer bears card-absent fraud after authentication: the
            // network decides for the merchant at once, nothing is held.
            let closed = Dispute {
                status: DisputeStatus::Won,
                closed_reason: Some("liability_shift".into()),
                closed_at: Some(now),
                ..dispute
            };
            return self.write_opened(closed, None, reply).await;
        }
        let hold_until = dispute
            .evidence_due_by
            .plus_seconds(HOLD_DAYS_PAST_DEADLINE * 86_400);
        // Only the amount plus fee is held, and only what the available
        // balance covers: the rest is settled when the dispute is lost.
        let total = dispute
            .held_amount()
            .ok_or_else(|| AfterSalesError::corrupt("dispute amount overflows"))?;
        let available = self
            .available(
                &Owner::Merchant(dispute.merchant_id.clone()),
                dispute.currency,
            )
            .await?;
        let covered = Amount::non_negative(available.clamp(0, total.minor()))
            .map_err(|_| AfterSalesError::corrupt("available balance"))?;
        if covered.is_zero() {
            tracing::warn!(dispute = %dispute.id, "dispute opened without funds held: the merchant's available balance is empty");
            return self.write_opened(dispute, None, reply).await;
        }
        let held = Dispute {
            funds_held: true,
            held: covered,
            ..dispute.clone()
        };
        let hold = Closing::hold(&held, hold_until)?;
        match self.write_opened(held, Some(hold), reply.clone()).await {
            Err(AfterSalesError::InsufficientFunds(_)) => {
                tracing::warn!(dispute = %dispute.id, "dispute opened without funds held: the merchant's available balance changed meanwhile");
                self.write_opened(dispute, None, reply).await
            }
            other => other,
        }
    }
}

/// What a dispute is opened with besides its payment.
pub(super) struct Opening {
    pub id: String,
    pub reason: OpeningReason,
    /// The amount the network disputes, when it says (else all that is left).
    pub amount: Option<Amount>,
    /// The deadline the network gives, when it says (else its window).
    pub evidence_due_by: Option<Timestamp>,
    pub complaint: Option<String>,
}

/// The reason of a dispute: a network reason code we know, or the code and
/// text a provider sent with the category they map to.
pub(super) struct OpeningReason {
    pub code: String,
    pub category: DisputeCategory,
    pub description: String,
    /// The network's reason code, when it is one we know.
    pub known: Option<&'static ReasonCode>,
}

impl OpeningReason {
    pub(super) fn of(code: &'static ReasonCode) -> Self {
        OpeningReason {
            code: code.code.to_string(),
            category: code.category,
            description: code.description.to_string(),
            known: Some(code),
        }
    }
}

pub(super) fn card_network(payment: &PaymentRecord) -> Result<Network, AfterSalesError> {
    let brand = payment.card.as_ref().map(|c| c.brand.as_str());
    let network = brand.and_then(Network::of_brand);
    match (payment.status, network) {
        (PaymentStatus::Succeeded, Some(network)) => Ok(network),
        (PaymentStatus::Succeeded, None) => Err(AfterSalesError::invalid(
            "payment",
            "payment_not_disputable",
            "only Visa and Mastercard card payments are disputed through the networks",
        )),
        (status, _) => Err(AfterSalesError::invalid(
            "payment",
            "payment_not_disputable",
            format!("the payment is {status}; only a succeeded payment can be disputed"),
        )),
    }
}
