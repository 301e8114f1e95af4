//! Outcome counts that fade with time, in integer fixed point.
//!
//! A count loses half its weight every half-life, so recent outcomes
//! dominate and a change of behaviour shows within a few half-lives, however
//! much history came before. Counts are kept in micro-outcomes (one outcome
//! is [`OUTCOME`]) so that fractional weights and decay need no floats.

use crate::Timestamp;

/// One outcome, in the unit counts are kept in.
pub(crate) const OUTCOME: u64 = 1_000_000;

/// `2^(-2^-k)` for k = 1..=16, as fractions of 2^32: the factors a fraction
/// of a half-life is built from, one per binary digit.
const HALVING_ROOTS_Q32: [u64; 16] = [
    3_037_000_500,
    3_611_622_603,
    3_938_502_376,
    4_112_874_773,
    4_202_935_003,
    4_248_701_965,
    4_271_771_996,
    4_283_353_945,
    4_289_156_690,
    4_292_061_010,
    4_293_513_907,
    4_294_240_540,
    4_294_603_903,
    4_294_785_595,
    4_294_876_445,
    4_294_921_870,
];

/// `value · 2^(-elapsed / half_life)`, rounded down. Time that runs
/// backwards (`elapsed_us <= 0`) decays nothing; a half-life below one
/// microsecond counts as one.
pub(crate) fn decay(value: u64, elapsed_us: i64, half_life_us: i64) -> u64 {
    let Ok(elapsed) = u64::try_from(elapsed_us) else {
        return value;
    };
    let half_life = u64::try_from(half_life_us.max(1)).unwrap_or(1);
    let halvings = elapsed / half_life;
    if halvings >= 64 {
        return 0;
    }
    let whole = value >> halvings;
    // The rest of a half-life as 16 binary digits of a fraction.
    let rest = u128::from(elapsed % half_life);
    let digits = (rest << 16) / u128::from(half_life);
    let mut scaled = u128::from(whole);
    for (k, root) in HALVING_ROOTS_Q32.iter().enumerate() {
        if digits & (1 << (15 - k)) != 0 {
            scaled = (scaled * u128::from(*root)) >> 32;
        }
    }
    u64::try_from(scaled).unwrap_or(u64::MAX)
}

/// Good and bad outcomes, decaying from the last time they were updated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DecayedCounts {
    /// Micro-outcomes in favour.
    good: u64,
    /// Micro-outcomes against.
    bad: u64,
    /// When the counts were last brought up to date.
    at: Timestamp,
}

impl DecayedCounts {
    /// No outcomes yet.
    pub fn new(at: Timestamp) -> Self {
        DecayedCounts {
            good: 0,
            bad: 0,
            at,
        }
    }

    /// When last updated.
    pub fn updated_at(&self) -> Timestamp {
        self.at
    }

    /// `(good, bad)` as of `now`.
    pub fn at(&self, now: Timestamp, half_life_us: i64) -> (u64, u64) {
        let elapsed = now.unix_micros().saturating_sub(self.at.unix_micros());
        (
            decay(self.good, elapsed, half_life_us),
            decay(self.bad, elapsed, half_life_us),
        )
    }

    /// Decays to `now`, adds `good` and `bad`, then scales both down
    /// together so their sum stays at most `total_max`: the statistics never
    /// grow so sure of the past that the present cannot move them.
    pub fn add(&mut self, now: Timestamp, half_life_us: i64, add: (u64, u64), total_max: u64) {
        let (good, bad) = self.at(now, half_life_us);
        let good = good.saturating_add(add.0);
        let bad = bad.saturating_add(add.1);
        let total = u128::from(good) + u128::from(bad);
        let cap = u128::from(total_max);
        let (good, bad) = if total > cap {
            let scale = |v: u64| u64::try_from(u128::from(v) * cap / total).unwrap_or(u64::MAX);
            (scale(good), scale(bad))
        } else {
            (good, bad)
        };
        *self = DecayedCounts {
            good,
            bad,
            at: self.at.max(now),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR_US: i64 = 3_600_000_000;

    #[test]
    fn roots_square_to_the_previous_root() {
        let mut previous = 1u128 << 31; // 2^-1
        for root in HALVING_ROOTS_Q32 {
            let squared = (u128::from(root) * u128::from(root)) >> 32;
            assert!(
                squared.abs_diff(previous) <= 2,
                "{root}: {squared} vs {previous}"
            );
            previous = u128::from(root);
        }
    }

    #[test]
    fn decays_by_half_lives() {
        let cases = [
            // (value, elapsed in hours, half-life in hours, expected)
            (1_000_000, 0, 1, 1_000_000),
            (1_000_000, 1, 1, 500_000),
            (1_000_000, 2, 1, 250_000),
            (1_000_000, 1, 2, 707_106),
            (1_000_000, 3, 2, 353_553),
            (1_000_000, 1, 4, 840_896),
            (1_000_000, 64, 1, 0),
            (1_000_000, -5, 1, 1_000_000),
        ];
        for (value, hours, half_life_hours, expected) in cases {
            let got = decay(value, hours * HOUR_US, half_life_hours * HOUR_US);
            assert!(
                got.abs_diff(expected) <= 2,
                "{hours}h/{half_life_hours}h: {got}"
            );
        }
    }

    #[test]
    fn decay_never_grows_and_is_monotone_in_time() {
        let mut previous = u64::MAX;
        for step in 0..200 {
            let got = decay(u64::MAX, step * 7_919, 100_000);
            assert!(got <= previous, "step {step}");
            previous = got;
        }
    }

    #[test]
    fn counts_are_capped_keeping_their_ratio() {
        let t = Timestamp::from_unix_micros(0);
        let mut counts = DecayedCounts::new(t);
        counts.add(t, HOUR_US, (900 * OUTCOME, 100 * OUTCOME), 100 * OUTCOME);
        assert_eq!(counts.at(t, HOUR_US), (90 * OUTCOME, 10 * OUTCOME));
    }

    #[test]
    fn time_running_backwards_neither_decays_nor_rewinds() {
        let later = Timestamp::from_unix_micros(HOUR_US);
        let mut counts = DecayedCounts::new(later);
        counts.add(later, HOUR_US, (OUTCOME, 0), u64::MAX);
        counts.add(Timestamp::EPOCH, HOUR_US, (OUTCOME, 0), u64::MAX);
        assert_eq!(counts.updated_at(), later);
        assert_eq!(counts.at(later, HOUR_US), (2 * OUTCOME, 0));
    }
}
