//! Applying the log to SQLite: at open (recovery) and as the writer goes.

use std::path::Path;
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};

use super::file::{LogFile, RECORD_HEADER_LEN};
use super::pending_refs::PendingRefs;
use super::{codec, Progress};
use crate::sqlite::SqliteWriter;
use crate::writer::BatchRows;
use crate::StoreError;

/// Records applied in one SQLite transaction, at most.
const RECORDS_PER_TRANSACTION: usize = 64;

/// Opens the log and applies to the database every record past the
/// position it stored; returns the log, ready to append.
pub(crate) fn recover(db: &mut SqliteWriter, log_path: &Path) -> Result<LogFile, StoreError> {
    let position = db.log_position()?;
    let mut pending: Vec<BatchRows> = Vec::new();
    let mut pending_end = 0;
    let mut applied = 0usize;
    let started = std::time::Instant::now();
    let log = LogFile::open(log_path, |end, body| {
        if end <= position {
            return Ok(());
        }
        let batch = codec::decode(body).map_err(|e| {
            StoreError::Corrupt(format!(
                "the log {} holds a record ending at byte {end} that cannot be read: {e}",
                log_path.display()
            ))
        })?;
        pending.push(batch);
        pending_end = end;
        if pending.len() >= RECORDS_PER_TRANSACTION {
            db.apply_records(&pending, end)?;
            applied += pending.len();
            pending.clear();
        }
        Ok(())
    })?;
    if !pending.is_empty() {
        db.apply_records(&pending, pending_end)?;
        applied += pending.len();
    }
    if position > log.end() {
        return Err(StoreError::Corrupt(format!(
            "the database holds the log up to byte {position}, but the log {} ends at byte {}: acknowledged batches are missing from the log. Restore the log from a backup",
            log_path.display(),
            log.end()
        )));
    }
    if applied > 0 {
        tracing::info!(
            records = applied,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "applied the log's tail to the database"
        );
    }
    Ok(log)
}

/// Starts the thread that applies appended records to the database, many
/// per transaction. It ends when the writer drops its sender.
pub(crate) fn spawn(
    db: Arc<Mutex<SqliteWriter>>,
    progress: Arc<Progress>,
    pending: Arc<PendingRefs>,
    records: Receiver<(u64, Vec<u8>)>,
) -> Result<(), StoreError> {
    std::thread::Builder::new()
        .name("sqlite-projection".into())
        .spawn(move || run(&db, &progress, &pending, &records))
        .map(|_| ())
        .map_err(|e| StoreError::Task(e.to_string()))
}

fn run(
    db: &Mutex<SqliteWriter>,
    progress: &Progress,
    pending: &PendingRefs,
    records: &Receiver<(u64, Vec<u8>)>,
) {
    let mut taken: Vec<(u64, Vec<u8>)> = Vec::with_capacity(RECORDS_PER_TRANSACTION);
    while let Ok(first) = records.recv() {
        taken.push(first);
        while taken.len() < RECORDS_PER_TRANSACTION {
            match records.try_recv() {
                Ok(record) => taken.push(record),
                Err(_) => break,
            }
        }
        let end = taken.last().map_or(0, |(end, _)| *end);
        let result = taken
            .iter()
            .map(|(_, record)| codec::decode(&record[RECORD_HEADER_LEN..]))
            .collect::<Result<Vec<_>, _>>()
            .and_then(|batches| {
                db.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .apply_records(&batches, end)?;
                pending.projected(&batches);
                Ok(())
            });
        taken.clear();
        match result {
            Ok(()) => progress.applied(end),
            Err(e) => {
                // The log holds the batches: a restart applies them again.
                tracing::error!(error = %e, "the database stopped following the log");
                progress.failed(e.to_string());
                return;
            }
        }
    }
}
