//! The PostgreSQL side of the ledger writer: its own connection, driven by a
//! single-threaded runtime on the writer's thread; bulk rows go in as arrays
//! through `UNNEST`, one statement per table per batch.

use corridor_core::ledger::{AccountId, AccountState, HoldId, HoldState, Recorded};
use tokio_postgres::{Client, NoTls};

use crate::records::{AccountKey, IdempotencyRecord};
use crate::rows::{self, posted_amount, principal_columns};
use crate::sql;
use crate::writer::{BatchRows, NextIds, WriterBackend};
use crate::StoreError;

/// The writer's connection, opened lazily on the writer's thread.
pub(crate) struct PostgresWriter {
    config: tokio_postgres::Config,
    runtime: Option<tokio::runtime::Runtime>,
    client: Option<Client>,
}

/// Session advisory lock held by the one writer of a database ("writer01").
const WRITER_LOCK: i64 = 0x7772_6974_6572_3031;

impl PostgresWriter {
    pub(crate) fn new(config: tokio_postgres::Config) -> Self {
        PostgresWriter {
            config,
            runtime: None,
            client: None,
        }
    }

    /// Runs `f` against the connection, connecting first if needed.
    fn with<T>(
        &mut self,
        f: impl AsyncFnOnce(&mut Client) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        if self.runtime.is_none() {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| StoreError::Task(e.to_string()))?;
            self.runtime = Some(rt);
        }
        let rt = self.runtime.as_ref().ok_or(StoreError::WriterStopped)?;
        if self.client.as_ref().is_none_or(Client::is_closed) {
            let (client, connection) = rt.block_on(self.config.connect(NoTls))?;
            rt.spawn(async move {
                if let Err(e) = connection.await {
                    tracing::error!(error = %e, "ledger writer connection closed");
                }
            });
            // This session only runs point lookups and bulk writes by key.
            // Without this, large `= ANY($1)` lookups get planned as full
            // scans of the transaction table, and slow down as it grows.
            rt.block_on(client.batch_execute("SET enable_seqscan = off"))?;
            // The writer's session holds the database's writer lock for as
            // long as it lives; PostgreSQL releases it when the session ends,
            // however the process ends.
            // A writer of this process that was just dropped ends its
            // session as its thread ends: give it a moment before refusing.
            let deadline = std::time::Instant::now() + crate::sqlite::LOCK_WAIT;
            let locked = loop {
                let locked: bool = rt
                    .block_on(client.query_one("SELECT pg_try_advisory_lock($1)", &[&WRITER_LOCK]))?
                    .try_get(0)?;
                if locked || std::time::Instant::now() >= deadline {
                    break locked;
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            };
            if !locked {
                return Err(StoreError::Locked(
                    "another corridor process is writing to this PostgreSQL database \
                     (it holds the writer's advisory lock); stop it first"
                        .into(),
                ));
            }
            self.client = Some(client);
        }
        let client = self.client.as_mut().ok_or(StoreError::WriterStopped)?;
        rt.block_on(f(client))
    }
}

impl WriterBackend for PostgresWriter {
    fn next_ids(&mut self) -> Result<NextIds, StoreError> {
        self.with(async |c: &mut Client| {
            let r = c.query_one(sql::NEXT_IDS, &[]).await?;
            Ok(NextIds {
                account: r.try_get(0)?,
                txn: r.try_get(1)?,
                hold: r.try_get(2)?,
                event: r.try_get(3)?,
            })
        })
    }

    fn load_accounts(
        &mut self,
        keys: &[AccountKey],
    ) -> Result<Vec<(AccountKey, AccountId, AccountState)>, StoreError> {
        self.with(async |c: &mut Client| {
            let stmt = c.prepare(sql::LOAD_ACCOUNT).await?;
            let mut out = Vec::with_capacity(keys.len());
            for key in keys {
                if let Some(r) = c
                    .query_opt(
                        &stmt,
                        &[&key.owner.code(), &key.currency.code(), &key.kind.code()],
                    )
                    .await?
                {
                    let (id, state) = rows::account_state(&r, key.currency)?;
                    out.push((key.clone(), id, state));
                }
            }
            Ok(out)
        })
    }

    fn load_accounts_by_id(
        &mut self,
        ids: &[AccountId],
    ) -> Result<Vec<(AccountKey, AccountId, AccountState)>, StoreError> {
        let ids: Vec<i64> = ids.iter().map(|a| a.0).collect();
        self.with(async |c: &mut Client| {
            let sql = sql::LOAD_ACCOUNT_BY_ID.replace("WHERE id = $1", "WHERE id = ANY($1)");
            c.query(&sql, &[&ids])
                .await?
                .iter()
                .map(rows::account_with_key)
                .collect()
        })
    }

    fn load_holds(&mut self, ids: &[HoldId]) -> Result<Vec<HoldState>, StoreError> {
        let ids: Vec<i64> = ids.iter().map(|h| h.0).collect();
        self.with(async |c: &mut Client| {
            let sql = sql::LOAD_HOLD.replace("WHERE id = $1", "WHERE id = ANY($1)");
            c.query(&sql, &[&ids])
                .await?
                .iter()
                .map(rows::hold)
                .collect()
        })
    }

    fn load_client_refs(&mut self, refs: &[String]) -> Result<Vec<(String, Recorded)>, StoreError> {
        self.with(async |c: &mut Client| {
            c.query(sql::LOAD_CLIENT_REFS_POSTGRES, &[&refs])
                .await?
                .iter()
                .map(|r| Ok((r.try_get::<_, String>(4)?, rows::recorded(r)?)))
                .collect()
        })
    }

    fn load_idempotency(
        &mut self,
        keys: &[(String, String)],
    ) -> Result<Vec<IdempotencyRecord>, StoreError> {
        let (scopes, names): (Vec<&str>, Vec<&str>) =
            keys.iter().map(|(s, k)| (s.as_str(), k.as_str())).unzip();
        self.with(async |c: &mut Client| {
            let sql = "SELECT i.scope, i.key, i.request_hash, i.status_code, i.body, i.created_at FROM idempotency_keys i \
                       JOIN UNNEST($1::text[], $2::text[]) AS k(scope, key) ON i.scope = k.scope AND i.key = k.key";
            c.query(sql, &[&scopes, &names]).await?.iter().map(rows::idempotency).collect()
        })
    }

    fn load_payment_versions(&mut self, ids: &[String]) -> Result<Vec<(String, i64)>, StoreError> {
        self.with(async |c: &mut Client| {
            let sql = sql::PAYMENT_VERSION.replace("WHERE id = $1", "WHERE id = ANY($1)");
            c.query(&sql, &[&ids])
                .await?
                .iter()
                .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
                .collect()
        })
    }

    fn load_after_sales_versions(
        &mut self,
        ids: &[String],
    ) -> Result<Vec<(String, i64)>, StoreError> {
        self.with(async |c: &mut Client| super::after_sales::versions(c, ids).await)
    }

    fn load_refund_basis(
        &mut self,
        payment_ids: &[String],
    ) -> Result<Vec<(String, i64, i64)>, StoreError> {
        self.with(async |c: &mut Client| super::after_sales::refund_basis(c, payment_ids).await)
    }

    fn load_fx_versions(&mut self, ids: &[String]) -> Result<Vec<(String, i64)>, StoreError> {
        self.load_versions(crate::fx_sql::FX_OBJECT_VERSION, ids)
    }

    fn load_versions(
        &mut self,
        sql: &str,
        ids: &[String],
    ) -> Result<Vec<(String, i64)>, StoreError> {
        self.with(async |c: &mut Client| {
            let sql = sql.replace("WHERE id = $1", "WHERE id = ANY($1)");
            c.query(&sql, &[&ids])
                .await?
                .iter()
                .map(|r| Ok((r.try_get(0)?, r.try_get::<_, i64>(1)?)))
                .collect()
        })
    }

    fn commit(&mut self, b: &BatchRows) -> Result<(), StoreError> {
        self.with(async |c: &mut Client| commit(c, b).await)
    }
}

async fn commit(c: &mut Client, b: &BatchRows) -> Result<(), StoreError> {
    let tx = c.transaction().await?;
    for (id, key, forbids) in &b.accounts_new {
        tx.execute(
            "INSERT INTO accounts (id, owner, currency, kind, forbids_negative, posted, held_out, held_in) VALUES ($1, $2, $3, $4, $5, 0, 0, 0)",
            &[&id.0, &key.owner.code(), &key.currency.code(), &key.kind.code(), &i64::from(*forbids)],
        )
        .await?;
    }
    if !b.txns.is_empty() {
        let ids: Vec<i64> = b.txns.iter().map(|t| t.id.0).collect();
        let refs: Vec<Option<&str>> = b.txns.iter().map(|t| t.client_ref.as_deref()).collect();
        let hashes: Vec<Option<Vec<u8>>> = b
            .txns
            .iter()
            .map(|t| t.content_hash.map(|h| h.0.to_vec()))
            .collect();
        let failures: Vec<Option<&str>> = b
            .txns
            .iter()
            .map(|t| t.failure.as_ref().map(|f| f.code.code()))
            .collect();
        let kinds: Vec<&str> = b.txns.iter().map(|t| t.meta.kind.as_str()).collect();
        let sources: Vec<Option<&str>> =
            b.txns.iter().map(|t| t.meta.source_id.as_deref()).collect();
        let descriptions: Vec<Option<&str>> = b
            .txns
            .iter()
            .map(|t| t.meta.description.as_deref())
            .collect();
        let holds: Vec<Option<i64>> = b.txns.iter().map(|t| t.hold.map(|h| h.0)).collect();
        let times: Vec<i64> = b.txns.iter().map(|t| t.created_at.unix_micros()).collect();
        tx.execute(
            "INSERT INTO ledger_txns (id, client_ref, content_hash, failure_code, kind, source_id, description, hold_id, created_at) \
             SELECT * FROM UNNEST($1::bigint[], $2::text[], $3::bytea[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::bigint[])",
            &[&ids, &refs, &hashes, &failures, &kinds, &sources, &descriptions, &holds, &times],
        )
        .await?;
    }
    if !b.postings.is_empty() {
        let txns: Vec<i64> = b.postings.iter().map(|p| p.txn.0).collect();
        let legs: Vec<i64> = b.postings.iter().map(|p| i64::from(p.leg)).collect();
        let accounts: Vec<i64> = b.postings.iter().map(|p| p.account.0).collect();
        let amounts: Vec<i64> = b.postings.iter().map(|p| p.amount).collect();
        let after: Vec<i64> = b.postings.iter().map(|p| p.balance_after).collect();
        tx.execute(
            "INSERT INTO postings (txn_id, leg, account_id, amount, balance_after) \
             SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[])",
            &[&txns, &legs, &accounts, &amounts, &after],
        )
        .await?;
    }
    for (h, at) in &b.holds_new {
        tx.execute(
            "INSERT INTO holds (id, debit_account, credit_account, amount, currency, expires_at, status, posted_amount, created_at, resolved_at) VALUES ($1, $2, $3, $4, $5, $6, 'pending', NULL, $7, NULL)",
            &[&h.id.0, &h.debit.0, &h.credit.0, &h.amount.minor(), &h.currency.code(), &h.expires_at.unix_micros(), &at.unix_micros()],
        )
        .await?;
    }
    for (h, at) in &b.holds_resolved {
        let changed = tx
            .execute(
                "UPDATE holds SET status = $1, posted_amount = $2, resolved_at = $3 WHERE id = $4 AND status = 'pending'",
                &[&h.status.code(), &posted_amount(h), &at.unix_micros(), &h.id.0],
            )
            .await?;
        if changed != 1 {
            return Err(StoreError::Corrupt(format!(
                "hold {:?} was not pending",
                h.id
            )));
        }
    }
    if !b.balances.is_empty() {
        let ids: Vec<i64> = b.balances.iter().map(|x| x.0 .0).collect();
        let posted: Vec<i64> = b.balances.iter().map(|x| x.1).collect();
        let held_out: Vec<i64> = b.balances.iter().map(|x| x.2).collect();
        let held_in: Vec<i64> = b.balances.iter().map(|x| x.3).collect();
        tx.execute(
            "UPDATE accounts a SET posted = u.posted, held_out = u.held_out, held_in = u.held_in \
             FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[]) AS u(id, posted, held_out, held_in) WHERE a.id = u.id",
            &[&ids, &posted, &held_out, &held_in],
        )
        .await?;
    }
    for m in &b.merchants {
        tx.execute(
            "INSERT INTO merchants (id, legal_name, country, home_currency, email, website, marketplace_store_ids, kyb_status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            &[&m.id, &m.legal_name, &m.country, &m.home_currency.code(), &m.email, &m.website, &m.marketplace_store_ids.join("\n"), &m.kyb_status, &m.created_at.unix_micros()],
        )
        .await?;
    }
    for k in &b.api_keys {
        let (kind, merchant) = principal_columns(&k.principal);
        tx.execute(
            "INSERT INTO api_keys (key_hash, kind, merchant_id) VALUES ($1, $2, $3) ON CONFLICT (key_hash) DO NOTHING",
            &[&k.key_hash, &kind, &merchant],
        )
        .await?;
    }
    for r in &b.idempotency {
        tx.execute(
            "INSERT INTO idempotency_keys (scope, key, request_hash, status_code, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            &[&r.scope, &r.key, &r.request_hash, &i64::from(r.response.status), &r.response.body, &r.created_at.unix_micros()],
        )
        .await?;
    }
    super::payments::write(&tx, b).await?;
    super::fx::write(&tx, b).await?;
    super::after_sales::write(&tx, b).await?;
    for (sql, values) in b.payout_statements.iter().chain(&b.compliance_statements) {
        let boxed = crate::payout_rows::pg_params(values);
        let refs: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = boxed
            .iter()
            .map(|v| v.as_ref() as &(dyn tokio_postgres::types::ToSql + Sync))
            .collect();
        tx.execute(*sql, &refs).await?;
    }
    super::settings::write(&tx, b).await?;
    tx.commit()
        .await
        .map_err(|e| StoreError::CommitUnknown(e.to_string()))?;
    Ok(())
}
