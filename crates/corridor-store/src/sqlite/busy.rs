//! How a connection waits for a lock another connection holds.
//!
//! SQLite's own busy timeout sleeps 1, 2, 5, 10, 15, 20, 25 ms and so on
//! between tries, so a wait of a few milliseconds often ends tens of
//! milliseconds late. The writer waits for the checkpointer's restart, and
//! the checkpointer for the writer's transaction and for readers, each
//! held for a few milliseconds or less; a coarse sleep there shows up as
//! the slowest answers. These handlers try again every `POLL` instead.

use std::time::Duration;

/// The sleep between two tries.
const POLL: Duration = Duration::from_micros(100);

/// Tries of `wait_up_to_10_s`: ten seconds of `POLL`s, as the busy timeout
/// this replaces (a sleep may last longer than asked, so this is at least).
const TRIES_10_S: i32 = 100_000;

/// Tries of `wait_up_to_20_ms`.
const TRIES_20_MS: i32 = 200;

/// Busy handler: waits for the lock for at least ten seconds.
pub(super) fn wait_up_to_10_s(tries: i32) -> bool {
    poll(tries, TRIES_10_S)
}

/// Busy handler: waits for the lock for at least twenty milliseconds.
pub(super) fn wait_up_to_20_ms(tries: i32) -> bool {
    poll(tries, TRIES_20_MS)
}

fn poll(tries: i32, limit: i32) -> bool {
    if tries >= limit {
        return false;
    }
    std::thread::sleep(POLL);
    true
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use rusqlite::{Connection, ErrorCode};

    use super::wait_up_to_20_ms;

    /// A lock held longer than the wait: the second writer gives up after
    /// about the wait, not at once and not much later.
    #[test]
    fn a_held_lock_is_waited_for_then_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("busy.db");
        let holder = Connection::open(&path).unwrap();
        holder.pragma_update(None, "journal_mode", "WAL").unwrap();
        holder.execute_batch("CREATE TABLE t (x INTEGER)").unwrap();
        holder.execute_batch("BEGIN IMMEDIATE").unwrap();
        let waiter = Connection::open(&path).unwrap();
        waiter.busy_handler(Some(wait_up_to_20_ms)).unwrap();
        let started = Instant::now();
        let refused = waiter.execute_batch("BEGIN IMMEDIATE").unwrap_err();
        let waited = started.elapsed();
        assert_eq!(refused.sqlite_error_code(), Some(ErrorCode::DatabaseBusy));
        assert!(waited >= Duration::from_millis(20), "{waited:?}");
        assert!(waited < Duration::from_secs(2), "{waited:?}");
        holder.execute_batch("COMMIT").unwrap();
        waiter.execute_batch("BEGIN IMMEDIATE; COMMIT").unwrap();
    }
}
