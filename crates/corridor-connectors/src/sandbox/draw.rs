//! Seeded random draws: every decision of the sandbox comes from here.
//!
//! A generator is derived per call from the world's seed and the call's
//! identity (provider, operation, key), so outcomes do not depend on the
//! order in which concurrent calls arrive.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// A stable 64-bit hash of `parts` (FNV-1a, then a SplitMix64 finish), the
/// same on every platform and Rust version.
pub(crate) fn hash_parts(seed: u64, parts: &[&str]) -> u64 {
    const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = FNV_OFFSET ^ seed;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0xff)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(FNV_PRIME);
        }
    }
    splitmix64(hash)
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The generator for one call.
pub(crate) fn rng_for(seed: u64, parts: &[&str]) -> StdRng {
    StdRng::seed_from_u64(hash_parts(seed, parts))
}

/// True with probability `p`.
pub(crate) fn chance(rng: &mut StdRng, p: f64) -> bool {
    rng.random::<f64>() < p
}

/// A log-normal latency around `median_ms`, capped at `max_ms`, at least 1 ms.
pub(crate) fn log_normal_ms(rng: &mut StdRng, median_ms: u32, sigma: f64, max_ms: u32) -> u32 {
    // Box-Muller: a standard normal from two uniforms (u1 in (0, 1]).
    let u1 = 1.0 - rng.random::<f64>();
    let u2 = rng.random::<f64>();
    let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
    let ms = f64::from(median_ms) * (sigma * z).exp();
    ms.clamp(1.0, f64::from(max_ms.max(1))) as u32
}

/// One of `items`, chosen with probability proportional to its weight.
pub(crate) fn weighted<T: Copy>(rng: &mut StdRng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| *w).sum();
    let mut ticket = rng.random_range(0..total.max(1));
    for (item, weight) in items {
        if ticket < *weight {
            return *item;
        }
        ticket -= weight;
    }
    items[items.len() - 1].0
}

/// A number of `digits` decimal digits.
pub(crate) fn digits(rng: &mut StdRng, count: usize) -> String {
    (0..count)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_stable_and_separate_parts() {
        assert_eq!(hash_parts(7, &["a", "bc"]), hash_parts(7, &["a", "bc"]));
        assert_ne!(hash_parts(7, &["a", "bc"]), hash_parts(7, &["ab", "c"]));
        assert_ne!(hash_parts(7, &["a"]), hash_parts(8, &["a"]));
    }

    #[test]
    fn log_normal_median_is_near_the_configured_one() {
        let mut rng = rng_for(1, &["latency"]);
        let mut samples: Vec<u32> = (0..20_001)
            .map(|_| log_normal_ms(&mut rng, 300, 0.5, 60_000))
            .collect();
        samples.sort_unstable();
        let median = samples[10_000];
        assert!((280..=320).contains(&median), "median {median}");
        assert!(samples.iter().all(|ms| (1..=60_000).contains(ms)));
    }

    #[test]
    fn weighted_choice_follows_weights() {
        let mut rng = rng_for(2, &["weights"]);
        let picks = (0..10_000)
            .filter(|_| weighted(&mut rng, &[('a', 3), ('b', 1)]) == 'a')
            .count();
        assert!((7_200..=7_800).contains(&picks), "{picks}");
    }
}
