//! The EU consolidated financial sanctions list as CSV (semicolons, one row
//! per name, address, birth date or citizenship of an entity), grouped by
//! `Entity_LogicalId`; the entry id is `Entity_EU_ReferenceNumber` when
//! given.

use super::grouped::Grouped;
use super::table::Table;
use super::ListError;
use crate::entry::{DateOfBirth, EntityKind, SanctionsEntry};

const ID: &str = "Entity_LogicalId";
const NAME: &str = "NameAlias_WholeName";

/// Reads the EU file.
pub(super) fn parse(text: &str) -> Result<Vec<SanctionsEntry>, ListError> {
    let table = Table::read(
        text,
        b';',
        |r| Table::has_columns(r, &[ID, NAME]),
        &[ID, NAME],
    )?;
    let mut grouped = Grouped::default();
    for (line, row) in &table.rows {
        let logical = table
            .get(row, ID)
            .ok_or_else(|| ListError::new("content", format!("line {line}: {ID} is empty")))?;
        let id = table
            .get(row, "Entity_EU_ReferenceNumber")
            .unwrap_or(logical)
            .to_owned();
        let kind = match table
            .get(row, "Entity_SubjectType_ClassificationCode")
            .or_else(|| table.get(row, "Entity_SubjectType"))
        {
            Some("person" | "P") => EntityKind::Person,
            _ => EntityKind::Organization,
        };
        let entry = grouped.entry(logical, || SanctionsEntry {
            entry_id: id,
            kind,
            names: Vec::new(),
            dates_of_birth: Vec::new(),
            countries: Vec::new(),
            programs: Vec::new(),
        });
        entry.names.extend(table.get(row, NAME).map(str::to_owned));
        entry.dates_of_birth.extend(
            table
                .get(row, "BirthDate_BirthDate")
                .and_then(DateOfBirth::parse_iso)
                .or_else(|| {
                    table
                        .get(row, "BirthDate_Year")
                        .and_then(DateOfBirth::parse_iso)
                }),
        );
        for column in ["Citizenship_CountryIso2Code", "Address_CountryIso2Code"] {
            entry
                .countries
                .extend(table.get(row, column).map(str::to_owned));
        }
        entry.programs.extend(
            table
                .get(row, "Entity_Regulation_Programme")
                .map(str::to_owned),
        );
    }
    Ok(grouped.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    const EU: &str = "fileGenerationDate;Entity_LogicalId;Entity_EU_ReferenceNumber;Entity_SubjectType_ClassificationCode;Entity_Regulation_Programme;NameAlias_WholeName;BirthDate_BirthDate;BirthDate_Year;Citizenship_CountryIso2Code\n\
2026-02-20;13;EU.27.28;person;LBY;Muammar Mohammed Abu Minyar QADHAFI;;;\n\
2026-02-20;13;EU.27.28;person;LBY;Gaddafi;;;\n\
2026-02-20;13;EU.27.28;person;LBY;;1942-06-07;1942;LY\n";

    #[test]
    fn groups_rows_by_entity() {
        let entries = parse(EU).unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].entry_id, "EU.27.28");
        assert_eq!(
            entries[0].names,
            ["Muammar Mohammed Abu Minyar QADHAFI", "Gaddafi"]
        );
        assert_eq!(entries[0].dates_of_birth[0].month, Some(6));
        assert_eq!(entries[0].countries, ["LY"]);
        assert_eq!(entries[0].kind, EntityKind::Person);
    }

    #[test]
    fn refuses_a_file_without_its_columns() {
        let e = parse("a;b\n1;2\n").unwrap_err();
        assert!(e.message.contains("Entity_LogicalId"), "{e}");
    }
}
