//! Disputes as a payment provider reports them (Adyen's chargeback
//! notifications): opened, won and lost exactly as the network's own
//! decisions are, under ids derived from the provider's references so the
//! same report twice changes nothing.

use corridor_core::aftersales::dispute::{category_of_text, reason_code, DisputeEvent};
use corridor_core::{Amount, Timestamp};
use sha2::{Digest, Sha256};

use super::super::{AfterSalesError, AfterSalesService};
use super::open::{card_network, Opening, OpeningReason};
use super::Dispute;

/// A dispute a provider opened on one of its payments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderDispute {
    /// The connector that reported it.
    pub connector: String,
    /// The provider's reference of the dispute.
    pub reference: String,
    /// The stage (`chargeback`, `pre_arbitration`, `second_chargeback`):
    /// each stage that opens again is its own dispute.
    pub stage: &'static str,
    /// The disputed payment.
    pub payment_id: String,
    /// The network's reason code as the provider sent it.
    pub reason_code: Option<String>,
    /// The provider's words for the reason.
    pub reason_text: Option<String>,
    /// The disputed amount, when in the payment's currency.
    pub amount: Option<Amount>,
    /// The deadline for evidence the provider gives.
    pub evidence_due_by: Option<Timestamp>,
}

impl ProviderDispute {
    /// The dispute's id: the same for the same connector, reference and stage.
    pub fn id(&self) -> String {
        provider_dispute_id(&self.connector, &self.reference, self.stage)
    }
}

/// The id of the dispute a provider reported as `reference` at `stage`.
pub fn provider_dispute_id(connector: &str, reference: &str, stage: &str) -> String {
    let digest = Sha256::digest(format!(
        "provider_dispute\n{connector}\n{reference}\n{stage}"
    ));
    format!("dp_{}", &hex::encode(digest)[..24])
}

impl AfterSalesService {
    /// Opens the dispute a provider reports (or answers the one it opened
    /// before). The reason code is kept as sent; its category is the
    /// network's when the code is known, else read from the reason's words.
    pub async fn open_provider_dispute(
        &self,
        report: &ProviderDispute,
    ) -> Result<Dispute, AfterSalesError> {
        let id = report.id();
        if let Ok(existing) = self.dispute(&id, None).await {
            return Ok(existing);
        }
        let payment = self.disputed_payment(&report.payment_id, None).await?;
        let network = card_network(&payment)?;
        let code = report
            .reason_code
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty());
        let text = report.reason_text.clone().unwrap_or_default();
        let reason = match code.and_then(|c| reason_code(network, c)) {
            Some(known) => OpeningReason::of(known),
            None => OpeningReason {
                code: code.unwrap_or("unknown").to_string(),
                category: category_of_text(&text),
                description: text,
                known: None,
            },
        };
        let opening = Opening {
            id,
            reason,
            amount: report.amount,
            evidence_due_by: report.evidence_due_by,
            complaint: None,
        };
        self.open_on(&payment, network, opening, None).await
    }

    /// The provider reports the network's decision on dispute `id`: won
    /// releases the hold, lost takes amount and fee. A dispute already
    /// decided is answered as it stands; `None` when there is no such dispute.
    pub async fn decide_provider_dispute(
        &self,
        id: &str,
        won: bool,
    ) -> Result<Option<Dispute>, AfterSalesError> {
        let dispute = match self.dispute(id, None).await {
            Ok(d) => d,
            Err(AfterSalesError::NotFound(..)) => return Ok(None),
            Err(e) => return Err(e),
        };
        if dispute.status.is_closed() {
            return Ok(Some(dispute));
        }
        self.advance(
            dispute,
            DisputeEvent::NetworkDecides { won },
            "network_decision",
            None,
        )
        .await
        .map(Some)
    }
}
