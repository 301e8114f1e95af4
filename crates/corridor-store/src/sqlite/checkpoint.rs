//! Background WAL checkpoints, off the writer's commit path (the writer
//! turns SQLite's automatic checkpoints off).
//!
//! A passive checkpoint copies frames into the database without waiting for
//! anyone, but it never rewinds the WAL: SQLite starts writing the WAL from
//! its beginning again only once no reader uses any of its frames, which a
//! steady stream of reads never allows. Left alone, the WAL then grows for
//! as long as the load lasts (over a gigabyte in 20 seconds of payments), and every
//! commit appends to new blocks of the file instead of rewriting cached ones.
//! So past `RESTART_FRAMES` the checkpointer also asks for a restart.
//!
//! A restart holds the writer back while it copies the frames no passive
//! pass has copied yet and waits for the readers of older frames, so it is
//! kept short:
//! - the WAL is restarted small, and before restarting, passive passes
//!   repeat until one is quick (`QUICK_PASS`), which leaves the restart
//!   only the frames written during that pass;
//! - while durable commits wait on SQLite (the batches the log does not
//!   carry: payments, merchants, settings, ...), passes run every
//!   `BUSY_INTERVAL`, so each has little to copy. Otherwise only the
//!   projection writes, which nobody waits for, and passes run every
//!   `IDLE_INTERVAL`: frequent passes copy its hot pages (balances, the
//!   ends of the indexes) again and again;
//! - both sides poll for the lock every 100 µs (see `busy.rs`) instead of
//!   SQLite's growing sleeps;
//! - the restart waits at most 20 ms; a long reader (a ledger
//!   verification) makes it give up and the next pass try again.
//!
//! Measured on confirmed payments: with a pass every 500 ms and restarts
//! past 64 MiB, a restart held the writer 17-34 ms and the slowest
//! payments (p99) took 40-60 ms; now about 24 ms. Ledger transfers alone
//! lost 5-15% to passes every 100 ms, which is why they keep 500 ms.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use rusqlite::Connection;

use crate::StoreError;

/// How often the WAL is checkpointed while durable commits wait on SQLite.
const BUSY_INTERVAL: Duration = Duration::from_millis(100);

/// How often the WAL is checkpointed otherwise.
const IDLE_INTERVAL: Duration = Duration::from_millis(500);

/// WAL frames (4 KiB pages) past which a checkpoint also restarts the WAL:
/// 8 MiB.
const RESTART_FRAMES: i64 = 2_048;

/// A passive pass this short wrote few frames, and the writer few more
/// meanwhile: the restart may follow.
const QUICK_PASS: Duration = Duration::from_millis(2);

/// Most passive passes before a restart.
const MAX_PASSES: usize = 4;

/// Size the WAL file is cut back to when it is rewound after a burst.
pub(super) const WAL_SIZE_LIMIT_BYTES: i64 = 64 << 20;

/// Tells the checkpointer that a durable commit waited on SQLite. Cheap to
/// clone; every clone flags the same checkpointer.
#[derive(Debug, Clone, Default)]
pub(crate) struct DurableCommits(Arc<AtomicBool>);

impl DurableCommits {
    /// Notes a durable commit.
    pub(crate) fn note(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether a durable commit was noted since the last call.
    fn take(&self) -> bool {
        self.0.swap(false, Ordering::Relaxed)
    }
}

/// Starts the checkpointer on a connection of its own to `path`, paced by
/// `durable`. The thread ends once `alive` can no longer be upgraded (the
/// store was dropped).
pub(super) fn spawn(
    path: &Path,
    alive: Weak<()>,
    durable: DurableCommits,
) -> Result<(), StoreError> {
    let conn = Connection::open(path)?;
    super::configure(&conn)?;
    conn.busy_handler(Some(super::busy::wait_up_to_20_ms))?;
    let spawned = std::thread::Builder::new()
        .name("sqlite-checkpoint".into())
        .spawn(move || {
            let mut last = Instant::now();
            while alive.upgrade().is_some() {
                std::thread::sleep(BUSY_INTERVAL);
                if !durable.take() && last.elapsed() < IDLE_INTERVAL {
                    continue;
                }
                last = Instant::now();
                if let Err(e) = checkpoint(&conn) {
                    tracing::warn!(error = %e, "WAL checkpoint failed");
                }
            }
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "could not start the WAL checkpointer");
    }
    Ok(())
}

/// One passive pass, then, if the WAL has grown past `RESTART_FRAMES`,
/// more passes until one is quick, and a restart.
fn checkpoint(conn: &Connection) -> Result<(), rusqlite::Error> {
    let frames = passive(conn)?;
    if frames <= RESTART_FRAMES {
        return Ok(());
    }
    for _ in 1..MAX_PASSES {
        let started = Instant::now();
        passive(conn)?;
        if started.elapsed() < QUICK_PASS {
            break;
        }
    }
    let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(RESTART)", [], |r| r.get(0))?;
    if busy != 0 {
        tracing::debug!(
            frames,
            "WAL restart postponed: readers still use older frames"
        );
    }
    Ok(())
}

/// A passive pass; the frames the WAL held when it began.
fn passive(conn: &Connection) -> Result<i64, rusqlite::Error> {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get(1))
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    use rusqlite::Connection;

    /// Writes far more than `RESTART_FRAMES` while a reader keeps reading:
    /// the WAL file stays a few restarts' worth in size instead of holding
    /// everything written.
    #[test]
    fn the_wal_stays_bounded_under_writes_and_reads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wal.db");
        let writer = Connection::open(&path).unwrap();
        super::super::configure(&writer).unwrap();
        writer.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
        writer.pragma_update(None, "synchronous", "OFF").unwrap();
        writer
            .execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL)")
            .unwrap();
        let alive = Arc::new(());
        let durable = super::DurableCommits::default();
        super::spawn(&path, Arc::downgrade(&alive), durable.clone()).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let reader = {
            let (path, stop) = (path.clone(), stop.clone());
            std::thread::spawn(move || {
                let conn = Connection::open(path).unwrap();
                while !stop.load(Ordering::Relaxed) {
                    let _: i64 = conn
                        .query_row("SELECT COUNT(*) FROM t WHERE id < 10", [], |r| r.get(0))
                        .unwrap();
                }
            })
        };
        let body = vec![7u8; 4000];
        let written_mib = 160;
        for batch in 0..written_mib * 2 {
            let tx = writer.unchecked_transaction().unwrap();
            for i in 0..128 {
                // Rows replace one another, so the database stays small and
                // only the WAL could grow.
                tx.execute(
                    "INSERT OR REPLACE INTO t (id, body) VALUES ($1, $2)",
                    rusqlite::params![(batch * 128 + i) % 1024, body],
                )
                .unwrap();
            }
            tx.commit().unwrap();
            durable.note();
            std::thread::sleep(std::time::Duration::from_micros(500));
        }
        stop.store(true, Ordering::Relaxed);
        reader.join().unwrap();
        let wal = std::fs::metadata(dir.path().join("wal.db-wal"))
            .unwrap()
            .len();
        assert!(
            wal < 64 << 20,
            "the WAL holds {} MiB of {written_mib} MiB written",
            wal >> 20
        );
        drop(alive);
    }
}
