//! Client references of logged batches that the database may not hold yet.
//!
//! The writer looks a reference up here first and in the database only if
//! it is absent: an entry leaves only after the projection's transaction
//! holding it committed, so a reference is always in one of the two, and
//! ledger batches with client references never wait for the projection.

use foldhash::HashMap;
use std::sync::{Mutex, MutexGuard};

use corridor_core::ledger::{Receipt, Recorded};

use crate::writer::{BatchRows, RefusalCode};

/// Recorded outcomes by client reference.
#[derive(Debug, Default)]
pub(crate) struct PendingRefs {
    refs: Mutex<HashMap<String, Recorded>>,
}

impl PendingRefs {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Recorded>> {
        self.refs.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Notes the references of a batch just made durable in the log.
    pub(crate) fn logged(&self, rows: &BatchRows) {
        let mut refs = self.lock();
        for t in &rows.txns {
            let (Some(client_ref), Some(hash)) = (&t.client_ref, t.content_hash) else {
                continue;
            };
            let outcome = match &t.failure {
                Some(f) => match f.code {
                    RefusalCode::Ledger(kind) => Err(kind),
                    // Not loggable (see `codec::loggable`).
                    _ => continue,
                },
                None => Ok(Receipt {
                    txn: Some(t.id),
                    hold: t.hold,
                }),
            };
            refs.insert(client_ref.clone(), Recorded { hash, outcome });
        }
    }

    /// Forgets the references of batches the database now holds.
    pub(crate) fn projected(&self, batches: &[BatchRows]) {
        let mut refs = self.lock();
        for t in batches.iter().flat_map(|b| &b.txns) {
            if let Some(client_ref) = &t.client_ref {
                refs.remove(client_ref);
            }
        }
    }

    /// Splits `wanted` into what is recorded here and what to ask the
    /// database for.
    pub(crate) fn find(&self, wanted: &[String]) -> (Vec<(String, Recorded)>, Vec<String>) {
        let refs = self.lock();
        let mut found = Vec::new();
        let mut missing = Vec::new();
        for r in wanted {
            match refs.get(r) {
                Some(recorded) => found.push((r.clone(), recorded.clone())),
                None => missing.push(r.clone()),
            }
        }
        (found, missing)
    }
}
