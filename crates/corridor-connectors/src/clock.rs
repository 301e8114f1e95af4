//! Where the connectors and the sandbox read the time.
//!
//! The sandbox never reads the wall clock itself: it asks a [`Clock`], so a
//! test or a benchmark can drive it with a [`ManualClock`] and simulate hours
//! of traffic, expiries and outage windows without sleeping.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use corridor_core::Timestamp;

/// A source of the current time: any `Fn() -> Timestamp`, shared.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> Timestamp + Send + Sync>);

impl Clock {
    /// The machine's wall clock.
    pub fn system() -> Self {
        Clock(Arc::new(system_now))
    }

    /// A clock that calls `now` (for example a server's advanceable test clock).
    pub fn from_fn(now: impl Fn() -> Timestamp + Send + Sync + 'static) -> Self {
        Clock(Arc::new(now))
    }

    /// Now.
    pub fn now(&self) -> Timestamp {
        (self.0)()
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Clock({})", self.now().unix_micros())
    }
}

fn system_now() -> Timestamp {
    let micros = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    Timestamp::from_unix_micros(micros)
}

/// A virtual clock that only moves when told to.
#[derive(Debug, Clone)]
pub struct ManualClock {
    micros: Arc<AtomicI64>,
}

impl ManualClock {
    /// A clock standing at `start`.
    pub fn new(start: Timestamp) -> Self {
        ManualClock {
            micros: Arc::new(AtomicI64::new(start.unix_micros())),
        }
    }

    /// The current virtual time.
    pub fn now(&self) -> Timestamp {
        Timestamp::from_unix_micros(self.micros.load(Ordering::SeqCst))
    }

    /// Moves time forward by `millis` milliseconds.
    pub fn advance_ms(&self, millis: i64) {
        self.micros
            .fetch_add(millis.saturating_mul(1_000), Ordering::SeqCst);
    }

    /// Moves time forward by `seconds`.
    pub fn advance_seconds(&self, seconds: i64) {
        self.advance_ms(seconds.saturating_mul(1_000));
    }

    /// Sets the time.
    pub fn set(&self, at: Timestamp) {
        self.micros.store(at.unix_micros(), Ordering::SeqCst);
    }

    /// A [`Clock`] reading this manual clock.
    pub fn clock(&self) -> Clock {
        let me = self.clone();
        Clock::from_fn(move || me.now())
    }
}
