//! Refunds: full and partial, through the payment's own connector, as
//! durable intents.
//!
//! Creating a refund writes it (pending) together with the debit of the
//! merchant's balance and its claim on what is left to refund, all in one
//! transaction; only then is the provider called, with an idempotency key
//! derived from the refund's id. A timeout is looked up at the provider by
//! that key; a refund never recorded is sent again under the same key. A
//! refund that fails (at once or later) gives the merchant's balance back
//! with the exact reverse movement.

mod create;
mod funding;
mod send;

use corridor_core::aftersales::refund::{RefundReason, RefundStatus};
use corridor_core::{Amount, Currency, Rate, Timestamp};
use corridor_store::{AfterSalesKind, AfterSalesRecord};

use super::store_data::{self, BankData, FxData, LegData, RefundData};
use super::{AfterSalesError, AfterSalesService};

pub use create::{RefundBankDetails, RefundInput};

/// A refund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refund {
    /// `re_...`.
    pub id: String,
    /// Owning merchant.
    pub merchant_id: String,
    /// The payment refunded.
    pub payment_id: String,
    /// The payment's market.
    pub country: String,
    /// Where it stands.
    pub status: RefundStatus,
    /// Refunded to the buyer, in the payment currency.
    pub amount: Amount,
    /// The payment currency.
    pub currency: Currency,
    /// Why.
    pub reason: Option<RefundReason>,
    /// The connector of the payment, which refunds it.
    pub connector: String,
    /// The provider's reference of the refund, once known.
    pub connector_ref: Option<String>,
    /// Why it failed.
    pub failure_code: Option<String>,
    /// Paid by bank transfer to these details (methods that cannot refund
    /// to their source).
    pub bank_account: Option<RefundBankDetails>,
    /// How it was funded in another currency, if it was.
    pub fx: Option<FxRefund>,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
    pub(crate) charge_reference: String,
    pub(crate) legs: Vec<LegData>,
    pub(crate) unanswered: u32,
    pub(crate) due_at: Option<Timestamp>,
    pub(crate) version: Option<i64>,
}

/// A refund funded from the merchant's balance in another currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FxRefund {
    /// The merchant's currency debited.
    pub funding_currency: Currency,
    /// The rate the merchant's funds were converted at (payment currency
    /// to funding currency).
    pub original_rate: Rate,
    /// Today's rate.
    pub today_rate: Rate,
    /// What the merchant was paid for the refunded part.
    pub at_original: Amount,
    /// Today's price of the refund.
    pub at_today: Amount,
    /// What the merchant was debited.
    pub merchant_debit: Amount,
    /// `at_today - at_original` (a cost if positive).
    pub remainder: i64,
    /// Who bears the remainder: `merchant` or `platform`.
    pub policy: &'static str,
}

impl Refund {
    pub(crate) fn provider_key(&self) -> String {
        format!("refund-{}", self.id)
    }

    pub(crate) fn to_record(&self) -> AfterSalesRecord {
        let data = RefundData {
            reason: self.reason.map(|r| r.code().to_string()),
            connector: self.connector.clone(),
            charge_reference: self.charge_reference.clone(),
            connector_ref: self.connector_ref.clone(),
            failure_code: self.failure_code.clone(),
            bank_account: self.bank_account.as_ref().map(|b| BankData {
                holder_name: b.holder_name.clone(),
                bank_code: b.bank_code.clone(),
                branch_code: b.branch_code.clone(),
                account_number: b.account_number.clone(),
            }),
            fx: self.fx.as_ref().map(|f| FxData {
                funding_currency: f.funding_currency.code().to_string(),
                original_rate: f.original_rate.value().to_string(),
                today_rate: f.today_rate.value().to_string(),
                at_original: f.at_original.minor(),
                at_today: f.at_today.minor(),
                merchant_debit: f.merchant_debit.minor(),
                remainder: f.remainder,
                policy: f.policy.to_string(),
            }),
            legs: self.legs.clone(),
            unanswered: self.unanswered,
        };
        AfterSalesRecord {
            kind: AfterSalesKind::Refund,
            id: self.id.clone(),
            merchant_id: self.merchant_id.clone(),
            payment_id: self.payment_id.clone(),
            country: self.country.clone(),
            status: self.status.code().to_string(),
            amount: self.amount.minor(),
            currency: self.currency,
            due_at: self.due_at,
            data: store_data::encode(&data),
            version: self.version.unwrap_or(0),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }

    pub(crate) fn from_record(r: AfterSalesRecord) -> Result<Self, AfterSalesError> {
        let data: RefundData = store_data::decode(&r.id, &r.data)?;
        let corrupt = |what: &str| AfterSalesError::corrupt(format!("{}: {what}", r.id));
        let fx = match data.fx {
            None => None,
            Some(f) => Some(FxRefund {
                funding_currency: Currency::parse(&f.funding_currency)
                    .map_err(|_| corrupt("funding currency"))?,
                original_rate: Rate::parse(&f.original_rate).map_err(|_| corrupt("rate"))?,
                today_rate: Rate::parse(&f.today_rate).map_err(|_| corrupt("rate"))?,
                at_original: Amount::non_negative(f.at_original).map_err(|_| corrupt("amount"))?,
                at_today: Amount::non_negative(f.at_today).map_err(|_| corrupt("amount"))?,
                merchant_debit: Amount::non_negative(f.merchant_debit)
                    .map_err(|_| corrupt("amount"))?,
                remainder: f.remainder,
                policy: if f.policy == "platform" {
                    "platform"
                } else {
                    "merchant"
                },
            }),
        };
        Ok(Refund {
            status: RefundStatus::parse(&r.status).ok_or_else(|| corrupt("status"))?,
            amount: Amount::positive(r.amount).map_err(|_| corrupt("amount"))?,
            currency: r.currency,
            reason: match data.reason {
                Some(code) => Some(RefundReason::parse(&code).ok_or_else(|| corrupt("reason"))?),
                None => None,
            },
            connector: data.connector,
            connector_ref: data.connector_ref,
            failure_code: data.failure_code,
            bank_account: data.bank_account.map(|b| RefundBankDetails {
                holder_name: b.holder_name,
                bank_code: b.bank_code,
                branch_code: b.branch_code,
                account_number: b.account_number,
            }),
            fx,
            charge_reference: data.charge_reference,
            legs: data.legs,
            unanswered: data.unanswered,
            due_at: r.due_at,
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
    /// A refund, if the merchant owns it (`None`: any merchant's).
    pub async fn refund(
        &self,
        id: &str,
        merchant: Option<&str>,
    ) -> Result<Refund, AfterSalesError> {
        self.owned(
            AfterSalesKind::Refund,
            "refund",
            id,
            merchant,
            Refund::from_record,
        )
        .await
    }

    /// A page of refunds, newest first.
    pub async fn refunds(
        &self,
        merchant: Option<&str>,
        limit: usize,
        starting_after: Option<&str>,
    ) -> Result<(Vec<Refund>, bool), AfterSalesError> {
        self.page(
            AfterSalesKind::Refund,
            merchant,
            limit,
            starting_after,
            Refund::from_record,
        )
        .await
    }
}
