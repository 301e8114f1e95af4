//! Dates: ISO text and `time::Date` to the core's [`Day`], and the age of a
//! rate in TARGET business days.

use corridor_core::fx::Day;
use corridor_core::Timestamp;
use corridor_markets::calendar::{calendar, parse_iso_date};
use time::{Date, Duration};

const UNIX_EPOCH_JULIAN_DAY: i32 = 2_440_588;

/// `2026-10-30` as a day.
pub fn day_of(text: &str) -> Option<Day> {
    parse_iso_date(text).map(day_from_date)
}

/// A date as a day.
pub fn day_from_date(date: Date) -> Day {
    Day(date.to_julian_day() - UNIX_EPOCH_JULIAN_DAY)
}

/// A day as a date.
pub fn date_of(day: Day) -> Option<Date> {
    Date::from_julian_day(day.0.checked_add(UNIX_EPOCH_JULIAN_DAY)?).ok()
}

/// `YYYY-MM-DD`.
pub fn iso(day: Day) -> String {
    date_of(day).map_or_else(|| format!("day {}", day.0), |d| d.to_string())
}

/// The UTC day of an instant.
pub fn today(now: Timestamp) -> Day {
    Day::of(now)
}

/// Whether the euro reference market (TARGET2) is closed on `day`
/// (weekend or TARGET holiday).
pub fn target_closed(day: Day) -> bool {
    match (calendar("target2"), date_of(day)) {
        (Some(cal), Some(date)) => !cal.is_business_day(date),
        _ => false,
    }
}

/// TARGET business days from the rate's day to `today`: 0 when the rate is
/// today's or today is closed and the rate is of the last open day.
pub fn rate_age_business_days(rate_day: Day, today: Day) -> u32 {
    let (Some(cal), Some(from), Some(to)) =
        (calendar("target2"), date_of(rate_day), date_of(today))
    else {
        return u32::MAX;
    };
    if to < from {
        return 0;
    }
    cal.business_days_between(from, to)
}

/// The first day of the month `months` after the month of `day`.
pub fn add_months(day: Day, months: u32) -> Option<Day> {
    let date = date_of(day)?;
    let total =
        i64::from(date.year()) * 12 + i64::from(u8::from(date.month())) - 1 + i64::from(months);
    let year = i32::try_from(total.div_euclid(12)).ok()?;
    let month = u8::try_from(total.rem_euclid(12) + 1).ok()?;
    let month = time::Month::try_from(month).ok()?;
    let last = time::util::days_in_month(month, year);
    let first = Date::from_calendar_date(year, month, date.day().min(last)).ok()?;
    Some(day_from_date(first))
}

/// One day later.
pub fn next_day(day: Day) -> Option<Day> {
    date_of(day)?.checked_add(Duration::DAY).map(day_from_date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_counts_target_days() {
        let d = day_of("2026-10-30").unwrap();
        assert_eq!(iso(d), "2026-10-30");
        assert_eq!(day_of("1970-01-01"), Some(Day(0)));
        // Friday's rate on Saturday and Sunday: 0 business days old; Monday: 1.
        let sat = day_of("2026-10-31").unwrap();
        assert_eq!(rate_age_business_days(d, sat), 0);
        assert_eq!(rate_age_business_days(d, day_of("2026-11-02").unwrap()), 1);
        assert!(target_closed(sat));
        // 2026-12-25 is a TARGET holiday.
        assert!(target_closed(day_of("2026-12-25").unwrap()));
        assert_eq!(
            iso(add_months(day_of("2026-01-31").unwrap(), 1).unwrap()),
            "2026-02-28"
        );
    }
}
