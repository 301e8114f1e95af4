//! A fresh database per test: a temporary SQLite file, or a throwaway
//! PostgreSQL database that is dropped when the test ends.

use std::path::PathBuf;
use std::sync::Arc;

use corridor_store::{Store, StoreConfig, TestClock, WriterConfig};
use tempfile::TempDir;
use tokio_postgres::NoTls;

/// Where the PostgreSQL tests create their databases.
const DATABASE_URL_VAR: &str = "CORRIDOR_TEST_DATABASE_URL";
const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// A store on a fresh database, the clock it runs on, and the database itself.
pub struct Ctx {
    /// The store under test (dropped before the database).
    pub store: Store,
    /// The store's clock; tests advance it to expire holds.
    pub clock: TestClock,
    db: TestDb,
}

enum TestDb {
    Sqlite { _dir: TempDir, path: PathBuf },
    Postgres(PgDatabase),
}

impl TestDb {
    fn config(&self) -> StoreConfig {
        match self {
            TestDb::Sqlite { path, .. } => StoreConfig::Sqlite(path.clone()),
            TestDb::Postgres(pg) => StoreConfig::Postgres(pg.url.clone()),
        }
    }
}

impl Ctx {
    /// A store on a new SQLite file in a temporary directory.
    pub async fn sqlite() -> Ctx {
        let dir = tempfile::tempdir().expect("create a temporary directory");
        let path = dir.path().join("corridor.db");
        Ctx::open(TestDb::Sqlite { _dir: dir, path }).await
    }

    /// A store on a new PostgreSQL database. Panics if the server is unreachable.
    pub async fn postgres() -> Ctx {
        Ctx::open(TestDb::Postgres(PgDatabase::create().await)).await
    }

    async fn open(db: TestDb) -> Ctx {
        let clock = TestClock::default();
        let store = open_store(&db, &clock).await;
        Ctx { store, clock, db }
    }

    /// Drops the store (stopping its writer) and opens the same database again.
    pub async fn reopen(self) -> Ctx {
        let Ctx { store, clock, db } = self;
        drop(store);
        let store = open_store(&db, &clock).await;
        Ctx { store, clock, db }
    }

    /// Runs one statement directly on the database, behind the store's back.
    /// Returns the number of rows changed.
    pub async fn execute_sql(&self, sql: &str) -> u64 {
        match &self.db {
            TestDb::Sqlite { path, .. } => {
                let (path, sql) = (path.clone(), sql.to_string());
                tokio::task::spawn_blocking(move || {
                    let conn = rusqlite::Connection::open(&path).expect("open the SQLite file");
                    conn.busy_timeout(std::time::Duration::from_secs(10))
                        .expect("set busy timeout");
                    conn.execute(&sql, []).expect("run SQL on SQLite")
                })
                .await
                .expect("SQLite task") as u64
            }
            TestDb::Postgres(pg) => {
                let client = connect(&pg.url).await;
                client
                    .execute(sql, &[])
                    .await
                    .expect("run SQL on PostgreSQL")
            }
        }
    }
}

async fn open_store(db: &TestDb, clock: &TestClock) -> Store {
    Store::open(
        &db.config(),
        Arc::new(clock.clone()),
        WriterConfig::default(),
    )
    .await
    .expect("open the store")
}

/// A database created for one test; dropped (best effort) with the guard.
struct PgDatabase {
    admin_url: String,
    name: String,
    url: String,
}

impl PgDatabase {
    async fn create() -> PgDatabase {
        let admin_url =
            std::env::var(DATABASE_URL_VAR).unwrap_or_else(|_| DEFAULT_DATABASE_URL.to_string());
        let name = format!("corridor_it_{:016x}", rand::random::<u64>());
        let admin = connect(&admin_url).await;
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
        let url = with_dbname(&admin_url, &name);
        PgDatabase {
            admin_url,
            name,
            url,
        }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        // Drop runs inside the test's runtime, which cannot block on itself.
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            rt.block_on(async {
                let (client, connection) = tokio_postgres::connect(&admin_url, NoTls)
                    .await
                    .map_err(|e| e.to_string())?;
                tokio::spawn(connection);
                client
                    .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await
                    .map_err(|e| e.to_string())
            })
        })
        .join();
        if let Ok(Err(e)) = dropped {
            eprintln!("warning: could not drop test database {}: {e}", self.name);
        }
    }
}

/// Connects or fails the test with a message that says what to do.
async fn connect(url: &str) -> tokio_postgres::Client {
    match tokio_postgres::connect(url, NoTls).await {
        Ok((client, connection)) => {
            tokio::spawn(connection);
            client
        }
        Err(e) => {
            let cause = std::error::Error::source(&e).map_or(String::new(), |c| format!(": {c}"));
            panic!(
                "PostgreSQL is not reachable at {} ({e}{cause}). The PostgreSQL tests need a \
                 server: set {DATABASE_URL_VAR} or run scripts/test, which starts one.",
                redact(url)
            )
        }
    }
}

/// The URL with its password, if any, hidden.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "(key=value connection string)".to_string();
    };
    match rest.split_once('@') {
        Some((user_info, host)) => match user_info.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

/// The same server URL naming another database.
fn with_dbname(url: &str, name: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return format!("{url} dbname={name}");
    };
    let (location, query) = match rest.split_once('?') {
        Some((location, query)) => (location, Some(query)),
        None => (rest, None),
    };
    let server = location.split_once('/').map_or(location, |(s, _)| s);
    match query {
        Some(query) => format!("{scheme}://{server}/{name}?{query}"),
        None => format!("{scheme}://{server}/{name}"),
    }
}
