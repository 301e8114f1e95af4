//! The transactions transaction monitoring counted, read back from the
//! durable payments, refunds and payouts, so a restarted server rebuilds
//! its windows and baselines instead of starting empty.

use corridor_core::Timestamp;

use crate::payout_rows::SqlValue;
use crate::rows::SqlRow;
use crate::store::Store;
use crate::StoreError;

/// Payments, refunds and payouts created since `$1`, oldest first, at most
/// `$2`: flow, id, merchant, country, currency and amount as monitored,
/// the currency and amount valued in USD (a payout's debit), card,
/// beneficiary, time.
const MONITORED_SINCE: &str = "SELECT 'payment' AS flow, id, merchant_id, country, currency, amount, \
     currency AS usd_currency, amount AS usd_amount, card_fingerprint, CAST(NULL AS TEXT) AS beneficiary, created_at \
     FROM payments WHERE created_at >= $1 \
     UNION ALL SELECT 'refund', id, merchant_id, country, currency, amount, currency, amount, \
     CAST(NULL AS TEXT), CAST(NULL AS TEXT), created_at \
     FROM after_sales_objects WHERE kind = 'refund' AND created_at >= $1 \
     UNION ALL SELECT 'payout', p.id, p.merchant_id, b.country, p.target_currency, p.target_amount, \
     p.currency, p.amount, CAST(NULL AS TEXT), p.beneficiary_id, p.created_at \
     FROM payouts p JOIN beneficiaries b ON b.id = p.beneficiary_id WHERE p.created_at >= $1 \
     ORDER BY created_at, id LIMIT $2";

/// A transaction as monitoring counted it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonitoredRecord {
    /// `payment`, `refund` or `payout`.
    pub flow: String,
    /// Its id.
    pub id: String,
    /// The merchant.
    pub merchant_id: String,
    /// The buyer's market or the beneficiary's country.
    pub country: String,
    /// The monitored currency (what arrives, for a payout).
    pub currency: String,
    /// The monitored amount, minor units.
    pub amount: i64,
    /// The currency its USD value is taken from.
    pub usd_currency: String,
    /// The amount its USD value is taken from.
    pub usd_amount: i64,
    /// The card's fingerprint (payments).
    pub card: Option<String>,
    /// The beneficiary (payouts).
    pub beneficiary: Option<String>,
    /// When it was created.
    pub created_at: Timestamp,
}

fn record(r: &dyn SqlRow) -> Result<MonitoredRecord, StoreError> {
    Ok(MonitoredRecord {
        flow: r.text(0)?,
        id: r.text(1)?,
        merchant_id: r.text(2)?,
        country: r.text(3)?,
        currency: r.text(4)?,
        amount: r.int(5)?,
        usd_currency: r.text(6)?,
        usd_amount: r.int(7)?,
        card: r.opt_text(8)?,
        beneficiary: r.opt_text(9)?,
        created_at: Timestamp::from_unix_micros(r.int(10)?),
    })
}

impl Store {
    /// Payments, refunds and payouts created since `since`, oldest first,
    /// at most `limit`.
    pub async fn monitored_since(
        &self,
        since: Timestamp,
        limit: usize,
    ) -> Result<Vec<MonitoredRecord>, StoreError> {
        let values = vec![
            SqlValue::Int(since.unix_micros()),
            SqlValue::Int(i64::try_from(limit).unwrap_or(i64::MAX)),
        ];
        self.payout_rows(MONITORED_SINCE.to_owned(), values, record)
            .await
    }
}
