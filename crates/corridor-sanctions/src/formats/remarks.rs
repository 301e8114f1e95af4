//! Facts OFAC writes into an entry's remarks: `DOB 25 Jun 1972; alt. DOB
//! 1977; nationality Libya; citizen Iran; ...`.

use crate::entry::DateOfBirth;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Reads an OFAC date: `25 Jun 1972`, `Jun 1972`, `1972`, or a range
/// `1971 to 1973` (its first year).
pub(crate) fn ofac_date(text: &str) -> Option<DateOfBirth> {
    let words: Vec<&str> = text.split_whitespace().take(3).collect();
    let month = |w: &str| {
        MONTHS
            .iter()
            .position(|m| m.eq_ignore_ascii_case(w))
            .and_then(|p| u8::try_from(p + 1).ok())
    };
    let year = |w: &str| w.parse::<u16>().ok().filter(|y| (1800..=2200).contains(y));
    match words.as_slice() {
        [d, m, y] if d.len() <= 2 => Some(DateOfBirth {
            year: year(y)?,
            month: Some(month(m)?),
            day: d.parse().ok(),
        }),
        [m, y, ..] if month(m).is_some() => Some(DateOfBirth {
            year: year(y)?,
            month: month(m),
            day: None,
        }),
        [y, ..] => Some(DateOfBirth {
            year: year(y)?,
            month: None,
            day: None,
        }),
        [] => None,
    }
}

/// Dates of birth and countries (nationality, citizenship) in remarks.
pub(crate) fn facts(remarks: &str) -> (Vec<DateOfBirth>, Vec<String>) {
    let mut dobs = Vec::new();
    let mut countries = Vec::new();
    for item in remarks.split(';') {
        let item = item
            .trim()
            .trim_start_matches("alt. ")
            .trim_end_matches('.');
        if let Some(date) = item.strip_prefix("DOB ") {
            dobs.extend(ofac_date(date));
        } else if let Some(c) = item
            .strip_prefix("nationality ")
            .or_else(|| item.strip_prefix("citizen "))
        {
            countries.push(c.trim().to_owned());
        }
    }
    (dobs, countries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_dates_and_countries_from_remarks() {
        let (dobs, countries) =
            facts("DOB 1977; alt. DOB 01 Jan 1978; POB Tripoli, Libya; nationality Libya.");
        assert_eq!(
            dobs,
            [
                DateOfBirth {
                    year: 1977,
                    month: None,
                    day: None
                },
                DateOfBirth {
                    year: 1978,
                    month: Some(1),
                    day: Some(1)
                },
            ]
        );
        assert_eq!(countries, ["Libya"]);
        assert_eq!(
            ofac_date("Jun 1972"),
            Some(DateOfBirth {
                year: 1972,
                month: Some(6),
                day: None
            })
        );
        assert_eq!(ofac_date("circa"), None);
    }
}
