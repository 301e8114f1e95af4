//! Read-only commands (`ledger verify`, ...) must look at an existing
//! Corridor database: opening a mistyped path would otherwise create an
//! empty one and report on nothing.

use crate::{StoreConfig, StoreError};

/// Fails unless the configured database exists and holds Corridor's schema.
/// Creates nothing.
pub async fn require_existing(config: &StoreConfig) -> Result<(), StoreError> {
    match config {
        StoreConfig::Sqlite(path) => sqlite_has_schema(path),
        StoreConfig::Postgres(url) => postgres_has_schema(url).await,
    }
}

fn sqlite_has_schema(path: &std::path::Path) -> Result<(), StoreError> {
    let missing = || {
        StoreError::Config(format!(
            "no Corridor data at {}: the directory holds no corridor.db (check --data-dir or CORRIDOR_DATA_DIR)",
            path.display()
        ))
    };
    if !path.is_file() {
        // A database lost while its log survives is rebuilt from the log.
        if crate::sqlite::log_path(path).is_file() {
            return Ok(());
        }
        return Err(missing());
    }
    let flags =
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = rusqlite::Connection::open_with_flags(path, flags).map_err(|_| missing())?;
    let found: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
            [],
            |row| row.get(0),
        )
        .map_err(|_| missing())?;
    if found == 0 {
        return Err(missing());
    }
    Ok(())
}

async fn postgres_has_schema(url: &str) -> Result<(), StoreError> {
    let config = crate::postgres::config(url)?;
    let (client, connection) = config
        .connect(tokio_postgres::NoTls)
        .await
        .map_err(|e| StoreError::Config(format!("cannot connect to the database: {e}")))?;
    let driver = tokio::spawn(connection);
    let found = client
        .query_one("SELECT to_regclass('schema_migrations') IS NOT NULL", &[])
        .await
        .map_err(|e| StoreError::Config(format!("cannot read the database: {e}")))?;
    drop(client);
    let _ = driver.await;
    if found.get::<_, bool>(0) {
        Ok(())
    } else {
        Err(StoreError::Config(
            "no Corridor data in this database: it has no Corridor schema (check --database-url)"
                .into(),
        ))
    }
}
