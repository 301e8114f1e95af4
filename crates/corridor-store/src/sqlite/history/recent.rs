//! The recent level of account history: what the last few database
//! transactions added, kept in the order they were written.
//!
//! Chunks are clustered by account, so a transaction touching 1,000
//! accounts writes 1,000 leaf pages of `account_history`, however few
//! transfers each got: most of the projection's WAL. Instead, each
//! transaction appends its rows here, keyed by the transaction's last id
//! (`batch_last`) and then the account, so they land on a few pages at the
//! end of the table. Once [`MERGE_BATCHES`] transactions are here, they
//! are merged into `account_history` in one go: one chunk per account for
//! all of them.
//!
//! Every id here is newer than every id in `account_history` for the same
//! account (rows reach the database in transaction-id order), and rows of
//! one account in different batches hold ascending, disjoint ranges.

use foldhash::{HashMap, HashMapExt};
use rusqlite::{Connection, OptionalExtension};

use super::{decode, encode, take_newest, PairDigest};
use crate::StoreError;

/// Transactions kept here before they are merged: a read of one account
/// looks up at most this many rows here.
pub(super) const MERGE_BATCHES: i64 = 32;

const INSERT_BATCH: &str = "INSERT INTO account_history_batches (batch_last) VALUES (?1)";

const INSERT_ROW: &str =
    "INSERT INTO account_history_recent (batch_last, account_id, txn_ids) VALUES (?1, ?2, ?3)";

const COUNT_BATCHES: &str = "SELECT COUNT(*) FROM account_history_batches";

const BATCHES_NEWEST_FIRST: &str =
    "SELECT batch_last FROM account_history_batches ORDER BY batch_last DESC";

const ACCOUNT_ROW: &str =
    "SELECT txn_ids FROM account_history_recent WHERE batch_last = ?1 AND account_id = ?2";

const ALL_ROWS: &str = "SELECT batch_last, account_id, txn_ids FROM account_history_recent";

const CLEAR: &str = "DELETE FROM account_history_recent; DELETE FROM account_history_batches;";

/// Appends one transaction's ids by account (each list ascending, without
/// repeats), keyed by `batch_last`, its largest id; returns how many
/// transactions the recent level holds now.
pub(super) fn append(
    tx: &rusqlite::Transaction<'_>,
    batch_last: i64,
    by_account: &[(i64, Vec<i64>)],
) -> Result<i64, StoreError> {
    tx.prepare_cached(INSERT_BATCH)?.execute([batch_last])?;
    let mut insert = tx.prepare_cached(INSERT_ROW)?;
    let mut text = String::new();
    for (account, ids) in by_account {
        encode(ids, &mut text);
        insert.raw_bind_parameter(1, batch_last)?;
        insert.raw_bind_parameter(2, *account)?;
        insert.raw_bind_parameter(3, text.as_str())?;
        insert.raw_execute()?;
    }
    Ok(tx
        .prepare_cached(COUNT_BATCHES)?
        .query_row([], |r| r.get(0))?)
}

/// Takes every row out of the recent level: each account's ids, ascending.
pub(super) fn drain(tx: &rusqlite::Transaction<'_>) -> Result<Vec<(i64, Vec<i64>)>, StoreError> {
    let mut by_account: HashMap<i64, Vec<i64>> = HashMap::new();
    {
        let mut rows = tx.prepare_cached(ALL_ROWS)?;
        let mut rows = rows.query([])?;
        while let Some(row) = rows.next()? {
            let account: i64 = row.get(1)?;
            let text: String = row.get(2)?;
            by_account
                .entry(account)
                .or_default()
                .extend(decode(&text)?);
        }
    }
    tx.execute_batch(CLEAR)?;
    let mut out: Vec<(i64, Vec<i64>)> = by_account.into_iter().collect();
    for (_, ids) in &mut out {
        ids.sort_unstable();
    }
    Ok(out)
}

/// Appends to `out` the account's newest ids below `before` from the
/// recent level, at most `wanted`; returns how many.
pub(super) fn newest(
    c: &Connection,
    account: i64,
    before: i64,
    wanted: usize,
    out: &mut Vec<i64>,
) -> Result<usize, StoreError> {
    let mut found = 0;
    let mut batches = c.prepare_cached(BATCHES_NEWEST_FIRST)?;
    let mut batches = batches.query([])?;
    let mut row = c.prepare_cached(ACCOUNT_ROW)?;
    while found < wanted {
        let Some(batch) = batches.next()? else { break };
        let batch_last: i64 = batch.get(0)?;
        let text: Option<String> = row
            .query_row(rusqlite::params![batch_last, account], |r| r.get(0))
            .optional()?;
        if let Some(text) = text {
            found += take_newest(&decode(&text)?, before, wanted - found, out);
        }
    }
    Ok(found)
}

/// Adds every pair the recent level lists to `digest`; a row that cannot
/// be read, or holds an id above its batch's, is an error naming it.
pub(super) fn digest(c: &Connection, digest: &mut PairDigest) -> Result<(), StoreError> {
    let mut s = c.prepare(ALL_ROWS)?;
    let mut rows = s.query([])?;
    while let Some(row) = rows.next()? {
        let (batch_last, account, text): (i64, i64, String) =
            (row.get(0)?, row.get(1)?, row.get(2)?);
        let ids = decode(&text)?;
        if ids.last().is_some_and(|last| *last > batch_last) {
            return Err(StoreError::Corrupt(format!(
                "recent account history row ({batch_last}, {account}) holds ids above its batch: {text:?}"
            )));
        }
        for id in ids {
            digest.add(account, id);
        }
    }
    Ok(())
}
