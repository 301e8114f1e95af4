//! The thread that makes written records durable, so that the writer builds
//! and writes batch N+1 while batch N is being synced.
//!
//! It takes every record queued since its last sync and syncs them with one
//! `fdatasync`. Only then does it mark them logged (reads wait for that),
//! answer their batches and hand them to the projection, in log order: the
//! database never holds a record the log may lose. After a failed sync,
//! every record queued or written later fails as well, and nothing more is
//! appended until a restart recovers the log.

use std::sync::mpsc::{Receiver, Sender};
use std::sync::Arc;

use super::file::LogSync;
use super::Progress;
use crate::writer::OnDurable;
use crate::StoreError;

/// A record written to the log, waiting for its sync.
pub(crate) struct Written {
    /// Where the record ends in the log.
    pub(crate) end: u64,
    /// The record, for the projection.
    pub(crate) record: Vec<u8>,
    /// Answers the record's batch once it is durable (or cannot be).
    pub(crate) done: OnDurable,
}

/// Starts the sync thread; it ends when every sender is dropped, and its
/// end drops `projection`, which ends the projection in turn.
pub(crate) fn spawn(
    sync: LogSync,
    progress: Arc<Progress>,
    projection: Sender<(u64, Vec<u8>)>,
    written: Receiver<Written>,
) -> Result<(), StoreError> {
    std::thread::Builder::new()
        .name("log-sync".into())
        .spawn(move || run(&sync, &progress, &projection, &written))
        .map(|_| ())
        .map_err(|e| StoreError::Task(e.to_string()))
}

fn run(
    sync: &LogSync,
    progress: &Progress,
    projection: &Sender<(u64, Vec<u8>)>,
    written: &Receiver<Written>,
) {
    let mut taken: Vec<Written> = Vec::new();
    while let Ok(first) = written.recv() {
        taken.push(first);
        taken.extend(written.try_iter());
        match sync.sync() {
            Ok(()) => {
                if let Some(last) = taken.last() {
                    progress.logged(last.end);
                }
                for Written { end, record, done } in taken.drain(..) {
                    done(Ok(()));
                    if projection.send((end, record)).is_err() {
                        // The projection stopped (and said why); the batch is
                        // durable in the log and is applied at the next start.
                        tracing::warn!(end, "a logged batch could not be handed to the projection");
                    }
                }
            }
            Err(e) => {
                let why = e.to_string();
                tracing::error!(error = %why, "the log could not be synced");
                progress.unsynced(why.clone());
                for Written { done, .. } in taken.drain(..) {
                    done(Err(StoreError::CommitUnknown(why.clone())));
                }
            }
        }
    }
}
