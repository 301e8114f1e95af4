//! The UK OFSI consolidated list, CSV (`ConList.csv`): a `Last Updated`
//! line, then a header row; one row per name of a party, grouped by
//! `Group ID`. `Name 6` is the surname or the entity's name, `Name 1` to
//! `Name 5` the other names; dates of birth are `dd/mm/yyyy` with `00` for
//! an unknown part.

use super::grouped::Grouped;
use super::table::Table;
use super::ListError;
use crate::entry::{DateOfBirth, EntityKind, SanctionsEntry};

const ID: &str = "Group ID";
const SURNAME: &str = "Name 6";

fn date(text: &str) -> Option<DateOfBirth> {
    let mut parts = text.split('/');
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    let year = y
        .trim()
        .parse::<u16>()
        .ok()
        .filter(|y| (1800..=2200).contains(y))?;
    let nonzero = |s: &str| s.trim().parse::<u8>().ok().filter(|v| *v != 0);
    let month = nonzero(m).filter(|m| *m <= 12);
    Some(DateOfBirth {
        year,
        month,
        day: month.and(nonzero(d)).filter(|d| *d <= 31),
    })
}

/// Reads `ConList.csv`.
pub(super) fn parse(text: &str) -> Result<Vec<SanctionsEntry>, ListError> {
    let required = [ID, SURNAME];
    let table = Table::read(text, b',', |r| Table::has_columns(r, &required), &required)?;
    let mut grouped = Grouped::default();
    for (line, row) in &table.rows {
        let id = table
            .get(row, ID)
            .ok_or_else(|| ListError::new("content", format!("line {line}: {ID} is empty")))?;
        let kind = match table.get(row, "Group Type") {
            Some("Individual") => EntityKind::Person,
            Some("Ship") => EntityKind::Vessel,
            _ => EntityKind::Organization,
        };
        let entry = grouped.entry(id, || SanctionsEntry {
            entry_id: id.to_owned(),
            kind,
            names: Vec::new(),
            dates_of_birth: Vec::new(),
            countries: Vec::new(),
            programs: Vec::new(),
        });
        let name: Vec<&str> = ["Name 1", "Name 2", "Name 3", "Name 4", "Name 5", SURNAME]
            .iter()
            .filter_map(|c| table.get(row, c))
            .collect();
        if !name.is_empty() {
            entry.names.push(name.join(" "));
        }
        entry
            .names
            .extend(table.get(row, "Name Non-Latin Script").map(str::to_owned));
        entry
            .dates_of_birth
            .extend(table.get(row, "DOB").and_then(date));
        for column in ["Nationality", "Country"] {
            entry
                .countries
                .extend(table.get(row, column).map(str::to_owned));
        }
        entry
            .programs
            .extend(table.get(row, "Regime").map(str::to_owned));
    }
    Ok(grouped.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONLIST: &str = "Last Updated,20/02/2026\n\
Name 6,Name 1,Name 2,Name 3,Name 4,Name 5,Title,Name Non-Latin Script,DOB,Nationality,Country,Group Type,Alias Type,Regime,Group ID\n\
QADHAFI,Muammar,Mohammed,Abu Minyar,,,,,00/00/1942,Libya,,Individual,Primary name,Libya,11634\n\
GADDAFI,Muammar,,,,,,,00/00/1942,Libya,,Individual,AKA,Libya,11634\n";

    #[test]
    fn groups_names_by_group_id() {
        let entries = parse(CONLIST).unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].entry_id, "11634");
        assert_eq!(
            entries[0].names,
            ["Muammar Mohammed Abu Minyar QADHAFI", "Muammar GADDAFI"]
        );
        assert_eq!(
            entries[0].dates_of_birth,
            [DateOfBirth {
                year: 1942,
                month: None,
                day: None
            }]
        );
    }

    #[test]
    fn refuses_a_file_without_group_ids() {
        assert!(parse("Last Updated,20/02/2026\nName 6,Name 1\nX,Y\n").is_err());
    }
}
