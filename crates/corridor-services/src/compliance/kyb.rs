//! KYB decisions on a merchant: approve, reject or request information,
//! each with the operator's note in the audit log. Approval screens the
//! merchant's legal name first: a `block` refuses the approval (the
//! screening and its alert are still recorded), a `review` approves with
//! an alert.

use corridor_sanctions::Decision;
use corridor_store::{AuditEntry, MerchantRecord};

use super::screen::{check_text, MAX_REASON_CHARS};
use super::{ComplianceError, ComplianceService, ScreeningInput, ScreeningOutcome, Subject};

/// The operator's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KybDecision {
    /// The merchant may trade.
    Approve,
    /// The merchant is refused.
    Reject,
    /// The merchant must send more.
    RequestInfo,
}

impl KybDecision {
    /// Reads `approve`, `reject` or `request_info`.
    pub fn parse(value: &str) -> Result<KybDecision, ComplianceError> {
        match value {
            "approve" => Ok(KybDecision::Approve),
            "reject" => Ok(KybDecision::Reject),
            "request_info" => Ok(KybDecision::RequestInfo),
            _ => Err(ComplianceError::invalid(
                "decision",
                "parameter_invalid",
                "decision must be approve, reject or request_info",
            )),
        }
    }

    /// The merchant's status after it.
    pub fn status(self) -> &'static str {
        match self {
            KybDecision::Approve => "approved",
            KybDecision::Reject => "rejected",
            KybDecision::RequestInfo => "info_requested",
        }
    }
}

/// A KYB decision ready to write.
#[derive(Debug, Clone)]
pub struct KybOutcome {
    /// The merchant's status after the write.
    pub status: String,
    /// The screening of the merchant's name (on approval).
    pub screening: Option<ScreeningOutcome>,
    /// Set when screening refused the approval: why.
    pub refused: Option<String>,
    /// The write (screening, alert, status, audit).
    pub write: corridor_store::ComplianceWrite,
}

impl ComplianceService {
    /// Prepares a KYB decision on `merchant` with the operator's note.
    pub fn prepare_kyb(
        &self,
        merchant: &MerchantRecord,
        decision: &str,
        note: &str,
        actor: &str,
    ) -> Result<KybOutcome, ComplianceError> {
        let decision = KybDecision::parse(decision)?;
        check_text("note", note, MAX_REASON_CHARS)?;
        let screening = match decision {
            KybDecision::Approve => Some(self.prepare_screening(
                &ScreeningInput {
                    name: merchant.legal_name.clone(),
                    kind: Some("organization".into()),
                    country: Some(merchant.country.clone()),
                    date_of_birth: None,
                },
                &Subject {
                    kind: "merchant",
                    merchant_id: Some(merchant.id.clone()),
                },
                actor,
            )?),
            _ => None,
        };
        let refused = screening
            .as_ref()
            .filter(|s| s.screening.decision == Decision::Block)
            .map(|s| {
                let top = s.screening.matches.first();
                format!(
                    "the merchant's name matches {} entry {} (screening {}): not approved",
                    top.map_or("a list", |m| m.list.as_str()),
                    top.map_or("", |m| m.entry_id.as_str()),
                    s.record.id
                )
            });
        let mut write = screening
            .as_ref()
            .map(|s| s.write.clone())
            .unwrap_or_default();
        let status = if refused.is_some() {
            merchant.kyb_status.clone()
        } else {
            decision.status().to_owned()
        };
        if refused.is_none() {
            write.merchant_kyb = Some((merchant.id.clone(), status.clone()));
        }
        write.audit.push(AuditEntry {
            actor: actor.to_owned(),
            action: "merchant.kyb_decided".into(),
            object_id: merchant.id.clone(),
            detail: serde_json::json!({
                "decision": decision.status(), "note": note, "status": status,
                "screening": screening.as_ref().map(|s| s.record.id.clone()),
                "refused": refused,
            })
            .to_string(),
        });
        Ok(KybOutcome {
            status,
            screening,
            refused,
            write,
        })
    }
}
