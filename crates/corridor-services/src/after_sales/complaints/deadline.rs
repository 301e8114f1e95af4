//! When a complaint must be answered: the market's rule (from the core),
//! counted on the market's holiday calendar.

use corridor_core::aftersales::complaint::{is_eea, Period};
use corridor_core::{CountryCode, Timestamp};
use corridor_markets::calendar::{calendar, Calendar};
use time::{Date, Duration, OffsetDateTime, Time};

/// The calendar business days are counted on in `country`: its own public
/// holidays where shipped, TARGET2 for other EEA countries, the US federal
/// calendar for the US, and TARGET2 otherwise (weekends and the common
/// closing days).
pub(super) fn market_calendar(country: CountryCode) -> &'static Calendar {
    let own = country.as_str().to_ascii_lowercase();
    let name = match country.as_str() {
        _ if calendar(&own).is_some() => own.as_str(),
        "US" => "us_federal",
        _ if is_eea(country) => "target2",
        _ => "target2",
    };
    match calendar(name).or_else(|| calendar("target2")) {
        Some(c) => c,
        None => unreachable!("the TARGET2 calendar is shipped"),
    }
}

/// The end (last microsecond, UTC) of the day `period` after `received_at`.
pub(super) fn respond_by(
    received_at: Timestamp,
    period: Period,
    calendar: &Calendar,
) -> Option<Timestamp> {
    let received =
        OffsetDateTime::from_unix_timestamp(received_at.unix_micros().div_euclid(1_000_000))
            .ok()?
            .date();
    let day: Date = match period {
        Period::BusinessDays(n) => calendar.add_business_days(received, n)?,
        Period::Days(n) => received.checked_add(Duration::days(i64::from(n)))?,
        Period::Weeks(n) => received.checked_add(Duration::weeks(i64::from(n)))?,
    };
    let next_midnight = day
        .checked_add(Duration::DAY)?
        .with_time(Time::MIDNIGHT)
        .assume_utc()
        .unix_timestamp();
    Some(Timestamp::from_unix_micros(
        next_midnight.checked_mul(1_000_000)? - 1,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use corridor_core::aftersales::complaint::{rule_for, ComplaintCategory};

    fn at(date: &str) -> Timestamp {
        let d = corridor_markets::calendar::parse_iso_date(date).unwrap();
        let s = d
            .with_time(Time::from_hms(10, 0, 0).unwrap())
            .assume_utc()
            .unix_timestamp();
        Timestamp::from_unix_micros(s * 1_000_000)
    }

    fn day(t: Timestamp) -> String {
        let d = OffsetDateTime::from_unix_timestamp(t.unix_micros().div_euclid(1_000_000)).unwrap();
        format!("{} {:02}:{:02}", d.date(), d.hour(), d.minute())
    }

    #[test]
    fn deadlines_per_market_on_their_calendars() {
        // (country, category, received, holding reply?, respond by)
        let cases = [
            // Germany, PSD2: 15 business days (the day received counts as day 0).
            (
                "DE",
                ComplaintCategory::Unauthorized,
                "2026-12-01",
                false,
                "2026-12-22 23:59",
            ),
            // 35 after a holding reply: Christmas (25th, 26th) and New Year's Day are closed.
            (
                "DE",
                ComplaintCategory::Unauthorized,
                "2026-12-01",
                true,
                "2027-01-21 23:59",
            ),
            // Over the holidays: on weekends alone it would be 2026-12-31.
            (
                "DE",
                ComplaintCategory::DuplicateCharge,
                "2026-12-10",
                false,
                "2027-01-04 23:59",
            ),
            // UK, other: 8 calendar weeks.
            (
                "GB",
                ComplaintCategory::NotAsDescribed,
                "2026-12-01",
                false,
                "2027-01-26 23:59",
            ),
            // China: 15 calendar days; India: 30.
            (
                "CN",
                ComplaintCategory::Unauthorized,
                "2026-12-01",
                false,
                "2026-12-16 23:59",
            ),
            (
                "IN",
                ComplaintCategory::Other,
                "2026-12-01",
                false,
                "2026-12-31 23:59",
            ),
        ];
        for (country, category, received, holding, expected) in cases {
            let country = CountryCode::parse(country).unwrap();
            let rule = rule_for(country, category);
            let period = if holding {
                rule.with_holding_reply.unwrap()
            } else {
                rule.period
            };
            let due = respond_by(at(received), period, market_calendar(country)).unwrap();
            assert_eq!(
                day(due),
                expected,
                "{country:?} {category:?} holding={holding}"
            );
        }
    }
}
