//! Where time comes from. The core never reads a clock; the shell passes
//! the time in, from one of these.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use corridor_core::Timestamp;

/// A source of the current time.
pub trait Clock: Send + Sync + 'static {
    /// Now.
    fn now(&self) -> Timestamp;
}

/// The machine's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let micros = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        Timestamp::from_unix_micros(micros)
    }
}

/// The sandbox clock: the wall clock plus an offset that tests advance.
#[derive(Debug, Clone, Default)]
pub struct TestClock {
    offset_micros: Arc<AtomicI64>,
}

impl TestClock {
    /// Moves time forward by `seconds`.
    pub fn advance(&self, seconds: i64) {
        self.offset_micros
            .fetch_add(seconds.saturating_mul(1_000_000), Ordering::SeqCst);
    }

    /// Moves time forward by `seconds` unless the clock would then run more
    /// than `max_offset_seconds` ahead of the wall clock; says whether it moved.
    pub fn advance_within(&self, seconds: i64, max_offset_seconds: i64) -> bool {
        let step = seconds.saturating_mul(1_000_000);
        let max = max_offset_seconds.saturating_mul(1_000_000);
        self.offset_micros
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |offset| {
                offset.checked_add(step).filter(|next| *next <= max)
            })
            .is_ok()
    }

    /// How far ahead of the wall clock this clock runs, in whole seconds.
    pub fn offset_seconds(&self) -> i64 {
        self.offset_micros.load(Ordering::SeqCst) / 1_000_000
    }

    /// Back to the wall clock.
    pub fn reset(&self) {
        self.offset_micros.store(0, Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now(&self) -> Timestamp {
        let base = SystemClock.now().unix_micros();
        Timestamp::from_unix_micros(base.saturating_add(self.offset_micros.load(Ordering::SeqCst)))
    }
}
