//! Integer sampling helpers: the caller's one random draw spread over
//! several candidates, and a bell-shaped noise built from it.

/// Spreads one random draw into an independent-looking 64-bit value per
/// `index` (SplitMix64's finaliser). A pure function: the randomness is all
/// in `draw`.
pub(crate) fn spread(draw: u64, index: u64) -> u64 {
    let mut z = draw.wrapping_add(index.wrapping_add(1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Mean of the sum of four 16-bit uniforms.
const SUM_MEAN: i64 = 2 * 65_535;

/// Standard deviation of that sum: 65,536 · √(4/12), rounded.
const SUM_SD: i64 = 37_837;

/// A roughly standard-normal value in thousandths, from 64 random bits: the
/// sum of four uniforms (Irwin-Hall), centred and scaled. It stays within
/// ±3.47 standard deviations, which is all the tail routing needs.
pub(crate) fn normal_milli(bits: u64) -> i64 {
    let sum: i64 = (0..4)
        .map(|i| i64::from(u16::try_from((bits >> (16 * i)) & 0xffff).unwrap_or(0)))
        .sum();
    (sum - SUM_MEAN) * 1_000 / SUM_SD
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noise_is_centred_with_unit_spread() {
        let samples: Vec<i64> = (0..20_000).map(|i| normal_milli(spread(42, i))).collect();
        let n = i64::try_from(samples.len()).unwrap();
        let mean = samples.iter().sum::<i64>() / n;
        let variance = samples.iter().map(|s| (s - mean) * (s - mean)).sum::<i64>() / n;
        assert!(mean.abs() < 30, "mean {mean}");
        assert!(
            (900_000..1_100_000).contains(&variance),
            "variance {variance}"
        );
        assert!(samples.iter().all(|s| s.abs() <= 3_470));
    }

    #[test]
    fn spread_separates_indices_and_draws() {
        assert_ne!(spread(1, 0), spread(1, 1));
        assert_ne!(spread(1, 0), spread(2, 0));
        assert_eq!(spread(7, 3), spread(7, 3));
    }
}
