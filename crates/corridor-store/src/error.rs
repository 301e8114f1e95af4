//! Storage failures. Never shown to API clients in detail.

/// A failure of the storage layer (not a business refusal: those are
/// [`corridor_core::ledger::LedgerError`]s inside a successful write).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite failed.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The SQLite connection pool failed.
    #[error("sqlite pool: {0}")]
    Pool(#[from] r2d2::Error),
    /// PostgreSQL failed.
    #[error("postgres: {0}")]
    Postgres(#[from] tokio_postgres::Error),
    /// The PostgreSQL pool failed.
    #[error("postgres pool: {0}")]
    PostgresPool(String),
    /// The ledger writer has stopped; the process is shutting down or its
    /// database failed.
    #[error("the ledger writer is not running")]
    WriterStopped,
    /// Stored data that violates an invariant (a corrupt row).
    #[error("corrupt data: {0}")]
    Corrupt(String),
    /// A bad configuration (database URL, data directory).
    #[error("configuration: {0}")]
    Config(String),
    /// The database did not say whether a commit happened (the connection
    /// dropped during `COMMIT`): the batch may or may not be durable, so its
    /// requests are not retried; the writer re-reads its state.
    #[error("commit outcome unknown: {0}")]
    CommitUnknown(String),
    /// Another process holds this database's writer lock.
    #[error("{0}")]
    Locked(String),
    /// A blocking task panicked or was cancelled.
    #[error("background task failed: {0}")]
    Task(String),
}
