//! The operator page's connector health over time: per connector, the
//! success rate and the median and 95th percentile latency of its payment
//! attempts per hour over the last 24 hours and per day over the last 14,
//! drawn on the server as SVG lines with the same figures in a table.
//!
//! The store counts attempts per (connector, bucket, outcome) and keeps a
//! latency histogram per (connector, bucket) to two significant digits of
//! milliseconds, so the page reads a bounded number of rows whatever the
//! volume; percentiles are the histogram's nearest rank (to that
//! precision). The success rate is approved (captured or authorized) over
//! attempts with a final answer (approved, declined, failed or unknown).

use std::collections::BTreeMap;

use corridor_core::payments::attempt::AttemptStatus;
use corridor_core::Timestamp;
use corridor_store::{AttemptBucket, LatencyBucket, Store, StoreError};

use super::chart::{HEIGHT, WIDTH};
use crate::time_fmt::rfc3339;

/// Micro-seconds in an hour.
const HOUR_MICROS: i64 = 3_600_000_000;
/// Micro-seconds in a day.
const DAY_MICROS: i64 = 86_400_000_000;

/// A window of the health view: how many buckets of what length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// `hourly` or `daily` (part of the HTML ids).
    pub key: &'static str,
    /// Shown as the window's heading.
    pub title: &'static str,
    /// One bucket, in micro-seconds.
    pub bucket_micros: i64,
    /// Buckets shown, the current one last.
    pub buckets: i64,
}

/// Per hour over the last 24 hours.
pub const HOURLY: Window = Window {
    key: "hourly",
    title: "last 24 hours, per hour",
    bucket_micros: HOUR_MICROS,
    buckets: 24,
};

/// Per day over the last 14 days.
pub const DAILY: Window = Window {
    key: "daily",
    title: "last 14 days, per day",
    bucket_micros: DAY_MICROS,
    buckets: 14,
};

/// One bucket's figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Point {
    /// RFC 3339 start of the bucket (`2026-12-01T10:00:00Z`; the day for daily).
    pub label: String,
    /// Attempts started in the bucket.
    pub attempts: i64,
    /// Approved over answered, in basis points; `None` without an answer.
    pub success_bps: Option<i64>,
    /// Median latency of answered attempts, in milliseconds.
    pub p50_ms: Option<i64>,
    /// 95th percentile latency, in milliseconds.
    pub p95_ms: Option<i64>,
}

impl Point {
    /// `97.5%`, or a dash.
    pub fn success(&self) -> String {
        match self.success_bps {
            Some(bps) => format!("{}.{}%", bps / 100, bps % 100 / 10),
            None => "–".into(),
        }
    }

    /// `120 ms`, or a dash.
    pub fn p50(&self) -> String {
        ms(self.p50_ms)
    }

    /// `480 ms`, or a dash.
    pub fn p95(&self) -> String {
        ms(self.p95_ms)
    }
}

fn ms(value: Option<i64>) -> String {
    value.map_or_else(|| "–".into(), |v| format!("{v} ms"))
}

/// One connector's series in one window, with its lines drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    /// Connector name.
    pub connector: String,
    /// The window.
    pub window: Window,
    /// HTML id of the figure (`health-<connector>-<window>`, safe characters only).
    pub id: String,
    /// Every bucket of the window, oldest first.
    pub points: Vec<Point>,
    /// The success rate line, 0% at the bottom, 100% at the top.
    pub success_line: String,
    /// Its points (a bucket alone between empty ones draws no line).
    pub success_dots: Vec<(i64, i64)>,
    /// The median latency line, 0 at the bottom, `latency_max_ms` at the top.
    pub p50_line: String,
    /// Its points.
    pub p50_dots: Vec<(i64, i64)>,
    /// The 95th percentile line.
    pub p95_line: String,
    /// Its points.
    pub p95_dots: Vec<(i64, i64)>,
    /// The latency at the top of the latency drawing.
    pub latency_max_ms: i64,
    /// Drawing width.
    pub width: i64,
    /// Drawing height.
    pub height: i64,
}

/// Both windows of every connector with attempts in them, read from the
/// store as of `now`.
pub async fn read(store: &Store, now: Timestamp) -> Result<Vec<Series>, StoreError> {
    let mut all = Vec::new();
    for window in [HOURLY, DAILY] {
        let last = now.unix_micros().div_euclid(window.bucket_micros);
        let first = last - (window.buckets - 1);
        let since = Timestamp::from_unix_micros(first.saturating_mul(window.bucket_micros));
        let counts = store.attempt_buckets(since, window.bucket_micros).await?;
        let latencies = store.latency_buckets(since, window.bucket_micros).await?;
        all.extend(series(window, first, &counts, &latencies));
    }
    all.sort_by(|a, b| a.connector.cmp(&b.connector));
    Ok(all)
}

#[derive(Default)]
struct Tally {
    attempts: i64,
    approved: i64,
    answered: i64,
    /// (latency, count), ascending by latency.
    latencies: Vec<(i64, i64)>,
}

/// The series of each connector in `window`, whose first bucket is
/// `first`, from the store's counts.
pub fn series(
    window: Window,
    first: i64,
    counts: &[AttemptBucket],
    latencies: &[LatencyBucket],
) -> Vec<Series> {
    let in_window = |bucket: i64| (first..first + window.buckets).contains(&bucket);
    let mut per: BTreeMap<&str, BTreeMap<i64, Tally>> = BTreeMap::new();
    for c in counts.iter().filter(|c| in_window(c.bucket)) {
        let t = per
            .entry(&c.connector)
            .or_default()
            .entry(c.bucket)
            .or_default();
        t.attempts += c.count;
        match AttemptStatus::parse(&c.outcome) {
            Some(AttemptStatus::Captured | AttemptStatus::Authorized) => {
                t.approved += c.count;
                t.answered += c.count;
            }
            Some(
                AttemptStatus::Declined
                | AttemptStatus::Error
                | AttemptStatus::Unknown
                | AttemptStatus::NotCharged,
            ) => t.answered += c.count,
            _ => {}
        }
    }
    for l in latencies.iter().filter(|l| in_window(l.bucket)) {
        let t = per
            .entry(&l.connector)
            .or_default()
            .entry(l.bucket)
            .or_default();
        t.latencies.push((l.latency_ms, l.count));
    }
    per.into_iter()
        .map(|(connector, buckets)| draw(connector, window, first, buckets))
        .collect()
}

fn draw(connector: &str, window: Window, first: i64, mut buckets: BTreeMap<i64, Tally>) -> Series {
    let points: Vec<Point> = (first..first + window.buckets)
        .map(|bucket| {
            let mut t = buckets.remove(&bucket).unwrap_or_default();
            t.latencies.sort_unstable();
            let start = Timestamp::from_unix_micros(bucket.saturating_mul(window.bucket_micros));
            let label = rfc3339(start);
            Point {
                label: if window.bucket_micros == DAY_MICROS {
                    label.chars().take(10).collect()
                } else {
                    label
                },
                attempts: t.attempts,
                success_bps: (t.answered > 0).then(|| t.approved * 10_000 / t.answered),
                p50_ms: percentile(&t.latencies, 50),
                p95_ms: percentile(&t.latencies, 95),
            }
        })
        .collect();
    let latency_max_ms = points
        .iter()
        .filter_map(|p| p.p95_ms)
        .max()
        .unwrap_or(0)
        .max(1);
    let id: String = connector
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let success_dots = coordinates(&points, |p| p.success_bps, 10_000);
    let p50_dots = coordinates(&points, |p| p.p50_ms, latency_max_ms);
    let p95_dots = coordinates(&points, |p| p.p95_ms, latency_max_ms);
    Series {
        connector: connector.to_string(),
        window,
        id: format!("health-{id}-{}", window.key),
        success_line: line(&success_dots),
        p50_line: line(&p50_dots),
        p95_line: line(&p95_dots),
        success_dots,
        p50_dots,
        p95_dots,
        latency_max_ms,
        width: WIDTH,
        height: HEIGHT,
        points,
    }
}

/// The nearest-rank `pct` percentile of a histogram sorted by value.
fn percentile(histogram: &[(i64, i64)], pct: i64) -> Option<i64> {
    let total: i64 = histogram.iter().map(|(_, n)| n).sum();
    if total <= 0 {
        return None;
    }
    // Nearest rank: the smallest value with at least ceil(pct% of n) at or below it.
    let rank = (total * pct + 99) / 100;
    let mut seen = 0;
    for (value, n) in histogram {
        seen += n;
        if seen >= rank.max(1) {
            return Some(*value);
        }
    }
    histogram.last().map(|(v, _)| *v)
}

/// Where the points that have a value are drawn (a bucket without one is
/// skipped, the line joining its neighbours), `max` at the top.
fn coordinates(points: &[Point], value: fn(&Point) -> Option<i64>, max: i64) -> Vec<(i64, i64)> {
    let steps = i64::try_from(points.len().saturating_sub(1))
        .unwrap_or(1)
        .max(1);
    points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let v = value(p)?;
            let x = i64::try_from(i).unwrap_or(0) * WIDTH / steps;
            let y = HEIGHT - v.clamp(0, max) * HEIGHT / max.max(1);
            Some((x, y))
        })
        .collect()
}

/// A polyline's `points` attribute.
fn line(coordinates: &[(i64, i64)]) -> String {
    coordinates
        .iter()
        .map(|(x, y)| format!("{x},{y}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(connector: &str, bucket: i64, outcome: &str, count: i64) -> AttemptBucket {
        AttemptBucket {
            connector: connector.into(),
            bucket,
            outcome: outcome.into(),
            count,
        }
    }

    fn latency(connector: &str, bucket: i64, latency_ms: i64, count: i64) -> LatencyBucket {
        LatencyBucket {
            connector: connector.into(),
            bucket,
            latency_ms,
            count,
        }
    }

    #[test]
    fn percentiles_are_the_histograms_nearest_rank() {
        assert_eq!(percentile(&[], 50), None);
        assert_eq!(percentile(&[(40, 1)], 95), Some(40));
        // 1..=100 once each: the median is 50, p95 is 95.
        let flat: Vec<(i64, i64)> = (1..=100).map(|v| (v, 1)).collect();
        assert_eq!(percentile(&flat, 50), Some(50));
        assert_eq!(percentile(&flat, 95), Some(95));
        // 19 fast and one slow: p95 is still fast; 18 and 2 slow makes it slow.
        assert_eq!(percentile(&[(10, 19), (900, 1)], 95), Some(10));
        assert_eq!(percentile(&[(10, 18), (900, 2)], 95), Some(900));
    }

    #[test]
    fn each_bucket_has_its_rate_and_latency() {
        let window = Window {
            buckets: 3,
            ..HOURLY
        };
        // Bucket 100 is 1970-01-05T04:00:00Z.
        let counts = [
            count("acq", 100, "captured", 3),
            count("acq", 100, "declined", 1),
            count("acq", 100, "started", 2),
            count("acq", 102, "error", 1),
            count("acq", 102, "unknown", 1),
            count("acq", 99, "captured", 50),
            count("wal", 101, "authorized", 2),
        ];
        let latencies = [
            latency("acq", 100, 100, 2),
            latency("acq", 100, 300, 2),
            latency("acq", 102, 9_000, 1),
            latency("wal", 101, 80, 2),
        ];
        let s = series(window, 100, &counts, &latencies);
        assert_eq!(s.len(), 2);
        let acq = &s[0];
        assert_eq!(acq.id, "health-acq-hourly");
        type Figures = (i64, Option<i64>, Option<i64>, Option<i64>);
        let figures: Vec<Figures> = acq
            .points
            .iter()
            .map(|p| (p.attempts, p.success_bps, p.p50_ms, p.p95_ms))
            .collect();
        assert_eq!(
            figures,
            [
                (6, Some(7_500), Some(100), Some(300)),
                (0, None, None, None),
                (2, Some(0), Some(9_000), Some(9_000)),
            ]
        );
        assert_eq!(acq.points[0].label, "1970-01-05T04:00:00Z");
        assert_eq!(acq.points[0].success(), "75.0%");
        assert_eq!(acq.points[1].p95(), "–");
        // 75% at x=0, 0% at x=600; the empty bucket is skipped.
        assert_eq!(acq.success_line, "0,30 600,120");
        assert_eq!(acq.latency_max_ms, 9_000);
        assert_eq!(acq.p95_line, "0,116 600,0");
        let wal = &s[1];
        assert_eq!(wal.points[1].success(), "100.0%");
        assert_eq!(wal.success_line, "300,0");
        assert_eq!(wal.success_dots, [(300, 0)]);
    }
}
