//! One delivery attempt: the signed POST, and what it does to the delivery row.

use std::time::Duration;

use corridor_core::Timestamp;
use corridor_store::{Clock, DeliveryRecord, DueDelivery, EventRecord, SystemClock};
use serde::Serialize;

use super::signing;
use crate::time_fmt::rfc3339;

/// Attempts before a delivery is given up as `failed` (about three days
/// with the backoff below).
pub const MAX_ATTEMPTS: i64 = 20;

/// Wait after the first failed attempt; it doubles with each attempt.
pub const RETRY_BASE_S: i64 = 30;

/// Longest wait between two attempts: six hours.
pub const RETRY_MAX_S: i64 = 6 * 3600;

/// Longest error text kept on a delivery.
const MAX_ERROR_CHARS: usize = 300;

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Attempt {
    /// The endpoint answered 2xx.
    Delivered(u16),
    /// The endpoint answered something else.
    Refused(u16),
    /// No answer: connection, timeout, ...
    Failed(String),
    /// The event cannot be sent at all (its stored object is not JSON).
    Undeliverable(String),
}

/// The HTTP client deliveries use: a timeout per request, redirects not
/// followed (a 3xx counts as a failed attempt), and names resolved only to
/// addresses the target policy accepts.
pub(super) fn client(
    timeout: Duration,
    targets: super::target::TargetPolicy,
) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .dns_resolver(targets.resolver())
        .timeout(timeout)
        .connect_timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent("Corridor-Webhooks/1")
        .build()
}

#[derive(Serialize)]
struct Payload<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    created_at: String,
    data: PayloadData,
}

#[derive(Serialize)]
struct PayloadData {
    object: serde_json::Value,
}

/// The body of a delivery: `{id, type, created_at, data: {object}}`.
pub(super) fn payload(event: &EventRecord) -> Result<String, String> {
    let object = serde_json::from_str(&event.object)
        .map_err(|e| format!("the stored event object is not JSON: {e}"))?;
    serde_json::to_string(&Payload {
        id: &event.id,
        kind: &event.kind,
        created_at: rfc3339(event.created_at),
        data: PayloadData { object },
    })
    .map_err(|e| e.to_string())
}

/// Sends one delivery, signed. The signature's timestamp is the wall
/// clock's, not the sandbox clock's: receivers check it against their own.
pub(super) async fn send(
    client: &reqwest::Client,
    targets: super::target::TargetPolicy,
    due: &DueDelivery,
) -> Attempt {
    // The URL was checked at creation; the policy may have changed since, and
    // an address written literally never goes through the resolver.
    let checked = reqwest::Url::parse(&due.url)
        .map_err(|e| e.to_string())
        .and_then(|url| targets.check_url(&url));
    if let Err(why) = checked {
        return Attempt::Failed(format!("target refused: url {why}"));
    }
    let body = match payload(&due.event) {
        Ok(body) => body,
        Err(e) => return Attempt::Undeliverable(e),
    };
    let timestamp_s = SystemClock.now().unix_micros().div_euclid(1_000_000);
    let signature = signing::header_value(&due.secret, timestamp_s, body.as_bytes());
    let sent = client
        .post(&due.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(signing::HEADER, signature)
        .body(body)
        .send()
        .await;
    match sent {
        Ok(response) if response.status().is_success() => {
            Attempt::Delivered(response.status().as_u16())
        }
        Ok(response) => Attempt::Refused(response.status().as_u16()),
        Err(e) => Attempt::Failed(describe(&e)),
    }
}

/// A short description of a transport error, with its root cause.
fn describe(e: &reqwest::Error) -> String {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else {
        "request failed"
    };
    let mut root: &dyn std::error::Error = e;
    while let Some(source) = root.source() {
        root = source;
    }
    let text = format!("{what}: {root}");
    text.chars().take(MAX_ERROR_CHARS).collect()
}

/// Seconds to wait after the `attempts`-th failed attempt: the base doubled
/// per attempt, capped, plus up to a quarter more from `jitter_roll` so that
/// deliveries failing together do not all retry together.
pub(super) fn retry_delay_s(attempts: i64, jitter_roll: u64) -> i64 {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
    let delay_s = RETRY_BASE_S
        .saturating_mul(1_i64 << doublings)
        .min(RETRY_MAX_S);
    let jitter_span = u64::try_from(delay_s / 4).unwrap_or(0) + 1;
    delay_s + i64::try_from(jitter_roll % jitter_span).unwrap_or(0)
}

/// The delivery after an attempt at `now`.
pub(super) fn after(
    delivery: &DeliveryRecord,
    attempt: &Attempt,
    now: Timestamp,
    jitter_roll: u64,
) -> DeliveryRecord {
    let mut next = delivery.clone();
    next.attempts = delivery.attempts.saturating_add(1);
    let (status_code, error) = match attempt {
        Attempt::Delivered(code) => {
            next.status = "delivered".into();
            next.delivered_at = Some(now);
            next.last_status_code = Some(i64::from(*code));
            next.last_error = None;
            return next;
        }
        Attempt::Refused(code) => (Some(i64::from(*code)), format!("HTTP {code}")),
        Attempt::Failed(e) => (None, e.clone()),
        Attempt::Undeliverable(e) => {
            next.status = "failed".into();
            next.last_error = Some(e.clone());
            return next;
        }
    };
    next.last_status_code = status_code;
    next.last_error = Some(error);
    if next.attempts >= MAX_ATTEMPTS {
        next.status = "failed".into();
    } else {
        next.next_attempt_at = now.plus_seconds(retry_delay_s(next.attempts, jitter_roll));
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending() -> DeliveryRecord {
        DeliveryRecord {
            id: "whd_1".into(),
            endpoint_id: "we_1".into(),
            event_seq: 7,
            status: "pending".into(),
            attempts: 0,
            next_attempt_at: Timestamp::EPOCH,
            last_status_code: None,
            last_error: None,
            created_at: Timestamp::EPOCH,
            delivered_at: None,
        }
    }

    #[test]
    fn backoff_doubles_is_capped_and_jittered_by_at_most_a_quarter() {
        assert_eq!(retry_delay_s(1, 0), 30);
        assert_eq!(retry_delay_s(2, 0), 60);
        assert_eq!(retry_delay_s(5, 0), 480);
        assert_eq!(retry_delay_s(30, 0), RETRY_MAX_S);
        assert_eq!(retry_delay_s(1, 7), 37);
        assert_eq!(retry_delay_s(1, 8), 30, "the jitter wraps within a quarter");
        assert!(retry_delay_s(i64::MAX, u64::MAX) <= RETRY_MAX_S + RETRY_MAX_S / 4);
        let total_s: i64 = (1..MAX_ATTEMPTS).map(|n| retry_delay_s(n, 0)).sum();
        assert!((2 * 86_400..4 * 86_400).contains(&total_s), "{total_s}");
    }

    #[test]
    fn a_refusal_schedules_a_retry_and_the_last_one_fails() {
        let now = Timestamp::from_unix_micros(1_000_000_000);
        let once = after(&pending(), &Attempt::Refused(500), now, 0);
        assert_eq!((once.status.as_str(), once.attempts), ("pending", 1));
        assert_eq!(once.last_status_code, Some(500));
        assert_eq!(once.next_attempt_at, now.plus_seconds(30));
        let mut last = pending();
        last.attempts = MAX_ATTEMPTS - 1;
        let failed = after(&last, &Attempt::Failed("timed out".into()), now, 0);
        assert_eq!(failed.status, "failed");
        assert_eq!(failed.last_error.as_deref(), Some("timed out"));
    }

    #[test]
    fn success_records_the_time_and_clears_the_error() {
        let now = Timestamp::from_unix_micros(5);
        let mut retried = after(&pending(), &Attempt::Refused(503), now, 0);
        retried = after(&retried, &Attempt::Delivered(204), now, 0);
        assert_eq!(retried.status, "delivered");
        assert_eq!(retried.attempts, 2);
        assert_eq!(retried.delivered_at, Some(now));
        assert_eq!(retried.last_status_code, Some(204));
        assert_eq!(retried.last_error, None);
    }

    #[test]
    fn payload_wraps_the_stored_object() {
        let event = EventRecord {
            seq: 1,
            id: "evt_1".into(),
            merchant_id: "mer_1".into(),
            kind: "payment.succeeded".into(),
            object: r#"{"id":"pay_1","amount":100}"#.into(),
            created_at: Timestamp::EPOCH,
        };
        let body: serde_json::Value = serde_json::from_str(&payload(&event).unwrap()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"id": "evt_1", "type": "payment.succeeded",
                "created_at": "1970-01-01T00:00:00Z", "data": {"object": {"id": "pay_1", "amount": 100}}})
        );
        let broken = EventRecord {
            object: "{".into(),
            ..event
        };
        assert!(payload(&broken).is_err());
    }
}
