//! Latency percentiles shared by the benchmarks.

/// Nearest-rank percentile of sorted microseconds, in milliseconds (NaN when empty).
pub fn percentile_ms(sorted_us: &[u32], pct: usize) -> f64 {
    if sorted_us.is_empty() {
        return f64::NAN;
    }
    let rank = (sorted_us.len() * pct).div_ceil(100).max(1);
    f64::from(sorted_us[rank - 1]) / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_nearest_rank() {
        let v: Vec<u32> = (1..=100).map(|x| x * 1000).collect();
        assert_eq!(percentile_ms(&v, 50), 50.0);
        assert_eq!(percentile_ms(&v, 99), 99.0);
        assert_eq!(percentile_ms(&[7000], 99), 7.0);
        assert!(percentile_ms(&[], 99).is_nan());
    }
}
