//! Ids that are stored in creation order yet say nothing about volume.

use corridor_core::Timestamp;

/// A new id: `prefix` and 24 hex digits. The first 10 are the creation time
/// in milliseconds (modulo 2^40, about 35 years), so that ids, and the rows
/// keyed by them, are stored in creation order instead of at random places;
/// the other 14 are random (56 bits). Unlike a sequence number, the id tells
/// its reader nothing about how many others were made before it.
pub fn time_ordered_id(prefix: &str, now: Timestamp) -> String {
    let millis = u64::try_from(now.unix_micros() / 1_000).unwrap_or(0) & 0xff_ffff_ffff;
    let random = rand::random::<u64>() >> 8;
    format!("{prefix}{millis:010x}{random:014x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_24_hex_digits_in_creation_order() {
        let at = |millis: i64| Timestamp::from_unix_micros(millis * 1_000);
        let ids: Vec<String> = [1_796_000_000_000, 1_796_000_000_001, 1_796_000_060_000]
            .into_iter()
            .map(|m| time_ordered_id("pay_", at(m)))
            .collect();
        for id in &ids {
            let hex = id.strip_prefix("pay_").expect("prefix");
            assert_eq!(hex.len(), 24, "{id}");
            assert!(hex.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
        }
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
        assert_ne!(
            time_ordered_id("evt_", at(5)),
            time_ordered_id("evt_", at(5))
        );
    }
}
