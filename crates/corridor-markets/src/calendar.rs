//! Holiday calendars: which days banks and payment systems are open.
//!
//! One calendar per system or country, from `data/calendars/<name>.csv`
//! (`date,name`, holidays 2020-2030, generated with the `holidays` package;
//! TARGET2 closing days from the ECB). Saturdays and Sundays are closed
//! except where a calendar names a weekend day as a working day: China's
//! rows "Day off (substituted from MM/DD/YYYY)" move a working day onto a
//! weekend, and that weekend date is open.
//!
//! Dates outside the data's years are only weekend-checked; [`Calendar::covers`]
//! tells whether a date is inside them, so a caller that needs certainty (a
//! value date years ahead) can refuse instead of guessing.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use time::{Date, Duration, Month, Weekday};

/// Every calendar shipped, by name, with its CSV text.
const SOURCES: &[(&str, &str)] = &[
    ("target2", include_str!("../data/calendars/target2_ecb.csv")),
    (
        "us_federal",
        include_str!("../data/calendars/us_federal.csv"),
    ),
    ("au", include_str!("../data/calendars/au_public.csv")),
    ("br", include_str!("../data/calendars/br_public.csv")),
    ("cn", include_str!("../data/calendars/cn_public.csv")),
    ("de", include_str!("../data/calendars/de_public.csv")),
    ("gb", include_str!("../data/calendars/gb_public.csv")),
    ("hk", include_str!("../data/calendars/hk_public.csv")),
    ("in", include_str!("../data/calendars/in_public.csv")),
    ("jp", include_str!("../data/calendars/jp_public.csv")),
    ("kr", include_str!("../data/calendars/kr_public.csv")),
    ("mx", include_str!("../data/calendars/mx_public.csv")),
    ("sg", include_str!("../data/calendars/sg_public.csv")),
];

/// The most business days [`Calendar::add_business_days`] walks, so a bad
/// argument cannot loop for long.
pub const MAX_BUSINESS_DAYS: u32 = 3660;

/// One holiday calendar.
#[derive(Debug, Clone)]
pub struct Calendar {
    name: &'static str,
    holidays: BTreeMap<Date, String>,
    weekend_working_days: BTreeSet<Date>,
    first_year: i32,
    last_year: i32,
}

impl Calendar {
    /// The calendar's name (`target2`, `us_federal`, or a lower-case ISO
    /// 3166-1 country code such as `cn`).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Whether `date` is within the years the data covers.
    pub fn covers(&self, date: Date) -> bool {
        (self.first_year..=self.last_year).contains(&date.year())
    }

    /// The holiday's name when `date` is a holiday.
    pub fn holiday(&self, date: Date) -> Option<&str> {
        self.holidays.get(&date).map(String::as_str)
    }

    /// Whether `date` is a business day: not a holiday, and not a weekend
    /// unless the calendar names it a working day.
    pub fn is_business_day(&self, date: Date) -> bool {
        if self.holidays.contains_key(&date) {
            return false;
        }
        let weekend = matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday);
        !weekend || self.weekend_working_days.contains(&date)
    }

    /// `date` itself when it is a business day, else the next one.
    pub fn next_business_day(&self, date: Date) -> Option<Date> {
        let mut day = date;
        for _ in 0..=MAX_BUSINESS_DAYS {
            if self.is_business_day(day) {
                return Some(day);
            }
            day = day.checked_add(Duration::DAY)?;
        }
        None
    }

    /// The business day `days` business days after `date` (0 gives
    /// [`Calendar::next_business_day`]). `None` past [`MAX_BUSINESS_DAYS`] or
    /// the end of the calendar type's range.
    pub fn add_business_days(&self, date: Date, days: u32) -> Option<Date> {
        if days > MAX_BUSINESS_DAYS {
            return None;
        }
        let mut day = self.next_business_day(date)?;
        for _ in 0..days {
            day = self.next_business_day(day.checked_add(Duration::DAY)?)?;
        }
        Some(day)
    }

    /// Business days in `(from, to]`: how many business days pass going
    /// from `from` to `to`; 0 when `to` is not after `from`.
    pub fn business_days_between(&self, from: Date, to: Date) -> u32 {
        let mut count = 0;
        let mut day = from;
        while day < to {
            let Some(next) = day.checked_add(Duration::DAY) else {
                break;
            };
            day = next;
            if self.is_business_day(day) {
                count += 1;
            }
        }
        count
    }
}

/// The shipped calendar called `name` (see [`Calendar::name`]); `None` for
/// an unknown name.
pub fn calendar(name: &str) -> Option<&'static Calendar> {
    calendars().iter().find(|c| c.name == name)
}

/// The calendar for payments settling in `currency` (ISO 4217): TARGET2 for
/// EUR, the US federal calendar for USD, and the issuing country's public
/// holidays for currencies whose country has one.
pub fn calendar_for_currency(currency: &str) -> Option<&'static Calendar> {
    let name = match currency {
        "EUR" => "target2",
        "USD" => "us_federal",
        "AUD" => "au",
        "BRL" => "br",
        "CNY" => "cn",
        "GBP" => "gb",
        "HKD" => "hk",
        "INR" => "in",
        "JPY" => "jp",
        "KRW" => "kr",
        "MXN" => "mx",
        "SGD" => "sg",
        _ => return None,
    };
    calendar(name)
}

/// Every shipped calendar, parsed once.
pub fn calendars() -> &'static [Calendar] {
    static CALENDARS: OnceLock<Vec<Calendar>> = OnceLock::new();
    CALENDARS.get_or_init(|| {
        SOURCES
            .iter()
            .map(|(name, text)| {
                parse(name, text).unwrap_or_else(|e| panic!("calendar {name}: {e}"))
            })
            .collect()
    })
}

fn parse(name: &'static str, text: &str) -> Result<Calendar, String> {
    let mut holidays = BTreeMap::new();
    let mut weekend_working_days = BTreeSet::new();
    let mut lines = text.lines();
    if lines.next() != Some("date,name") {
        return Err("the header must be `date,name`".into());
    }
    for (index, line) in lines.enumerate() {
        let line_no = index + 2;
        let (date, holiday) = line
            .split_once(',')
            .ok_or_else(|| format!("line {line_no}: expected `date,name`"))?;
        let date = parse_iso_date(date).ok_or_else(|| format!("line {line_no}: bad date"))?;
        if let Some(moved_from) = substituted_from(holiday) {
            weekend_working_days.insert(moved_from);
        }
        holidays.insert(date, holiday.trim_matches('"').to_string());
    }
    let first_year = holidays.keys().next().map_or(0, |d| d.year());
    let last_year = holidays.keys().next_back().map_or(0, |d| d.year());
    Ok(Calendar {
        name,
        holidays,
        weekend_working_days,
        first_year,
        last_year,
    })
}

/// `2024-02-10` as a date.
pub fn parse_iso_date(text: &str) -> Option<Date> {
    let mut parts = text.trim().splitn(3, '-');
    let year = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day = parts.next()?.parse().ok()?;
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

/// The weekend date a "Day off (substituted from MM/DD/YYYY)" row moves.
fn substituted_from(holiday: &str) -> Option<Date> {
    let rest = holiday.split("substituted from ").nth(1)?;
    let date = rest.trim_end_matches([')', '"']);
    let mut parts = date.splitn(3, '/');
    let month: u8 = parts.next()?.parse().ok()?;
    let day = parts.next()?.parse().ok()?;
    let year = parts.next()?.parse().ok()?;
    let date = Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()?;
    matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday).then_some(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        parse_iso_date(text).unwrap()
    }

    #[test]
    fn every_calendar_parses_and_covers_2020_to_2030() {
        assert_eq!(calendars().len(), SOURCES.len());
        for calendar in calendars() {
            assert!(calendar.covers(date("2020-06-01")), "{}", calendar.name());
            assert!(calendar.covers(date("2030-06-01")), "{}", calendar.name());
            assert!(!calendar.covers(date("2031-06-01")), "{}", calendar.name());
        }
    }

    #[test]
    fn target2_closes_on_good_friday_and_weekends() {
        let target2 = calendar_for_currency("EUR").unwrap();
        assert!(!target2.is_business_day(date("2020-04-10")));
        assert_eq!(target2.holiday(date("2020-04-10")), Some("Good Friday"));
        assert!(!target2.is_business_day(date("2026-11-28")), "a Saturday");
        assert!(target2.is_business_day(date("2026-11-30")));
        // Thursday 2020-04-09 + 1 business day skips Good Friday, the weekend
        // and Easter Monday.
        assert_eq!(
            target2.add_business_days(date("2020-04-09"), 1),
            Some(date("2020-04-14"))
        );
        assert_eq!(
            target2.business_days_between(date("2020-04-09"), date("2020-04-14")),
            1
        );
    }

    #[test]
    fn china_works_on_the_weekend_a_holiday_was_moved_from() {
        let cn = calendar("cn").unwrap();
        // Sunday 2020-01-19 was a working day, moved to 2020-01-24.
        assert!(cn.is_business_day(date("2020-01-19")));
        assert!(!cn.is_business_day(date("2020-01-24")));
        assert!(
            !cn.is_business_day(date("2020-01-18")),
            "an ordinary Saturday"
        );
    }

    #[test]
    fn unknown_names_and_bounded_walks() {
        assert!(calendar("xx").is_none());
        assert!(calendar_for_currency("KWD").is_none());
        let us = calendar("us_federal").unwrap();
        assert_eq!(
            us.add_business_days(date("2026-12-01"), MAX_BUSINESS_DAYS + 1),
            None
        );
        assert_eq!(
            us.next_business_day(date("2026-12-25")),
            Some(date("2026-12-28"))
        );
    }
}
