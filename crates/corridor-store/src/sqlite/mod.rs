//! The embedded backend: an append-only log (the durable record, see `log/`)
//! projected into one SQLite file in WAL mode, a pool of read connections
//! and one writer connection.

mod after_sales;
mod busy;
mod checkpoint;
mod fx;
mod history;
mod layout_sql;
mod ledger_rows;
pub(crate) mod log;
mod payments;
pub(crate) mod reads;
mod settings;
mod verify;
mod webhook_reads;
mod writer;

use std::path::Path;

use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::Connection;

pub(crate) use writer::SqliteWriter;

use self::log::{LogBackend, Progress};

use self::layout_sql::SQLITE_LAYOUT_MIGRATIONS;
use crate::sql::MIGRATIONS;
use crate::StoreError;

/// Read connections in the pool.
const MAX_READ_CONNECTIONS: u32 = 8;

/// Prepared statements each connection keeps. The writer's connections use
/// some fifty distinct statements per batch, the readers as many across the
/// API; past the capacity (rusqlite's default is 16) every `prepare_cached`
/// of a statement evicted meanwhile parses its SQL again.
const STATEMENT_CACHE_CAPACITY: usize = 256;

/// Reads of the SQLite database.
#[derive(Clone, Debug)]
pub(crate) struct SqliteStore {
    pool: r2d2::Pool<SqliteConnectionManager>,
    /// How far the projection has come: reads wait for acknowledged writes.
    progress: std::sync::Arc<Progress>,
    /// Keeps the background checkpointer running while any handle lives.
    _alive: std::sync::Arc<()>,
}

fn configure(conn: &Connection) -> Result<(), rusqlite::Error> {
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE_CAPACITY);
    conn.busy_handler(Some(busy::wait_up_to_10_s))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    conn.pragma_update(None, "journal_size_limit", checkpoint::WAL_SIZE_LIMIT_BYTES)?;
    Ok(())
}

/// The log beside the database at `path`: `<database>.log`.
pub(crate) fn log_path(path: &Path) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".log");
    std::path::PathBuf::from(name)
}

/// Opens (creating if needed) the database and its log, runs migrations and
/// applies the log records the database does not hold yet.
pub(crate) fn open(path: &Path) -> Result<(SqliteStore, LogBackend), StoreError> {
    let lock = writer_lock(path)?;
    let log_path = log_path(path);
    let existed = path.exists();
    if !existed && log::needs_database(&log_path)? {
        return Err(StoreError::Config(format!(
            "the database {} is missing, and the log {} cannot rebuild it alone (the database held payments, merchants or settings the log does not): restore the database from a backup",
            path.display(),
            log_path.display()
        )));
    }
    let mut conn = Connection::open(path)?;
    configure(&conn)?;
    migrate(&mut conn)?;
    let mut db = SqliteWriter::new(conn, Some(lock), writer::PROJECTION_CACHE_KIB)?;
    let had_log = log_path.exists();
    let mut log = log::recover(&mut db, &log_path)?;
    if existed && !had_log {
        // A database from before the log: its rows are not in the log.
        log.mark_direct_rows()?;
    }
    let progress = std::sync::Arc::new(Progress::new(log.end()));
    // The writer reads for its prefetch, and commits what the log does not
    // carry, on a connection of its own: its prefetch never waits for the
    // projection's transaction to end.
    let direct = Connection::open(path)?;
    configure(&direct)?;
    let durable = checkpoint::DurableCommits::default();
    let direct =
        SqliteWriter::new(direct, None, writer::DIRECT_CACHE_KIB)?.telling(durable.clone());
    let manager = SqliteConnectionManager::file(path).with_init(|c: &mut Connection| configure(c));
    // A connection to a local file does not go stale: it is not tested
    // with a statement of its own on every checkout.
    let pool = r2d2::Pool::builder()
        .max_size(MAX_READ_CONNECTIONS)
        .test_on_check_out(false)
        .build(manager)?;
    let alive = std::sync::Arc::new(());
    checkpoint::spawn(path, std::sync::Arc::downgrade(&alive), durable)?;
    Ok((
        SqliteStore {
            pool,
            progress: progress.clone(),
            _alive: alive,
        },
        LogBackend::start(log, db, direct, progress)?,
    ))
}

/// Takes the database's exclusive writer lock: an advisory lock on
/// `<database>.lock`, released by the operating system when the process
/// ends, however it ends. A second process on the same file is refused.
fn writer_lock(path: &Path) -> Result<std::fs::File, StoreError> {
    let mut name = path.as_os_str().to_owned();
    name.push(".lock");
    let lock_path = std::path::PathBuf::from(name);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| StoreError::Config(format!("cannot open {}: {e}", lock_path.display())))?;
    // A writer of this process that was just dropped releases the lock as
    // its thread ends: give it a moment before refusing.
    let deadline = std::time::Instant::now() + LOCK_WAIT;
    loop {
        match file.try_lock() {
            Err(std::fs::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            other => break lock_result(other, file, path, &lock_path),
        }
    }
}

/// How long opening waits for another writer to let go of the lock.
pub(crate) const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

fn lock_result(
    result: Result<(), std::fs::TryLockError>,
    file: std::fs::File,
    path: &Path,
    lock_path: &Path,
) -> Result<std::fs::File, StoreError> {
    match result {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::Locked(format!(
            "another corridor process is writing to {} (it holds {}); stop it first",
            path.display(),
            lock_path.display()
        ))),
        Err(std::fs::TryLockError::Error(e)) => Err(StoreError::Config(format!(
            "cannot lock {}: {e}",
            lock_path.display()
        ))),
    }
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)",
    )?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    for (version, sql) in MIGRATIONS.iter().chain(SQLITE_LAYOUT_MIGRATIONS) {
        let done: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)",
            [version],
            |r| r.get(0),
        )?;
        if !done {
            tx.execute_batch(&sql.replace("BIGINT PRIMARY KEY", "INTEGER PRIMARY KEY"))?;
            tx.execute(
                "INSERT INTO schema_migrations (version) VALUES ($1)",
                [version],
            )?;
        }
    }
    tx.commit()?;
    Ok(())
}
