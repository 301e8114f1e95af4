//! Calendar days as plain numbers, so the core needs no date library.

/// A calendar day: days since 1970-01-01 (negative before).
///
/// The shell converts its dates to and from this; the core only counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub i32);

impl Day {
    /// Days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Day) -> i64 {
        i64::from(later.0) - i64::from(self.0)
    }

    /// This day plus `days`.
    pub fn plus(self, days: i32) -> Day {
        Day(self.0.saturating_add(days))
    }

    /// The day containing `at` (UTC).
    pub fn of(at: crate::Timestamp) -> Day {
        const MICROS_PER_DAY: i64 = 86_400_000_000;
        let days = at.unix_micros().div_euclid(MICROS_PER_DAY);
        Day(i32::try_from(days).unwrap_or(if days < 0 { i32::MIN } else { i32::MAX }))
    }
}
