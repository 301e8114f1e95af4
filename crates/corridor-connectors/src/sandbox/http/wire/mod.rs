//! The sandbox's JSON protocol: the HTTP layer's own types, converted to and
//! from the domain types at the edge.

mod charge;
mod charge_request;
mod coverage;
mod error;
mod refund;

pub(crate) use charge::{ChargeWire, NotificationWire};
pub(crate) use charge_request::{CaptureBody, ChargeBody};
pub(crate) use coverage::PspWire;
pub(crate) use error::{ErrorBody, ErrorWire};
pub(crate) use refund::{RefundBody, RefundWire};

use corridor_core::Timestamp;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// RFC 3339 in UTC, to the microsecond.
pub(crate) fn format_timestamp(at: Timestamp) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(at.unix_micros()) * 1_000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

/// Parses RFC 3339 (any offset).
pub(crate) fn parse_timestamp(text: &str) -> Result<Timestamp, String> {
    let parsed = OffsetDateTime::parse(text, &Rfc3339).map_err(|e| format!("`{text}`: {e}"))?;
    let micros = i64::try_from(parsed.unix_timestamp_nanos() / 1_000).map_err(|e| e.to_string())?;
    Ok(Timestamp::from_unix_micros(micros))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip_to_the_microsecond() {
        let at = Timestamp::from_unix_micros(1_795_651_200_123_456);
        let text = format_timestamp(at);
        assert_eq!(text, "2026-11-26T00:00:00.123456Z");
        assert_eq!(parse_timestamp(&text), Ok(at));
        assert!(parse_timestamp("yesterday").is_err());
    }
}
