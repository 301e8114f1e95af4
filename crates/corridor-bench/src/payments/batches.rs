//! The ledger writer's batch sizes, observed from its `ledger batch
//! committed` trace event (fields `size` and `elapsed_us`): in this process
//! through a tracing layer, in a child server by reading its JSON log lines.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::Context;
use tracing_subscriber::Layer;

/// The target of the writer's events.
pub const WRITER_TARGET: &str = "corridor_store::writer";

/// The message of the event sent after each committed batch.
const COMMITTED: &str = "ledger batch committed";

/// `RUST_LOG` for a child server: warnings, and the writer's batch events.
pub const CHILD_LOG_FILTER: &str = "warn,corridor_store::writer=trace";

/// One committed batch.
#[derive(Debug, Clone, Copy)]
struct Batch {
    requests: u32,
    writer_us: u32,
}

/// Batches seen so far; cheap to clone, shared with whoever records them.
#[derive(Debug, Clone, Default)]
pub struct BatchLog {
    batches: Arc<Mutex<Vec<Batch>>>,
}

impl BatchLog {
    fn record(&self, requests: u64, writer_us: u64) {
        let batch = Batch {
            requests: u32::try_from(requests).unwrap_or(u32::MAX),
            writer_us: u32::try_from(writer_us).unwrap_or(u32::MAX),
        };
        self.lock().push(batch);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Batch>> {
        self.batches.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Forgets what was recorded (before a measured run).
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// Summarizes what was recorded since the last clear, over `wall`;
    /// `None` if nothing was seen.
    pub fn summary(&self, wall: Duration) -> Option<BatchSummary> {
        let batches = std::mem::take(&mut *self.lock());
        BatchSummary::of(&batches, wall)
    }

    /// Records the batch if `line` is the writer's JSON event; `false` if it is another line.
    pub fn record_json_line(&self, line: &str) -> bool {
        let Ok(json) = serde_json::from_str::<serde_json::Value>(line) else {
            return false;
        };
        let fields = &json["fields"];
        if fields["message"] != COMMITTED {
            return false;
        }
        let Some(size) = fields["size"].as_u64() else {
            return false;
        };
        self.record(size, fields["elapsed_us"].as_u64().unwrap_or(0));
        true
    }

    /// A tracing layer recording the writer's events into this log.
    pub fn layer(&self) -> BatchLayer {
        BatchLayer { log: self.clone() }
    }
}

/// What the batches of one run looked like.
#[derive(Debug, Clone, Copy)]
pub struct BatchSummary {
    /// Committed batches (database transactions of the writer).
    pub batches: usize,
    /// Writer requests in them.
    pub requests: u64,
    /// Requests per batch: mean.
    pub mean: f64,
    /// Requests per batch: median.
    pub p50: u32,
    /// Requests per batch: 99th percentile.
    pub p99: u32,
    /// Requests per batch: largest.
    pub max: u32,
    /// Mean writer time per batch (build + commit), in milliseconds.
    pub writer_ms_mean: f64,
    /// Writer time per batch: 99th percentile, in milliseconds.
    pub writer_ms_p99: f64,
    /// Writer time per batch: longest, in milliseconds.
    pub writer_ms_max: f64,
    /// Share of the wall time the writer thread spent on batches.
    pub writer_busy: f64,
}

impl BatchSummary {
    fn of(batches: &[Batch], wall: Duration) -> Option<Self> {
        if batches.is_empty() {
            return None;
        }
        let mut sizes: Vec<u32> = batches.iter().map(|b| b.requests).collect();
        sizes.sort_unstable();
        let at = |pct: usize| sizes[percentile_index(sizes.len(), pct)];
        let mut times: Vec<u32> = batches.iter().map(|b| b.writer_us).collect();
        times.sort_unstable();
        let ms = |us: u32| f64::from(us) / 1000.0;
        let requests: u64 = sizes.iter().map(|&s| u64::from(s)).sum();
        let writer_us: u64 = batches.iter().map(|b| u64::from(b.writer_us)).sum();
        let n = batches.len() as f64;
        Some(BatchSummary {
            batches: batches.len(),
            requests,
            mean: requests as f64 / n,
            p50: at(50),
            p99: at(99),
            max: sizes[sizes.len() - 1],
            writer_ms_mean: writer_us as f64 / n / 1000.0,
            writer_ms_p99: ms(times[percentile_index(times.len(), 99)]),
            writer_ms_max: ms(times[times.len() - 1]),
            writer_busy: writer_us as f64 / 1e6 / wall.as_secs_f64().max(1e-9),
        })
    }
}

/// The index of the `pct`th percentile in `len` sorted values (`len > 0`).
fn percentile_index(len: usize, pct: usize) -> usize {
    (len * pct).div_ceil(100).max(1) - 1
}

/// Records the writer's `ledger batch committed` events into a [`BatchLog`].
pub struct BatchLayer {
    log: BatchLog,
}

impl<S: Subscriber> Layer<S> for BatchLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        if !event.metadata().target().starts_with(WRITER_TARGET) {
            return;
        }
        let mut fields = Fields::default();
        event.record(&mut fields);
        if let (true, Some(size)) = (fields.committed, fields.size) {
            self.log.record(size, fields.elapsed_us.unwrap_or(0));
        }
    }
}

#[derive(Default)]
struct Fields {
    committed: bool,
    size: Option<u64>,
    elapsed_us: Option<u64>,
}

impl Visit for Fields {
    fn record_u64(&mut self, field: &Field, value: u64) {
        match field.name() {
            "size" => self.size = Some(value),
            "elapsed_us" => self.elapsed_us = Some(value),
            _ => {}
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        if let Ok(value) = u64::try_from(value) {
            self.record_u64(field, value);
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.committed = value == COMMITTED;
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.committed = format!("{value:?}") == COMMITTED;
        }
    }
}

/// Installs the process-wide subscriber of the in-process runs: the batch
/// layer for the writer's trace events, and warnings to stderr. `false` if
/// a subscriber was already installed (batch sizes then go unobserved).
pub fn install_in_process(log: &BatchLog) -> bool {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    use tracing_subscriber::Layer as _;
    let batches = log
        .layer()
        .with_filter(Targets::new().with_target(WRITER_TARGET, tracing::Level::TRACE));
    let warnings = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(LevelFilter::WARN);
    tracing_subscriber::registry()
        .with(batches)
        .with(warnings)
        .try_init()
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_writer_json_line() {
        let log = BatchLog::default();
        let line = r#"{"timestamp":"t","level":"TRACE","fields":{"message":"ledger batch committed","size":12,"elapsed_us":800},"target":"corridor_store::writer"}"#;
        assert!(log.record_json_line(line));
        assert!(!log.record_json_line(r#"{"fields":{"message":"other"}}"#));
        assert!(!log.record_json_line("not json"));
        let s = log.summary(Duration::from_millis(8));
        let s = s.map(|s| (s.batches, s.requests, s.max, (s.writer_busy * 10.0).round()));
        assert_eq!(s, Some((1, 12, 12, 1.0)));
    }

    #[test]
    fn summarizes_sizes() {
        let log = BatchLog::default();
        for size in 1..=100 {
            log.record(size, 1000);
        }
        let s = log.summary(Duration::from_secs(1));
        assert_eq!(s.map(|s| (s.p50, s.p99, s.max)), Some((50, 99, 100)));
        assert!(log.summary(Duration::from_secs(1)).is_none(), "taken");
    }
}
