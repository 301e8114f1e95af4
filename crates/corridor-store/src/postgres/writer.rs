//! The PostgreSQL side of the ledger writer: its own connection, driven by a
//! single-threaded runtime on the writer's thread, with its statements
//! prepared once per connection (`writer_sql.rs`). Every lookup takes a
//! whole batch's keys as arrays; the rows are written by `writer_rows.rs`.

use std::collections::HashMap;

use corridor_core::ledger::{AccountId, AccountState, HoldId, HoldState, Recorded};
use tokio_postgres::{Client, NoTls, Statement};

use super::writer_sql as q;
use crate::records::{AccountKey, IdempotencyRecord};
use crate::rows;
use crate::sql;
use crate::writer::{largest_balance, BatchRows, KeyFill, KnownKeys, NextIds, WriterBackend};
use crate::StoreError;

/// The writer's connection, opened lazily on the writer's thread.
pub(crate) struct PostgresWriter {
    config: tokio_postgres::Config,
    runtime: Option<tokio::runtime::Runtime>,
    session: Option<Session>,
}

/// One connection of the writer and what it prepared.
pub(super) struct Session {
    pub(super) client: Client,
    pub(super) statements: Statements,
    /// Statements of other modules (payouts, settings, versions), prepared
    /// the first time each is run.
    pub(super) other: HashMap<String, Statement>,
}

/// The writer's own statements.
pub(super) struct Statements {
    load_accounts: Statement,
    load_accounts_by_id: Statement,
    load_holds: Statement,
    load_client_refs: Statement,
    load_idempotency: Statement,
    load_payment_versions: Statement,
    pub(super) insert_accounts: Statement,
    pub(super) copy_txns: Statement,
    pub(super) copy_postings: Statement,
    pub(super) insert_holds: Statement,
    pub(super) resolve_holds: Statement,
    pub(super) update_balances: Statement,
    pub(super) insert_merchants: Statement,
    pub(super) insert_api_keys: Statement,
    pub(super) insert_idempotency: Statement,
    pub(super) upsert_payments: Statement,
    pub(super) upsert_attempts: Statement,
    pub(super) insert_started_keys: Statement,
    pub(super) insert_events: Statement,
    pub(super) delete_replays: Statement,
}

impl Statements {
    async fn prepare(c: &Client) -> Result<Self, StoreError> {
        Ok(Statements {
            load_accounts: c.prepare(q::LOAD_ACCOUNTS).await?,
            load_accounts_by_id: c.prepare(q::LOAD_ACCOUNTS_BY_ID).await?,
            load_holds: c.prepare(q::LOAD_HOLDS).await?,
            load_client_refs: c.prepare(q::LOAD_CLIENT_REFS).await?,
            load_idempotency: c.prepare(q::LOAD_IDEMPOTENCY).await?,
            load_payment_versions: c.prepare(q::LOAD_PAYMENT_VERSIONS).await?,
            insert_accounts: c.prepare(q::INSERT_ACCOUNTS).await?,
            copy_txns: c.prepare(q::COPY_TXNS).await?,
            copy_postings: c.prepare(q::COPY_POSTINGS).await?,
            insert_holds: c.prepare(q::INSERT_HOLDS).await?,
            resolve_holds: c.prepare(q::RESOLVE_HOLDS).await?,
            update_balances: c.prepare(q::UPDATE_BALANCES).await?,
            insert_merchants: c.prepare(q::INSERT_MERCHANTS).await?,
            insert_api_keys: c.prepare(q::INSERT_API_KEYS).await?,
            insert_idempotency: c.prepare(q::INSERT_IDEMPOTENCY).await?,
            upsert_payments: c.prepare(q::UPSERT_PAYMENTS).await?,
            upsert_attempts: c.prepare(q::UPSERT_ATTEMPTS).await?,
            insert_started_keys: c.prepare(q::INSERT_STARTED_KEYS).await?,
            insert_events: c.prepare(q::INSERT_EVENTS).await?,
            delete_replays: c
                .prepare(crate::replay_sql::DELETE_REPLAYS_POSTGRES)
                .await?,
        })
    }
}

/// Stored idempotency keys read per round trip when the writer starts.
const KNOWN_KEYS_PER_FETCH: i32 = 50_000;

/// Session advisory lock held by the one writer of a database ("writer01").
const WRITER_LOCK: i64 = 0x7772_6974_6572_3031;

impl PostgresWriter {
    pub(crate) fn new(config: tokio_postgres::Config) -> Self {
        PostgresWriter {
            config,
            runtime: None,
            session: None,
        }
    }

    /// Runs `f` against the session, connecting first if needed.
    fn with<T>(
        &mut self,
        f: impl AsyncFnOnce(&mut Session) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        if self.runtime.is_none() {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| StoreError::Task(e.to_string()))?;
            self.runtime = Some(rt);
        }
        let rt = self.runtime.as_ref().ok_or(StoreError::WriterStopped)?;
        if self.session.as_ref().is_none_or(|s| s.client.is_closed()) {
            self.session = None;
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
            let statements = rt.block_on(Statements::prepare(&client))?;
            self.session = Some(Session {
                client,
                statements,
                other: HashMap::new(),
            });
        }
        let session = self.session.as_mut().ok_or(StoreError::WriterStopped)?;
        rt.block_on(f(session))
    }
}

impl Session {
    /// A statement of another module, prepared on first use.
    pub(super) async fn prepared(&mut self, sql: &str) -> Result<Statement, StoreError> {
        if let Some(s) = self.other.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(sql).await?;
        self.other.insert(sql.to_string(), s.clone());
        Ok(s)
    }
}

impl WriterBackend for PostgresWriter {
    fn next_ids(&mut self) -> Result<NextIds, StoreError> {
        self.with(async |s: &mut Session| {
            let r = s.client.query_one(sql::NEXT_IDS, &[]).await?;
            Ok(NextIds {
                account: r.try_get(0)?,
                txn: r.try_get(1)?,
                hold: r.try_get(2)?,
                event: r.try_get(3)?,
                largest_balance: largest_balance(r.try_get(4)?, r.try_get(5)?),
            })
        })
    }

    /// Read through a portal, a bounded number of rows at a time, before
    /// the writer starts.
    fn known_keys(&mut self) -> Result<(KnownKeys, Option<KeyFill>), StoreError> {
        self.with(async |s: &mut Session| {
            let count: i64 = s
                .client
                .query_one(sql::COUNT_KNOWN_KEYS, &[])
                .await?
                .try_get(0)?;
            let known = KnownKeys::sized_for(count.unsigned_abs());
            let tx = s.client.transaction().await?;
            let portal = tx.bind(sql::KNOWN_KEYS, &[&KnownKeys::CLIENT_REFS]).await?;
            loop {
                let rows = tx.query_portal(&portal, KNOWN_KEYS_PER_FETCH).await?;
                if rows.is_empty() {
                    break;
                }
                for r in &rows {
                    known.insert(r.try_get(0)?, r.try_get(1)?);
                }
            }
            tx.commit().await?;
            known.mark_filled();
            Ok((known, None))
        })
    }

    fn load_accounts(
        &mut self,
        keys: &[AccountKey],
    ) -> Result<Vec<(AccountKey, AccountId, AccountState)>, StoreError> {
        let owners: Vec<String> = keys.iter().map(|k| k.owner.code()).collect();
        let currencies: Vec<&str> = keys.iter().map(|k| k.currency.code()).collect();
        let kinds: Vec<&str> = keys.iter().map(|k| k.kind.code()).collect();
        self.with(async |s: &mut Session| {
            s.client
                .query(&s.statements.load_accounts, &[&owners, &currencies, &kinds])
                .await?
                .iter()
                .map(rows::account_with_key)
                .collect()
        })
    }

    fn load_accounts_by_id(
        &mut self,
        ids: &[AccountId],
    ) -> Result<Vec<(AccountKey, AccountId, AccountState)>, StoreError> {
        let ids: Vec<i64> = ids.iter().map(|a| a.0).collect();
        self.with(async |s: &mut Session| {
            s.client
                .query(&s.statements.load_accounts_by_id, &[&ids])
                .await?
                .iter()
                .map(rows::account_with_key)
                .collect()
        })
    }

    fn load_holds(&mut self, ids: &[HoldId]) -> Result<Vec<HoldState>, StoreError> {
        let ids: Vec<i64> = ids.iter().map(|h| h.0).collect();
        self.with(async |s: &mut Session| {
            s.client
                .query(&s.statements.load_holds, &[&ids])
                .await?
                .iter()
                .map(rows::hold)
                .collect()
        })
    }

    fn load_client_refs(&mut self, refs: &[String]) -> Result<Vec<(String, Recorded)>, StoreError> {
        self.with(async |s: &mut Session| {
            s.client
                .query(&s.statements.load_client_refs, &[&refs])
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
        self.with(async |s: &mut Session| {
            s.client
                .query(&s.statements.load_idempotency, &[&scopes, &names])
                .await?
                .iter()
                .map(rows::idempotency)
                .collect()
        })
    }

    fn load_payment_versions(&mut self, ids: &[String]) -> Result<Vec<(String, i64)>, StoreError> {
        self.with(async |s: &mut Session| {
            s.client
                .query(&s.statements.load_payment_versions, &[&ids])
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
        self.with(async |s: &mut Session| super::after_sales::versions(&s.client, ids).await)
    }

    fn load_refund_basis(
        &mut self,
        payment_ids: &[String],
    ) -> Result<Vec<(String, i64, i64)>, StoreError> {
        self.with(async |s: &mut Session| {
            super::after_sales::refund_basis(&s.client, payment_ids).await
        })
    }

    fn load_fx_versions(&mut self, ids: &[String]) -> Result<Vec<(String, i64)>, StoreError> {
        self.load_versions(crate::fx_sql::FX_OBJECT_VERSION, ids)
    }

    fn load_versions(
        &mut self,
        sql: &str,
        ids: &[String],
    ) -> Result<Vec<(String, i64)>, StoreError> {
        self.with(async |s: &mut Session| {
            // The other modules' lookups are written for one id; here they
            // take the whole batch's ids at once.
            let sql = sql.replace("WHERE id = $1", "WHERE id = ANY($1)");
            let stmt = s.prepared(&sql).await?;
            s.client
                .query(&stmt, &[&ids])
                .await?
                .iter()
                .map(|r| Ok((r.try_get(0)?, r.try_get::<_, i64>(1)?)))
                .collect()
        })
    }

    fn commit(&mut self, b: &BatchRows) -> Result<(), StoreError> {
        self.with(async |s: &mut Session| super::writer_rows::commit(s, b).await)
    }
}
