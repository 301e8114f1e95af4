//! Throughput and latency figures of one run, and medians over repetitions.

use crate::latency::percentile_ms;
use std::time::Duration;

/// What one measured run produced.
#[derive(Debug, Default)]
pub struct RunTally {
    /// Transfers acknowledged as applied and durable.
    pub transfers_ok: u64,
    /// Transfers the ledger refused (should stay 0).
    pub transfers_refused: u64,
    /// Per-request latency at the client, in microseconds (a request is
    /// one transfer, or a client batch of them), of requests with any
    /// transfer applied.
    pub latencies_us: Vec<u32>,
}

impl RunTally {
    /// Adds another submitter's tally.
    pub fn merge(&mut self, other: RunTally) {
        self.transfers_ok += other.transfers_ok;
        self.transfers_refused += other.transfers_refused;
        self.latencies_us.extend(other.latencies_us);
    }

    /// Records one answered request: transfers applied and refused, and
    /// how long the answer took.
    pub fn record(&mut self, applied: u64, refused: u64, latency: Duration) {
        self.transfers_ok += applied;
        self.transfers_refused += refused;
        if applied > 0 {
            self.latencies_us
                .push(u32::try_from(latency.as_micros()).unwrap_or(u32::MAX));
        }
    }

    /// Throughput and latency percentiles over `wall`.
    pub fn summary(mut self, wall: Duration) -> Summary {
        self.latencies_us.sort_unstable();
        let secs = wall.as_secs_f64().max(1e-9);
        Summary {
            transfers_per_s: self.transfers_ok as f64 / secs,
            latency_ms_p50: percentile_ms(&self.latencies_us, 50),
            latency_ms_p99: percentile_ms(&self.latencies_us, 99),
            transfers_ok: self.transfers_ok,
            transfers_refused: self.transfers_refused,
            wall_s: secs,
            cpu_us_per_transfer: None,
        }
    }
}

/// The figures of one run (or the medians of several).
#[derive(Debug, Clone, Copy)]
pub struct Summary {
    /// Acknowledged transfers per wall-clock second.
    pub transfers_per_s: f64,
    /// Median request latency (submit to durable acknowledgement).
    pub latency_ms_p50: f64,
    /// 99th percentile request latency.
    pub latency_ms_p99: f64,
    /// Acknowledged transfers.
    pub transfers_ok: u64,
    /// Refused transfers.
    pub transfers_refused: u64,
    /// Wall time of the run.
    pub wall_s: f64,
    /// CPU time of this process (writer, projection, checkpointer, load
    /// generator; not a PostgreSQL server's) per acknowledged transfer, in
    /// microseconds, counted until the projection has applied the run's
    /// last batch: on a machine whose cores are all busy, the figure that
    /// sets the throughput, and a steadier one than the throughput itself.
    pub cpu_us_per_transfer: Option<f64>,
}

/// Median of each figure over the runs, independently.
pub fn median(runs: &[Summary]) -> Option<Summary> {
    if runs.is_empty() {
        return None;
    }
    let pick = |f: fn(&Summary) -> f64| {
        let mut v: Vec<f64> = runs.iter().map(f).collect();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    Some(Summary {
        transfers_per_s: pick(|s| s.transfers_per_s),
        latency_ms_p50: pick(|s| s.latency_ms_p50),
        latency_ms_p99: pick(|s| s.latency_ms_p99),
        transfers_ok: runs.iter().map(|s| s.transfers_ok).sum::<u64>() / runs.len() as u64,
        transfers_refused: runs.iter().map(|s| s.transfers_refused).sum(),
        wall_s: pick(|s| s.wall_s),
        cpu_us_per_transfer: runs
            .iter()
            .all(|s| s.cpu_us_per_transfer.is_some())
            .then(|| pick(|s| s.cpu_us_per_transfer.unwrap_or(0.0))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_three() {
        let s = |t: f64| Summary {
            transfers_per_s: t,
            latency_ms_p50: t,
            latency_ms_p99: t,
            transfers_ok: 1,
            transfers_refused: 0,
            wall_s: 1.0,
            cpu_us_per_transfer: Some(t * 10.0),
        };
        let m = median(&[s(3.0), s(1.0), s(2.0)]).unwrap();
        assert_eq!(m.transfers_per_s, 2.0);
        assert_eq!(m.cpu_us_per_transfer, Some(20.0));
    }
}
