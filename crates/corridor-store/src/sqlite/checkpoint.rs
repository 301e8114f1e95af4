//! Background WAL checkpoints, off the writer's commit path (the writer
//! turns SQLite's automatic checkpoints off).
//!
//! A passive checkpoint copies frames into the database without waiting for
//! anyone, but it never rewinds the WAL: SQLite starts writing the WAL from
//! its beginning again only once no reader uses any of its frames, which a
//! steady stream of reads never allows. Left alone, the WAL then grows for
//! as long as the load lasts (over a gigabyte in 20 seconds of payments), and every
//! commit appends to new blocks of the file instead of rewriting cached ones.
//! So past `RESTART_FRAMES` the checkpointer also asks for a restart, waiting
//! at most `RESTART_WAIT` for the readers of older frames (reads are short;
//! a long one, such as a ledger verification, makes the attempt give up and
//! the next one try again).

use std::path::Path;
use std::sync::Weak;
use std::time::Duration;

use rusqlite::Connection;

use crate::StoreError;

/// How often the WAL is checkpointed.
const CHECKPOINT_INTERVAL: Duration = Duration::from_millis(500);

/// WAL frames (4 KiB pages) past which a checkpoint also restarts the WAL:
/// 64 MiB.
const RESTART_FRAMES: i64 = 16_384;

/// How long a restart waits for the writer's transaction and for the
/// readers of older frames. The writer waits for the restart meanwhile, so
/// this is kept short.
const RESTART_WAIT: Duration = Duration::from_millis(20);

/// Size the WAL file is cut back to when it is rewound after a burst.
pub(super) const WAL_SIZE_LIMIT_BYTES: i64 = 64 << 20;

/// Starts the checkpointer on a connection of its own to `path`. The thread
/// ends once `alive` can no longer be upgraded (the store was dropped).
pub(super) fn spawn(path: &Path, alive: Weak<()>) -> Result<(), StoreError> {
    let conn = Connection::open(path)?;
    super::configure(&conn)?;
    conn.busy_timeout(RESTART_WAIT)?;
    let spawned = std::thread::Builder::new()
        .name("sqlite-checkpoint".into())
        .spawn(move || {
            while alive.upgrade().is_some() {
                if let Err(e) = checkpoint(&conn) {
                    tracing::warn!(error = %e, "WAL checkpoint failed");
                }
                std::thread::sleep(CHECKPOINT_INTERVAL);
            }
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "could not start the WAL checkpointer");
    }
    Ok(())
}

/// One passive checkpoint, then a restart if the WAL has grown past
/// `RESTART_FRAMES` (the passive pass leaves the restart little to copy
/// while it holds the writer back).
fn checkpoint(conn: &Connection) -> Result<(), rusqlite::Error> {
    let frames: i64 = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get(1))?;
    if frames > RESTART_FRAMES {
        let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(RESTART)", [], |r| r.get(0))?;
        if busy != 0 {
            tracing::debug!(
                frames,
                "WAL restart postponed: readers still use older frames"
            );
        }
    }
    Ok(())
}
