//! The JSON kept in each after-sales row beside its queried columns. These
//! are storage types: the domain types convert to and from them.

use serde::{Deserialize, Serialize};

/// One ledger leg, as kept to reverse a movement exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct LegData {
    pub owner: String,
    pub currency: String,
    pub kind: String,
    pub debit: bool,
    pub amount: i64,
}

/// Bank details of a refund by bank transfer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct BankData {
    pub holder_name: String,
    pub bank_code: String,
    pub branch_code: Option<String>,
    pub account_number: String,
}

/// How a cross-currency refund was priced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct FxData {
    pub funding_currency: String,
    pub original_rate: String,
    pub today_rate: String,
    pub at_original: i64,
    pub at_today: i64,
    pub merchant_debit: i64,
    pub remainder: i64,
    pub policy: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct RefundData {
    pub reason: Option<String>,
    pub connector: String,
    pub charge_reference: String,
    pub connector_ref: Option<String>,
    pub failure_code: Option<String>,
    pub bank_account: Option<BankData>,
    pub fx: Option<FxData>,
    pub legs: Vec<LegData>,
    /// Times the refund was sent (or looked up) without an answer.
    pub unanswered: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct DisputeData {
    pub network: String,
    pub reason_code: String,
    pub reason: String,
    pub description: String,
    pub fee: i64,
    pub evidence_due_by: i64,
    pub evidence: std::collections::BTreeMap<String, String>,
    pub compelling_evidence_3: Option<bool>,
    pub evidence_submitted_at: Option<i64>,
    pub funds_held: bool,
    /// What is held (absent on disputes stored before partial holds: the
    /// amount plus fee when `funds_held`).
    #[serde(default)]
    pub held: Option<i64>,
    /// What a loss booked as owed by the merchant to the platform.
    #[serde(default)]
    pub receivable: i64,
    pub liability_shift: bool,
    pub closed_reason: Option<String>,
    pub closed_at: Option<i64>,
    pub complaint: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ComplaintMessage {
    pub at: i64,
    pub kind: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ComplaintData {
    pub category: String,
    pub description: String,
    pub customer_contact: String,
    pub rule: String,
    pub calendar: String,
    pub received_at: i64,
    pub respond_by: i64,
    pub holding_reply_at: Option<i64>,
    pub first_response_at: Option<i64>,
    pub messages: Vec<ComplaintMessage>,
    pub resolution: Option<String>,
    pub refund: Option<String>,
    pub refund_amount: Option<i64>,
    pub dispute: Option<String>,
    pub resolved_at: Option<i64>,
    pub overdue_alerted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct FraudReportData {
    pub network: String,
    pub fraud_type: String,
    pub network_report_id: String,
    pub source: String,
    pub reported_at: i64,
}

pub(crate) fn encode<T: Serialize>(value: &T) -> String {
    // Plain structs of strings and integers always serialize.
    serde_json::to_string(value).unwrap_or_default()
}

pub(crate) fn decode<T: for<'de> Deserialize<'de>>(
    id: &str,
    text: &str,
) -> Result<T, super::AfterSalesError> {
    serde_json::from_str(text)
        .map_err(|e| super::AfterSalesError::corrupt(format!("{id}: stored data: {e}")))
}
