//! Execution and value dates from each rail's cut-off time and the holiday
//! calendar of the currency (`corridor_markets::calendar`).

use corridor_core::payouts::Rail;
use corridor_core::{Currency, Timestamp};
use corridor_markets::calendar::calendar_for_currency;
use time::{Date, OffsetDateTime, Weekday};

/// The UTC hour and minute after which a rail takes a payment the next
/// business day: SEPA by 14:00 UTC (the banks' 15:00 CET), local rails by
/// their clearing's last window, SWIFT by noon UTC.
pub fn cut_off(rail: Rail, currency: Currency) -> (u8, u8) {
    match rail {
        Rail::Sepa => (14, 0),
        Rail::Swift(_) => (12, 0),
        Rail::Local => match currency.code() {
            // Same-day ACH: last window 16:45 ET.
            "USD" => (20, 45),
            // Faster Payments runs all day; bulk files by 15:00 London.
            "GBP" => (15, 0),
            // CNAPS HVPS closes 17:00 Beijing.
            "CNY" => (9, 0),
            // NEFT batch settlement, last batch for files 16:00 IST.
            "INR" => (10, 30),
            // Zengin core hours end 15:30 JST.
            "JPY" => (6, 30),
            // BECS files by 16:00 Sydney.
            "AUD" => (5, 0),
            "CAD" => (20, 0),
            "MXN" => (23, 0),
            "BRL" => (19, 0),
            _ => (12, 0),
        },
    }
}

fn date_of(at: Timestamp) -> (Date, u8, u8) {
    let t = OffsetDateTime::from_unix_timestamp_nanos(i128::from(at.unix_micros()) * 1000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    (t.date(), t.hour(), t.minute())
}

/// Whether `date` is a business day for `currency`: its calendar when one
/// is shipped, otherwise Monday to Friday.
fn business_day(currency: Currency, date: Date) -> bool {
    match calendar_for_currency(currency.code()) {
        Some(c) => c.is_business_day(date),
        None => !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday),
    }
}

fn next_business_day(currency: Currency, date: Date) -> Date {
    let mut d = date;
    // At most a few weeks of closures in any calendar.
    for _ in 0..60 {
        match d.next_day() {
            Some(n) => d = n,
            None => return d,
        }
        if business_day(currency, d) {
            return d;
        }
    }
    d
}

/// The day the bank executes a file made at `at`: today if it is a business
/// day and before the cut-off, else the next business day.
pub fn execution_date(rail: Rail, currency: Currency, at: Timestamp) -> Date {
    let (date, hour, minute) = date_of(at);
    let (ch, cm) = cut_off(rail, currency);
    if business_day(currency, date) && (hour, minute) < (ch, cm) {
        date
    } else {
        next_business_day(currency, date)
    }
}

/// The day the beneficiary is credited: the execution date for SEPA and
/// local rails, one business day later for SWIFT.
pub fn value_date(rail: Rail, currency: Currency, at: Timestamp) -> Date {
    let exec = execution_date(rail, currency, at);
    match rail {
        Rail::Swift(_) => next_business_day(currency, exec),
        _ => exec,
    }
}

/// `YYYY-MM-DD`.
pub fn iso_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// `YYYY-MM-DDThh:mm:ssZ`.
pub fn iso_datetime(at: Timestamp) -> String {
    let t = OffsetDateTime::from_unix_timestamp_nanos(i128::from(at.unix_micros()) * 1000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        iso_date(t.date()),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// The start of the UTC day of `at`.
pub fn start_of_day(at: Timestamp) -> Timestamp {
    let day = 86_400_000_000_i64;
    Timestamp::from_unix_micros(at.unix_micros().div_euclid(day) * day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use corridor_core::payouts::ChargeBearer;

    fn at(y: i32, m: u8, d: u8, h: u8) -> Timestamp {
        let date = Date::from_calendar_date(y, time::Month::try_from(m).unwrap(), d).unwrap();
        let t = date.with_hms(h, 0, 0).unwrap().assume_utc();
        Timestamp::from_unix_micros(i64::try_from(t.unix_timestamp_nanos() / 1000).unwrap())
    }
    fn cur(s: &str) -> Currency {
        Currency::parse(s).unwrap()
    }

    #[test]
    fn cut_off_and_holidays_move_the_date() {
        // Thursday 2026-12-24 10:00 UTC, SEPA: before cut-off, TARGET2 open.
        assert_eq!(
            iso_date(execution_date(Rail::Sepa, cur("EUR"), at(2026, 12, 24, 10))),
            "2026-12-24"
        );
        // After cut-off: 25 and 26 December are TARGET2 holidays, then a weekend.
        assert_eq!(
            iso_date(execution_date(Rail::Sepa, cur("EUR"), at(2026, 12, 24, 15))),
            "2026-12-28"
        );
        // China's National Day week: 2026-10-01 is closed.
        assert_eq!(
            iso_date(execution_date(Rail::Local, cur("CNY"), at(2026, 9, 30, 10))),
            "2026-10-08"
        );
        // SWIFT credits a business day after execution.
        let swift = Rail::Swift(ChargeBearer::Sha);
        assert_eq!(
            iso_date(value_date(swift, cur("USD"), at(2026, 12, 1, 9))),
            "2026-12-02"
        );
    }
}
