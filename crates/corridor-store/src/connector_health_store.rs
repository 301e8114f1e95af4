//! Payment attempts counted per connector, outcome and day: what the
//! operator's connector health view reads.

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
