//! The totals an annual quota is checked against, read from the durable
//! payments and payouts (not from memory), so a restart forgets nothing.

use corridor_core::Timestamp;

use crate::payout_rows::SqlValue;
use crate::quota_sql as q;
use crate::store::Store;
use crate::StoreError;

/// Whose transactions a total sums.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TotalsOf {
    /// One card's payments (by fingerprint).
    CardPayments,
    /// One merchant's payments.
    MerchantPayments,
    /// Payouts to one beneficiary.
    BeneficiaryPayouts,
    /// One merchant's payouts.
    MerchantPayouts,
}

impl Store {
    /// The minor units per currency of `of` for `key` since `since`:
    /// payments not failed or canceled, payouts not failed or returned.
    pub async fn totals_since(
        &self,
        of: TotalsOf,
        key: &str,
        since: Timestamp,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let sql = match of {
            TotalsOf::CardPayments => q::CARD_PAYMENT_TOTALS,
            TotalsOf::MerchantPayments => q::MERCHANT_PAYMENT_TOTALS,
            TotalsOf::BeneficiaryPayouts => q::BENEFICIARY_PAYOUT_TOTALS,
            TotalsOf::MerchantPayouts => q::MERCHANT_PAYOUT_TOTALS,
        };
        let values = vec![
            SqlValue::Text(key.to_owned()),
            SqlValue::Int(since.unix_micros()),
        ];
        self.payout_rows(sql.to_owned(), values, |r| Ok((r.text(0)?, r.int(1)?)))
            .await
    }
}
