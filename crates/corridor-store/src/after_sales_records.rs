//! Rows of refunds, disputes, complaints and fraud reports: one table of after-sales
//! objects, with the columns that are queried (kind, owner, payment,
//! status, amount, deadline) and the rest of each object as JSON that the
//! after-sales services own.

use corridor_core::{Currency, Timestamp};

use crate::{LedgerWrite, NewEvent};

/// Which after-sales object a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AfterSalesKind {
    /// A refund (`re_...`).
    Refund,
    /// A dispute (`dp_...`).
    Dispute,
    /// A complaint (`cmp_...`).
    Complaint,
    /// An issuer's fraud report (`fr_...`): Visa TC40, Mastercard SAFE.
    FraudReport,
}

impl AfterSalesKind {
    /// The stored form.
    pub fn code(self) -> &'static str {
        match self {
            AfterSalesKind::Refund => "refund",
            AfterSalesKind::Dispute => "dispute",
            AfterSalesKind::Complaint => "complaint",
            AfterSalesKind::FraudReport => "fraud_report",
        }
    }

    /// Parses the stored form.
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "refund" => Some(AfterSalesKind::Refund),
            "dispute" => Some(AfterSalesKind::Dispute),
            "complaint" => Some(AfterSalesKind::Complaint),
            "fraud_report" => Some(AfterSalesKind::FraudReport),
            _ => None,
        }
    }
}

/// One refund, dispute or complaint as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AfterSalesRecord {
    /// What it is.
    pub kind: AfterSalesKind,
    /// `re_...`, `dp_...`, `cmp_...`.
    pub id: String,
    /// Owning merchant.
    pub merchant_id: String,
    /// The payment it concerns.
    pub payment_id: String,
    /// The payment's market (ISO 3166-1 alpha-2).
    pub country: String,
    /// Status code of its state machine.
    pub status: String,
    /// Amount in minor units (refunded, disputed; 0 for a complaint).
    pub amount: i64,
    /// Currency of `amount`.
    pub currency: Currency,
    /// The next deadline that a sweeper acts on: a refund's next check at
    /// the provider, a dispute's evidence deadline, a complaint's
    /// `respond_by`. `None` once nothing is due.
    pub due_at: Option<Timestamp>,
    /// The rest of the object, as the services' JSON.
    pub data: String,
    /// Optimistic concurrency version, bumped by every write.
    pub version: i64,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
}

/// A new refund's claim on its payment: the writer refuses it when the
/// payment's captured amount minus its refunds that did not fail is smaller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundClaim {
    /// The payment.
    pub payment_id: String,
    /// The refund's amount.
    pub amount: i64,
}

/// An after-sales change: rows (each checked against the version read),
/// a refund's claim, ledger movements and events, all in one transaction
/// or none.
#[derive(Debug, Clone, Default)]
pub struct AfterSalesWrite {
    /// Rows after the change, each with the version read before it
    /// (`None` for a new row).
    pub records: Vec<(AfterSalesRecord, Option<i64>)>,
    /// A new refund's claim on what is left to refund.
    pub refund_claim: Option<RefundClaim>,
    /// Money moved. Only the first may be refused (for funds); the others
    /// must be movements between platform accounts, which cannot be.
    pub ledger: Vec<LedgerWrite>,
    /// Events to publish.
    pub events: Vec<NewEvent>,
}
