//! Each account's transactions, for account history, kept in chunks.
//!
//! An index of postings by account costs two random B-tree insertions per
//! transfer, the largest part of the projection's work. Instead, history is
//! kept as chunks: rows of an account, the last transaction id of the chunk
//! and the chunk's ids, ascending, as comma-separated decimal text (one
//! chunk per [`MAX_IDS_PER_CHUNK`] ids at most). Each database transaction
//! appends one row per account it touched to the recent level
//! (`recent.rs`), at the end of its table; every [`recent::MERGE_BATCHES`]
//! transactions, those rows are merged into `account_history`, clustered
//! by account, one chunk per account. A batch of 8,000 transfers over
//! 1,000 accounts writes 1,000 short rows on a few pages instead of 16,000
//! index entries, and the 1,000 pages of the accounts' chunks are written
//! once per merge instead of once per transaction.
//!
//! An account's chunks never overlap: rows reach the database in
//! transaction-id order (logged batches in log order, direct commits only
//! once the projection has caught up), so chunks ordered by their last id
//! hold ascending, disjoint ranges, and the recent level holds the newest.

mod recent;

use foldhash::{HashMap, HashMapExt};
use rusqlite::{Connection, OptionalExtension};

use corridor_core::ledger::{AccountId, TxnId};

use crate::records::HistoryEntry;
use crate::rows;
use crate::writer::PostingRow;
use crate::StoreError;

/// Most ids in one chunk: an account in every transfer of a large
/// projection transaction gets several chunks, so a history page never
/// parses more than this many ids per chunk it reads.
const MAX_IDS_PER_CHUNK: usize = 4096;

const INSERT_CHUNK: &str =
    "INSERT INTO account_history (account_id, last_txn_id, txn_ids) VALUES (?1, ?2, ?3)";

/// The owner's accounts.
const OWNER_ACCOUNTS: &str = "SELECT id FROM accounts WHERE owner = ?1";

/// The one chunk that may hold ids on both sides of `before`.
const BOUNDARY_CHUNK: &str = "SELECT txn_ids FROM account_history WHERE account_id = ?1 AND last_txn_id >= ?2 ORDER BY last_txn_id LIMIT 1";

/// The chunks wholly before `before`, newest first.
const OLDER_CHUNKS: &str = "SELECT txn_ids FROM account_history WHERE account_id = ?1 AND last_txn_id < ?2 ORDER BY last_txn_id DESC";

/// One transaction's postings on the owner's accounts, as `rows::history` reads them.
const TXN_HISTORY: &str = "SELECT p.txn_id, p.leg, p.account_id, a.kind, t.kind, p.amount, a.currency, p.balance_after, t.source_id, t.created_at FROM postings p JOIN accounts a ON a.id = p.account_id JOIN ledger_txns t ON t.id = p.txn_id WHERE p.txn_id = ?1 AND a.owner = ?2 ORDER BY p.leg DESC";

/// Appends the ids of the transactions `postings` belong to, by account,
/// to the recent level, and merges it when it is full.
pub(crate) fn write<'a>(
    tx: &rusqlite::Transaction<'_>,
    postings: impl IntoIterator<Item = &'a PostingRow>,
) -> Result<(), StoreError> {
    let mut by_account: HashMap<AccountId, Vec<i64>> = HashMap::new();
    let mut batch_last = i64::MIN;
    for p in postings {
        let ids = by_account.entry(p.account).or_default();
        // Postings come in transaction order; a transaction with two legs
        // on one account is listed once.
        if ids.last() != Some(&p.txn.0) {
            ids.push(p.txn.0);
        }
        batch_last = batch_last.max(p.txn.0);
    }
    if by_account.is_empty() {
        return Ok(());
    }
    let mut by_account: Vec<(i64, Vec<i64>)> = by_account
        .into_iter()
        .map(|(account, mut ids)| {
            ids.sort_unstable();
            ids.dedup();
            (account.0, ids)
        })
        .collect();
    // In key order: each row lands after the one before it.
    by_account.sort_unstable_by_key(|(account, _)| *account);
    if recent::append(tx, batch_last, &by_account)? >= recent::MERGE_BATCHES {
        let mut merged = recent::drain(tx)?;
        merged.sort_unstable_by_key(|(account, _)| *account);
        insert_chunks(tx, &merged)?;
    }
    Ok(())
}

/// Inserts each account's ids (ascending) as chunks of `account_history`.
fn insert_chunks(
    tx: &rusqlite::Transaction<'_>,
    by_account: &[(i64, Vec<i64>)],
) -> Result<(), StoreError> {
    let mut insert = tx.prepare_cached(INSERT_CHUNK)?;
    let mut text = String::new();
    for (account, ids) in by_account {
        for chunk in ids.chunks(MAX_IDS_PER_CHUNK) {
            let Some(&last) = chunk.last() else { continue };
            encode(chunk, &mut text);
            insert.raw_bind_parameter(1, *account)?;
            insert.raw_bind_parameter(2, last)?;
            insert.raw_bind_parameter(3, text.as_str())?;
            insert.raw_execute()?;
        }
    }
    Ok(())
}

/// Postings on `owner`'s accounts, newest first (by transaction, then leg),
/// of transactions before `before`: at most `limit`.
pub(crate) fn read(
    c: &Connection,
    owner: &str,
    limit: i64,
    before: Option<TxnId>,
) -> Result<Vec<HistoryEntry>, StoreError> {
    let wanted = usize::try_from(limit).unwrap_or(0);
    if wanted == 0 {
        return Ok(Vec::new());
    }
    let before = before.map_or(i64::MAX, |t| t.0);
    // One snapshot for every statement: a merge between two of them would
    // move ids from the recent level to the chunks.
    let c = &c.unchecked_transaction()?;
    let accounts: Vec<i64> = {
        let mut s = c.prepare_cached(OWNER_ACCOUNTS)?;
        let ids = s.query_map([owner], |r| r.get(0))?;
        ids.collect::<Result<_, _>>()?
    };
    // Every transaction gives at least one posting: the newest `wanted`
    // transactions of each account are enough.
    let mut txns: Vec<i64> = Vec::new();
    for account in accounts {
        newest_txns(c, account, before, wanted, &mut txns)?;
    }
    txns.sort_unstable_by(|a, b| b.cmp(a));
    txns.dedup();
    let mut out = Vec::with_capacity(wanted.min(txns.len() * 2));
    let mut postings = c.prepare_cached(TXN_HISTORY)?;
    for txn in txns {
        let mut rows = postings.query(rusqlite::params![txn, owner])?;
        while let Some(row) = rows.next()? {
            out.push(rows::history(row)?);
            if out.len() == wanted {
                return Ok(out);
            }
        }
    }
    Ok(out)
}

/// Appends to `out` the account's newest `wanted` transaction ids below `before`.
fn newest_txns(
    c: &Connection,
    account: i64,
    before: i64,
    wanted: usize,
    out: &mut Vec<i64>,
) -> Result<(), StoreError> {
    let mut found = recent::newest(c, account, before, wanted, out)?;
    if found == wanted {
        return Ok(());
    }
    let boundary: Option<String> = c
        .prepare_cached(BOUNDARY_CHUNK)?
        .query_row(rusqlite::params![account, before], |r| r.get(0))
        .optional()?;
    if let Some(text) = boundary {
        found += take_newest(&decode(&text)?, before, wanted - found, out);
    }
    let mut older = c.prepare_cached(OLDER_CHUNKS)?;
    let mut chunks = older.query(rusqlite::params![account, before])?;
    while found < wanted {
        let Some(row) = chunks.next()? else { break };
        let text: String = row.get(0)?;
        found += take_newest(&decode(&text)?, before, wanted - found, out);
    }
    Ok(())
}

/// Appends the newest ids of an ascending chunk below `before`, at most
/// `wanted`; returns how many.
fn take_newest(ids: &[i64], before: i64, wanted: usize, out: &mut Vec<i64>) -> usize {
    let below = ids.partition_point(|&id| id < before);
    let taken = below.min(wanted);
    out.extend(ids[below - taken..below].iter().rev());
    taken
}

/// A digest of a set of (account, transaction) pairs: their count and the
/// wrapping sum of a hash of each. Two multisets of pairs with the same
/// digest are, but for a 64-bit accident, the same.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PairDigest {
    pub(crate) pairs: u64,
    sum: u64,
}

impl PairDigest {
    /// Adds one pair.
    pub(crate) fn add(&mut self, account: i64, txn: i64) {
        // SplitMix64's finaliser over the two ids.
        let mut z = (account as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (txn as u64);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        self.pairs += 1;
        self.sum = self.sum.wrapping_add(z ^ (z >> 31));
    }
}

/// The digest of every pair the history lists (chunks and recent level),
/// read inside the caller's read transaction; a chunk that cannot be read,
/// or whose key is not its last id, is an error naming it.
pub(crate) fn digest(c: &Connection) -> Result<PairDigest, StoreError> {
    let mut digest = PairDigest::default();
    let mut s = c.prepare("SELECT account_id, last_txn_id, txn_ids FROM account_history")?;
    let mut rows = s.query([])?;
    while let Some(row) = rows.next()? {
        let (account, last, text): (i64, i64, String) = (row.get(0)?, row.get(1)?, row.get(2)?);
        let ids = decode(&text)?;
        if ids.last() != Some(&last) {
            return Err(StoreError::Corrupt(format!(
                "account history chunk ({account}, {last}) does not end with its key: {text:?}"
            )));
        }
        for id in ids {
            digest.add(account, id);
        }
    }
    recent::digest(c, &mut digest)?;
    Ok(digest)
}

/// Ascending ids as comma-separated decimal text, into `out`.
fn encode(ids: &[i64], out: &mut String) {
    use std::fmt::Write;
    out.clear();
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        // Writing to a String cannot fail.
        let _ = write!(out, "{id}");
    }
}

/// A chunk's ids, ascending, as `encode` wrote them.
fn decode(text: &str) -> Result<Vec<i64>, StoreError> {
    let ids = text
        .split(',')
        .map(|id| id.parse::<i64>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| StoreError::Corrupt(format!("account history chunk {text:?}: {e}")))?;
    if ids.windows(2).any(|w| w[0] >= w[1]) {
        return Err(StoreError::Corrupt(format!(
            "account history chunk {text:?} is not in ascending order"
        )));
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use corridor_core::ledger::{AccountId, TxnId};
    use rusqlite::Connection;

    use super::recent::MERGE_BATCHES;
    use super::{decode, digest, encode, newest_txns, take_newest, PairDigest, MAX_IDS_PER_CHUNK};
    use crate::writer::PostingRow;

    fn posting(txn: i64, account: i64) -> PostingRow {
        PostingRow {
            txn: TxnId(txn),
            leg: 0,
            account: AccountId(account),
            amount: 1,
            balance_after: 1,
        }
    }

    fn write(c: &mut Connection, postings: &[PostingRow]) {
        let tx = c.transaction().unwrap();
        super::write(&tx, postings).unwrap();
        tx.commit().unwrap();
    }

    fn chunks(c: &Connection) -> Vec<(i64, i64)> {
        c.prepare(
            "SELECT account_id, last_txn_id FROM account_history ORDER BY account_id, last_txn_id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    }

    /// An account in more transactions than a chunk holds gets several
    /// chunks when the recent level is merged; reads cross from one to the
    /// next.
    #[test]
    fn long_runs_are_split_into_chunks_and_read_across_them() {
        let mut c = Connection::open_in_memory().unwrap();
        super::super::migrate(&mut c).unwrap();
        let n = 2 * MAX_IDS_PER_CHUNK as i64 + 100;
        let postings: Vec<PostingRow> = (1..=n)
            .flat_map(|t| [posting(t, 7), posting(t, 7)])
            .chain([posting(5, 9)])
            .collect();
        write(&mut c, &postings);
        assert!(chunks(&c).is_empty(), "held in the recent level");
        let merge_at = n + MERGE_BATCHES - 1;
        for t in n + 1..=merge_at {
            write(&mut c, &[posting(t, 9)]);
        }
        let size = MAX_IDS_PER_CHUNK as i64;
        assert_eq!(
            chunks(&c),
            vec![(7, size), (7, 2 * size), (7, n), (9, merge_at)]
        );

        let mut expected = PairDigest::default();
        (1..=n).for_each(|t| expected.add(7, t));
        expected.add(9, 5);
        (n + 1..=merge_at).for_each(|t| expected.add(9, t));
        assert_eq!(digest(&c).unwrap(), expected);

        // From inside the second chunk, across into the first.
        let mut out = Vec::new();
        let before = size + 10;
        newest_txns(&c, 7, before, 20, &mut out).unwrap();
        assert_eq!(out, (before - 20..before).rev().collect::<Vec<_>>());
    }

    /// Reads and the digest give what a plain list of each account's ids
    /// gives, whatever part of the history is merged and whatever is still
    /// in the recent level.
    #[test]
    fn reads_across_the_recent_level_and_the_chunks_match_a_plain_list() {
        let mut c = Connection::open_in_memory().unwrap();
        super::super::migrate(&mut c).unwrap();
        let mut model: Vec<Vec<i64>> = vec![Vec::new(); 4];
        let mut txn = 0;
        // Enough batches for one merge and a partly filled recent level.
        for batch in 0..(MERGE_BATCHES * 3 / 2) {
            let mut postings = Vec::new();
            for k in 0..(1 + batch % 5) {
                txn += 1;
                let (from, to) = ((batch + k) % 4, (batch * 7 + k + 1) % 4);
                postings.push(posting(txn, from));
                postings.push(posting(txn, to));
                model[from as usize].push(txn);
                if to != from {
                    model[to as usize].push(txn);
                }
            }
            write(&mut c, &postings);
            for (account, ids) in model.iter().enumerate() {
                for before in [i64::MAX, txn, txn / 2, 3] {
                    for wanted in [1, 5, 1000] {
                        let mut out = Vec::new();
                        newest_txns(&c, account as i64, before, wanted, &mut out).unwrap();
                        let expected: Vec<i64> = ids
                            .iter()
                            .rev()
                            .copied()
                            .filter(|id| *id < before)
                            .take(wanted)
                            .collect();
                        assert_eq!(
                            out, expected,
                            "batch {batch}, account {account}, before {before}, wanted {wanted}"
                        );
                    }
                }
            }
        }
        assert!(!chunks(&c).is_empty(), "a merge happened");
        let mut expected = PairDigest::default();
        for (account, ids) in model.iter().enumerate() {
            ids.iter().for_each(|id| expected.add(account as i64, *id));
        }
        assert_eq!(digest(&c).unwrap(), expected);
    }

    #[test]
    fn chunks_round_trip() {
        let mut text = String::new();
        encode(&[3, 17, 18, 9_000_000_001], &mut text);
        assert_eq!(text, "3,17,18,9000000001");
        assert_eq!(decode(&text).unwrap(), vec![3, 17, 18, 9_000_000_001]);
        assert_eq!(decode("42").unwrap(), vec![42]);
    }

    #[test]
    fn damaged_chunks_are_refused() {
        assert!(decode("").is_err());
        assert!(decode("1,x").is_err());
        assert!(decode("5,4").is_err());
        assert!(decode("5,5").is_err());
    }

    #[test]
    fn the_newest_ids_below_a_bound_are_taken_newest_first() {
        let mut out = Vec::new();
        assert_eq!(take_newest(&[1, 4, 6, 9], 7, 2, &mut out), 2);
        assert_eq!(out, vec![6, 4]);
        out.clear();
        assert_eq!(take_newest(&[1, 4, 6, 9], 1, 5, &mut out), 0);
        assert!(out.is_empty());
        assert_eq!(take_newest(&[1, 4, 6, 9], i64::MAX, 9, &mut out), 4);
        assert_eq!(out, vec![9, 6, 4, 1]);
    }
}
