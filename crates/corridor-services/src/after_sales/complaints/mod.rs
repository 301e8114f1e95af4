//! Customer complaints: received about a payment, answered by the deadline
//! of the payment's market (business days on that market's holiday
//! calendar), resolved by a refund or a reasoned rejection, or escalated to
//! a dispute; overdue ones raise alerts; reports per market.

mod deadline;
mod lifecycle;
mod report;

use corridor_core::aftersales::complaint::{ComplaintCategory, ComplaintStatus};
use corridor_core::Timestamp;
use corridor_store::{AfterSalesKind, AfterSalesRecord};

use super::store_data::{self, ComplaintData, ComplaintMessage};
use super::{AfterSalesError, AfterSalesService};

pub use lifecycle::{ComplaintInput, ComplaintResolution};
pub use report::ComplaintReport;

/// A complaint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Complaint {
    /// `cmp_...`.
    pub id: String,
    /// Owning merchant.
    pub merchant_id: String,
    /// The payment complained about.
    pub payment_id: String,
    /// The market (the payment's country).
    pub country: String,
    /// Where it stands.
    pub status: ComplaintStatus,
    /// What it is about.
    pub category: ComplaintCategory,
    /// The buyer's words.
    pub description: String,
    /// How to reach the buyer.
    pub customer_contact: String,
    /// The market rule that sets the deadline.
    pub rule: String,
    /// The holiday calendar business days are counted on.
    pub calendar: String,
    /// When it was received.
    pub received_at: Timestamp,
    /// When the answer is due (end of that day, UTC).
    pub respond_by: Timestamp,
    /// When a holding reply was sent.
    pub holding_reply_at: Option<Timestamp>,
    /// When the first (non-holding) response was sent.
    pub first_response_at: Option<Timestamp>,
    /// Replies and notes, in order: (time, kind, message).
    pub messages: Vec<(Timestamp, String, String)>,
    /// `refund` or `reject`, once resolved.
    pub resolution: Option<String>,
    /// The refund that resolved it.
    pub refund: Option<String>,
    /// Its amount.
    pub refund_amount: Option<i64>,
    /// The dispute it was escalated to.
    pub dispute: Option<String>,
    /// When it was resolved or escalated.
    pub resolved_at: Option<Timestamp>,
    /// An overdue alert was raised.
    pub overdue_alerted: bool,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
    pub(crate) currency: corridor_core::Currency,
    pub(crate) version: Option<i64>,
}

impl Complaint {
    /// Whether the deadline has passed without an answer at `now`.
    pub fn is_overdue(&self, now: Timestamp) -> bool {
        self.status == ComplaintStatus::Open && now > self.respond_by
    }

    pub(crate) fn to_record(&self) -> AfterSalesRecord {
        let data = ComplaintData {
            category: self.category.code().to_string(),
            description: self.description.clone(),
            customer_contact: self.customer_contact.clone(),
            rule: self.rule.clone(),
            calendar: self.calendar.clone(),
            received_at: self.received_at.unix_micros(),
            respond_by: self.respond_by.unix_micros(),
            holding_reply_at: self.holding_reply_at.map(Timestamp::unix_micros),
            first_response_at: self.first_response_at.map(Timestamp::unix_micros),
            messages: self
                .messages
                .iter()
                .map(|(at, kind, message)| ComplaintMessage {
                    at: at.unix_micros(),
                    kind: kind.clone(),
                    message: message.clone(),
                })
                .collect(),
            resolution: self.resolution.clone(),
            refund: self.refund.clone(),
            refund_amount: self.refund_amount,
            dispute: self.dispute.clone(),
            resolved_at: self.resolved_at.map(Timestamp::unix_micros),
            overdue_alerted: self.overdue_alerted,
        };
        // The sweep looks at open complaints not yet alerted, at their deadline.
        let due = self.status == ComplaintStatus::Open && !self.overdue_alerted;
        AfterSalesRecord {
            kind: AfterSalesKind::Complaint,
            id: self.id.clone(),
            merchant_id: self.merchant_id.clone(),
            payment_id: self.payment_id.clone(),
            country: self.country.clone(),
            status: self.status.code().to_string(),
            amount: self.refund_amount.unwrap_or(0),
            currency: self.currency,
            due_at: due.then_some(self.respond_by),
            data: store_data::encode(&data),
            version: self.version.unwrap_or(0),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }

    pub(crate) fn from_record(r: AfterSalesRecord) -> Result<Self, AfterSalesError> {
        let d: ComplaintData = store_data::decode(&r.id, &r.data)?;
        let corrupt = |what: &str| AfterSalesError::corrupt(format!("{}: {what}", r.id));
        let t = Timestamp::from_unix_micros;
        Ok(Complaint {
            status: ComplaintStatus::parse(&r.status).ok_or_else(|| corrupt("status"))?,
            category: ComplaintCategory::parse(&d.category).ok_or_else(|| corrupt("category"))?,
            description: d.description,
            customer_contact: d.customer_contact,
            rule: d.rule,
            calendar: d.calendar,
            received_at: t(d.received_at),
            respond_by: t(d.respond_by),
            holding_reply_at: d.holding_reply_at.map(t),
            first_response_at: d.first_response_at.map(t),
            messages: d
                .messages
                .into_iter()
                .map(|m| (t(m.at), m.kind, m.message))
                .collect(),
            resolution: d.resolution,
            refund: d.refund,
            refund_amount: d.refund_amount,
            dispute: d.dispute,
            resolved_at: d.resolved_at.map(t),
            overdue_alerted: d.overdue_alerted,
            currency: r.currency,
            version: Some(r.version),
            id: r.id,
            merchant_id: r.merchant_id,
            payment_id: r.payment_id,
            country: r.country,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

impl AfterSalesService {
    /// A complaint, if the merchant owns it (`None`: any merchant's).
    pub async fn complaint(
        &self,
        id: &str,
        merchant: Option<&str>,
    ) -> Result<Complaint, AfterSalesError> {
        self.owned(
            AfterSalesKind::Complaint,
            "complaint",
            id,
            merchant,
            Complaint::from_record,
        )
        .await
    }

    /// A page of complaints, newest first.
    pub async fn complaints(
        &self,
        merchant: Option<&str>,
        limit: usize,
        starting_after: Option<&str>,
    ) -> Result<(Vec<Complaint>, bool), AfterSalesError> {
        self.page(
            AfterSalesKind::Complaint,
            merchant,
            limit,
            starting_after,
            Complaint::from_record,
        )
        .await
    }
}
