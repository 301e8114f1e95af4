//! IBAN (ISO 13616): the mod-97 check digits and, per country, the length
//! and BBAN format of the SWIFT IBAN registry.
//!
//! The registry is `data/iban_registry.json` (105 countries), derived from
//! the SWIFT IBAN registry as shipped by the `schwifty` package (MIT),
//! embedded at compile time.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::DetailError;

/// The registry, as published.
const REGISTRY_JSON: &str = include_str!("../../data/iban_registry.json");

/// One element of a BBAN format: `4!n` is four digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Group {
    length: usize,
    fixed: bool,
    kind: u8,
}

/// A country's IBAN structure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IbanFormat {
    /// Total IBAN length.
    pub iban_length: usize,
    /// Whether the country is in the SEPA scheme.
    pub in_sepa_zone: bool,
    /// The BBAN format as written in the registry (`4!n4!n12!c`).
    pub bban_spec: String,
    groups: Vec<Group>,
}

fn parse_spec(spec: &str) -> Option<Vec<Group>> {
    let bytes = spec.as_bytes();
    let mut groups = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let length: usize = spec.get(start..i)?.parse().ok()?;
        let fixed = bytes.get(i) == Some(&b'!');
        if fixed {
            i += 1;
        }
        let kind = *bytes.get(i)?;
        if !matches!(kind, b'n' | b'a' | b'c' | b'e') {
            return None;
        }
        i += 1;
        groups.push(Group {
            length,
            fixed,
            kind,
        });
    }
    Some(groups)
}

/// The registry by country code. A unit test proves the embedded file parses
/// in full, so an empty map here can only mean a broken build.
pub fn registry() -> &'static HashMap<String, IbanFormat> {
    static REGISTRY: OnceLock<HashMap<String, IbanFormat>> = OnceLock::new();
    REGISTRY.get_or_init(|| parse_registry(REGISTRY_JSON).unwrap_or_default())
}

fn parse_registry(text: &str) -> Option<HashMap<String, IbanFormat>> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let mut out = HashMap::new();
    for (country, entry) in value.as_object()? {
        let bban_spec = entry.get("bban_spec")?.as_str()?.to_string();
        let format = IbanFormat {
            iban_length: usize::try_from(entry.get("iban_length")?.as_u64()?).ok()?,
            in_sepa_zone: entry.get("in_sepa_zone")?.as_bool()?,
            groups: parse_spec(&bban_spec)?,
            bban_spec,
        };
        out.insert(country.clone(), format);
    }
    Some(out)
}

fn group_matches(group: Group, text: &[u8]) -> bool {
    text.iter().all(|b| match group.kind {
        b'n' => b.is_ascii_digit(),
        b'a' => b.is_ascii_uppercase(),
        b'c' => b.is_ascii_alphanumeric(),
        _ => *b == b' ',
    })
}

fn bban_matches(groups: &[Group], bban: &[u8]) -> bool {
    let mut at = 0;
    for group in groups {
        if !group.fixed {
            // The registry uses fixed lengths only; a variable group would
            // need backtracking, which no country needs.
            return false;
        }
        let Some(part) = bban.get(at..at + group.length) else {
            return false;
        };
        if !group_matches(*group, part) {
            return false;
        }
        at += group.length;
    }
    at == bban.len()
}

/// ISO 7064 MOD 97-10 over the rearranged IBAN: 1 when the check digits hold.
fn mod97(iban: &[u8]) -> u32 {
    let rearranged = iban[4..].iter().chain(iban[..4].iter());
    let mut remainder: u32 = 0;
    for b in rearranged {
        let value = if b.is_ascii_digit() {
            u32::from(b - b'0')
        } else {
            u32::from(b - b'A') + 10
        };
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    remainder
}

/// A valid IBAN in electronic form (upper case, no spaces).
#[derive(Clone, PartialEq, Eq)]
pub struct Iban(String);

impl Iban {
    /// The electronic form.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The country code (the first two letters).
    pub fn country(&self) -> &str {
        &self.0[..2]
    }
}

impl std::fmt::Debug for Iban {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Iban({}…{})", self.country(), super::last_four(&self.0))
    }
}

/// Validates an IBAN given in print form (spaces allowed, any case).
pub fn parse_iban(field: &'static str, input: &str) -> Result<Iban, DetailError> {
    let compact: String = input
        .chars()
        .filter(|c| *c != ' ')
        .collect::<String>()
        .to_ascii_uppercase();
    let bytes = compact.as_bytes();
    if bytes.len() < 5 || !bytes.iter().all(u8::is_ascii_alphanumeric) {
        return Err(DetailError::new(
            field,
            "iban_invalid",
            "an IBAN is a country code, two check digits and the BBAN, letters and digits only",
        ));
    }
    let country = &compact[..2];
    let Some(format) = registry().get(country) else {
        return Err(DetailError::new(
            field,
            "iban_country_unknown",
            format!("'{country}' is not a country of the IBAN registry"),
        ));
    };
    if bytes.len() != format.iban_length {
        return Err(DetailError::new(
            field,
            "iban_length_invalid",
            format!(
                "an IBAN from {country} has {} characters, not {}",
                format.iban_length,
                bytes.len()
            ),
        ));
    }
    if !bytes[2..4].iter().all(u8::is_ascii_digit) {
        return Err(DetailError::new(
            field,
            "iban_invalid",
            "characters 3 and 4 of an IBAN are its check digits",
        ));
    }
    if !bban_matches(&format.groups, &bytes[4..]) {
        return Err(DetailError::new(
            field,
            "iban_format_invalid",
            format!(
                "the account part does not have {country}'s BBAN format {}",
                format.bban_spec
            ),
        ));
    }
    if mod97(bytes) != 1 {
        return Err(DetailError::new(
            field,
            "iban_checksum_invalid",
            "the IBAN's check digits are wrong (mod 97)",
        ));
    }
    Ok(Iban(compact))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_registry_parses_in_full() {
        assert_eq!(registry().len(), 105);
        let de = &registry()["DE"];
        assert_eq!(de.iban_length, 22);
        assert!(de.in_sepa_zone);
        assert!(!registry()["AE"].in_sepa_zone);
    }

    #[test]
    fn accepts_published_examples() {
        for iban in [
            "DE89 3704 0044 0532 0130 00",
            "GB29NWBK60161331926819",
            "FR1420041010050500013M02606",
            "NL91ABNA0417164300",
            "BE68539007547034",
            "BR1800360305000010009795493C1",
            "AE070331234567890123456",
            "MT84MALT011000012345MTLCAST001S",
        ] {
            parse_iban("iban", iban).unwrap_or_else(|e| panic!("{iban}: {e:?}"));
        }
    }

    #[test]
    fn names_what_is_wrong() {
        let code = |s: &str| parse_iban("iban", s).unwrap_err().code;
        assert_eq!(code("DE88370400440532013000"), "iban_checksum_invalid");
        assert_eq!(code("DE8937040044053201300"), "iban_length_invalid");
        assert_eq!(code("XX89370400440532013000"), "iban_country_unknown");
        // Germany's BBAN is all digits.
        assert_eq!(code("DE89370400440532013A00"), "iban_format_invalid");
        assert_eq!(code("DE-9"), "iban_invalid");
    }
}
