//! Payment attempts counted per connector, outcome and day, and per
//! connector and hour or day with a latency histogram: what the operator's
//! connector health view reads (success rate and latency over time). The
//! queries are bounded by their grouping, and served by the index on the
//! attempts' creation time (migration 160).

use corridor_core::Timestamp;

use crate::payout_rows::SqlValue;
use crate::store::Store;
use crate::StoreError;

/// Days are micro-second timestamps divided by 86,400,000,000.
const ATTEMPT_OUTCOMES: &str = "SELECT connector, outcome, created_at / 86400000000 AS day, COUNT(*) \
    FROM payment_attempts WHERE created_at >= $1 GROUP BY connector, outcome, created_at / 86400000000 \
    ORDER BY connector, day, outcome";

/// How many attempts one connector had with one outcome on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptTally {
    /// Connector name.
    pub connector: String,
    /// `captured`, `authorized`, `declined`, `timeout`, ...
    pub outcome: String,
    /// Days since 1970-01-01 (UTC).
    pub day: i64,
    /// Attempts.
    pub count: i64,
}

impl Store {
    /// Attempts since `since`, counted per connector, outcome and day.
    pub async fn attempt_tallies(&self, since: Timestamp) -> Result<Vec<AttemptTally>, StoreError> {
        self.payout_rows(
            ATTEMPT_OUTCOMES.to_string(),
            vec![SqlValue::Int(since.unix_micros())],
            |r| {
                Ok(AttemptTally {
                    connector: r.text(0)?,
                    outcome: r.text(1)?,
                    day: r.int(2)?,
                    count: r.int(3)?,
                })
            },
        )
        .await
    }
}

/// An attempt's latency in milliseconds, kept to two significant digits
/// (exact below 100 ms, then to 10 ms, 100 ms and 1 s): the per-bucket
/// histogram then has a few hundred rows at most, whatever the volume.
macro_rules! latency_ms {
    () => {
        "CASE WHEN answered_at - created_at < 100000 THEN (answered_at - created_at) / 1000 \
         WHEN answered_at - created_at < 1000000 THEN (answered_at - created_at) / 10000 * 10 \
         WHEN answered_at - created_at < 10000000 THEN (answered_at - created_at) / 100000 * 100 \
         ELSE (answered_at - created_at) / 1000000 * 1000 END"
    };
}

/// Most rows either series query returns (each is bounded far below this
/// by its grouping: connectors × buckets × outcomes, or × latency steps).
const SERIES_ROWS_MAX: i64 = 200_000;

// SQLite numbers `$n` parameters in the order they first appear: each
// statement names them in ascending order.

/// Attempts since `$2` per connector, bucket of `$1` micro-seconds and outcome.
const ATTEMPT_BUCKETS: &str = "SELECT connector, created_at / $1, outcome, COUNT(*) \
    FROM payment_attempts WHERE created_at >= $2 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3 LIMIT $3";

/// Answered attempts since `$2` per connector, bucket of `$1` and latency step.
const LATENCY_BUCKETS: &str = concat!(
    "SELECT connector, created_at / $1, ",
    latency_ms!(),
    ", COUNT(*) FROM payment_attempts WHERE created_at >= $2 AND answered_at IS NOT NULL \
     AND answered_at >= created_at GROUP BY 1, 2, 3 ORDER BY 1, 2, 3 LIMIT $3"
);

/// How many attempts one connector had with one outcome in one bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptBucket {
    /// Connector name.
    pub connector: String,
    /// The bucket: the attempt's creation time divided by the bucket's length.
    pub bucket: i64,
    /// `captured`, `authorized`, `declined`, `timeout`, ...
    pub outcome: String,
    /// Attempts.
    pub count: i64,
}

/// How many of one connector's answered attempts in one bucket took
/// `latency_ms` (to two significant digits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatencyBucket {
    /// Connector name.
    pub connector: String,
    /// The bucket, as in [`AttemptBucket`].
    pub bucket: i64,
    /// From the attempt's start to its answer, in milliseconds (rounded
    /// down to two significant digits).
    pub latency_ms: i64,
    /// Attempts.
    pub count: i64,
}

impl Store {
    /// Attempts created since `since`, counted per connector, bucket of
    /// `bucket_micros` (an hour, a day) and outcome.
    pub async fn attempt_buckets(
        &self,
        since: Timestamp,
        bucket_micros: i64,
    ) -> Result<Vec<AttemptBucket>, StoreError> {
        self.payout_rows(
            ATTEMPT_BUCKETS.to_string(),
            series_args(since, bucket_micros),
            |r| {
                Ok(AttemptBucket {
                    connector: r.text(0)?,
                    bucket: r.int(1)?,
                    outcome: r.text(2)?,
                    count: r.int(3)?,
                })
            },
        )
        .await
    }

    /// Answered attempts created since `since`, counted per connector,
    /// bucket of `bucket_micros` and latency (a histogram per bucket).
    pub async fn latency_buckets(
        &self,
        since: Timestamp,
        bucket_micros: i64,
    ) -> Result<Vec<LatencyBucket>, StoreError> {
        self.payout_rows(
            LATENCY_BUCKETS.to_string(),
            series_args(since, bucket_micros),
            |r| {
                Ok(LatencyBucket {
                    connector: r.text(0)?,
                    bucket: r.int(1)?,
                    latency_ms: r.int(2)?,
                    count: r.int(3)?,
                })
            },
        )
        .await
    }
}

fn series_args(since: Timestamp, bucket_micros: i64) -> Vec<SqlValue> {
    vec![
        SqlValue::Int(bucket_micros.max(1)),
        SqlValue::Int(since.unix_micros()),
        SqlValue::Int(SERIES_ROWS_MAX),
    ]
}
