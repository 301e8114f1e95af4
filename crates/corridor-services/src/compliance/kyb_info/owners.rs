//! Beneficial owners: each checked field by field (a name like every
//! screened name, a real date of birth in the past, an ISO country, a
//! share `0 < p <= 100` percent with at most two decimals, kept in basis
//! points), at most 20 of them, their shares summing to at most 100%, and
//! no person twice.

use corridor_core::CountryCode;

use crate::compliance::screen::{check_text, MAX_NAME_CHARS};
use crate::compliance::ComplianceError;

/// Most beneficial owners per merchant.
pub const MAX_OWNERS: usize = 20;
/// 100% in basis points.
pub const FULL_BPS: u32 = 10_000;
/// Earliest year of birth accepted.
const MIN_BIRTH_YEAR: i32 = 1900;

/// A beneficial owner as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerInput {
    /// Full name.
    pub name: String,
    /// `YYYY-MM-DD`.
    pub date_of_birth: Option<String>,
    /// ISO 3166-1 alpha-2 (nationality or residence).
    pub country: Option<String>,
    /// The share in percent as written (`25`, `33.33`).
    pub ownership_percent: String,
}

/// A checked beneficial owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BeneficialOwner {
    /// Full name, trimmed.
    pub name: String,
    /// `YYYY-MM-DD`.
    pub date_of_birth: Option<String>,
    /// Upper-case ISO 3166-1 alpha-2.
    pub country: Option<String>,
    /// The share in basis points (1-10,000).
    pub ownership_bps: u32,
}

impl BeneficialOwner {
    /// The share as the API writes it: `25`, `33.33`, `12.5`.
    pub fn percent_text(&self) -> String {
        let (whole, hundredths) = (self.ownership_bps / 100, self.ownership_bps % 100);
        match hundredths {
            0 => whole.to_string(),
            h if h % 10 == 0 => format!("{whole}.{}", h / 10),
            h => format!("{whole}.{h:02}"),
        }
    }
}

/// Reads a percentage with at most two decimals into basis points:
/// `None` unless it is plain decimal digits (no sign, no exponent).
pub fn percent_bps(text: &str) -> Option<u32> {
    let (whole, fraction) = match text.split_once('.') {
        Some((w, f)) => (w, f),
        None => (text, ""),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || (text.contains('.') && !digits(fraction)) || fraction.len() > 2 {
        return None;
    }
    if whole.len() > 3 {
        return None;
    }
    let whole: u32 = whole.parse().ok()?;
    let mut hundredths: u32 = if fraction.is_empty() {
        0
    } else {
        fraction.parse().ok()?
    };
    if fraction.len() == 1 {
        hundredths *= 10;
    }
    Some(whole * 100 + hundredths)
}

fn date_of_birth(param: &str, value: &str, today: time::Date) -> Result<String, ComplianceError> {
    let invalid = |m: &str| ComplianceError::invalid(param, "parameter_invalid", m.to_owned());
    let b = value.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shaped {
        return Err(invalid(&format!("{param} must be a date YYYY-MM-DD")));
    }
    let year: i32 = value[0..4].parse().unwrap_or(0);
    let month: u8 = value[5..7].parse().unwrap_or(0);
    let day: u8 = value[8..10].parse().unwrap_or(0);
    let date = time::Month::try_from(month)
        .ok()
        .and_then(|m| time::Date::from_calendar_date(year, m, day).ok())
        .ok_or_else(|| invalid(&format!("{param} is not a real date")))?;
    if date >= today {
        return Err(invalid(&format!("{param} must be in the past")));
    }
    if year < MIN_BIRTH_YEAR {
        return Err(invalid(&format!(
            "{param} must be {MIN_BIRTH_YEAR} or later"
        )));
    }
    Ok(value.to_owned())
}

/// Checks the owners; each error names the field (`beneficial_owners[1].ownership_percent`).
pub fn validate(
    inputs: &[OwnerInput],
    today: time::Date,
) -> Result<Vec<BeneficialOwner>, ComplianceError> {
    if inputs.len() > MAX_OWNERS {
        return Err(ComplianceError::invalid(
            "beneficial_owners",
            "parameter_invalid",
            format!("at most {MAX_OWNERS} beneficial owners"),
        ));
    }
    let mut owners: Vec<BeneficialOwner> = Vec::with_capacity(inputs.len());
    let mut total: u32 = 0;
    for (i, o) in inputs.iter().enumerate() {
        let at = |f: &str| format!("beneficial_owners[{i}].{f}");
        let name_param = at("name");
        check_text(&name_param, &o.name, MAX_NAME_CHARS)?;
        let name = o.name.trim().to_owned();
        if !name.chars().any(char::is_alphabetic) {
            return Err(ComplianceError::invalid(
                &name_param,
                "parameter_invalid",
                format!("{name_param} holds no letter"),
            ));
        }
        let date_of_birth = match &o.date_of_birth {
            Some(d) => Some(date_of_birth(&at("date_of_birth"), d, today)?),
            None => None,
        };
        let country = match &o.country {
            Some(c) => Some(
                CountryCode::parse(c)
                    .map_err(|e| {
                        ComplianceError::invalid(&at("country"), "country_invalid", e.to_string())
                    })?
                    .as_str()
                    .to_owned(),
            ),
            None => None,
        };
        let percent_param = at("ownership_percent");
        let bps = percent_bps(&o.ownership_percent)
            .filter(|b| (1..=FULL_BPS).contains(b))
            .ok_or_else(|| {
                ComplianceError::invalid(
                    &percent_param,
                    "parameter_invalid",
                    format!(
                        "{percent_param} must be more than 0 and at most 100, with at most two decimals"
                    ),
                )
            })?;
        total += bps;
        if total > FULL_BPS {
            return Err(ComplianceError::invalid(
                &percent_param,
                "ownership_exceeds_100",
                "the beneficial owners' shares add up to more than 100%",
            ));
        }
        let same = |b: &BeneficialOwner| {
            b.name.to_lowercase() == name.to_lowercase() && b.date_of_birth == date_of_birth
        };
        if owners.iter().any(same) {
            return Err(ComplianceError::invalid(
                &name_param,
                "parameter_invalid",
                format!("{name_param} names an owner already listed"),
            ));
        }
        owners.push(BeneficialOwner {
            name,
            date_of_birth,
            country,
            ownership_bps: bps,
        });
    }
    Ok(owners)
}

/// The owners as stored (a JSON array).
pub fn to_json(owners: &[BeneficialOwner]) -> String {
    serde_json::Value::Array(
        owners
            .iter()
            .map(|o| {
                serde_json::json!({
                    "name": o.name, "date_of_birth": o.date_of_birth,
                    "country": o.country, "ownership_bps": o.ownership_bps,
                })
            })
            .collect(),
    )
    .to_string()
}

/// The owners from what was stored (rows that do not read are skipped).
pub fn from_json(text: &str) -> Vec<BeneficialOwner> {
    let value: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
    let text_of =
        |o: &serde_json::Value, k: &str| o.get(k).and_then(|v| v.as_str()).map(str::to_owned);
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|o| {
                    Some(BeneficialOwner {
                        name: text_of(o, "name")?,
                        date_of_birth: text_of(o, "date_of_birth"),
                        country: text_of(o, "country"),
                        ownership_bps: o
                            .get("ownership_bps")
                            .and_then(serde_json::Value::as_u64)
                            .and_then(|b| u32::try_from(b).ok())?,
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> time::Date {
        time::Date::from_calendar_date(2026, time::Month::March, 15).unwrap()
    }

    fn input(name: &str, percent: &str) -> OwnerInput {
        OwnerInput {
            name: name.into(),
            date_of_birth: Some("1980-02-29".into()),
            country: Some("cn".into()),
            ownership_percent: percent.into(),
        }
    }

    fn param_of(inputs: &[OwnerInput]) -> String {
        match validate(inputs, today()) {
            Err(ComplianceError::Invalid { param, .. }) => param,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn percentages_are_exact_with_two_decimals() {
        assert_eq!(percent_bps("25"), Some(2_500));
        assert_eq!(percent_bps("33.33"), Some(3_333));
        assert_eq!(percent_bps("12.5"), Some(1_250));
        assert_eq!(percent_bps("0.01"), Some(1));
        assert_eq!(percent_bps("100.00"), Some(10_000));
        for bad in [
            "", ".5", "5.", "33.333", "-5", "1e2", "+5", "5,5", "1000", " 5",
        ] {
            assert_eq!(percent_bps(bad), None, "{bad}");
        }
        let o = |bps| BeneficialOwner {
            name: "x".into(),
            date_of_birth: None,
            country: None,
            ownership_bps: bps,
        };
        assert_eq!(o(2_500).percent_text(), "25");
        assert_eq!(o(1_250).percent_text(), "12.5");
        assert_eq!(o(3_333).percent_text(), "33.33");
        assert_eq!(o(5).percent_text(), "0.05");
    }

    #[test]
    fn good_owners_are_kept_normalized() {
        let owners = validate(
            &[input("  Wang Fang ", "60"), input("Li Na", "40")],
            today(),
        )
        .unwrap();
        assert_eq!(owners[0].name, "Wang Fang");
        assert_eq!(owners[0].country.as_deref(), Some("CN"));
        assert_eq!(owners[0].ownership_bps, 6_000);
        assert_eq!(from_json(&to_json(&owners)), owners);
        assert!(validate(&[], today()).unwrap().is_empty());
    }

    #[test]
    fn each_bad_field_is_named() {
        let mut dob = input("Wang Fang", "50");
        dob.date_of_birth = Some("1981-02-29".into());
        assert_eq!(
            param_of(&[dob.clone()]),
            "beneficial_owners[0].date_of_birth"
        );
        for bad in [
            "2026-03-15",
            "2030-01-01",
            "1899-12-31",
            "1980-2-3",
            "19800203",
            "1980-13-01",
        ] {
            dob.date_of_birth = Some(bad.into());
            assert_eq!(
                param_of(&[dob.clone()]),
                "beneficial_owners[0].date_of_birth",
                "{bad}"
            );
        }
        let mut country = input("Wang Fang", "50");
        country.country = Some("ZZ".into());
        assert_eq!(param_of(&[country]), "beneficial_owners[0].country");
        for name in ["", "   ", "12345", "Wang\u{7}Fang"] {
            assert_eq!(
                param_of(&[input("Li Na", "10"), input(name, "10")]),
                "beneficial_owners[1].name",
                "{name:?}"
            );
        }
        assert_eq!(
            param_of(&[input(&"a".repeat(201), "10")]),
            "beneficial_owners[0].name"
        );
        for p in ["0", "0.00", "100.01", "101", "33.333", "-1"] {
            assert_eq!(
                param_of(&[input("Li Na", p)]),
                "beneficial_owners[0].ownership_percent",
                "{p}"
            );
        }
        assert_eq!(
            param_of(&[input("Li Na", "60"), input("Wang Fang", "40.01")]),
            "beneficial_owners[1].ownership_percent"
        );
        assert_eq!(
            param_of(&[input("Li Na", "10"), input("li na", "10")]),
            "beneficial_owners[1].name"
        );
        let many: Vec<OwnerInput> = (0..21)
            .map(|i| input(&format!("Owner {i} Person"), "1"))
            .collect();
        assert_eq!(param_of(&many), "beneficial_owners");
        assert!(validate(&many[..20], today()).is_ok());
    }
}
