//! Evidence: saved field by field, checked per category, submitted once
//! before the deadline; Visa Compelling Evidence 3.0 for 10.4.

use corridor_core::aftersales::dispute::{transition, DisputeEvent, Network};
use corridor_core::aftersales::evidence::{
    check_compelling_evidence_3, first_missing, is_field, PriorTransaction, TransactionIdentity,
    EVIDENCE_FIELD_CHARS_MAX,
};
use corridor_core::payments::status::PaymentStatus;
use corridor_store::AfterSalesKind;

use super::super::{AfterSalesError, AfterSalesService, Reply};
use super::lifecycle::transition_error;
use super::Dispute;

/// Most prior transactions offered as compelling evidence.
pub const PRIOR_TRANSACTIONS_MAX: usize = 10;

/// Evidence sent by the merchant.
#[derive(Debug, Clone, Default)]
pub struct EvidenceInput {
    /// Field name and text, for the named evidence fields.
    pub fields: Vec<(String, String)>,
    /// Visa Compelling Evidence 3.0: the disputed transaction's identity
    /// and prior transactions (by payment id) with theirs.
    pub compelling_evidence_3: Option<(TransactionIdentity, Vec<(String, TransactionIdentity)>)>,
}

impl AfterSalesService {
    /// Saves evidence (not submitted yet), or with `submit`, saves and
    /// submits it.
    pub async fn save_evidence(
        &self,
        id: &str,
        merchant: Option<&str>,
        input: EvidenceInput,
        submit: bool,
        reply: Option<Reply>,
    ) -> Result<Dispute, AfterSalesError> {
        let dispute = self.dispute(id, merchant).await?;
        let now = self.now();
        let event = if submit {
            DisputeEvent::Submit
        } else {
            DisputeEvent::SaveEvidence
        };
        let status = transition(dispute.status, dispute.evidence_due_by, now, event)
            .map_err(transition_error)?;
        let mut next = Dispute {
            status,
            updated_at: now,
            ..dispute.clone()
        };
        for (name, text) in input.fields {
            check_field(&name, &text)?;
            next.evidence.insert(name, text);
        }
        if let Some((disputed, priors)) = input.compelling_evidence_3 {
            next.compelling_evidence_3 = Some(self.compelling(&next, &disputed, &priors).await?);
        }
        if submit {
            let present: Vec<&str> = next.evidence.keys().map(String::as_str).collect();
            let ce3_ok = next.compelling_evidence_3 == Some(true);
            if let (Some(missing), false) = (first_missing(next.category, &present), ce3_ok) {
                return Err(AfterSalesError::invalid(
                    &format!("evidence.{missing}"),
                    "parameter_missing",
                    format!(
                        "a {} dispute needs `{missing}` before it is submitted",
                        next.category.code()
                    ),
                ));
            }
            next.evidence_submitted_at = Some(now);
        }
        let kind = if submit {
            "dispute.submitted"
        } else {
            "dispute.updated"
        };
        let events = vec![self.event(&next.merchant_id, kind, self.render.dispute(&next))];
        self.write_change(dispute.version, next, Vec::new(), events, reply)
            .await
    }

    /// Submits the saved evidence.
    pub async fn submit_dispute(
        &self,
        id: &str,
        merchant: Option<&str>,
        reply: Option<Reply>,
    ) -> Result<Dispute, AfterSalesError> {
        self.save_evidence(id, merchant, EvidenceInput::default(), true, reply)
            .await
    }

    /// Checks Compelling Evidence 3.0 against the stored prior payments.
    async fn compelling(
        &self,
        dispute: &Dispute,
        disputed: &TransactionIdentity,
        priors: &[(String, TransactionIdentity)],
    ) -> Result<bool, AfterSalesError> {
        let param = "compelling_evidence_3";
        if dispute.network != Network::Visa || dispute.reason_code != "10.4" {
            return Err(AfterSalesError::invalid(
                param,
                "parameter_unknown",
                "Compelling Evidence 3.0 applies to Visa 10.4 disputes only",
            ));
        }
        if priors.len() > PRIOR_TRANSACTIONS_MAX {
            return Err(AfterSalesError::invalid(
                &format!("{param}.prior_transactions"),
                "parameter_invalid",
                format!("at most {PRIOR_TRANSACTIONS_MAX} prior transactions"),
            ));
        }
        let payment = self
            .store
            .payment(&dispute.payment_id)
            .await?
            .ok_or_else(|| AfterSalesError::corrupt("disputed payment missing"))?;
        let card = payment.card.as_ref().map(|c| c.fingerprint.clone());
        let mut checked = Vec::with_capacity(priors.len());
        for (index, (prior_id, identity)) in priors.iter().enumerate() {
            let prior = self
                .store
                .payment(prior_id)
                .await?
                .filter(|p| p.merchant_id == dispute.merchant_id)
                .ok_or_else(|| {
                    AfterSalesError::invalid(
                        &format!("{param}.prior_transactions[{index}].payment"),
                        "resource_missing",
                        format!("no such payment: '{prior_id}'"),
                    )
                })?;
            let disputed_before = !self
                .store
                .after_sales_of_payment(AfterSalesKind::Dispute, prior_id)
                .await?
                .is_empty();
            let age_micros = payment.created_at.unix_micros() - prior.created_at.unix_micros();
            checked.push(PriorTransaction {
                age_days: age_micros.div_euclid(86_400_000_000),
                undisputed: !disputed_before && prior.status == PaymentStatus::Succeeded,
                same_card: card.is_some()
                    && prior.card.as_ref().map(|c| c.fingerprint.clone()) == card,
                identity: identity.clone(),
            });
        }
        Ok(check_compelling_evidence_3(disputed, &checked).is_ok())
    }
}

fn check_field(name: &str, text: &str) -> Result<(), AfterSalesError> {
    let param = name.to_string();
    if !is_field(name) {
        return Err(AfterSalesError::invalid(
            &param,
            "parameter_unknown",
            format!("`{name}` is not an evidence field"),
        ));
    }
    if text.trim().is_empty() || text.chars().count() > EVIDENCE_FIELD_CHARS_MAX {
        return Err(AfterSalesError::invalid(
            &param,
            "parameter_invalid",
            format!("{name} must be 1-{EVIDENCE_FIELD_CHARS_MAX} characters"),
        ));
    }
    Ok(())
}
