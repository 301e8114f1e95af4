//! Reads on the SQLite pool, each on a blocking thread.

use std::path::Path;

use corridor_core::ledger::{HoldId, TxnId, TxnMeta, VerifyReport};
use corridor_core::Timestamp;
use rusqlite::{params, Connection, OptionalExtension};

use super::SqliteStore;
use crate::records::*;
use crate::rows::{self, SqlRow};
use crate::sql;
use crate::StoreError;

impl SqliteStore {
    pub(crate) async fn read<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let pool = self.pool.clone();
        let progress = self.progress.clone();
        tokio::task::spawn_blocking(move || {
            // Read-your-writes: every write acknowledged before this read
            // began is in the database before the read runs.
            progress.wait_for_logged()?;
            let conn = pool.get()?;
            f(&conn)
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
    }

    /// Runs `f` with a connection and an SQL text, on a blocking thread.
    pub(crate) async fn rows<T, F>(&self, sql: &'static str, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection, &str) -> Result<T, StoreError> + Send + 'static,
    {
        self.read(move |c| f(c, sql)).await
    }

    pub(crate) async fn get_merchant(
        &self,
        id: String,
    ) -> Result<Option<MerchantRecord>, StoreError> {
        self.read(move |c| {
            c.prepare_cached(sql::GET_MERCHANT)?
                .query_row([id], |r| Ok(rows::merchant(r)))
                .optional()?
                .transpose()
        })
        .await
    }

    pub(crate) async fn list_merchants(
        &self,
        limit: i64,
        after: Option<String>,
    ) -> Result<Vec<MerchantRecord>, StoreError> {
        self.read(move |c| match after {
            None => collect(c, sql::LIST_MERCHANTS_FIRST, params![limit], |r| {
                rows::merchant(r)
            }),
            Some(id) => collect(c, sql::LIST_MERCHANTS_AFTER, params![id, limit], |r| {
                rows::merchant(r)
            }),
        })
        .await
    }

    pub(crate) async fn principal_for_key(
        &self,
        hash: String,
    ) -> Result<Option<Principal>, StoreError> {
        self.read(move |c| {
            let row: Option<(String, Option<String>)> = c
                .prepare_cached(sql::PRINCIPAL_FOR_KEY)?
                .query_row([hash], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            Ok(row
                .map(|(kind, merchant)| rows::principal(&kind, merchant))
                .transpose()?
                .flatten())
        })
        .await
    }

    pub(crate) async fn operator_key_count(&self) -> Result<i64, StoreError> {
        self.read(|c| Ok(c.query_row(sql::COUNT_OPERATOR_KEYS, [], |r| r.get(0))?))
            .await
    }

    pub(crate) async fn idempotency(
        &self,
        scope: String,
        key: String,
    ) -> Result<Option<IdempotencyRecord>, StoreError> {
        self.read(move |c| {
            c.prepare_cached(sql::GET_IDEMPOTENCY)?
                .query_row([scope, key], |r| Ok(rows::idempotency(r)))
                .optional()?
                .transpose()
        })
        .await
    }

    pub(crate) async fn balances(&self, owner: String) -> Result<Vec<AccountBalance>, StoreError> {
        self.read(move |c| {
            collect(c, sql::BALANCES_OF_OWNER, params![owner], |r| {
                rows::balance(r)
            })
        })
        .await
    }

    pub(crate) async fn history(
        &self,
        owner: String,
        limit: i64,
        before: Option<TxnId>,
    ) -> Result<Vec<HistoryEntry>, StoreError> {
        self.read(move |c| super::history::read(c, &owner, limit, before))
            .await
    }

    pub(crate) async fn txn(&self, id: TxnId) -> Result<Option<TxnRecord>, StoreError> {
        self.read(move |c| {
            let header = c
                .prepare_cached(sql::GET_TXN)?
                .query_row([id.0], |r| {
                    Ok((
                        r.get::<_, String>(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get::<_, Option<i64>>(4)?,
                        r.get::<_, i64>(5)?,
                    ))
                })
                .optional()?;
            let Some((kind, source_id, description, hold, created_at)) = header else {
                return Ok(None);
            };
            let postings = collect(c, sql::TXN_POSTINGS, params![id.0], |r| rows::posting(r))?;
            Ok(Some(TxnRecord {
                id,
                meta: TxnMeta {
                    kind,
                    source_id,
                    description,
                },
                hold: hold.map(HoldId),
                created_at: Timestamp::from_unix_micros(created_at),
                postings,
            }))
        })
        .await
    }

    pub(crate) async fn verify(&self) -> Result<VerifyReport, StoreError> {
        self.read(|c| {
            // One read transaction: a consistent snapshot while the writer goes on.
            c.execute_batch("BEGIN")?;
            let log = c
                .path()
                .filter(|p| !p.is_empty())
                .map(|db| super::log_path(Path::new(db)));
            let result = super::verify::report(c, log.as_deref());
            c.execute_batch("COMMIT")?;
            result
        })
        .await
    }

    pub(crate) async fn expired_holds(
        &self,
        now: Timestamp,
        limit: i64,
    ) -> Result<Vec<HoldId>, StoreError> {
        self.read(move |c| {
            collect(
                c,
                sql::EXPIRED_HOLDS,
                params![now.unix_micros(), limit],
                |r| Ok(HoldId(r.int(0)?)),
            )
        })
        .await
    }
}

/// Every row of a cached statement, decoded.
pub(crate) fn collect<T, P: rusqlite::Params>(
    c: &Connection,
    sql: &str,
    params: P,
    decode: impl Fn(&rusqlite::Row<'_>) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let mut stmt = c.prepare_cached(sql)?;
    let mut rows = stmt.query(params)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(decode(row)?);
    }
    Ok(out)
}

/// The first row of a cached statement, decoded, if any.
pub(crate) fn first<T, P: rusqlite::Params>(
    c: &Connection,
    sql: &str,
    params: P,
    decode: impl Fn(&rusqlite::Row<'_>) -> Result<T, StoreError>,
) -> Result<Option<T>, StoreError> {
    c.prepare_cached(sql)?
        .query_row(params, |r| Ok(decode(r)))
        .optional()?
        .transpose()
}
