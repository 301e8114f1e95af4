//! Transaction and posting rows, the two a transfer writes, inserted many
//! rows per statement: one statement step per row is most of SQLite's
//! per-row cost once the B-tree work is small.

use std::sync::OnceLock;

use rusqlite::Statement;

use crate::writer::{PostingRow, TxnRow};
use crate::StoreError;

/// Rows per multi-row statement; a rest smaller than this goes row by row.
const ROWS_PER_STATEMENT: usize = 64;

const TXN_INSERT: &str = "INSERT INTO ledger_txns (id, client_ref, content_hash, failure_code, kind, source_id, description, hold_id, created_at) VALUES ";

const POSTING_INSERT: &str =
    "INSERT INTO postings (txn_id, leg, account_id, amount, balance_after) VALUES ";

/// How to insert one kind of row: its statement's head, its values per row
/// and how to bind them; the statements' text is built on first use.
struct RowInsert<T: 'static> {
    insert: &'static str,
    params: usize,
    bind: fn(&mut Statement<'_>, usize, &T) -> rusqlite::Result<()>,
    one: OnceLock<String>,
    many: OnceLock<String>,
}

impl<T> RowInsert<T> {
    const fn new(
        insert: &'static str,
        params: usize,
        bind: fn(&mut Statement<'_>, usize, &T) -> rusqlite::Result<()>,
    ) -> Self {
        RowInsert {
            insert,
            params,
            bind,
            one: OnceLock::new(),
            many: OnceLock::new(),
        }
    }

    /// The statement inserting `rows` rows.
    fn sql<'a>(&self, cell: &'a OnceLock<String>, rows: usize) -> &'a str {
        cell.get_or_init(|| values_sql(self.insert, self.params, rows))
    }

    /// Inserts `rows`: whole groups of [`ROWS_PER_STATEMENT`] in one
    /// statement each, the rest one by one. Values are bound one at a time,
    /// with no parameter list per row.
    fn insert(&self, tx: &rusqlite::Transaction<'_>, rows: &[T]) -> Result<(), StoreError> {
        let mut groups = rows.chunks_exact(ROWS_PER_STATEMENT);
        if groups.len() > 0 {
            let mut s = tx.prepare_cached(self.sql(&self.many, ROWS_PER_STATEMENT))?;
            for group in &mut groups {
                for (i, row) in group.iter().enumerate() {
                    (self.bind)(&mut s, i * self.params, row)?;
                }
                s.raw_execute()?;
            }
        }
        let rest = groups.remainder();
        if !rest.is_empty() {
            let mut s = tx.prepare_cached(self.sql(&self.one, 1))?;
            for row in rest {
                (self.bind)(&mut s, 0, row)?;
                s.raw_execute()?;
            }
        }
        Ok(())
    }
}

static TXNS: RowInsert<TxnRow> = RowInsert::new(TXN_INSERT, 9, bind_txn);
static POSTINGS: RowInsert<PostingRow> = RowInsert::new(POSTING_INSERT, 5, bind_posting);

/// Inserts `txns`.
pub(crate) fn insert_txns(
    tx: &rusqlite::Transaction<'_>,
    txns: &[TxnRow],
) -> Result<(), StoreError> {
    TXNS.insert(tx, txns)
}

/// Inserts `postings`.
pub(crate) fn insert_postings(
    tx: &rusqlite::Transaction<'_>,
    postings: &[PostingRow],
) -> Result<(), StoreError> {
    POSTINGS.insert(tx, postings)
}

/// `insert` followed by `rows` groups of `params` placeholders.
fn values_sql(insert: &str, params: usize, rows: usize) -> String {
    let group = format!("({})", vec!["?"; params].join(", "));
    format!("{insert}{}", vec![group; rows].join(", "))
}

/// Binds a transaction row's values from parameter `at + 1` on.
fn bind_txn(s: &mut Statement<'_>, at: usize, t: &TxnRow) -> rusqlite::Result<()> {
    s.raw_bind_parameter(at + 1, t.id.0)?;
    s.raw_bind_parameter(at + 2, t.client_ref.as_deref())?;
    s.raw_bind_parameter(at + 3, t.content_hash.as_ref().map(|h| &h.0[..]))?;
    s.raw_bind_parameter(at + 4, t.failure.as_ref().map(|f| f.code.code()))?;
    s.raw_bind_parameter(at + 5, t.meta.kind.as_str())?;
    s.raw_bind_parameter(at + 6, t.meta.source_id.as_deref())?;
    s.raw_bind_parameter(at + 7, t.meta.description.as_deref())?;
    s.raw_bind_parameter(at + 8, t.hold.map(|h| h.0))?;
    s.raw_bind_parameter(at + 9, t.created_at.unix_micros())
}

/// Binds a posting row's values from parameter `at + 1` on.
fn bind_posting(s: &mut Statement<'_>, at: usize, p: &PostingRow) -> rusqlite::Result<()> {
    s.raw_bind_parameter(at + 1, p.txn.0)?;
    s.raw_bind_parameter(at + 2, p.leg)?;
    s.raw_bind_parameter(at + 3, p.account.0)?;
    s.raw_bind_parameter(at + 4, p.amount)?;
    s.raw_bind_parameter(at + 5, p.balance_after)
}

#[cfg(test)]
mod tests {
    use super::values_sql;

    #[test]
    fn a_statement_has_one_placeholder_group_per_row() {
        assert_eq!(
            values_sql("INSERT INTO t (a, b) VALUES ", 2, 3),
            "INSERT INTO t (a, b) VALUES (?, ?), (?, ?), (?, ?)"
        );
    }
}
