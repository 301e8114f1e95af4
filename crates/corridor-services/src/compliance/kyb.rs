//! KYB decisions on a merchant: approve, reject or request information,
//! each with the operator's note in the audit log.
//!
//! What the merchant's country requires and is missing is always shown
//! (`kyb_missing`). Information the operator asked for (`request_info`) is
//! binding: approval is refused while any of it is still missing. Approval
//! with other required information missing is the operator's call: it goes
//! through, and raises a `kyb_incomplete_approval` alert naming the missing
//! fields, so that the decision is reviewed rather than silent. Approval
//! then screens the merchant's legal name and each beneficial owner: a
//! `block` refuses the approval (the screenings and their alerts are still
//! recorded), a `review` approves with an alert.

use corridor_sanctions::Decision;
use corridor_store::{
    AlertRecord, AuditEntry, MerchantKybRecord, MerchantKybWrite, MerchantRecord,
};

use super::kyb_info::{check_requested, KybInfo};
use super::onboarding::{merged, NoList};
use super::screen::{check_text, new_id, MAX_REASON_CHARS};
use super::{ComplianceError, ComplianceService, ScreeningOutcome};

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
    /// The screenings of its beneficial owners (on approval).
    pub owner_screenings: Vec<ScreeningOutcome>,
    /// Set when screening refused the approval: why.
    pub refused: Option<String>,
    /// The KYB information after the decision (the fields requested).
    pub info: KybInfo,
    /// The write (screenings, alerts, status, information, audit).
    pub write: corridor_store::ComplianceWrite,
}

impl ComplianceService {
    /// Prepares a KYB decision on `merchant` with the operator's note.
    /// Approval needs every field the operator requested (409
    /// `kyb_incomplete` naming those still missing, nothing written); other
    /// missing required fields raise an alert with the approval. It then
    /// screens the legal name and each beneficial owner, failing closed: a
    /// `block` on any refuses it (the screenings are recorded all the same).
    /// `request_info` records the fields asked for (by default the missing
    /// ones).
    pub fn prepare_kyb(
        &self,
        merchant: &MerchantRecord,
        stored: Option<&MerchantKybRecord>,
        decision: &str,
        note: &str,
        fields: Option<&[String]>,
        actor: &str,
    ) -> Result<KybOutcome, ComplianceError> {
        let decision = KybDecision::parse(decision)?;
        check_text("note", note, MAX_REASON_CHARS)?;
        let mut info = KybInfo::of(stored);
        let missing = info.missing(merchant);
        match (decision, fields) {
            (KybDecision::RequestInfo, Some(fields)) => {
                info.requested = check_requested(fields)?;
            }
            (KybDecision::RequestInfo, None) => {
                info.requested = missing.iter().map(|f| (*f).to_owned()).collect();
            }
            (_, Some(_)) => {
                return Err(ComplianceError::invalid(
                    "fields",
                    "parameter_invalid",
                    "fields goes with decision request_info only",
                ))
            }
            (KybDecision::Approve, None)
                if missing
                    .iter()
                    .any(|f| info.requested.iter().any(|r| r == f)) =>
            {
                let outstanding: Vec<String> = missing
                    .iter()
                    .filter(|f| info.requested.iter().any(|r| r == *f))
                    .map(|f| (*f).to_owned())
                    .collect();
                return Err(ComplianceError::Incomplete {
                    message: format!(
                        "the merchant cannot be approved: {} requested and still missing (required for {})",
                        outstanding.join(", "),
                        merchant.country
                    ),
                    missing: outstanding,
                });
            }
            (KybDecision::Approve, None) => info.requested.clear(),
            (KybDecision::Reject, None) => {}
        }
        let mut screenings = match decision {
            KybDecision::Approve => {
                self.screen_parties(merchant, &info.owners, true, NoList::FailClosed, actor)?
            }
            _ => Vec::new(),
        };
        let refused = screenings
            .iter()
            .enumerate()
            .find(|(_, s)| s.screening.decision == Decision::Block)
            .map(|(i, s)| {
                let top = s.screening.matches.first();
                let who = if i == 0 {
                    "the merchant's name".to_owned()
                } else {
                    format!("beneficial owner {} ({})", i - 1, s.record.name)
                };
                format!(
                    "{who} matches {} entry {} (screening {}): not approved",
                    top.map_or("a list", |m| m.list.as_str()),
                    top.map_or("", |m| m.entry_id.as_str()),
                    s.record.id
                )
            });
        let mut write = merged(&screenings);
        let status = if refused.is_some() {
            merchant.kyb_status.clone()
        } else {
            decision.status().to_owned()
        };
        if refused.is_none() {
            let now = self.store().clock().now();
            write.merchant_kyb = Some((merchant.id.clone(), status.clone()));
            write.merchant_info = Some(MerchantKybWrite {
                record: info.record(&merchant.id, now),
                expected_version: info.version,
                contact: None,
            });
            if decision == KybDecision::Approve && !missing.is_empty() {
                write
                    .alerts
                    .push((incomplete_approval(merchant, &missing, note, now), None));
            }
        }
        let name_screening = (!screenings.is_empty()).then(|| screenings.remove(0));
        write.audit.push(AuditEntry {
            actor: actor.to_owned(),
            action: "merchant.kyb_decided".into(),
            object_id: merchant.id.clone(),
            detail: serde_json::json!({
                "decision": decision.status(), "note": note, "status": status,
                "screening": name_screening.as_ref().map(|s| s.record.id.clone()),
                "owner_screenings": screenings.iter().map(|s| s.record.id.clone()).collect::<Vec<_>>(),
                "requested": info.requested,
                "missing": if decision == KybDecision::Approve { missing.clone() } else { Vec::new() },
                "refused": refused,
            })
            .to_string(),
        });
        Ok(KybOutcome {
            status,
            screening: name_screening,
            owner_screenings: screenings,
            refused,
            info,
            write,
        })
    }
}

/// The alert raised when a merchant is approved while information its
/// country requires is still missing: the operator's decision, for review.
fn incomplete_approval(
    merchant: &MerchantRecord,
    missing: &[&str],
    note: &str,
    now: corridor_core::Timestamp,
) -> AlertRecord {
    AlertRecord {
        id: new_id("alr"),
        kind: "kyb_incomplete_approval".into(),
        severity: "medium".into(),
        status: "open".into(),
        screening_id: None,
        merchant_id: Some(merchant.id.clone()),
        body: serde_json::json!({
            "subject": "merchant", "country": merchant.country,
            "missing": missing, "note": note,
        })
        .to_string(),
        resolution: None,
        version: 1,
        created_at: now,
        resolved_at: None,
    }
}
