//! The SQLite side of the ledger writer: the connection that applies logged
//! batches, commits the others and serves the writer's prefetch.

use foldhash::{HashMap, HashMapExt};

use corridor_core::ledger::{AccountId, AccountState, HoldId, HoldState, Recorded};
use rusqlite::{params, Connection, OptionalExtension};

use super::checkpoint::DurableCommits;
use crate::records::{AccountKey, IdempotencyRecord};
use crate::rows::{self, posted_amount, principal_columns};
use crate::sql;
use crate::writer::{largest_balance, BatchRows, KeyFill, KnownKeys, NextIds, WriterBackend};
use crate::StoreError;

/// A writer connection: the projection's, or the writer's own (prefetch
/// reads and direct commits).
pub(crate) struct SqliteWriter {
    conn: Connection,
    /// The database's writer lock, held while this writer lives: by the
    /// projection's connection, not by the writer's own.
    _lock: Option<std::fs::File>,
    /// Told of every durable commit (the direct writer's), so that WAL
    /// restarts stay short while they happen.
    durable: Option<DurableCommits>,
}

/// Page cache of the projection's connection: a projection transaction of
/// batches of 8,000 transfers dirties tens of MiB of pages, which the
/// default 2 MiB cache would spill mid-transaction.
pub(crate) const PROJECTION_CACHE_KIB: i64 = 256 * 1024;

/// Page cache of the writer's own connection (prefetch reads and direct
/// commits). Kept small on purpose: a commit that splits a B-tree page
/// makes SQLite scan every page in the connection's cache when it ends
/// (`pcache1TruncateUnsafe`), and small direct commits split pages often.
pub(crate) const DIRECT_CACHE_KIB: i64 = 16 * 1024;

impl SqliteWriter {
    /// Tunes a writer connection: a page cache of `cache_kib`, WAL
    /// checkpoints left to the background checkpointer instead of the
    /// commit path, and commits not synced (`synchronous = NORMAL`: the log
    /// is the durable record; the batches it does not carry commit with
    /// `FULL`).
    pub(crate) fn new(
        conn: Connection,
        lock: Option<std::fs::File>,
        cache_kib: i64,
    ) -> Result<Self, StoreError> {
        rusqlite::vtab::array::load_module(&conn)?;
        conn.pragma_update(None, "cache_size", -cache_kib)?;
        conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        Ok(SqliteWriter {
            conn,
            _lock: lock,
            durable: None,
        })
    }

    /// This writer's durable commits are told to `durable`.
    pub(crate) fn telling(mut self, durable: DurableCommits) -> Self {
        self.durable = Some(durable);
        self
    }

    /// Sets `synchronous` with a statement prepared once, not parsed per commit.
    fn set_synchronous(&self, pragma: &'static str) -> Result<(), StoreError> {
        self.conn.prepare_cached(pragma)?.execute([])?;
        Ok(())
    }
}

impl WriterBackend for SqliteWriter {
    fn next_ids(&mut self) -> Result<NextIds, StoreError> {
        Ok(self.conn.query_row(sql::NEXT_IDS, [], |r| {
            Ok(NextIds {
                account: r.get(0)?,
                txn: r.get(1)?,
                hold: r.get(2)?,
                event: r.get(3)?,
                largest_balance: largest_balance(r.get(4)?, r.get(5)?),
            })
        })?)
    }

    /// Sized now; filled from a read-only connection of its own while the
    /// writer runs (reading every stored key takes about 0.3 µs each), or
    /// now for a database with no file.
    fn known_keys(&mut self) -> Result<(KnownKeys, Option<KeyFill>), StoreError> {
        let count: i64 = self
            .conn
            .query_row(sql::COUNT_KNOWN_KEYS, [], |r| r.get(0))?;
        let known = KnownKeys::sized_for(count.unsigned_abs());
        match self.conn.path().filter(|p| !p.is_empty()) {
            Some(path) => {
                let path = std::path::PathBuf::from(path);
                let fill: KeyFill = Box::new(move |keys: &KnownKeys| {
                    let conn = Connection::open_with_flags(
                        &path,
                        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                            | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
                    )?;
                    conn.busy_handler(Some(super::busy::wait_up_to_10_s))?;
                    fill_known_keys(&conn, keys)
                });
                Ok((known, Some(fill)))
            }
            None => {
                fill_known_keys(&self.conn, &known)?;
                known.mark_filled();
                Ok((known, None))
            }
        }
    }

    fn load_accounts(
        &mut self,
        keys: &[AccountKey],
    ) -> Result<Vec<(AccountKey, AccountId, AccountState)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(sql::LOAD_ACCOUNT)?;
        let mut out = Vec::with_capacity(keys.len());
        for key in keys {
            let found = stmt
                .query_row(
                    params![key.owner.code(), key.currency.code(), key.kind.code()],
                    |r| Ok(rows::account_state(r, key.currency)),
                )
                .optional()?;
            if let Some(found) = found {
                let (id, state) = found?;
                out.push((key.clone(), id, state));
            }
        }
        Ok(out)
    }

    fn load_accounts_by_id(
        &mut self,
        ids: &[AccountId],
    ) -> Result<Vec<(AccountKey, AccountId, AccountState)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(sql::LOAD_ACCOUNT_BY_ID)?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(found) = stmt
                .query_row([id.0], |r| Ok(rows::account_with_key(r)))
                .optional()?
            {
                out.push(found?);
            }
        }
        Ok(out)
    }

    fn load_holds(&mut self, ids: &[HoldId]) -> Result<Vec<HoldState>, StoreError> {
        let mut stmt = self.conn.prepare_cached(sql::LOAD_HOLD)?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(hold) = stmt.query_row([id.0], |r| Ok(rows::hold(r))).optional()? {
                out.push(hold?);
            }
        }
        Ok(out)
    }

    fn load_client_refs(&mut self, refs: &[String]) -> Result<Vec<(String, Recorded)>, StoreError> {
        // One query per batch: the references travel as an array parameter.
        let values: rusqlite::vtab::array::Array = std::rc::Rc::new(
            refs.iter()
                .map(|r| rusqlite::types::Value::Text(r.clone()))
                .collect(),
        );
        let mut stmt = self.conn.prepare_cached(sql::LOAD_CLIENT_REFS_SQLITE)?;
        let mut rows = stmt.query([values])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            out.push((row.get::<_, String>(4)?, rows::recorded(row)?));
        }
        Ok(out)
    }

    fn load_idempotency(
        &mut self,
        keys: &[(String, String)],
    ) -> Result<Vec<IdempotencyRecord>, StoreError> {
        let mut stmt = self.conn.prepare_cached(sql::GET_IDEMPOTENCY)?;
        let mut out = Vec::new();
        for (scope, key) in keys {
            if let Some(record) = stmt
                .query_row([scope, key], |r| Ok(rows::idempotency(r)))
                .optional()?
            {
                out.push(record?);
            }
        }
        Ok(out)
    }

    fn load_payment_versions(&mut self, ids: &[String]) -> Result<Vec<(String, i64)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(sql::PAYMENT_VERSION)?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(row) = stmt
                .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?
            {
                out.push(row);
            }
        }
        Ok(out)
    }

    fn load_after_sales_versions(
        &mut self,
        ids: &[String],
    ) -> Result<Vec<(String, i64)>, StoreError> {
        super::after_sales::versions(&self.conn, ids)
    }

    fn load_refund_basis(
        &mut self,
        payment_ids: &[String],
    ) -> Result<Vec<(String, i64, i64)>, StoreError> {
        super::after_sales::refund_basis(&self.conn, payment_ids)
    }

    fn load_fx_versions(&mut self, ids: &[String]) -> Result<Vec<(String, i64)>, StoreError> {
        self.load_versions(crate::fx_sql::FX_OBJECT_VERSION, ids)
    }

    fn load_versions(
        &mut self,
        sql: &str,
        ids: &[String],
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(row) = stmt
                .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?
            {
                out.push(row);
            }
        }
        Ok(out)
    }

    /// Commits one batch durably (`synchronous = FULL` for this commit):
    /// the batches the log does not carry.
    fn commit(&mut self, b: &BatchRows) -> Result<(), StoreError> {
        self.set_synchronous("PRAGMA synchronous = FULL")?;
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        write_rows(&tx, b)?;
        super::history::write(&tx, &b.postings)?;
        write_balances(&tx, &b.balances)?;
        let committed = tx
            .commit()
            .map_err(|e| StoreError::CommitUnknown(e.to_string()));
        if let Some(durable) = &self.durable {
            durable.note();
        }
        self.set_synchronous("PRAGMA synchronous = NORMAL")?;
        committed
    }
}

/// The position in the log the database holds everything up to.
pub(crate) const LOG_POSITION: &str = "SELECT log_position FROM log_projection WHERE id = 1";
const SET_LOG_POSITION: &str = "INSERT INTO log_projection (id, log_position) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET log_position = excluded.log_position";

impl SqliteWriter {
    /// The end of the last log record the database holds (0: none).
    pub(crate) fn log_position(&self) -> Result<u64, StoreError> {
        let position: Option<i64> = self
            .conn
            .query_row(LOG_POSITION, [], |r| r.get(0))
            .optional()?;
        u64::try_from(position.unwrap_or(0))
            .map_err(|_| StoreError::Corrupt("negative log position".into()))
    }

    /// Applies logged batches in one transaction that also stores `end`,
    /// the log position they reach. Not synced: the log is the durable
    /// record, and a lost transaction is applied again at the next start.
    pub(crate) fn apply_records(
        &mut self,
        batches: &[BatchRows],
        end: u64,
    ) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Each account's balance is written once: as the last batch left it.
        let mut last: HashMap<AccountId, (i64, i64, i64)> = HashMap::new();
        for b in batches {
            write_rows(&tx, b)?;
            for (id, posted, held_out, held_in) in &b.balances {
                last.insert(*id, (*posted, *held_out, *held_in));
            }
        }
        super::history::write(&tx, batches.iter().flat_map(|b| &b.postings))?;
        let balances: Vec<_> = last
            .into_iter()
            .map(|(id, (posted, held_out, held_in))| (id, posted, held_out, held_in))
            .collect();
        write_balances(&tx, &balances)?;
        let end = i64::try_from(end).map_err(|_| StoreError::Corrupt("log position".into()))?;
        tx.prepare_cached(SET_LOG_POSITION)?.execute([end])?;
        tx.commit()?;
        Ok(())
    }
}

/// Rows a fill reads between two checks that its writer still runs.
const FILL_ROWS_PER_CHECK: u32 = 1 << 16;

/// Adds every stored key to `keys`, read in one snapshot; stops with
/// `WriterStopped` once the writer has.
fn fill_known_keys(conn: &Connection, keys: &KnownKeys) -> Result<(), StoreError> {
    let mut stmt = conn.prepare(sql::KNOWN_KEYS)?;
    let mut rows = stmt.query([KnownKeys::CLIENT_REFS])?;
    let mut until_check = 0;
    while let Some(r) = rows.next()? {
        if until_check == 0 {
            if keys.abandoned() {
                return Err(StoreError::WriterStopped);
            }
            until_check = FILL_ROWS_PER_CHECK;
        }
        until_check -= 1;
        // Borrowed from the row: no allocation per key.
        let text = |i: usize| -> Result<&str, StoreError> {
            r.get_ref(i)?
                .as_str()
                .map_err(|e| StoreError::Corrupt(format!("stored key: {e}")))
        };
        keys.insert(text(0)?, text(1)?);
    }
    Ok(())
}

/// Sets the balances of accounts.
fn write_balances(
    tx: &rusqlite::Transaction<'_>,
    balances: &[(AccountId, i64, i64, i64)],
) -> Result<(), StoreError> {
    let mut s = tx.prepare_cached(
        "UPDATE accounts SET posted = $1, held_out = $2, held_in = $3 WHERE id = $4",
    )?;
    for (id, posted, held_out, held_in) in balances {
        s.execute(params![posted, held_out, held_in, id.0])?;
    }
    Ok(())
}

/// Writes one batch's rows, all but the balances, inside `tx`.
fn write_rows(tx: &rusqlite::Transaction<'_>, b: &BatchRows) -> Result<(), StoreError> {
    {
        let mut s = tx.prepare_cached(
                "INSERT INTO accounts (id, owner, currency, kind, forbids_negative, posted, held_out, held_in) VALUES ($1, $2, $3, $4, $5, 0, 0, 0)",
            )?;
        for (id, key, forbids) in &b.accounts_new {
            s.execute(params![
                id.0,
                key.owner.code(),
                key.currency.code(),
                key.kind.code(),
                i64::from(*forbids)
            ])?;
        }
        super::ledger_rows::insert_txns(tx, &b.txns)?;
        super::ledger_rows::insert_postings(tx, &b.postings)?;
        let mut s = tx.prepare_cached(
                "INSERT INTO holds (id, debit_account, credit_account, amount, currency, expires_at, status, posted_amount, created_at, resolved_at) VALUES ($1, $2, $3, $4, $5, $6, 'pending', NULL, $7, NULL)",
            )?;
        for (h, at) in &b.holds_new {
            s.execute(params![
                h.id.0,
                h.debit.0,
                h.credit.0,
                h.amount.minor(),
                h.currency.code(),
                h.expires_at.unix_micros(),
                at.unix_micros()
            ])?;
        }
        let mut s = tx.prepare_cached(
                "UPDATE holds SET status = $1, posted_amount = $2, resolved_at = $3 WHERE id = $4 AND status = 'pending'",
            )?;
        for (h, at) in &b.holds_resolved {
            let changed = s.execute(params![
                h.status.code(),
                posted_amount(h),
                at.unix_micros(),
                h.id.0
            ])?;
            if changed != 1 {
                return Err(StoreError::Corrupt(format!(
                    "hold {:?} was not pending",
                    h.id
                )));
            }
        }
        let mut s = tx.prepare_cached(
                "INSERT INTO merchants (id, legal_name, country, home_currency, email, website, marketplace_store_ids, kyb_status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )?;
        for m in &b.merchants {
            s.execute(params![
                m.id,
                m.legal_name,
                m.country,
                m.home_currency.code(),
                m.email,
                m.website,
                m.marketplace_store_ids.join("\n"),
                m.kyb_status,
                m.created_at.unix_micros()
            ])?;
        }
        let mut s = tx.prepare_cached(
                "INSERT INTO api_keys (key_hash, kind, merchant_id) VALUES ($1, $2, $3) ON CONFLICT (key_hash) DO NOTHING",
            )?;
        for k in &b.api_keys {
            let (kind, merchant) = principal_columns(&k.principal);
            s.execute(params![k.key_hash, kind, merchant])?;
        }
        let mut s = tx.prepare_cached(
                "INSERT INTO idempotency_keys (scope, key, request_hash, status_code, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )?;
        for r in &b.idempotency {
            s.execute(params![
                r.scope,
                r.key,
                r.request_hash,
                r.response.status,
                r.response.body,
                r.created_at.unix_micros()
            ])?;
        }
    }
    super::payments::write(tx, b)?;
    super::fx::write(tx, b)?;
    super::after_sales::write(tx, b)?;
    for (sql, values) in b.payout_statements.iter().chain(&b.compliance_statements) {
        tx.prepare_cached(sql)?
            .execute(rusqlite::params_from_iter(values.iter()))?;
    }
    super::settings::write(tx, b)?;
    Ok(())
}
