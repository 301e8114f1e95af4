//! A listed party as every list format reads into.

use sha2::{Digest, Sha256};

/// What kind of party an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntityKind {
    /// A natural person.
    Person,
    /// A company, bank, group, government body...
    Organization,
    /// A ship.
    Vessel,
    /// An aircraft.
    Aircraft,
}

impl EntityKind {
    /// The stable name used in answers.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::Organization => "organization",
            EntityKind::Vessel => "vessel",
            EntityKind::Aircraft => "aircraft",
        }
    }
}

/// A date of birth as lists give it: often only a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateOfBirth {
    /// Year.
    pub year: u16,
    /// Month 1-12, when known.
    pub month: Option<u8>,
    /// Day 1-31, when known.
    pub day: Option<u8>,
}

impl DateOfBirth {
    /// Reads `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub fn parse_iso(text: &str) -> Option<DateOfBirth> {
        let mut parts = text.trim().split('-');
        let year: u16 = parts.next()?.parse().ok()?;
        if !(1800..=2200).contains(&year) {
            return None;
        }
        let month = match parts.next() {
            None => None,
            Some(m) => Some(m.parse::<u8>().ok().filter(|m| (1..=12).contains(m))?),
        };
        let day = match parts.next() {
            None => None,
            Some(d) => Some(d.parse::<u8>().ok().filter(|d| (1..=31).contains(d))?),
        };
        if parts.next().is_some() || (day.is_some() && month.is_none()) {
            return None;
        }
        Some(DateOfBirth { year, month, day })
    }
}

/// One listed party with every name it is known by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SanctionsEntry {
    /// The list's own identifier (OFAC `ent_num`, UN `REFERENCE_NUMBER`).
    pub entry_id: String,
    /// What it is.
    pub kind: EntityKind,
    /// The primary name first, then aliases.
    pub names: Vec<String>,
    /// Dates of birth given (persons).
    pub dates_of_birth: Vec<DateOfBirth>,
    /// Countries of nationality, citizenship or address, as written.
    pub countries: Vec<String>,
    /// Sanctions programs or regimes.
    pub programs: Vec<String>,
}

/// One loaded list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SanctionsList {
    /// `ofac_sdn`, `un_consolidated`, `eu`, `uk_ofsi`, or the operator
    /// list's name.
    pub name: String,
    /// The format it was read from (`ofac_csv`, `un_xml`, ...).
    pub format: String,
    /// SHA-256 of the content it was read from, hex.
    pub version: String,
    /// Its entries.
    pub entries: Vec<SanctionsEntry>,
}

impl SanctionsList {
    /// How many names (primary and aliases) the list holds.
    pub fn name_count(&self) -> usize {
        self.entries.iter().map(|e| e.names.len()).sum()
    }
}

/// SHA-256 over content parts, each length-prefixed so that moving bytes
/// between parts changes the digest.
pub fn content_version(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_of_birth_parse_with_their_precision() {
        assert_eq!(
            DateOfBirth::parse_iso("1972-06-25"),
            Some(DateOfBirth {
                year: 1972,
                month: Some(6),
                day: Some(25)
            })
        );
        assert_eq!(
            DateOfBirth::parse_iso("1942"),
            Some(DateOfBirth {
                year: 1942,
                month: None,
                day: None
            })
        );
        assert_eq!(DateOfBirth::parse_iso("1972-13-01"), None);
        assert_eq!(DateOfBirth::parse_iso("19x2"), None);
        assert_eq!(DateOfBirth::parse_iso("1972-01-01-01"), None);
    }

    #[test]
    fn versions_depend_on_part_boundaries() {
        assert_ne!(content_version(&["ab", "c"]), content_version(&["a", "bc"]));
        assert_eq!(content_version(&["ab"]), content_version(&["ab"]));
    }
}
