//! Payment reads on either backend.

use std::collections::HashMap;

use corridor_core::Timestamp;
use rusqlite::params;

use crate::payment_sql as q;
use crate::rows;
use crate::store::{Backend, Store};
use crate::{AttemptRecord, Page, PaymentRecord, StoreError};

impl Store {
    /// A payment by id.
    pub async fn payment(&self, id: &str) -> Result<Option<PaymentRecord>, StoreError> {
        let id = id.to_string();
        match self.backend() {
            Backend::Sqlite(s) => s
                .rows(q::GET_PAYMENT, move |c, sql| collect(c, sql, params![id]))
                .await
                .map(first),
            Backend::Postgres(s) => s
                .select(q::GET_PAYMENT, &[&id], rows::payment)
                .await
                .map(first),
        }
    }

    /// A merchant's payments, newest first, after the cursor.
    pub async fn payments(
        &self,
        merchant: &str,
        limit: usize,
        starting_after: Option<&str>,
    ) -> Result<Page<PaymentRecord>, StoreError> {
        let fetch = i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1);
        let merchant = merchant.to_string();
        let mut items = match (self.backend(), starting_after.map(str::to_string)) {
            (Backend::Sqlite(s), None) => {
                s.rows(q::LIST_PAYMENTS_FIRST, move |c, sql| {
                    collect(c, sql, params![merchant, fetch])
                })
                .await?
            }
            (Backend::Sqlite(s), Some(after)) => {
                s.rows(q::LIST_PAYMENTS_AFTER, move |c, sql| {
                    collect(c, sql, params![after, merchant, fetch])
                })
                .await?
            }
            (Backend::Postgres(s), None) => {
                s.select(q::LIST_PAYMENTS_FIRST, &[&merchant, &fetch], rows::payment)
                    .await?
            }
            (Backend::Postgres(s), Some(after)) => {
                s.select(
                    q::LIST_PAYMENTS_AFTER,
                    &[&after, &merchant, &fetch],
                    rows::payment,
                )
                .await?
            }
        };
        let has_more = items.len() > limit;
        items.truncate(limit);
        Ok(Page { items, has_more })
    }

    /// The payment a connector's reference belongs to.
    pub async fn payment_by_connector_ref(
        &self,
        connector: &str,
        reference: &str,
    ) -> Result<Option<PaymentRecord>, StoreError> {
        let (connector, reference) = (connector.to_string(), reference.to_string());
        match self.backend() {
            Backend::Sqlite(s) => s
                .rows(q::PAYMENT_BY_CONNECTOR_REF, move |c, sql| {
                    collect(c, sql, params![connector, reference])
                })
                .await
                .map(first),
            Backend::Postgres(s) => s
                .select(
                    q::PAYMENT_BY_CONNECTOR_REF,
                    &[&connector, &reference],
                    rows::payment,
                )
                .await
                .map(first),
        }
    }

    /// Captured payments whose funds are due to settle at `now`.
    pub async fn payments_due_settlement(
        &self,
        now: Timestamp,
        limit: usize,
    ) -> Result<Vec<PaymentRecord>, StoreError> {
        self.due(q::PAYMENTS_DUE_SETTLEMENT, now, limit).await
    }

    /// Payments whose pending action or authorization has expired at `now`.
    pub async fn payments_due_expiry(
        &self,
        now: Timestamp,
        limit: usize,
    ) -> Result<Vec<PaymentRecord>, StoreError> {
        self.due(q::PAYMENTS_DUE_EXPIRY, now, limit).await
    }

    async fn due(
        &self,
        sql: &'static str,
        now: Timestamp,
        limit: usize,
    ) -> Result<Vec<PaymentRecord>, StoreError> {
        let (at, limit) = (now.unix_micros(), i64::try_from(limit).unwrap_or(i64::MAX));
        match self.backend() {
            Backend::Sqlite(s) => {
                s.rows(sql, move |c, sql| collect(c, sql, params![at, limit]))
                    .await
            }
            Backend::Postgres(s) => s.select(sql, &[&at, &limit], rows::payment).await,
        }
    }

    /// Every attempt of a payment, in order.
    pub async fn payment_attempts(
        &self,
        payment_id: &str,
    ) -> Result<Vec<AttemptRecord>, StoreError> {
        let id = payment_id.to_string();
        match self.backend() {
            Backend::Sqlite(s) => {
                s.read(move |c| {
                    let mut stmt = c.prepare_cached(q::PAYMENT_ATTEMPTS)?;
                    let mut rows_ = stmt.query(params![id])?;
                    let mut out = Vec::new();
                    while let Some(r) = rows_.next()? {
                        out.push(rows::attempt(r)?);
                    }
                    Ok(out)
                })
                .await
            }
            Backend::Postgres(s) => s.select(q::PAYMENT_ATTEMPTS, &[&id], rows::attempt).await,
        }
    }

    /// Every attempt of each of `payment_ids` (one query for a page of
    /// payments), in order; a payment without attempts has none in the map.
    pub async fn attempts_of_payments(
        &self,
        payment_ids: &[String],
    ) -> Result<HashMap<String, Vec<AttemptRecord>>, StoreError> {
        if payment_ids.is_empty() {
            return Ok(HashMap::new());
        }
        let ids = payment_ids.to_vec();
        let found = match self.backend() {
            Backend::Sqlite(s) => {
                s.read(move |c| {
                    let mut stmt = c.prepare_cached(&q::attempts_of_payments_sqlite(ids.len()))?;
                    let mut rows_ = stmt.query(rusqlite::params_from_iter(ids.iter()))?;
                    let mut out = Vec::new();
                    while let Some(r) = rows_.next()? {
                        out.push(rows::attempt(r)?);
                    }
                    Ok(out)
                })
                .await?
            }
            Backend::Postgres(s) => {
                s.select(q::ATTEMPTS_OF_PAYMENTS_POSTGRES, &[&ids], rows::attempt)
                    .await?
            }
        };
        let mut by_payment: HashMap<String, Vec<AttemptRecord>> = HashMap::new();
        for a in found {
            by_payment.entry(a.payment_id.clone()).or_default().push(a);
        }
        Ok(by_payment)
    }
}

fn first<T>(v: Vec<T>) -> Option<T> {
    v.into_iter().next()
}

fn collect<P: rusqlite::Params>(
    c: &rusqlite::Connection,
    sql: &str,
    params: P,
) -> Result<Vec<PaymentRecord>, StoreError> {
    crate::sqlite::reads::collect(c, sql, params, |r| rows::payment(r))
}
