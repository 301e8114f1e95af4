//! The store: reads on either backend, and the handle to its ledger writer.

use std::path::PathBuf;
use std::sync::Arc;

use corridor_core::ledger::{HoldId, TxnId, VerifyReport, MAX_POSTINGS_PER_TRANSACTION};
use corridor_core::Timestamp;

use crate::postgres::PostgresStore;
use crate::records::*;
use crate::sqlite::SqliteStore;
use crate::writer::{LedgerWriter, WriterConfig};
use crate::{Clock, StoreError};

/// Which database to use.
#[derive(Debug, Clone)]
pub enum StoreConfig {
    /// An SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL URL (`postgres://user@host:port/db`).
    Postgres(String),
}

#[derive(Clone, Debug)]
pub(crate) enum Backend {
    /// SQLite.
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

/// Reads, and the writer through which every write goes. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    backend: Backend,
    writer: LedgerWriter,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend_name())
            .finish()
    }
}

macro_rules! dispatch {
    ($self:ident . $method:ident ( $($arg:expr),* )) => {
        match &$self.backend {
            Backend::Sqlite(s) => s.$method($($arg),*).await,
            Backend::Postgres(s) => s.$method($($arg),*).await,
        }
    };
}

impl Store {
    /// Opens the database, runs migrations and starts the ledger writer.
    pub async fn open(
        config: &StoreConfig,
        clock: Arc<dyn Clock>,
        writer: WriterConfig,
    ) -> Result<Store, StoreError> {
        let (backend, writer) = match config {
            StoreConfig::Sqlite(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|e| {
                        StoreError::Config(format!("cannot create {}: {e}", dir.display()))
                    })?;
                }
                let (reads, backend) = crate::sqlite::open(path)?;
                (
                    Backend::Sqlite(reads),
                    LedgerWriter::start(backend, clock.clone(), writer)?,
                )
            }
            StoreConfig::Postgres(url) => {
                let (reads, backend) = crate::postgres::open(url).await?;
                // The writer connects on its own thread; starting it reads the next ids.
                let writer = tokio::task::spawn_blocking({
                    let clock = clock.clone();
                    move || LedgerWriter::start(backend, clock, writer)
                })
                .await
                .map_err(|e| StoreError::Task(e.to_string()))??;
                (Backend::Postgres(reads), writer)
            }
        };
        Ok(Store {
            backend,
            writer,
            clock,
        })
    }

    pub(crate) fn backend(&self) -> &Backend {
        &self.backend
    }

    /// `sqlite` or `postgres`.
    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// The ledger writer.
    pub fn writer(&self) -> &LedgerWriter {
        &self.writer
    }

    /// The clock this store's writer stamps rows with.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// A merchant by id: from the writer's merchant cache, else read (and kept).
    pub async fn merchant(&self, id: &str) -> Result<Option<MerchantRecord>, StoreError> {
        let cache = self.writer.merchant_cache();
        let miss = match cache.get(id) {
            Ok(merchant) => return Ok(Some(merchant)),
            Err(miss) => miss,
        };
        let id = id.to_string();
        let found = dispatch!(self.get_merchant(id))?;
        if let Some(merchant) = &found {
            cache.fill(miss, merchant);
        }
        Ok(found)
    }

    /// Merchants, newest first, after the cursor.
    pub async fn merchants(
        &self,
        limit: usize,
        starting_after: Option<&str>,
    ) -> Result<Page<MerchantRecord>, StoreError> {
        let after = starting_after.map(str::to_string);
        let fetch = i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1);
        let mut items = dispatch!(self.list_merchants(fetch, after))?;
        let has_more = items.len() > limit;
        items.truncate(limit);
        Ok(Page { items, has_more })
    }

    /// Who owns the key with this hash.
    pub async fn principal_for_key(&self, key_hash: &str) -> Result<Option<Principal>, StoreError> {
        let hash = key_hash.to_string();
        dispatch!(self.principal_for_key(hash))
    }

    /// How many operator keys exist.
    pub async fn operator_key_count(&self) -> Result<i64, StoreError> {
        dispatch!(self.operator_key_count())
    }

    /// A completed idempotency key.
    pub async fn idempotency(
        &self,
        scope: &str,
        key: &str,
    ) -> Result<Option<IdempotencyRecord>, StoreError> {
        let (scope, key) = (scope.to_string(), key.to_string());
        dispatch!(self.idempotency(scope, key))
    }

    /// Balances of every account of an owner.
    pub async fn balances(&self, owner: &Owner) -> Result<Vec<AccountBalance>, StoreError> {
        let owner = owner.code().to_string();
        dispatch!(self.balances(owner))
    }

    /// Postings on an owner's accounts, newest first, before a transaction.
    /// A page never splits a transaction's postings.
    pub async fn history(
        &self,
        owner: &Owner,
        limit: usize,
        before: Option<TxnId>,
    ) -> Result<Page<HistoryEntry>, StoreError> {
        let owner = owner.code().to_string();
        let fetch = i64::try_from(limit + MAX_POSTINGS_PER_TRANSACTION + 1).unwrap_or(i64::MAX);
        let mut items = dispatch!(self.history(owner, fetch, before))?;
        let mut cut = limit.min(items.len());
        while cut > 0 && cut < items.len() && items[cut].txn == items[cut - 1].txn {
            cut += 1;
        }
        let has_more = items.len() > cut;
        items.truncate(cut);
        Ok(Page { items, has_more })
    }

    /// A posted transaction with its postings.
    pub async fn txn(&self, id: TxnId) -> Result<Option<TxnRecord>, StoreError> {
        dispatch!(self.txn(id))
    }

    /// Recomputes every balance from the postings and checks every currency sums to zero.
    pub async fn verify(&self) -> Result<VerifyReport, StoreError> {
        dispatch!(self.verify())
    }

    /// Pending holds whose expiry is at or before `now`, oldest first.
    pub async fn expired_holds(
        &self,
        now: Timestamp,
        limit: usize,
    ) -> Result<Vec<HoldId>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        dispatch!(self.expired_holds(now, limit))
    }
}
