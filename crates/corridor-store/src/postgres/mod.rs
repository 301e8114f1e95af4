//! The PostgreSQL backend: a connection pool for reads and one dedicated
//! connection, on the writer's thread, for the ledger writer.

mod after_sales;
mod fx;
mod payments;
mod reads;
mod settings;
mod webhook_reads;
mod writer;
mod writer_rows;
mod writer_sql;

use std::str::FromStr;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::NoTls;

pub(crate) use writer::PostgresWriter;

use crate::sql::MIGRATIONS;
use crate::StoreError;

/// Read connections in the pool.
const MAX_READ_CONNECTIONS: usize = 16;

/// Advisory lock key that serializes migrations across nodes ("corridor" in ASCII).
const MIGRATION_LOCK: i64 = 0x636f_7272_6964_6f72;

/// Reads of the PostgreSQL database.
#[derive(Clone)]
pub(crate) struct PostgresStore {
    pool: Pool,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PostgresStore")
    }
}

pub(crate) fn config(url: &str) -> Result<tokio_postgres::Config, StoreError> {
    tokio_postgres::Config::from_str(url)
        .map_err(|e| StoreError::Config(format!("invalid database URL: {e}")))
}

/// Connects, runs migrations, and prepares the writer's connection settings.
pub(crate) async fn open(url: &str) -> Result<(PostgresStore, PostgresWriter), StoreError> {
    let cfg = config(url)?;
    let manager = Manager::from_config(
        cfg.clone(),
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    let pool = Pool::builder(manager)
        .max_size(MAX_READ_CONNECTIONS)
        .build()
        .map_err(|e| StoreError::PostgresPool(e.to_string()))?;
    let mut client = pool
        .get()
        .await
        .map_err(|e| StoreError::PostgresPool(e.to_string()))?;
    migrate(&mut client).await?;
    Ok((PostgresStore { pool }, PostgresWriter::new(cfg)))
}

async fn migrate(client: &mut deadpool_postgres::Client) -> Result<(), StoreError> {
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY)")
        .await?;
    for (version, sql) in MIGRATIONS {
        let done = tx
            .query_opt(
                "SELECT 1 FROM schema_migrations WHERE version = $1",
                &[version],
            )
            .await?
            .is_some();
        if !done {
            tx.batch_execute(sql).await?;
            tx.execute(
                "INSERT INTO schema_migrations (version) VALUES ($1)",
                &[version],
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}
