//! Reads that recovery and operators need: attempts without an outcome,
//! payments waiting on a provider, started idempotency keys, orphan charges.

use corridor_core::Timestamp;
use rusqlite::params;

use crate::rows::{self, SqlRow};
use crate::sqlite::reads::collect;
use crate::store::{Backend, Store};
use crate::{payment_sql as q, sql};
use crate::{AttemptRecord, OrphanRecord, PaymentRecord, StoreError};

impl Store {
    /// Attempts whose outcome is not known (`started` or `unknown`), oldest first.
    pub async fn open_attempts(&self, limit: usize) -> Result<Vec<AttemptRecord>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        match self.backend() {
            Backend::Sqlite(s) => {
                s.rows(q::OPEN_ATTEMPTS, move |c, sql| {
                    collect(c, sql, params![limit], |r| rows::attempt(r))
                })
                .await
            }
            Backend::Postgres(s) => s.select(q::OPEN_ATTEMPTS, &[&limit], rows::attempt).await,
        }
    }

    /// Payments in `processing` with a provider charge, unchanged since `before`.
    pub async fn payments_awaiting_provider(
        &self,
        before: Timestamp,
        limit: usize,
    ) -> Result<Vec<PaymentRecord>, StoreError> {
        let (at, limit) = (
            before.unix_micros(),
            i64::try_from(limit).unwrap_or(i64::MAX),
        );
        match self.backend() {
            Backend::Sqlite(s) => {
                s.rows(q::PAYMENTS_AWAITING_PROVIDER, move |c, sql| {
                    collect(c, sql, params![at, limit], |r| rows::payment(r))
                })
                .await
            }
            Backend::Postgres(s) => {
                s.select(q::PAYMENTS_AWAITING_PROVIDER, &[&at, &limit], rows::payment)
                    .await
            }
        }
    }

    /// A started (not yet completed) idempotency key: its request digest and
    /// the resource it created.
    pub async fn started_key(
        &self,
        scope: &str,
        key: &str,
    ) -> Result<Option<(String, String)>, StoreError> {
        let (scope, key) = (scope.to_string(), key.to_string());
        let found = match self.backend() {
            Backend::Sqlite(s) => {
                s.rows(sql::GET_STARTED_KEY, move |c, sql| {
                    collect(c, sql, params![scope, key], |r| {
                        Ok((r.text(0)?, r.text(1)?))
                    })
                })
                .await?
            }
            Backend::Postgres(s) => {
                s.select(sql::GET_STARTED_KEY, &[&scope, &key], |r| {
                    Ok((r.text(0)?, r.text(1)?))
                })
                .await?
            }
        };
        Ok(found.into_iter().next())
    }

    /// Provider charges without an attempt, newest first.
    pub async fn provider_orphans(&self, limit: usize) -> Result<Vec<OrphanRecord>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        match self.backend() {
            Backend::Sqlite(s) => {
                s.rows(sql::LIST_ORPHANS, move |c, sql| {
                    collect(c, sql, params![limit], |r| orphan(r))
                })
                .await
            }
            Backend::Postgres(s) => s.select(sql::LIST_ORPHANS, &[&limit], orphan).await,
        }
    }
}

fn orphan(r: &impl SqlRow) -> Result<OrphanRecord, StoreError> {
    Ok(OrphanRecord {
        connector: r.text(0)?,
        reference: r.text(1)?,
        payment_id: r.text(2)?,
        status: r.text(3)?,
        amount: r.int(4)?,
        currency: r.text(5)?,
        resolution: r.text(6)?,
        created_at: Timestamp::from_unix_micros(r.int(7)?),
    })
}
