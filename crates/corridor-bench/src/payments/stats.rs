//! What one load run produced: answers counted as OK, the rest by kind, and
//! per-request latency percentiles.

use crate::latency::percentile_ms;
use std::collections::BTreeMap;
use std::time::Duration;

/// The tally of one client task, merged into the run's.
#[derive(Debug, Default)]
pub struct Tally {
    /// Answers that count (201 `succeeded`, or 200 for the baseline).
    pub ok: u64,
    /// Every other answer, by kind (`402 card_declined`, `transport: timeout`).
    pub errors: BTreeMap<String, u64>,
    /// Latency of the OK answers, in microseconds.
    pub latencies_us: Vec<u32>,
}

impl Tally {
    /// Records one OK answer.
    pub fn record_ok(&mut self, latency: Duration) {
        self.ok += 1;
        self.latencies_us
            .push(u32::try_from(latency.as_micros()).unwrap_or(u32::MAX));
    }

    /// Records one answer that does not count.
    pub fn record_error(&mut self, kind: String) {
        *self.errors.entry(kind).or_default() += 1;
    }

    /// Adds another task's tally.
    pub fn merge(&mut self, other: Tally) {
        self.ok += other.ok;
        for (kind, n) in other.errors {
            *self.errors.entry(kind).or_default() += n;
        }
        self.latencies_us.extend(other.latencies_us);
    }

    /// Throughput and percentiles over `wall`.
    pub fn summary(mut self, wall: Duration) -> Summary {
        self.latencies_us.sort_unstable();
        let secs = wall.as_secs_f64().max(1e-9);
        Summary {
            ok_per_s: self.ok as f64 / secs,
            p50_ms: percentile_ms(&self.latencies_us, 50),
            p99_ms: percentile_ms(&self.latencies_us, 99),
            max_ms: self
                .latencies_us
                .last()
                .map_or(f64::NAN, |&us| f64::from(us) / 1000.0),
            ok: self.ok,
            errors: self.errors,
            wall_s: secs,
        }
    }
}

/// The figures of one run.
#[derive(Debug, Clone)]
pub struct Summary {
    /// OK answers per wall-clock second.
    pub ok_per_s: f64,
    /// Median latency of the OK answers.
    pub p50_ms: f64,
    /// 99th percentile latency of the OK answers.
    pub p99_ms: f64,
    /// Slowest OK answer.
    pub max_ms: f64,
    /// OK answers.
    pub ok: u64,
    /// The other answers, by kind.
    pub errors: BTreeMap<String, u64>,
    /// Wall time of the run.
    pub wall_s: f64,
}

impl Summary {
    /// Answers that did not count.
    pub fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_errors_by_kind() {
        let mut a = Tally::default();
        a.record_error("409 idempotency_key_in_use".into());
        let mut b = Tally::default();
        b.record_error("409 idempotency_key_in_use".into());
        b.record_ok(Duration::from_millis(3));
        a.merge(b);
        let s = a.summary(Duration::from_secs(1));
        assert_eq!(s.ok, 1);
        assert_eq!(s.error_count(), 2);
        assert_eq!(s.p99_ms, 3.0);
    }
}
