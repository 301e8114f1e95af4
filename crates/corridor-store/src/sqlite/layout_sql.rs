//! Changes to the embedded store's table layout that PostgreSQL does not
//! share: recorded in `schema_migrations` with versions of their own, after
//! every shared migration.

/// SQLite-only migrations, in order. Their versions start at 1,000,000 so
/// that they never meet a shared one.
pub(crate) const SQLITE_LAYOUT_MIGRATIONS: &[(i64, &str)] = &[
    (1_000_001, POSTINGS_CLUSTERED),
    (1_000_002, ACCOUNT_HISTORY_CHUNKS),
    (1_000_003, ACCOUNT_HISTORY_RECENT),
];

/// Postings kept in the order of their primary key (`WITHOUT ROWID`): one
/// B-tree per row instead of a rowid table plus a primary-key index, which
/// is most of the projection's work per transfer. The by-account index
/// points at the primary key.
const POSTINGS_CLUSTERED: &str = r#"
CREATE TABLE postings_clustered (
    txn_id INTEGER NOT NULL,
    leg INTEGER NOT NULL,
    account_id INTEGER NOT NULL,
    amount INTEGER NOT NULL,
    balance_after INTEGER NOT NULL,
    PRIMARY KEY (txn_id, leg)
) WITHOUT ROWID;
INSERT INTO postings_clustered (txn_id, leg, account_id, amount, balance_after)
    SELECT txn_id, leg, account_id, amount, balance_after FROM postings ORDER BY txn_id, leg;
DROP TABLE postings;
ALTER TABLE postings_clustered RENAME TO postings;
CREATE INDEX postings_by_account ON postings (account_id, txn_id);
"#;

/// Account history in chunks (see `history.rs`) instead of an index of
/// postings by account: existing postings become one chunk per account and
/// transaction.
const ACCOUNT_HISTORY_CHUNKS: &str = r#"
CREATE TABLE account_history (
    account_id INTEGER NOT NULL,
    last_txn_id INTEGER NOT NULL,
    txn_ids TEXT NOT NULL,
    PRIMARY KEY (account_id, last_txn_id)
) WITHOUT ROWID;
INSERT INTO account_history (account_id, last_txn_id, txn_ids)
    SELECT account_id, txn_id, CAST(txn_id AS TEXT) FROM postings GROUP BY account_id, txn_id;
DROP INDEX postings_by_account;
"#;

/// The recent level of account history (see `history/recent.rs`): the
/// transactions not yet merged into `account_history`, and their rows, in
/// the order they were written. Existing chunks stay where they are.
const ACCOUNT_HISTORY_RECENT: &str = r#"
CREATE TABLE account_history_batches (
    batch_last INTEGER PRIMARY KEY
);
CREATE TABLE account_history_recent (
    batch_last INTEGER NOT NULL,
    account_id INTEGER NOT NULL,
    txn_ids TEXT NOT NULL,
    PRIMARY KEY (batch_last, account_id)
) WITHOUT ROWID;
"#;

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use super::SQLITE_LAYOUT_MIGRATIONS;
    use crate::sql::MIGRATIONS;

    fn postings(conn: &Connection) -> Vec<(i64, i64, i64, i64, i64)> {
        let mut s = conn
            .prepare("SELECT txn_id, leg, account_id, amount, balance_after FROM postings ORDER BY txn_id, leg")
            .unwrap();
        s.query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    }

    #[test]
    fn postings_keep_their_rows_lose_the_rowid_and_index_history_in_chunks() {
        let conn = Connection::open_in_memory().unwrap();
        for (_, sql) in MIGRATIONS {
            conn.execute_batch(&sql.replace("BIGINT PRIMARY KEY", "INTEGER PRIMARY KEY"))
                .unwrap();
        }
        conn.execute_batch(
            "INSERT INTO postings VALUES (2, 0, 7, -500, 1000), (1, 1, 8, 300, 300), (1, 0, 7, -300, 1500), (2, 1, 9, 500, 500)",
        )
        .unwrap();
        let before = postings(&conn);
        for (_, sql) in SQLITE_LAYOUT_MIGRATIONS {
            conn.execute_batch(sql).unwrap();
        }
        assert_eq!(postings(&conn), before);
        let table: String = conn
            .query_row(
                "SELECT sql FROM sqlite_master WHERE name = 'postings'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(table.contains("WITHOUT ROWID"), "{table}");
        let by_account: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'postings_by_account'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(by_account, 0, "replaced by account_history");
        let mut chunks = conn
            .prepare("SELECT account_id, last_txn_id, txn_ids FROM account_history ORDER BY account_id, last_txn_id")
            .unwrap();
        let chunks: Vec<(i64, i64, String)> = chunks
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            chunks,
            vec![
                (7, 1, "1".to_string()),
                (7, 2, "2".to_string()),
                (8, 1, "1".to_string()),
                (9, 2, "2".to_string()),
            ]
        );
        let duplicate = conn.execute("INSERT INTO postings VALUES (1, 0, 9, 1, 1)", []);
        assert!(duplicate.is_err(), "the primary key still holds");
    }
}
