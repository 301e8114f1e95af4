//! `Corridor-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
//!
//! The timestamp is signed with the body so a captured delivery cannot be
//! replayed later than the receiver's tolerance.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The header carrying the signature.
pub const HEADER: &str = "Corridor-Signature";

/// The tolerance receivers are advised to use, in seconds.
pub const DEFAULT_TOLERANCE_S: i64 = 300;

/// Longest header `verify` looks at; anything longer is malformed.
const MAX_HEADER_BYTES: usize = 1024;

type HmacSha256 = Hmac<Sha256>;

/// Why a signature was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The header is not `t=<int>,v1=<hex>[,v1=<hex>...]`.
    #[error("the signature header is malformed")]
    Malformed,
    /// The timestamp is further from now than the tolerance.
    #[error("the signature timestamp is outside the tolerance")]
    Expired,
    /// No `v1` matches the body and secret.
    #[error("no signature matches the body")]
    Mismatch,
}

fn mac(secret: &str, timestamp_s: i64, body: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC accepts any key");
    mac.update(timestamp_s.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// Hex HMAC-SHA256 of `"<timestamp_s>.<body>"` under `secret`.
pub fn sign(secret: &str, timestamp_s: i64, body: &[u8]) -> String {
    hex::encode(mac(secret, timestamp_s, body).finalize().into_bytes())
}

/// The full header value: `t=<timestamp_s>,v1=<signature>`.
pub fn header_value(secret: &str, timestamp_s: i64, body: &[u8]) -> String {
    format!("t={timestamp_s},v1={}", sign(secret, timestamp_s, body))
}

/// Checks a `Corridor-Signature` header against the raw body: the timestamp
/// must be within `tolerance_s` of `now_s` (unix seconds) and one of its
/// `v1` signatures must match, compared in constant time.
pub fn verify(
    secret: &str,
    header: &str,
    body: &[u8],
    now_s: i64,
    tolerance_s: i64,
) -> Result<(), SignatureError> {
    let (timestamp_s, signatures) = parse(header)?;
    if now_s.abs_diff(timestamp_s) > tolerance_s.unsigned_abs() {
        return Err(SignatureError::Expired);
    }
    let matches = signatures
        .iter()
        .any(|sig| mac(secret, timestamp_s, body).verify_slice(sig).is_ok());
    if matches {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// Splits a header into its timestamp and decoded `v1` signatures; other
/// schemes are skipped so new ones can be added alongside.
fn parse(header: &str) -> Result<(i64, Vec<Vec<u8>>), SignatureError> {
    if header.len() > MAX_HEADER_BYTES {
        return Err(SignatureError::Malformed);
    }
    let mut timestamp_s = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        let (key, value) = part
            .trim()
            .split_once('=')
            .ok_or(SignatureError::Malformed)?;
        match key {
            "t" if timestamp_s.is_none() => {
                timestamp_s = Some(value.parse().map_err(|_| SignatureError::Malformed)?);
            }
            "t" => return Err(SignatureError::Malformed),
            "v1" => signatures.push(hex::decode(value).map_err(|_| SignatureError::Malformed)?),
            _ => {}
        }
    }
    match timestamp_s {
        Some(t) if !signatures.is_empty() => Ok((t, signatures)),
        _ => Err(SignatureError::Malformed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test_secret_0123456789";
    const BODY: &[u8] = br#"{"id":"evt_1","type":"payment.succeeded"}"#;
    const T: i64 = 1_700_000_000;
    /// Computed independently: Python `hmac.new(SECRET, b"1700000000." + BODY, sha256).hexdigest()`.
    const EXPECTED: &str = "fd4bee54677559a0dbd33ba24760657df49ab644c68e26c147a2ca04c510079a";

    #[test]
    fn matches_an_independently_computed_vector() {
        assert_eq!(sign(SECRET, T, BODY), EXPECTED);
        assert_eq!(
            header_value(SECRET, T, BODY),
            format!("t={T},v1={EXPECTED}")
        );
    }

    #[test]
    fn verifies_within_tolerance() {
        let header = format!("t={T},v1={EXPECTED}");
        assert_eq!(verify(SECRET, &header, BODY, T + 300, 300), Ok(()));
        assert_eq!(verify(SECRET, &header, BODY, T - 300, 300), Ok(()));
        assert_eq!(
            verify(SECRET, &header, BODY, T + 301, 300),
            Err(SignatureError::Expired)
        );
    }

    #[test]
    fn refuses_a_wrong_secret_body_or_timestamp() {
        let header = format!("t={T},v1={EXPECTED}");
        let mismatch = Err(SignatureError::Mismatch);
        assert_eq!(verify("whsec_other", &header, BODY, T, 300), mismatch);
        assert_eq!(verify(SECRET, &header, b"{}", T, 300), mismatch);
        let shifted = format!("t={},v1={EXPECTED}", T + 1);
        assert_eq!(verify(SECRET, &shifted, BODY, T, 300), mismatch);
    }

    #[test]
    fn accepts_any_matching_v1_and_ignores_other_schemes() {
        let header = format!("t={T},v0=abc,v1={},v1={EXPECTED}", "00".repeat(32));
        assert_eq!(verify(SECRET, &header, BODY, T, 300), Ok(()));
    }

    #[test]
    fn refuses_malformed_headers() {
        for header in [
            "",
            "t=1",
            &format!("v1={EXPECTED}"),
            &format!("t=x,v1={EXPECTED}"),
            "t=1,v1=zz",
            &format!("t=1,t=2,v1={EXPECTED}"),
            "garbage",
        ] {
            assert_eq!(
                verify(SECRET, header, BODY, T, 300),
                Err(SignatureError::Malformed),
                "{header}"
            );
        }
    }
}
