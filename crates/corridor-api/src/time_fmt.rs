//! Times on the wire: RFC 3339, UTC.

use corridor_core::Timestamp;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Formats a timestamp as RFC 3339 UTC with microseconds.
pub fn rfc3339(at: Timestamp) -> String {
    let nanos = i128::from(at.unix_micros()) * 1_000;
    OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string())
}
