//! The connector health series: attempts per connector, bucket and
//! outcome, and the latency histogram to two significant digits of
//! milliseconds, the same on both backends; attempts before the window
//! and open attempts have no latency.

use corridor_core::payments::attempt::AttemptStatus;
use corridor_core::Timestamp;
use corridor_store::{
    AttemptBucket, AttemptRecord, LatencyBucket, PaymentRecord, PaymentWrite, WriteOp,
    WriteOutcome, WriteRequest, WriteResult,
};

use crate::db::Ctx;
use crate::ledger::*;

on_both_backends! {
    attempts_are_counted_per_bucket_with_their_latency => attempts_are_counted_per_bucket_with_their_latency_sqlite, attempts_are_counted_per_bucket_with_their_latency_postgres;
}

const HOUR: i64 = 3_600_000_000;
/// 2027-01-15T08:00:00Z, on an hour.
const T0: i64 = 1_799_999_200_000_000 / HOUR * HOUR;

/// A payment with one attempt at `connector`, started `at` and answered
/// `latency_us` later (`None`: still open).
fn paid(
    id: &str,
    connector: &str,
    at: i64,
    latency_us: Option<i64>,
    outcome: AttemptStatus,
) -> WriteRequest {
    let created = Timestamp::from_unix_micros(at);
    let payment = PaymentRecord {
        id: id.to_string(),
        merchant_id: "mer_1".into(),
        status: corridor_core::payments::status::PaymentStatus::Processing,
        amount: 1_000,
        currency: cur("USD"),
        country: "US".into(),
        method_type: corridor_core::payments::method::MethodType::Card,
        capture_method: corridor_core::payments::method::CaptureMode::Automatic,
        card: None,
        connector: Some(connector.into()),
        connector_ref: None,
        amount_captured: 0,
        amount_refunded: 0,
        fee: 0,
        next_action: None,
        decline_code: None,
        description: None,
        metadata: None,
        customer_email: None,
        expires_at: None,
        settle_at: None,
        settled: false,
        version: 1,
        created_at: created,
        updated_at: created,
    };
    let attempt = AttemptRecord {
        payment_id: id.to_string(),
        seq: 1,
        connector: connector.into(),
        idempotency_key: format!("{id}-{connector}-a1"),
        outcome,
        code: None,
        created_at: created,
        answered_at: latency_us.map(|l| Timestamp::from_unix_micros(at + l)),
    };
    WriteRequest {
        op: WriteOp::Payment(Box::new(PaymentWrite {
            payment,
            expected_version: None,
            attempts: vec![attempt],
            ledger: None,
            events: Vec::new(),
            started_key: None,
        })),
        idempotency: None,
    }
}

async fn attempts_are_counted_per_bucket_with_their_latency(ctx: Ctx) {
    use AttemptStatus::{Captured, Declined, Started};
    let rows = [
        // Before the window: not counted.
        ("acq", T0 - HOUR, Some(5_000), Captured),
        // The first hour: 57 µs, 57.9 ms, 123.4 ms, 4.56 s, 12.3 s.
        ("acq", T0, Some(57), Captured),
        ("acq", T0 + 1, Some(57_900), Captured),
        ("acq", T0 + 2, Some(123_400), Declined),
        ("acq", T0 + 3, Some(4_560_000), Captured),
        ("acq", T0 + 4, Some(12_300_000), Declined),
        // Still open: counted, no latency.
        ("acq", T0 + 5, None, Started),
        // The next hour, another connector.
        ("wal", T0 + HOUR + 9, Some(80_000), Captured),
    ];
    for (i, (connector, at, latency, outcome)) in rows.into_iter().enumerate() {
        let r = ctx
            .store
            .writer()
            .submit(paid(&format!("pay_{i}"), connector, at, latency, outcome))
            .await
            .unwrap();
        assert!(
            matches!(
                r,
                WriteResult::Done {
                    outcome: WriteOutcome::Payment(Ok(_)),
                    ..
                }
            ),
            "{r:?}"
        );
    }
    let since = Timestamp::from_unix_micros(T0);
    let b0 = T0 / HOUR;
    let count = |connector: &str, bucket, outcome: &str, count| AttemptBucket {
        connector: connector.into(),
        bucket,
        outcome: outcome.into(),
        count,
    };
    assert_eq!(
        ctx.store.attempt_buckets(since, HOUR).await.unwrap(),
        [
            count("acq", b0, "captured", 3),
            count("acq", b0, "declined", 2),
            count("acq", b0, "started", 1),
            count("wal", b0 + 1, "captured", 1),
        ]
    );
    let latency = |connector: &str, bucket, latency_ms, count| LatencyBucket {
        connector: connector.into(),
        bucket,
        latency_ms,
        count,
    };
    assert_eq!(
        ctx.store.latency_buckets(since, HOUR).await.unwrap(),
        [
            latency("acq", b0, 0, 1),
            latency("acq", b0, 57, 1),
            latency("acq", b0, 120, 1),
            latency("acq", b0, 4_500, 1),
            latency("acq", b0, 12_000, 1),
            latency("wal", b0 + 1, 80, 1),
        ]
    );
    // Daily buckets put both hours in one day.
    let day = 24 * HOUR;
    let daily = ctx.store.attempt_buckets(since, day).await.unwrap();
    assert!(daily.iter().all(|c| c.bucket == T0 / day), "{daily:?}");
    assert_eq!(daily.iter().map(|c| c.count).sum::<i64>(), 7);
}
