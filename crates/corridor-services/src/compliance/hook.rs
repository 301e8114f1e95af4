//! Sanctions screening of beneficiaries, through the payout service's
//! `BeneficiaryScreening` hook: `block` refuses the beneficiary, `review`
//! lets it through with an alert, and no list loaded refuses (fail closed).
//! The screening, its alert and audit records are written in the
//! background: the hook is synchronous.

use corridor_sanctions::Decision;
use corridor_store::{WriteOp, WriteRequest};

use super::{ComplianceError, ComplianceService, ScreeningInput, Subject};
use crate::payouts::screening::{BeneficiaryScreening, ScreeningDecision, ScreeningSubject};

/// Screens beneficiaries against the sanctions lists in force.
#[derive(Debug, Clone)]
pub struct SanctionsScreening {
    service: ComplianceService,
}

impl SanctionsScreening {
    /// The hook over the compliance service.
    pub fn new(service: ComplianceService) -> SanctionsScreening {
        SanctionsScreening { service }
    }
}

impl BeneficiaryScreening for SanctionsScreening {
    fn screen(&self, subject: &ScreeningSubject) -> ScreeningDecision {
        let input = ScreeningInput {
            name: subject.name.clone(),
            kind: None,
            country: Some(subject.country.clone()),
            date_of_birth: None,
        };
        let who = Subject {
            kind: "beneficiary",
            merchant_id: Some(subject.merchant_id.clone()),
            object_id: Some(subject.beneficiary_id.clone()),
        };
        let mut result = self.service.prepare_screening(&input, &who, "system");
        if matches!(&result, Err(ComplianceError::Invalid { param, .. }) if param == "country") {
            // A country the account scheme knows but ISO 3166 tables do not
            // (a territory): screen on the name alone.
            let without = ScreeningInput {
                country: None,
                ..input
            };
            result = self.service.prepare_screening(&without, &who, "system");
        }
        let outcome = match result {
            Ok(outcome) => outcome,
            Err(ComplianceError::Blocked { code, message }) => {
                return ScreeningDecision::Blocked { code, message }
            }
            Err(e) => {
                return ScreeningDecision::Blocked {
                    code: "screening_failed".into(),
                    message: format!("the beneficiary could not be screened: {e}"),
                }
            }
        };
        let decision = outcome.screening.decision;
        let top = outcome.screening.matches.first().cloned();
        let store = self.service.store().clone();
        let write = outcome.write;
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            handle.spawn(async move {
                let request = WriteRequest {
                    op: WriteOp::Compliance(Box::new(write)),
                    idempotency: None,
                };
                if let Err(e) = store.writer().submit(request).await {
                    tracing::error!(error = %e, "a beneficiary screening could not be recorded");
                }
            });
        }
        match (decision, top) {
            (Decision::Block, Some(m)) => ScreeningDecision::Blocked {
                code: "sanctions_match".into(),
                message: format!(
                    "the beneficiary matches {} entry {} ({}), screening {}",
                    m.list, m.entry_id, m.name, outcome.record.id
                ),
            },
            _ => ScreeningDecision::Clear,
        }
    }

    fn lists_version(&self) -> Option<String> {
        Some(self.service.lists_version().0)
    }
}
