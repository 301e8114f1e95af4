//! The naive SQLite baseline: one connection, `BEGIN IMMEDIATE` per transfer,
//! WAL with `synchronous = FULL` like the product's store.

use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::{params, Connection, TransactionBehavior};

use super::naive::{self, NaiveTransfer};
use super::stats::{RunTally, Summary};
use super::workload::Workload;

/// A baseline database file with its tables and seeded accounts.
pub struct NaiveSqlite {
    conn: Connection,
    next_txn: i64,
}

impl NaiveSqlite {
    /// Creates the file, its tables and the funded accounts.
    pub fn create(path: &Path, workload: &Workload) -> anyhow::Result<Self> {
        let mut conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.execute_batch(&naive::SCHEMA.replace("BIGINT PRIMARY KEY", "INTEGER PRIMARY KEY"))?;
        let tx = conn.transaction()?;
        {
            let mut insert = tx.prepare(
                "INSERT INTO naive_accounts (id, balance, forbids_negative) VALUES (?1, ?2, 1)",
            )?;
            for (id, balance) in naive::accounts(workload) {
                insert.execute([id, balance])?;
            }
        }
        tx.commit()?;
        Ok(NaiveSqlite { conn, next_txn: 1 })
    }

    /// Runs `transfers` transfers of `workload` one after another, or until `time_cap`.
    pub fn run(
        &mut self,
        workload: &Workload,
        transfers: u64,
        time_cap: Duration,
        client_ref_tag: Option<&str>,
    ) -> anyhow::Result<Summary> {
        let started = Instant::now();
        let deadline = started + time_cap;
        let mut tally = RunTally::default();
        for i in 0..transfers {
            if Instant::now() >= deadline {
                break;
            }
            let transfer = NaiveTransfer::of(workload, i);
            let client_ref = client_ref_tag.map(|tag| format!("{tag}-{i}"));
            let sent = Instant::now();
            if self.transfer(transfer, client_ref.as_deref())? {
                tally.record(1, 0, sent.elapsed());
            } else {
                tally.transfers_refused += 1;
            }
        }
        Ok(tally.summary(started.elapsed()))
    }

    /// One transfer in one transaction; `false` if the debit would go negative.
    fn transfer(&mut self, t: NaiveTransfer, client_ref: Option<&str>) -> anyhow::Result<bool> {
        let txn_id = self.next_txn;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut balances = [(0i64, 0i64); 2];
        {
            let mut select = tx.prepare_cached(naive::SELECT_ACCOUNT)?;
            for (slot, id) in t.lock_order().into_iter().enumerate() {
                balances[slot] = select.query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            }
        }
        let debit_slot = usize::from(t.debit != t.lock_order()[0]);
        let (debit_balance, debit_forbids) = balances[debit_slot];
        let debit_after = debit_balance - t.amount_minor;
        if debit_forbids != 0 && debit_after < 0 {
            return Ok(false);
        }
        let credit_after = balances[1 - debit_slot].0 + t.amount_minor;
        tx.prepare_cached(naive::INSERT_TXN)?.execute(params![
            txn_id,
            client_ref,
            "bench_transfer",
            naive::now_micros()
        ])?;
        tx.prepare_cached(naive::INSERT_POSTINGS)?.execute(params![
            txn_id,
            t.debit,
            -t.amount_minor,
            debit_after,
            t.credit,
            t.amount_minor,
            credit_after
        ])?;
        let mut update = tx.prepare_cached(naive::UPDATE_BALANCE)?;
        update.execute([debit_after, t.debit])?;
        update.execute([credit_after, t.credit])?;
        drop(update);
        tx.commit()?;
        self.next_txn += 1;
        Ok(true)
    }
}
