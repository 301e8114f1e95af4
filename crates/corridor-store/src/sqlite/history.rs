//! Each account's transactions, for account history, kept in chunks.
//!
//! An index of postings by account costs two random B-tree insertions per
//! transfer, the largest part of the projection's work. Instead, each
//! database transaction appends one row per account it touched (one per
//! [`MAX_IDS_PER_CHUNK`] ids, for an account in more transactions than
//! that): the account, the last transaction id of the chunk and the
//! chunk's ids, ascending, as comma-separated decimal text. A batch of 8,000 transfers
//! over 1,000 accounts writes 1,000 rows instead of 16,000 index entries.
//!
//! An account's chunks never overlap: rows reach the database in
//! transaction-id order (logged batches in log order, direct commits only
//! once the projection has caught up), so chunks ordered by their last id
//! hold ascending, disjoint ranges.

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

/// Appends one chunk per account that `postings` touch.
pub(crate) fn write<'a>(
    tx: &rusqlite::Transaction<'_>,
    postings: impl IntoIterator<Item = &'a PostingRow>,
) -> Result<(), StoreError> {
    let mut by_account: HashMap<AccountId, Vec<i64>> = HashMap::new();
    for p in postings {
        let ids = by_account.entry(p.account).or_default();
        // Postings come in transaction order; a transaction with two legs
        // on one account is listed once.
        if ids.last() != Some(&p.txn.0) {
            ids.push(p.txn.0);
        }
    }
    if by_account.is_empty() {
        return Ok(());
    }
    let mut insert = tx.prepare_cached(INSERT_CHUNK)?;
    let mut text = String::new();
    for (account, mut ids) in by_account {
        ids.sort_unstable();
        ids.dedup();
        for chunk in ids.chunks(MAX_IDS_PER_CHUNK) {
            let Some(&last) = chunk.last() else { continue };
            encode(chunk, &mut text);
            insert.raw_bind_parameter(1, account.0)?;
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
    let mut found = 0;
    let boundary: Option<String> = c
        .prepare_cached(BOUNDARY_CHUNK)?
        .query_row(rusqlite::params![account, before], |r| r.get(0))
        .optional()?;
    if let Some(text) = boundary {
        found += take_newest(&decode(&text)?, before, wanted, out);
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

/// The digest of every pair the history lists, read inside the caller's
/// read transaction; a chunk that cannot be read, or whose key is not its
/// last id, is an error naming it.
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

    /// An account in more transactions than a chunk holds gets several
    /// chunks; reads cross from one to the next.
    #[test]
    fn long_runs_are_split_into_chunks_and_read_across_them() {
        let mut c = Connection::open_in_memory().unwrap();
        super::super::migrate(&mut c).unwrap();
        let n = 2 * MAX_IDS_PER_CHUNK as i64 + 100;
        let postings: Vec<PostingRow> = (1..=n)
            .flat_map(|t| [posting(t, 7), posting(t, 7)])
            .chain([posting(5, 9)])
            .collect();
        let tx = c.transaction().unwrap();
        super::write(&tx, &postings).unwrap();
        tx.commit().unwrap();

        let chunks: Vec<(i64, i64)> = c
            .prepare("SELECT account_id, last_txn_id FROM account_history ORDER BY account_id, last_txn_id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let size = MAX_IDS_PER_CHUNK as i64;
        assert_eq!(chunks, vec![(7, size), (7, 2 * size), (7, n), (9, 5)]);

        let mut expected = PairDigest::default();
        (1..=n).for_each(|t| expected.add(7, t));
        expected.add(9, 5);
        assert_eq!(digest(&c).unwrap(), expected);

        // From inside the second chunk, across into the first.
        let mut out = Vec::new();
        let before = size + 10;
        newest_txns(&c, 7, before, 20, &mut out).unwrap();
        assert_eq!(out, (before - 20..before).rev().collect::<Vec<_>>());
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
