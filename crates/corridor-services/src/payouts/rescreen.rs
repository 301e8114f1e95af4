//! A beneficiary screened before the lists changed is screened again before
//! money goes to it: at payout time, its last screening's lists version is
//! compared with the version in force, and a different one (or none, for a
//! beneficiary whose screening was never recorded) screens it again. A
//! `block`, now or in its last screening against these lists, stops the
//! payout (403 `compliance_error`).

use corridor_store::BeneficiaryRecord;

use super::screening::{ScreeningDecision, ScreeningSubject};
use super::{PayoutError, PayoutService};

impl PayoutService {
    /// Screens the beneficiary again when the lists in force changed since
    /// its last screening.
    pub(crate) async fn rescreen_if_lists_changed(
        &self,
        beneficiary: &BeneficiaryRecord,
    ) -> Result<(), PayoutError> {
        let Some(current) = self.screening.lists_version() else {
            return Ok(());
        };
        let last = self
            .store
            .last_screening("beneficiary", &beneficiary.id)
            .await?;
        if let Some(last) = last.filter(|l| l.lists_version == current) {
            if last.decision == "block" {
                return Err(PayoutError::Blocked {
                    code: "sanctions_match".into(),
                    message: format!(
                        "the beneficiary matches the lists in force (screening {})",
                        last.id
                    ),
                });
            }
            return Ok(());
        }
        let subject = ScreeningSubject {
            name: beneficiary.name.clone(),
            country: beneficiary.country.clone(),
            beneficiary_id: beneficiary.id.clone(),
            merchant_id: beneficiary.merchant_id.clone(),
        };
        let screening = self.screening.clone();
        let decision = tokio::task::spawn_blocking(move || screening.screen(&subject))
            .await
            .map_err(|e| {
                PayoutError::Store(corridor_store::StoreError::Corrupt(format!(
                    "screening task: {e}"
                )))
            })?;
        match decision {
            ScreeningDecision::Clear => Ok(()),
            ScreeningDecision::Blocked { code, message } => Err(PayoutError::Blocked {
                code,
                message: format!("screened again against the lists in force: {message}"),
            }),
        }
    }
}
