//! The writer's backend on the embedded store: ledger batches go to the log;
//! the writer's prefetch reads, and the batches the log does not carry, go to
//! SQLite once it has caught up.

use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};

use corridor_core::ledger::{AccountId, AccountState, HoldId, HoldState, Recorded};

use super::file::{LogFile, RECORD_HEADER_LEN};
use super::pending_refs::PendingRefs;
use super::{codec, projection, Progress};
use crate::records::{AccountKey, IdempotencyRecord};
use crate::sqlite::SqliteWriter;
use crate::writer::{BatchRows, KeyFill, KnownKeys, NextIds, WriterBackend};
use crate::StoreError;

/// Bytes of log the projection may lag behind before the writer waits: a
/// read waits at most this much projection work for read-your-writes.
const MAX_PROJECTION_LAG: u64 = 8 << 20;

/// The log, and the database it is projected into.
pub(crate) struct LogBackend {
    log: LogFile,
    /// The writer's own connection: its prefetch reads, and the batches the
    /// log does not carry, committed once the projection has caught up. Its
    /// own commits leave its page cache valid, which a commit on the
    /// projection's connection would clear.
    direct: SqliteWriter,
    progress: Arc<Progress>,
    pending: Arc<PendingRefs>,
    projection: Sender<(u64, Vec<u8>)>,
    /// The record being built, reused from batch to batch.
    record: Vec<u8>,
}

impl LogBackend {
    /// Starts the projection of `log` (already recovered into `db`).
    pub(crate) fn start(
        log: LogFile,
        db: SqliteWriter,
        direct: SqliteWriter,
        progress: Arc<Progress>,
    ) -> Result<Self, StoreError> {
        let db = Arc::new(Mutex::new(db));
        let pending = Arc::new(PendingRefs::default());
        let (projection, records) = std::sync::mpsc::channel();
        projection::spawn(db, progress.clone(), pending.clone(), records)?;
        Ok(LogBackend {
            log,
            direct,
            progress,
            pending,
            projection,
            record: Vec::new(),
        })
    }

    /// The writer's own connection, once the database holds every durable
    /// record (so the projection is idle until the writer logs again).
    fn caught_up(&mut self) -> Result<&mut SqliteWriter, StoreError> {
        self.progress.wait_for_logged()?;
        Ok(&mut self.direct)
    }
}

impl WriterBackend for LogBackend {
    fn next_ids(&mut self) -> Result<NextIds, StoreError> {
        self.caught_up()?.next_ids()
    }

    fn known_keys(&mut self) -> Result<(KnownKeys, Option<KeyFill>), StoreError> {
        self.caught_up()?.known_keys()
    }

    fn load_accounts(
        &mut self,
        keys: &[AccountKey],
    ) -> Result<Vec<(AccountKey, AccountId, AccountState)>, StoreError> {
        self.caught_up()?.load_accounts(keys)
    }

    fn load_accounts_by_id(
        &mut self,
        ids: &[AccountId],
    ) -> Result<Vec<(AccountKey, AccountId, AccountState)>, StoreError> {
        self.caught_up()?.load_accounts_by_id(ids)
    }

    fn load_holds(&mut self, ids: &[HoldId]) -> Result<Vec<HoldState>, StoreError> {
        self.caught_up()?.load_holds(ids)
    }

    fn load_client_refs(&mut self, refs: &[String]) -> Result<Vec<(String, Recorded)>, StoreError> {
        let (mut found, missing) = self.pending.find(refs);
        if !missing.is_empty() {
            found.extend(self.direct.load_client_refs(&missing)?);
        }
        Ok(found)
    }

    fn load_idempotency(
        &mut self,
        keys: &[(String, String)],
    ) -> Result<Vec<IdempotencyRecord>, StoreError> {
        self.caught_up()?.load_idempotency(keys)
    }

    fn load_payment_versions(&mut self, ids: &[String]) -> Result<Vec<(String, i64)>, StoreError> {
        self.caught_up()?.load_payment_versions(ids)
    }

    fn load_after_sales_versions(
        &mut self,
        ids: &[String],
    ) -> Result<Vec<(String, i64)>, StoreError> {
        self.caught_up()?.load_after_sales_versions(ids)
    }

    fn load_refund_basis(
        &mut self,
        payment_ids: &[String],
    ) -> Result<Vec<(String, i64, i64)>, StoreError> {
        self.caught_up()?.load_refund_basis(payment_ids)
    }

    fn load_fx_versions(&mut self, ids: &[String]) -> Result<Vec<(String, i64)>, StoreError> {
        self.caught_up()?.load_fx_versions(ids)
    }

    fn load_versions(
        &mut self,
        sql: &str,
        ids: &[String],
    ) -> Result<Vec<(String, i64)>, StoreError> {
        self.caught_up()?.load_versions(sql, ids)
    }

    /// Appends a ledger batch to the log (durable when this returns) and
    /// hands it to the projection; any other batch is committed to SQLite
    /// directly, after everything logged before it.
    fn commit(&mut self, rows: &BatchRows) -> Result<(), StoreError> {
        if !codec::loggable(rows) {
            self.log.mark_direct_rows()?;
            return self.caught_up()?.commit(rows);
        }
        self.progress.wait_for_room(MAX_PROJECTION_LAG)?;
        self.record.clear();
        self.record.resize(RECORD_HEADER_LEN, 0);
        codec::encode(rows, &mut self.record);
        let end = self.log.append(&mut self.record)?;
        self.pending.logged(rows);
        self.progress.logged(end);
        let next = Vec::with_capacity(self.record.len());
        let record = std::mem::replace(&mut self.record, next);
        if self.projection.send((end, record)).is_err() {
            // The projection stopped (and said why); the batch is durable in
            // the log and is applied at the next start.
            tracing::warn!(end, "a logged batch could not be handed to the projection");
        }
        Ok(())
    }
}
