//! Disputes: opened by the card network (a provider's chargeback
//! notification, or the sandbox's test helper standing for one), the
//! disputed amount plus the fee held on the merchant's available balance, evidence by category, submission,
//! acceptance, the deadline, the network's decision, and the monitoring
//! ratios of the networks' programs.

mod evidence;
mod lifecycle;
mod monitoring;
mod open;
mod provider;

use std::collections::BTreeMap;

use corridor_core::aftersales::dispute::{DisputeCategory, DisputeStatus, Network};
use corridor_core::{Amount, Currency, Timestamp};
use corridor_store::{AfterSalesKind, AfterSalesRecord};

use super::store_data::{self, DisputeData};
use super::{AfterSalesError, AfterSalesService};

pub use evidence::EvidenceInput;
pub(crate) use monitoring::Pending;
pub use monitoring::{DisputeMonitoring, NetworkMonitoring};
pub use provider::{provider_dispute_id, ProviderDispute};

/// A dispute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dispute {
    /// `dp_...`.
    pub id: String,
    /// Owning merchant.
    pub merchant_id: String,
    /// The disputed payment.
    pub payment_id: String,
    /// The payment's market.
    pub country: String,
    /// Where it stands.
    pub status: DisputeStatus,
    /// Disputed, in the payment currency.
    pub amount: Amount,
    /// The payment currency.
    pub currency: Currency,
    /// The card network.
    pub network: Network,
    /// The network's reason code (`10.4`, `4853`).
    pub reason_code: String,
    /// The category it maps to.
    pub category: DisputeCategory,
    /// The network's name for the reason.
    pub description: String,
    /// The dispute fee, held with the amount and taken if lost.
    pub fee: Amount,
    /// When evidence is due.
    pub evidence_due_by: Timestamp,
    /// Evidence fields saved so far.
    pub evidence: BTreeMap<String, String>,
    /// Whether the submitted evidence met Visa Compelling Evidence 3.0
    /// (`None` when none was offered).
    pub compelling_evidence_3: Option<bool>,
    /// When the evidence was submitted.
    pub evidence_submitted_at: Option<Timestamp>,
    /// Whether anything is held on the merchant's balance.
    pub funds_held: bool,
    /// What is held: the amount plus fee, or what the available balance
    /// could cover when the dispute opened (never more).
    pub held: Amount,
    /// What the loss took beyond the merchant's balance, booked as owed by
    /// the merchant to the platform.
    pub receivable: Amount,
    /// The payment's 3-D Secure authentication shifted fraud liability to
    /// the issuer.
    pub liability_shift: bool,
    /// Why it closed as it did (`network_decision`, `accepted`,
    /// `deadline_passed`, `liability_shift`).
    pub closed_reason: Option<String>,
    /// When it closed.
    pub closed_at: Option<Timestamp>,
    /// The complaint escalated into it, if any.
    pub complaint: Option<String>,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
    pub(crate) version: Option<i64>,
}

impl Dispute {
    pub(crate) fn to_record(&self) -> AfterSalesRecord {
        let data = DisputeData {
            network: self.network.code().to_string(),
            reason_code: self.reason_code.clone(),
            reason: self.category.code().to_string(),
            description: self.description.clone(),
            fee: self.fee.minor(),
            evidence_due_by: self.evidence_due_by.unix_micros(),
            evidence: self.evidence.clone(),
            compelling_evidence_3: self.compelling_evidence_3,
            evidence_submitted_at: self.evidence_submitted_at.map(Timestamp::unix_micros),
            funds_held: self.funds_held,
            held: Some(self.held.minor()),
            receivable: self.receivable.minor(),
            liability_shift: self.liability_shift,
            closed_reason: self.closed_reason.clone(),
            closed_at: self.closed_at.map(Timestamp::unix_micros),
            complaint: self.complaint.clone(),
        };
        AfterSalesRecord {
            kind: AfterSalesKind::Dispute,
            id: self.id.clone(),
            merchant_id: self.merchant_id.clone(),
            payment_id: self.payment_id.clone(),
            country: self.country.clone(),
            status: self.status.code().to_string(),
            amount: self.amount.minor(),
            currency: self.currency,
            // The deadline sweep looks at disputes still waiting for evidence.
            due_at: (self.status == DisputeStatus::NeedsResponse).then_some(self.evidence_due_by),
            data: store_data::encode(&data),
            version: self.version.unwrap_or(0),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }

    pub(crate) fn from_record(r: AfterSalesRecord) -> Result<Self, AfterSalesError> {
        let d: DisputeData = store_data::decode(&r.id, &r.data)?;
        let corrupt = |what: &str| AfterSalesError::corrupt(format!("{}: {what}", r.id));
        let network = match d.network.as_str() {
            "visa" => Network::Visa,
            "mastercard" => Network::Mastercard,
            _ => return Err(corrupt("network")),
        };
        let amount = Amount::positive(r.amount).map_err(|_| corrupt("amount"))?;
        let fee = Amount::non_negative(d.fee).map_err(|_| corrupt("fee"))?;
        let held = match d.held {
            Some(h) => Amount::non_negative(h).map_err(|_| corrupt("held"))?,
            None if d.funds_held => amount.checked_add(fee).map_err(|_| corrupt("held"))?,
            None => Amount::ZERO,
        };
        Ok(Dispute {
            status: DisputeStatus::parse(&r.status).ok_or_else(|| corrupt("status"))?,
            amount,
            held,
            receivable: Amount::non_negative(d.receivable).map_err(|_| corrupt("receivable"))?,
            currency: r.currency,
            network,
            reason_code: d.reason_code,
            category: DisputeCategory::parse(&d.reason).ok_or_else(|| corrupt("reason"))?,
            description: d.description,
            fee,
            evidence_due_by: Timestamp::from_unix_micros(d.evidence_due_by),
            evidence: d.evidence,
            compelling_evidence_3: d.compelling_evidence_3,
            evidence_submitted_at: d.evidence_submitted_at.map(Timestamp::from_unix_micros),
            funds_held: d.funds_held,
            liability_shift: d.liability_shift,
            closed_reason: d.closed_reason,
            closed_at: d.closed_at.map(Timestamp::from_unix_micros),
            complaint: d.complaint,
            version: Some(r.version),
            id: r.id,
            merchant_id: r.merchant_id,
            payment_id: r.payment_id,
            country: r.country,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }

    /// What is held while it is open: the amount plus the fee.
    pub fn held_amount(&self) -> Option<Amount> {
        self.amount.checked_add(self.fee).ok()
    }
}

impl AfterSalesService {
    /// A dispute, if the merchant owns it (`None`: any merchant's).
    pub async fn dispute(
        &self,
        id: &str,
        merchant: Option<&str>,
    ) -> Result<Dispute, AfterSalesError> {
        self.owned(
            AfterSalesKind::Dispute,
            "dispute",
            id,
            merchant,
            Dispute::from_record,
        )
        .await
    }

    /// A page of disputes, newest first.
    pub async fn disputes(
        &self,
        merchant: Option<&str>,
        limit: usize,
        starting_after: Option<&str>,
    ) -> Result<(Vec<Dispute>, bool), AfterSalesError> {
        self.page(
            AfterSalesKind::Dispute,
            merchant,
            limit,
            starting_after,
            Dispute::from_record,
        )
        .await
    }
}
