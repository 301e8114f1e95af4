//! The operator's own list: a CSV file with a header row holding `name` and
//! optionally `id`, `type` (`person` or `organization`), `country`,
//! `date_of_birth` (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`) and `aliases`
//! (separated by `|`).

use super::table::Table;
use super::ListError;
use crate::entry::{DateOfBirth, EntityKind, SanctionsEntry};

/// Reads the operator's list.
pub(super) fn parse(text: &str) -> Result<Vec<SanctionsEntry>, ListError> {
    let table = Table::read(text, b',', |r| Table::has_columns(r, &["name"]), &["name"])?;
    let mut entries = Vec::with_capacity(table.rows.len());
    for (line, row) in &table.rows {
        let name = table
            .get(row, "name")
            .ok_or_else(|| ListError::new("content", format!("line {line}: name is empty")))?;
        let kind = match table.get(row, "type") {
            None | Some("person") => EntityKind::Person,
            Some("organization") => EntityKind::Organization,
            Some(other) => {
                return Err(ListError::new(
                    "content",
                    format!("line {line}: type {other:?} is not person or organization"),
                ))
            }
        };
        let dates_of_birth = match table.get(row, "date_of_birth") {
            None => Vec::new(),
            Some(d) => vec![DateOfBirth::parse_iso(d).ok_or_else(|| {
                ListError::new(
                    "content",
                    format!("line {line}: date_of_birth {d:?} is not YYYY[-MM[-DD]]"),
                )
            })?],
        };
        let mut names = vec![name.to_owned()];
        names.extend(
            table
                .get(row, "aliases")
                .into_iter()
                .flat_map(|a| a.split('|'))
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(str::to_owned),
        );
        entries.push(SanctionsEntry {
            entry_id: table
                .get(row, "id")
                .map_or_else(|| line.to_string(), str::to_owned),
            kind,
            names,
            dates_of_birth,
            countries: table
                .get(row, "country")
                .map(str::to_owned)
                .into_iter()
                .collect(),
            programs: Vec::new(),
        });
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_operators_list() {
        let entries = parse("id,name,type,country,date_of_birth,aliases\nX1,Ivan Petrov,person,RU,1970,Ivan Petroff|I. Petrov\n").unwrap();
        assert_eq!(entries[0].entry_id, "X1");
        assert_eq!(
            entries[0].names,
            ["Ivan Petrov", "Ivan Petroff", "I. Petrov"]
        );
        assert_eq!(entries[0].countries, ["RU"]);
    }

    #[test]
    fn names_the_line_at_fault() {
        let e = parse("name,date_of_birth\nIvan,1970\nPetr,soon\n").unwrap_err();
        assert!(e.message.contains("line 3"), "{e}");
        let e = parse("name,type\nIvan,ship\n").unwrap_err();
        assert!(e.message.contains("type"), "{e}");
        let e = parse("nom\nIvan\n").unwrap_err();
        assert!(e.message.contains("name"), "{e}");
    }
}
