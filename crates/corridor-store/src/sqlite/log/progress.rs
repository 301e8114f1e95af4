//! How far the log and its projection have come, shared by the writer, the
//! projection thread and every read.

use std::sync::{Condvar, Mutex, MutexGuard};

use crate::StoreError;

/// Log positions: what is durable in the log, what SQLite holds.
#[derive(Debug)]
pub(crate) struct Progress {
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Debug)]
struct State {
    /// End of the last durable record (every acknowledged write is before it).
    logged: u64,
    /// End of the last record the projection applied.
    applied: u64,
    /// Why the projection stopped, if it did.
    failed: Option<String>,
}

impl Progress {
    /// Both at `end` (after recovery, SQLite holds the whole log).
    pub(crate) fn new(end: u64) -> Self {
        Progress {
            state: Mutex::new(State {
                logged: end,
                applied: end,
                failed: None,
            }),
            changed: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A record ending at `end` is durable.
    pub(crate) fn logged(&self, end: u64) {
        self.lock().logged = end;
    }

    /// SQLite holds the log up to `end`.
    pub(crate) fn applied(&self, end: u64) {
        self.lock().applied = end;
        self.changed.notify_all();
    }

    /// The projection stopped: waiting readers get `why`.
    pub(crate) fn failed(&self, why: String) {
        self.lock().failed = Some(why);
        self.changed.notify_all();
    }

    /// Waits until the projection is at most `max_lag` bytes of log behind.
    pub(crate) fn wait_for_room(&self, max_lag: u64) -> Result<(), StoreError> {
        let mut state = self.lock();
        loop {
            if state.logged.saturating_sub(state.applied) <= max_lag {
                return Ok(());
            }
            if let Some(why) = &state.failed {
                return Err(StoreError::Task(format!(
                    "the database stopped following the log: {why}"
                )));
            }
            state = self.changed.wait(state).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Waits until SQLite holds every record durable when this was called:
    /// every write acknowledged before it is then visible to reads.
    pub(crate) fn wait_for_logged(&self) -> Result<(), StoreError> {
        let mut state = self.lock();
        let target = state.logged;
        loop {
            if state.applied >= target {
                return Ok(());
            }
            if let Some(why) = &state.failed {
                return Err(StoreError::Task(format!(
                    "the database stopped following the log: {why}"
                )));
            }
            state = self.changed.wait(state).unwrap_or_else(|e| e.into_inner());
        }
    }
}
