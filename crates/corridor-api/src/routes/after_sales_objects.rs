//! The JSON of refunds, disputes and complaints, and the renderer the
//! after-sales service uses for event payloads and stored responses.

use std::collections::BTreeMap;

use corridor_services::after_sales::{
    AfterSalesError, AfterSalesRender, Complaint, Dispute, FraudReport, NetworkMonitoring, Refund,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::time_fmt::rfc3339;

/// How a refund funded in another currency was priced.
#[derive(Debug, Serialize, ToSchema)]
pub struct RefundFxObject {
    /// The merchant's currency debited.
    pub funding_currency: String,
    /// Rate the merchant's funds were converted at (payment currency to funding currency).
    pub original_rate: String,
    /// Today's rate.
    pub today_rate: String,
    /// What the merchant was paid for the refunded part, in the funding currency's minor unit.
    pub amount_at_original_rate: i64,
    /// Today's price of the refund.
    pub amount_at_today_rate: i64,
    /// What the merchant was debited.
    pub merchant_debit: i64,
    /// `amount_at_today_rate - amount_at_original_rate`: a cost if positive, a gain if negative.
    pub fx_remainder: i64,
    /// Who bears it: `merchant` or `platform`.
    pub fx_remainder_borne_by: String,
}

/// A refund.
#[derive(Debug, Serialize, ToSchema)]
pub struct RefundObject {
    /// `re_...`.
    pub id: String,
    /// The payment refunded.
    pub payment: String,
    /// `pending`, `succeeded` or `failed`.
    pub status: String,
    /// Minor units of the payment currency.
    pub amount: i64,
    /// The payment currency.
    pub currency: String,
    /// `duplicate`, `fraudulent`, `requested_by_customer` or `other`.
    #[schema(nullable)]
    pub reason: Option<String>,
    /// Why it failed.
    #[schema(nullable)]
    pub failure_code: Option<String>,
    /// The connector that refunds it (the payment's).
    pub connector: String,
    /// The provider's reference of the refund.
    #[schema(nullable)]
    pub connector_reference: Option<String>,
    /// Paid by bank transfer (Konbini, OXXO, Boleto); the account's last four digits.
    #[schema(nullable)]
    pub bank_transfer_last4: Option<String>,
    /// Funded in the merchant's other currency, when it was.
    #[schema(nullable)]
    pub fx: Option<RefundFxObject>,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
}

/// A dispute.
#[derive(Debug, Serialize, ToSchema)]
pub struct DisputeObject {
    /// `dp_...`.
    pub id: String,
    /// The disputed payment.
    pub payment: String,
    /// `needs_response`, `under_review`, `won` or `lost`.
    pub status: String,
    /// Category: `fraudulent`, `product_not_received`, `product_unacceptable`, `credit_not_processed`, `duplicate`, `general`.
    pub reason: String,
    /// `visa` or `mastercard`.
    pub network: String,
    /// The network's reason code (`10.4`, `4853`).
    pub network_reason_code: String,
    /// The network's name for it.
    pub network_reason_description: String,
    /// Disputed, in minor units.
    pub amount: i64,
    /// The payment currency.
    pub currency: String,
    /// The dispute fee, held with the amount and taken if lost.
    pub fee: i64,
    /// Held on the merchant's available balance while open: the amount plus
    /// fee, or as much of it as the available balance covered when the
    /// dispute opened; 0 if nothing is held.
    pub amount_held: i64,
    /// What a lost dispute took beyond the merchant's balance, owed by the
    /// merchant to the platform (booked to its receivable account); 0 otherwise.
    pub amount_receivable: i64,
    /// RFC 3339.
    pub evidence_due_by: String,
    /// Evidence fields saved.
    pub evidence: BTreeMap<String, String>,
    /// RFC 3339.
    #[schema(nullable)]
    pub evidence_submitted_at: Option<String>,
    /// Whether the evidence met Visa Compelling Evidence 3.0 (null when none was offered).
    #[schema(nullable)]
    pub compelling_evidence_3: Option<bool>,
    /// The payment's 3-D Secure authentication shifted fraud liability to the issuer.
    pub liability_shift: bool,
    /// `network_decision`, `accepted`, `deadline_passed` or `liability_shift`.
    #[schema(nullable)]
    pub closed_reason: Option<String>,
    /// The complaint escalated into it.
    #[schema(nullable)]
    pub complaint: Option<String>,
    /// RFC 3339.
    pub created_at: String,
}

/// A message on a complaint.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComplaintMessageObject {
    /// RFC 3339.
    pub at: String,
    /// `holding_reply`, `response` or `resolution`.
    pub kind: String,
    /// The text.
    pub message: String,
}

/// A complaint.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComplaintObject {
    /// `cmp_...`.
    pub id: String,
    /// The payment.
    pub payment: String,
    /// The market (the payment's country).
    pub country: String,
    /// `open`, `responded`, `resolved` or `escalated`.
    pub status: String,
    /// `not_received`, `not_as_described`, `unauthorized`, `refund_not_received`, `duplicate_charge`, `other`.
    pub category: String,
    /// The buyer's words.
    pub description: String,
    /// How to reach the buyer.
    pub customer_contact: String,
    /// The market rule that sets the deadline.
    pub rule: String,
    /// The holiday calendar business days are counted on.
    pub calendar: String,
    /// RFC 3339: the end of the day the answer is due.
    pub respond_by: String,
    /// Past `respond_by` without an answer.
    pub overdue: bool,
    /// RFC 3339.
    #[schema(nullable)]
    pub holding_reply_at: Option<String>,
    /// RFC 3339.
    #[schema(nullable)]
    pub first_response_at: Option<String>,
    /// Replies, in order.
    pub messages: Vec<ComplaintMessageObject>,
    /// `refund` or `reject`.
    #[schema(nullable)]
    pub resolution: Option<String>,
    /// The refund that resolved it.
    #[schema(nullable)]
    pub refund: Option<String>,
    /// The dispute it was escalated to.
    #[schema(nullable)]
    pub dispute: Option<String>,
    /// RFC 3339.
    pub created_at: String,
}

/// A merchant's standing in one card-network monitoring program.
#[derive(Debug, Serialize, ToSchema)]
pub struct MonitoringObject {
    /// The merchant.
    pub merchant: String,
    /// `visa` or `mastercard`.
    pub network: String,
    /// `vamp` or `ecm`.
    pub program: String,
    /// Fraud reports plus disputes (VAMP, a transaction with both a fraud
    /// report and a fraud dispute counted once), or chargebacks (ECM), this month.
    pub count: i64,
    /// Of `count`: transactions with a Visa fraud report (TC40) this month; 0 for ECM.
    pub fraud_reports: i64,
    /// Of `count`: disputes this month, less fraud disputes on transactions with a fraud report.
    pub disputes: i64,
    /// Settled card-absent transactions this month (VAMP), or last month's transactions (ECM).
    pub base: i64,
    /// `count / base` in basis points; null without a base.
    #[schema(nullable)]
    pub ratio_bps: Option<i64>,
    /// `ok`, `early_warning` or `excessive`.
    pub level: String,
    /// The program's threshold, in basis points.
    pub threshold_bps: i64,
    /// The early warning, in basis points.
    pub early_warning_bps: i64,
}

/// Refund as JSON.
pub fn refund_object(r: &Refund) -> RefundObject {
    RefundObject {
        id: r.id.clone(),
        payment: r.payment_id.clone(),
        status: r.status.code().into(),
        amount: r.amount.minor(),
        currency: r.currency.code().into(),
        reason: r.reason.map(|x| x.code().into()),
        failure_code: r.failure_code.clone(),
        connector: r.connector.clone(),
        connector_reference: r.connector_ref.clone(),
        bank_transfer_last4: r.bank_account.as_ref().map(|b| {
            let digits = &b.account_number;
            digits[digits.len().saturating_sub(4)..].to_string()
        }),
        fx: r.fx.as_ref().map(|f| RefundFxObject {
            funding_currency: f.funding_currency.code().into(),
            original_rate: f.original_rate.value().normalize().to_string(),
            today_rate: f.today_rate.value().normalize().to_string(),
            amount_at_original_rate: f.at_original.minor(),
            amount_at_today_rate: f.at_today.minor(),
            merchant_debit: f.merchant_debit.minor(),
            fx_remainder: f.remainder,
            fx_remainder_borne_by: f.policy.into(),
        }),
        created_at: rfc3339(r.created_at),
        updated_at: rfc3339(r.updated_at),
    }
}

/// Dispute as JSON.
pub fn dispute_object(d: &Dispute) -> DisputeObject {
    let held = if d.funds_held && !d.status.is_closed() {
        d.held.minor()
    } else {
        0
    };
    DisputeObject {
        id: d.id.clone(),
        payment: d.payment_id.clone(),
        status: d.status.code().into(),
        reason: d.category.code().into(),
        network: d.network.code().into(),
        network_reason_code: d.reason_code.clone(),
        network_reason_description: d.description.clone(),
        amount: d.amount.minor(),
        currency: d.currency.code().into(),
        fee: d.fee.minor(),
        amount_held: held,
        amount_receivable: d.receivable.minor(),
        evidence_due_by: rfc3339(d.evidence_due_by),
        evidence: d.evidence.clone(),
        evidence_submitted_at: d.evidence_submitted_at.map(rfc3339),
        compelling_evidence_3: d.compelling_evidence_3,
        liability_shift: d.liability_shift,
        closed_reason: d.closed_reason.clone(),
        complaint: d.complaint.clone(),
        created_at: rfc3339(d.created_at),
    }
}

/// Complaint as JSON (`overdue` as of `now`).
pub fn complaint_object(c: &Complaint, now: corridor_core::Timestamp) -> ComplaintObject {
    ComplaintObject {
        id: c.id.clone(),
        payment: c.payment_id.clone(),
        country: c.country.clone(),
        status: c.status.code().into(),
        category: c.category.code().into(),
        description: c.description.clone(),
        customer_contact: c.customer_contact.clone(),
        rule: c.rule.clone(),
        calendar: c.calendar.clone(),
        respond_by: rfc3339(c.respond_by),
        overdue: c.is_overdue(now),
        holding_reply_at: c.holding_reply_at.map(rfc3339),
        first_response_at: c.first_response_at.map(rfc3339),
        messages: c
            .messages
            .iter()
            .map(|(at, kind, message)| ComplaintMessageObject {
                at: rfc3339(*at),
                kind: kind.clone(),
                message: message.clone(),
            })
            .collect(),
        resolution: c.resolution.clone(),
        refund: c.refund.clone(),
        dispute: c.dispute.clone(),
        created_at: rfc3339(c.created_at),
    }
}

/// Monitoring as JSON.
pub fn monitoring_object(merchant: &str, m: &NetworkMonitoring) -> MonitoringObject {
    MonitoringObject {
        merchant: merchant.to_string(),
        network: m.network.code().into(),
        program: m.program.into(),
        count: m.ratio.count,
        fraud_reports: m.fraud_reports,
        disputes: m.disputes,
        base: m.ratio.base,
        ratio_bps: m.ratio.ratio_bps,
        level: m.ratio.level.code().into(),
        threshold_bps: m.threshold_bps,
        early_warning_bps: m.early_warning_bps,
    }
}

/// The renderer handed to the service; `clock` dates `overdue`.
pub struct JsonRender {
    /// The server's clock.
    pub clock: std::sync::Arc<dyn corridor_store::Clock>,
}

fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

impl AfterSalesRender for JsonRender {
    fn refund(&self, refund: &Refund) -> String {
        json(&refund_object(refund))
    }

    fn dispute(&self, dispute: &Dispute) -> String {
        json(&dispute_object(dispute))
    }

    fn complaint(&self, complaint: &Complaint) -> String {
        json(&complaint_object(complaint, self.clock.now()))
    }

    fn fraud_report(&self, report: &FraudReport) -> String {
        json(&super::fraud_reports::fraud_report_object(report))
    }

    fn monitoring(&self, merchant: &str, ratio: &NetworkMonitoring) -> String {
        json(&monitoring_object(merchant, ratio))
    }
}

/// The API error of a service error.
pub fn map_error(e: AfterSalesError) -> ApiError {
    match e {
        AfterSalesError::Invalid {
            param,
            code,
            message,
        } => ApiError::invalid(&param, code, message),
        AfterSalesError::NotFound(kind, id) => ApiError::not_found(kind, &id),
        AfterSalesError::State { code, message } => ApiError::conflict(code, message),
        AfterSalesError::InsufficientFunds(message) => ApiError::insufficient_funds(message),
        AfterSalesError::Unavailable(message) => ApiError::unavailable(message),
        AfterSalesError::Store(e) => ApiError::internal(e),
    }
}
