//! The embedded store's log: torn tails, damage, a lost database, a log
//! from a newer release, verification comparing the log with the database.
//! SQLite only: PostgreSQL has no log.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use corridor_store::{
    ApiKeyRecord, MerchantRecord, Principal, Store, StoreConfig, StoreError, TestClock, WriteOp,
    WriteRequest, WriterConfig,
};

use crate::ledger::*;

/// The log beside a database.
fn log_of(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".log");
    PathBuf::from(name)
}

async fn open(db: &Path) -> Result<Store, StoreError> {
    Store::open(
        &StoreConfig::Sqlite(db.to_owned()),
        Arc::new(TestClock::default()),
        WriterConfig::default(),
    )
    .await
}

async fn opened(db: &Path) -> Store {
    open(db).await.expect("open the store")
}

/// Removes the database and its WAL, as an operator losing it would.
fn delete_database(db: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = db.as_os_str().to_owned();
        name.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
}

fn len(path: &Path) -> u64 {
    std::fs::metadata(path).expect("stat the log").len()
}

/// The accounts the tests move money between.
fn accounts() -> [corridor_store::AccountKey; 3] {
    [
        merchant("mer_a", "EUR"),
        merchant("mer_b", "EUR"),
        source("EUR"),
    ]
}

async fn balances(store: &Store) -> Vec<(i64, i64, i64)> {
    let mut out = Vec::new();
    for key in accounts() {
        out.push(balance(store, &key).await);
    }
    out
}

/// Funds `mer_a` and moves money to `mer_b` in `batches` separate batches.
async fn write_batches(store: &Store, batches: i64) {
    let [a, b, _] = accounts();
    fund(store, &a, 1_000_000).await;
    for i in 1..batches {
        ok(store, transfer(&a, &b, i)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_tail_cut_anywhere_in_the_last_record_recovers_to_the_last_whole_batch() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("corridor.db");
    let store = opened(&db).await;
    write_batches(&store, 5).await;
    let before = balances(&store).await;
    let last_start = len(&log_of(&db));
    let [a, b, _] = accounts();
    ok(&store, transfer(&a, &b, 777)).await;
    let after = balances(&store).await;
    drop(store);
    let log = std::fs::read(log_of(&db)).unwrap();
    let last_end = log.len() as u64;
    assert!(last_end > last_start);

    for cut in last_start..=last_end {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("corridor.db");
        std::fs::write(log_of(&db), &log[..cut as usize]).unwrap();
        let store = open(&db)
            .await
            .unwrap_or_else(|e| panic!("cut at byte {cut}: {e}"));
        let expected = if cut == last_end { &after } else { &before };
        assert_eq!(&balances(&store).await, expected, "cut at byte {cut}");
        verified(&store).await;
        let kept = if cut == last_end {
            last_end
        } else {
            last_start
        };
        assert_eq!(len(&log_of(&db)), kept, "cut at byte {cut}");
        // The log takes new batches where the whole ones end.
        ok(&store, transfer(&a, &b, 1)).await;
        drop(store);
        let store = opened(&db).await;
        let (posted, _, _) = balance(&store, &b).await;
        assert_eq!(posted, expected[1].0 + 1, "cut at byte {cut}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_flipped_byte_in_the_middle_of_the_log_stops_recovery() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("corridor.db");
    let store = opened(&db).await;
    write_batches(&store, 4).await;
    drop(store);
    let log = std::fs::read(log_of(&db)).unwrap();
    // In the first record's header (its length), then in its body.
    for offset in [16 + 1, 16 + 12 + 9] {
        let mut damaged = log.clone();
        damaged[offset] ^= 0x40;
        std::fs::write(log_of(&db), &damaged).unwrap();
        let error = open(&db).await.expect_err("damage must stop the opening");
        let message = error.to_string();
        assert!(
            message.contains(&log_of(&db).display().to_string()) && message.contains("damaged"),
            "offset {offset}: {message}"
        );
        // Nothing was cut.
        assert_eq!(len(&log_of(&db)), log.len() as u64);
        // Also with the database gone: nothing is rebuilt past the damage.
        delete_database(&db);
        assert!(open(&db).await.is_err(), "offset {offset}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_database_deleted_while_stopped_is_rebuilt_from_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("corridor.db");
    let store = opened(&db).await;
    write_batches(&store, 20).await;
    let [a, b, _] = accounts();
    let last = ok(&store, transfer(&a, &b, 5)).await.txn.unwrap();
    let before = balances(&store).await;
    let report = verified(&store).await;
    drop(store);
    // The writer's lock is released once its threads end.
    drop(opened(&db).await);
    delete_database(&db);

    let store = opened(&db).await;
    assert_eq!(balances(&store).await, before);
    assert_eq!(verified(&store).await, report);
    assert!(store.txn(last).await.unwrap().is_some());
    let next = ok(&store, transfer(&a, &b, 5)).await.txn.unwrap();
    assert!(next > last, "txn id {next:?} reused (last {last:?})");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_log_from_a_newer_format_is_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("corridor.db");
    let store = opened(&db).await;
    write_batches(&store, 2).await;
    drop(store);
    let mut log = std::fs::read(log_of(&db)).unwrap();
    log[8..12].copy_from_slice(&2u32.to_le_bytes());
    std::fs::write(log_of(&db), &log).unwrap();
    let message = open(&db).await.expect_err("a newer log").to_string();
    assert!(
        message.contains("format version 2")
            && message.contains(&log_of(&db).display().to_string()),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_database_ahead_of_its_log_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("corridor.db");
    let store = opened(&db).await;
    write_batches(&store, 3).await;
    drop(store);
    drop(opened(&db).await);
    std::fs::remove_file(log_of(&db)).unwrap();
    let message = open(&db).await.expect_err("a lost log").to_string();
    assert!(message.contains("missing from the log"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_lost_database_holding_rows_the_log_does_not_is_not_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("corridor.db");
    let store = opened(&db).await;
    write_batches(&store, 2).await;
    store
        .writer()
        .submit(WriteRequest {
            op: WriteOp::CreateMerchant {
                merchant: MerchantRecord {
                    id: "mer_log".into(),
                    legal_name: "Log GmbH".into(),
                    country: "DE".into(),
                    home_currency: cur("EUR"),
                    email: None,
                    website: None,
                    marketplace_store_ids: Vec::new(),
                    kyb_status: "pending".into(),
                    created_at: corridor_core::Timestamp::from_unix_micros(0),
                },
                api_key: ApiKeyRecord {
                    key_hash: "hash_log".into(),
                    principal: Principal::Merchant("mer_log".into()),
                },
            },
            idempotency: None,
        })
        .await
        .unwrap();
    // A ledger batch after the direct one still goes to the log and is
    // read back after a restart.
    let [a, b, _] = accounts();
    ok(&store, transfer(&a, &b, 9)).await;
    let before = balances(&store).await;
    drop(store);
    let store = opened(&db).await;
    assert_eq!(balances(&store).await, before);
    assert!(store.merchant("mer_log").await.unwrap().is_some());
    drop(store);
    drop(opened(&db).await);

    delete_database(&db);
    let message = open(&db).await.expect_err("cannot rebuild").to_string();
    assert!(
        message.contains("restore the database from a backup") && !db.exists(),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn verify_compares_the_log_with_its_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("corridor.db");
    let store = opened(&db).await;
    write_batches(&store, 10).await;
    let report = verified(&store).await;
    let log = report.log.expect("the embedded store compares its log");
    assert!(log.records >= 10 && log.postings >= 20, "{log:?}");
    drop(store);
    drop(opened(&db).await);

    // One posting's balance after, edited in the database: every balance
    // still sums, so only the log can tell.
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.busy_timeout(std::time::Duration::from_secs(10)).unwrap();
        let edited = c
            .execute(
                "UPDATE postings SET balance_after = balance_after + 1
                 WHERE txn_id = (SELECT MAX(txn_id) FROM postings)
                   AND leg = (SELECT MIN(leg) FROM postings WHERE txn_id = (SELECT MAX(txn_id) FROM postings))",
                [],
            )
            .unwrap();
        assert_eq!(edited, 1);
    }
    let store = opened(&db).await;
    let report = store.verify().await.unwrap();
    assert!(!report.balanced, "an edited posting passed verification");
    assert_eq!(report.mismatches.len(), 1, "{:?}", report.mismatches);
    assert!(
        matches!(
            &report.mismatches[0],
            corridor_core::ledger::Mismatch::LogDiffers { detail, .. }
                if detail.contains("balance after")
        ),
        "{:?}",
        report.mismatches
    );
    drop(store);
    drop(opened(&db).await);

    // A logged posting deleted from the database is missing.
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.busy_timeout(std::time::Duration::from_secs(10)).unwrap();
        let deleted = c
            .execute(
                "DELETE FROM postings WHERE txn_id = (SELECT MIN(txn_id) FROM postings) AND leg = 0",
                [],
            )
            .unwrap();
        assert_eq!(deleted, 1);
    }
    let store = opened(&db).await;
    let report = store.verify().await.unwrap();
    assert!(
        report.mismatches.iter().any(|m| matches!(
            m,
            corridor_core::ledger::Mismatch::LogDiffers { detail, .. }
                if detail == "leg 0 is in the log but not in the database"
        )),
        "{:?}",
        report.mismatches
    );
    assert_eq!(report.log, Some(log), "the same log was read");
}
