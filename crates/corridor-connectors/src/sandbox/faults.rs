//! Scheduled faults: outages, 5xx bursts, timeouts and slowdowns of one
//! provider during a window of simulated time.

use corridor_core::Timestamp;

/// What goes wrong.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FaultKind {
    /// Every call fails with [`crate::ConnectorError::Unavailable`].
    Outage,
    /// This share of calls fails with a 5xx; nothing is charged.
    ServerErrors {
        /// Share of calls, 0.0-1.0.
        rate: f64,
    },
    /// This share of charges times out; of those, `processed_rate` were
    /// charged anyway (a lookup finds them).
    Timeouts {
        /// Share of charges, 0.0-1.0.
        rate: f64,
        /// Share of timed-out charges that the provider recorded, 0.0-1.0.
        processed_rate: f64,
    },
    /// Latency is multiplied by `factor`; calls slower than the timeout
    /// time out (and were processed).
    Slow {
        /// Multiplier, at least 1.0.
        factor: f64,
    },
}

/// A fault of one provider from `from` (inclusive) to `until` (exclusive).
#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    /// The provider's name.
    pub psp: String,
    /// Start of the window.
    pub from: Timestamp,
    /// End of the window.
    pub until: Timestamp,
    /// What goes wrong.
    pub kind: FaultKind,
}

impl Fault {
    /// A fault of `psp` lasting `seconds` from `from`.
    pub fn new(psp: &str, from: Timestamp, seconds: i64, kind: FaultKind) -> Self {
        Fault {
            psp: psp.to_string(),
            from,
            until: from.plus_seconds(seconds),
            kind,
        }
    }

    /// Whether the fault hits `psp` at `now`.
    pub fn is_active(&self, psp: &str, now: Timestamp) -> bool {
        self.psp == psp && self.from <= now && now < self.until
    }
}

/// The faults hitting one provider at one moment, combined.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ActiveFaults {
    pub outage: bool,
    pub server_error_rate: f64,
    pub timeout_rate: f64,
    pub timeout_processed_rate: f64,
    pub slow_factor: f64,
}

/// Combines the faults of `psp` active at `now` (the worst of each kind).
pub(crate) fn active(faults: &[Fault], psp: &str, now: Timestamp) -> ActiveFaults {
    let mut combined = ActiveFaults {
        outage: false,
        server_error_rate: 0.0,
        timeout_rate: 0.0,
        timeout_processed_rate: 0.0,
        slow_factor: 1.0,
    };
    for fault in faults.iter().filter(|f| f.is_active(psp, now)) {
        match fault.kind {
            FaultKind::Outage => combined.outage = true,
            FaultKind::ServerErrors { rate } => {
                combined.server_error_rate = combined.server_error_rate.max(rate);
            }
            FaultKind::Timeouts {
                rate,
                processed_rate,
            } => {
                combined.timeout_rate = combined.timeout_rate.max(rate);
                combined.timeout_processed_rate = processed_rate;
            }
            FaultKind::Slow { factor } => combined.slow_factor = combined.slow_factor.max(factor),
        }
    }
    combined
}
