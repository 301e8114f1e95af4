//! OFAC's legacy CSV files: `sdn.csv` (`ent_num, SDN_Name, SDN_Type,
//! Program, Title, Call_Sign, Vess_type, Tonnage, GRT, Vess_flag,
//! Vess_owner, Remarks`), `alt.csv` (`ent_num, alt_num, alt_type, alt_name,
//! alt_remarks`) and `add.csv` (`ent_num, add_num, address,
//! city_state_postal, country, add_remarks`). No header row; `-0-` is null.

use std::collections::HashMap;

use super::{field, remarks, strip_marks, ListError};
use crate::entry::{EntityKind, SanctionsEntry};

fn records(
    part: &'static str,
    text: &str,
    min_fields: usize,
) -> Result<Vec<csv::StringRecord>, ListError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(strip_marks(text).as_bytes());
    let mut out = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| ListError::new(part, format!("line {}: {e}", n + 1)))?;
        if record.len() == 1 && record.get(0).is_some_and(str::is_empty) {
            continue;
        }
        if record.len() < min_fields {
            return Err(ListError::new(
                part,
                format!(
                    "line {}: {} fields, expected at least {min_fields}",
                    n + 1,
                    record.len()
                ),
            ));
        }
        if record.get(0).and_then(|v| v.parse::<u64>().ok()).is_none() {
            return Err(ListError::new(
                part,
                format!("line {}: ent_num is not a number", n + 1),
            ));
        }
        out.push(record);
    }
    Ok(out)
}

fn kind(sdn_type: Option<&str>) -> EntityKind {
    match sdn_type.map(str::to_ascii_lowercase).as_deref() {
        Some("individual") => EntityKind::Person,
        Some("vessel") => EntityKind::Vessel,
        Some("aircraft") => EntityKind::Aircraft,
        _ => EntityKind::Organization,
    }
}

/// Reads the three files into entries keyed by `ent_num`.
pub(super) fn parse(
    sdn: &str,
    alt: Option<&str>,
    add: Option<&str>,
) -> Result<Vec<SanctionsEntry>, ListError> {
    let mut entries: Vec<SanctionsEntry> = Vec::new();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for (n, r) in records("sdn", sdn, 12)?.iter().enumerate() {
        let id = r.get(0).unwrap_or_default().to_owned();
        let name = field(r.get(1))
            .ok_or_else(|| ListError::new("sdn", format!("line {}: SDN_Name is empty", n + 1)))?;
        let (dates_of_birth, countries) = remarks::facts(field(r.get(11)).unwrap_or_default());
        by_id.insert(id.clone(), entries.len());
        entries.push(SanctionsEntry {
            entry_id: id,
            kind: kind(field(r.get(2))),
            names: vec![name.to_owned()],
            dates_of_birth,
            countries,
            programs: field(r.get(3))
                .map(|p| p.split(']').map(|s| s.trim_matches([' ', '[']).to_owned()))
                .into_iter()
                .flatten()
                .filter(|p| !p.is_empty())
                .collect(),
        });
    }
    if let Some(alt) = alt {
        for (n, r) in records("alt", alt, 4)?.iter().enumerate() {
            let entry = entry_of("alt", &by_id, r, n)?;
            if let Some(name) = field(r.get(3)) {
                entries[entry].names.push(name.to_owned());
            }
        }
    }
    if let Some(add) = add {
        for (n, r) in records("add", add, 5)?.iter().enumerate() {
            let entry = entry_of("add", &by_id, r, n)?;
            if let Some(country) = field(r.get(4)) {
                let countries = &mut entries[entry].countries;
                if !countries.iter().any(|c| c == country) {
                    countries.push(country.to_owned());
                }
            }
        }
    }
    Ok(entries)
}

fn entry_of(
    part: &'static str,
    by_id: &HashMap<String, usize>,
    r: &csv::StringRecord,
    n: usize,
) -> Result<usize, ListError> {
    let id = r.get(0).unwrap_or_default();
    by_id
        .get(id)
        .copied()
        .ok_or_else(|| ListError::new(part, format!("line {}: ent_num {id} is not in sdn", n + 1)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::DateOfBirth;

    const SDN: &str = "12606,\"QADHAFI, Muammar\",\"individual\",\"LIBYA2\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 1942; POB Sirte, Libya.\"\r\n306,\"BANCO NACIONAL DE CUBA\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"a.k.a. 'BNC'.\"\r\n\u{1a}";
    const ALT: &str = "12606,13580,\"aka\",\"AL-QADHAFI, Muammar\",-0- \r\n";
    const ADD: &str = "306,199,\"Zweierstrasse 35\",\"Zurich CH-8022\",\"Switzerland\",-0- \r\n";

    #[test]
    fn reads_real_ofac_rows() {
        let entries = parse(SDN, Some(ALT), Some(ADD)).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].entry_id, "12606");
        assert_eq!(entries[0].kind, EntityKind::Person);
        assert_eq!(
            entries[0].names,
            ["QADHAFI, Muammar", "AL-QADHAFI, Muammar"]
        );
        assert_eq!(
            entries[0].dates_of_birth,
            [DateOfBirth {
                year: 1942,
                month: None,
                day: None
            }]
        );
        assert_eq!(entries[1].kind, EntityKind::Organization);
        assert_eq!(entries[1].countries, ["Switzerland"]);
        assert_eq!(entries[1].programs, ["CUBA"]);
    }

    #[test]
    fn refuses_what_is_not_an_ofac_file() {
        let e = parse("name,country\nEmma,GB\n", None, None).unwrap_err();
        assert_eq!(e.part, "sdn");
        assert!(e.message.contains("line 1"), "{e}");
        let e = parse(SDN, Some("99999,1,\"aka\",\"NOBODY\",-0-\n"), None).unwrap_err();
        assert_eq!(e.part, "alt");
        assert!(e.message.contains("99999"), "{e}");
    }
}
