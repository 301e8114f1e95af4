//! Reads on the PostgreSQL pool.

use corridor_core::ledger::{
    verify, CurrencyTotals, HoldId, TxnId, TxnMeta, VerifyInput, VerifyReport,
};
use corridor_core::Timestamp;
use tokio_postgres::types::ToSql;

use super::PostgresStore;
use crate::records::*;
use crate::rows::{self, SqlRow};
use crate::sql;
use crate::StoreError;

type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

impl PostgresStore {
    async fn client(&self) -> Result<deadpool_postgres::Client, StoreError> {
        self.pool
            .get()
            .await
            .map_err(|e| StoreError::PostgresPool(e.to_string()))
    }

    pub(crate) async fn select<T>(
        &self,
        sql: &str,
        params: Params<'_>,
        decode: impl Fn(&tokio_postgres::Row) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        self.all(sql, params, decode).await
    }

    async fn all<T>(
        &self,
        sql: &str,
        params: Params<'_>,
        decode: impl Fn(&tokio_postgres::Row) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        let client = self.client().await?;
        let stmt = client.prepare_cached(sql).await?;
        client
            .query(&stmt, params)
            .await?
            .iter()
            .map(decode)
            .collect()
    }

    async fn one<T>(
        &self,
        sql: &str,
        params: Params<'_>,
        decode: impl Fn(&tokio_postgres::Row) -> Result<T, StoreError>,
    ) -> Result<Option<T>, StoreError> {
        Ok(self.all(sql, params, decode).await?.into_iter().next())
    }

    pub(crate) async fn get_merchant(
        &self,
        id: String,
    ) -> Result<Option<MerchantRecord>, StoreError> {
        self.one(sql::GET_MERCHANT, &[&id], rows::merchant).await
    }

    pub(crate) async fn list_merchants(
        &self,
        limit: i64,
        after: Option<String>,
    ) -> Result<Vec<MerchantRecord>, StoreError> {
        match after {
            None => {
                self.all(sql::LIST_MERCHANTS_FIRST, &[&limit], rows::merchant)
                    .await
            }
            Some(id) => {
                self.all(sql::LIST_MERCHANTS_AFTER, &[&id, &limit], rows::merchant)
                    .await
            }
        }
    }

    pub(crate) async fn principal_for_key(
        &self,
        hash: String,
    ) -> Result<Option<Principal>, StoreError> {
        let row = self
            .one(sql::PRINCIPAL_FOR_KEY, &[&hash], |r| {
                Ok((r.text(0)?, r.opt_text(1)?))
            })
            .await?;
        Ok(row
            .map(|(kind, merchant)| rows::principal(&kind, merchant))
            .transpose()?
            .flatten())
    }

    pub(crate) async fn operator_key_count(&self) -> Result<i64, StoreError> {
        Ok(self
            .one(sql::COUNT_OPERATOR_KEYS, &[], |r| r.int(0))
            .await?
            .unwrap_or(0))
    }

    pub(crate) async fn idempotency(
        &self,
        scope: String,
        key: String,
    ) -> Result<Option<IdempotencyRecord>, StoreError> {
        self.one(sql::GET_IDEMPOTENCY, &[&scope, &key], rows::idempotency)
            .await
    }

    pub(crate) async fn balances(&self, owner: String) -> Result<Vec<AccountBalance>, StoreError> {
        self.all(sql::BALANCES_OF_OWNER, &[&owner], rows::balance)
            .await
    }

    pub(crate) async fn history(
        &self,
        owner: String,
        limit: i64,
        before: Option<TxnId>,
    ) -> Result<Vec<HistoryEntry>, StoreError> {
        match before {
            None => {
                self.all(sql::HISTORY_FIRST, &[&owner, &limit], rows::history)
                    .await
            }
            Some(txn) => {
                self.all(
                    sql::HISTORY_BEFORE,
                    &[&owner, &txn.0, &limit],
                    rows::history,
                )
                .await
            }
        }
    }

    pub(crate) async fn txn(&self, id: TxnId) -> Result<Option<TxnRecord>, StoreError> {
        let header = self
            .one(sql::GET_TXN, &[&id.0], |r| {
                Ok((
                    r.text(1)?,
                    r.opt_text(2)?,
                    r.opt_text(3)?,
                    r.opt_int(4)?,
                    r.int(5)?,
                ))
            })
            .await?;
        let Some((kind, source_id, description, hold, created_at)) = header else {
            return Ok(None);
        };
        let postings = self.all(sql::TXN_POSTINGS, &[&id.0], rows::posting).await?;
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
    }

    pub(crate) async fn verify(&self) -> Result<VerifyReport, StoreError> {
        let mut client = self.client().await?;
        // One repeatable-read snapshot while the writer goes on.
        let tx = client
            .build_transaction()
            .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .await?;
        let accounts = tx
            .query(sql::VERIFY_ACCOUNTS, &[])
            .await?
            .iter()
            .map(rows::account_check)
            .collect::<Result<_, _>>()?;
        let currencies = tx
            .query(sql::VERIFY_CURRENCIES_PG, &[])
            .await?
            .iter()
            .map(|r| {
                let total = |i: usize| -> Result<i128, StoreError> {
                    let text = r.text(i)?;
                    text.parse()
                        .map_err(|_| StoreError::Corrupt(format!("currency total '{text}'")))
                };
                Ok((
                    r.text(0)?,
                    CurrencyTotals {
                        debits: total(1)?,
                        credits: total(2)?,
                    },
                ))
            })
            .collect::<Result<_, StoreError>>()?;
        let unbalanced_transactions = tx
            .query(sql::VERIFY_TXNS, &[])
            .await?
            .iter()
            .map(|r| Ok((TxnId(r.int(0)?), r.text(1)?, i128::from(r.int(2)?))))
            .collect::<Result<_, StoreError>>()?;
        tx.commit().await?;
        Ok(verify(VerifyInput {
            accounts,
            currencies,
            unbalanced_transactions,
        }))
    }

    pub(crate) async fn expired_holds(
        &self,
        now: Timestamp,
        limit: i64,
    ) -> Result<Vec<HoldId>, StoreError> {
        self.all(sql::EXPIRED_HOLDS, &[&now.unix_micros(), &limit], |r| {
            Ok(HoldId(r.int(0)?))
        })
        .await
    }
}
