//! Payout-side reads on either backend.

use corridor_core::{Currency, Timestamp};

use crate::payout_rows::{self as decode, pg_params, SqlValue};
use crate::payout_sql as q;
use crate::rows::SqlRow;
use crate::store::{Backend, Store};
use crate::{BankFileRecord, BeneficiaryRecord, Page, PayoutBatchRecord, PayoutRecord, StoreError};

impl Store {
    /// Runs a read with parameters on either backend.
    pub(crate) async fn payout_rows<T: Send + 'static>(
        &self,
        sql: String,
        values: Vec<SqlValue>,
        decode: fn(&dyn SqlRow) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        match self.backend() {
            Backend::Sqlite(s) => {
                s.read(move |c| {
                    let mut stmt = c.prepare_cached(&sql)?;
                    let mut rows = stmt.query(rusqlite::params_from_iter(values.iter()))?;
                    let mut out = Vec::new();
                    while let Some(r) = rows.next()? {
                        out.push(decode(r as &dyn SqlRow)?);
                    }
                    Ok(out)
                })
                .await
            }
            Backend::Postgres(s) => {
                let boxed = pg_params(&values);
                let refs: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = boxed
                    .iter()
                    .map(|b| b.as_ref() as &(dyn tokio_postgres::types::ToSql + Sync))
                    .collect();
                s.select(&sql, &refs, |r| decode(r as &dyn SqlRow)).await
            }
        }
    }

    /// A beneficiary by id.
    pub async fn beneficiary(&self, id: &str) -> Result<Option<BeneficiaryRecord>, StoreError> {
        let rows = self
            .payout_rows(q::get_beneficiary(), vec![SqlValue::Text(id.into())], |r| {
                decode::beneficiary(r)
            })
            .await?;
        Ok(rows.into_iter().next())
    }

    /// A merchant's beneficiaries, newest first.
    pub async fn beneficiaries(
        &self,
        merchant: &str,
        limit: usize,
        starting_after: Option<&str>,
    ) -> Result<Page<BeneficiaryRecord>, StoreError> {
        let fetch = i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1);
        let (sql, values) = match starting_after {
            None => (
                q::list_beneficiaries_first(),
                vec![SqlValue::Text(merchant.into()), SqlValue::Int(fetch)],
            ),
            Some(after) => (
                q::list_beneficiaries_after(),
                vec![
                    SqlValue::Text(after.into()),
                    SqlValue::Text(merchant.into()),
                    SqlValue::Int(fetch),
                ],
            ),
        };
        let items = self
            .payout_rows(sql, values, |r| decode::beneficiary(r))
            .await?;
        Ok(page(items, limit))
    }

    /// A payout by id.
    pub async fn payout(&self, id: &str) -> Result<Option<PayoutRecord>, StoreError> {
        let rows = self
            .payout_rows(q::get_payout(), vec![SqlValue::Text(id.into())], |r| {
                decode::payout(r)
            })
            .await?;
        Ok(rows.into_iter().next())
    }

    /// The payout with an ISO 20022 end-to-end id.
    pub async fn payout_by_end_to_end_id(
        &self,
        id: &str,
    ) -> Result<Option<PayoutRecord>, StoreError> {
        let rows = self
            .payout_rows(
                q::payout_by_end_to_end(),
                vec![SqlValue::Text(id.into())],
                |r| decode::payout(r),
            )
            .await?;
        Ok(rows.into_iter().next())
    }

    /// A merchant's payouts, newest first.
    pub async fn payouts(
        &self,
        merchant: &str,
        limit: usize,
        starting_after: Option<&str>,
    ) -> Result<Page<PayoutRecord>, StoreError> {
        let fetch = i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1);
        let (sql, values) = match starting_after {
            None => (
                q::list_payouts_first(),
                vec![SqlValue::Text(merchant.into()), SqlValue::Int(fetch)],
            ),
            Some(after) => (
                q::list_payouts_after(),
                vec![
                    SqlValue::Text(after.into()),
                    SqlValue::Text(merchant.into()),
                    SqlValue::Int(fetch),
                ],
            ),
        };
        let items = self.payout_rows(sql, values, |r| decode::payout(r)).await?;
        Ok(page(items, limit))
    }

    /// Pending payouts in no batch, oldest first, of a rail and instructed
    /// currency when given.
    pub async fn payouts_to_batch(
        &self,
        rail: Option<&str>,
        currency: Option<Currency>,
        limit: usize,
    ) -> Result<Vec<PayoutRecord>, StoreError> {
        let values = vec![
            SqlValue::Text(rail.unwrap_or("").into()),
            SqlValue::Text(currency.map_or("", |c| c.code()).into()),
            SqlValue::Int(i64::try_from(limit).unwrap_or(i64::MAX)),
        ];
        self.payout_rows(q::payouts_to_batch(), values, |r| decode::payout(r))
            .await
    }

    /// The payouts of a batch, in file order.
    pub async fn payouts_of_batch(&self, batch: &str) -> Result<Vec<PayoutRecord>, StoreError> {
        self.payout_rows(
            q::payouts_of_batch(),
            vec![SqlValue::Text(batch.into())],
            |r| decode::payout(r),
        )
        .await
    }

    /// What a merchant paid out of one balance since `since`, failed payouts
    /// excepted.
    pub async fn payout_total_since(
        &self,
        merchant: &str,
        currency: Currency,
        since: Timestamp,
    ) -> Result<i64, StoreError> {
        let values = vec![
            SqlValue::Text(merchant.into()),
            SqlValue::Text(currency.code().into()),
            SqlValue::Int(since.unix_micros()),
        ];
        let rows = self
            .payout_rows(q::PAYOUT_TOTAL_SINCE.to_string(), values, |r| r.int(0))
            .await?;
        Ok(rows.into_iter().next().unwrap_or(0))
    }

    /// A payout batch.
    pub async fn payout_batch(&self, id: &str) -> Result<Option<PayoutBatchRecord>, StoreError> {
        let rows = self
            .payout_rows(
                q::GET_BATCH.to_string(),
                vec![SqlValue::Text(id.into())],
                |r| decode::batch(r),
            )
            .await?;
        Ok(rows.into_iter().next())
    }

    /// A bank file applied before, by digest.
    pub async fn bank_file(&self, id: &str) -> Result<Option<BankFileRecord>, StoreError> {
        let rows = self
            .payout_rows(
                q::GET_BANK_FILE.to_string(),
                vec![SqlValue::Text(id.into())],
                |r| decode::bank_file(r),
            )
            .await?;
        Ok(rows.into_iter().next())
    }
}

fn page<T>(mut items: Vec<T>, limit: usize) -> Page<T> {
    let has_more = items.len() > limit;
    items.truncate(limit);
    Page { items, has_more }
}
