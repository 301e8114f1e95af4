//! The UN Security Council Consolidated List XML: `INDIVIDUALS/INDIVIDUAL`
//! and `ENTITIES/ENTITY`, identified by `REFERENCE_NUMBER`, names in
//! `FIRST_NAME`..`FOURTH_NAME`, aliases in `*_ALIAS/ALIAS_NAME`.

use roxmltree::{Document, Node};

use super::{strip_marks, ListError};
use crate::entry::{DateOfBirth, EntityKind, SanctionsEntry};

fn child<'a>(node: Node<'a, 'a>, name: &str) -> Option<Node<'a, 'a>> {
    node.children().find(|c| c.has_tag_name(name))
}

fn text<'a>(node: Node<'a, 'a>, name: &str) -> Option<&'a str> {
    child(node, name)
        .and_then(|c| c.text())
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

fn children<'a>(node: Node<'a, 'a>, name: &'a str) -> impl Iterator<Item = Node<'a, 'a>> + 'a {
    node.children().filter(move |c| c.has_tag_name(name))
}

/// Reads the consolidated list.
pub(super) fn parse(xml: &str) -> Result<Vec<SanctionsEntry>, ListError> {
    let doc = Document::parse(strip_marks(xml))
        .map_err(|e| ListError::new("content", format!("not well-formed XML: {e}")))?;
    let root = doc.root_element();
    if !root.has_tag_name("CONSOLIDATED_LIST") {
        return Err(ListError::new(
            "content",
            format!(
                "the root element is {}, expected CONSOLIDATED_LIST",
                root.tag_name().name()
            ),
        ));
    }
    let mut entries = Vec::new();
    for (group, item, kind) in [
        ("INDIVIDUALS", "INDIVIDUAL", EntityKind::Person),
        ("ENTITIES", "ENTITY", EntityKind::Organization),
    ] {
        for list in children(root, group) {
            for node in children(list, item) {
                entries.push(entry(node, kind, entries.len())?);
            }
        }
    }
    Ok(entries)
}

fn entry(node: Node<'_, '_>, kind: EntityKind, n: usize) -> Result<SanctionsEntry, ListError> {
    let id = text(node, "REFERENCE_NUMBER").ok_or_else(|| {
        ListError::new(
            "content",
            format!("record {}: REFERENCE_NUMBER is missing", n + 1),
        )
    })?;
    let primary: Vec<&str> = ["FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"]
        .iter()
        .filter_map(|tag| text(node, tag))
        .collect();
    if primary.is_empty() {
        return Err(ListError::new(
            "content",
            format!("record {id}: FIRST_NAME is missing"),
        ));
    }
    let mut names = vec![primary.join(" ")];
    names.extend(text(node, "NAME_ORIGINAL_SCRIPT").map(str::to_owned));
    let alias_tag = match kind {
        EntityKind::Person => "INDIVIDUAL_ALIAS",
        _ => "ENTITY_ALIAS",
    };
    for alias in children(node, alias_tag) {
        if let Some(name) = text(alias, "ALIAS_NAME") {
            names.push(name.to_owned());
        }
    }
    let mut countries: Vec<String> = Vec::new();
    for nationality in children(node, "NATIONALITY") {
        countries.extend(
            children(nationality, "VALUE")
                .filter_map(|v| v.text())
                .map(|v| v.trim().to_owned()),
        );
    }
    let address_tag = match kind {
        EntityKind::Person => "INDIVIDUAL_ADDRESS",
        _ => "ENTITY_ADDRESS",
    };
    for address in children(node, address_tag) {
        countries.extend(text(address, "COUNTRY").map(str::to_owned));
    }
    countries.dedup();
    let dates_of_birth = children(node, "INDIVIDUAL_DATE_OF_BIRTH")
        .filter_map(|d| {
            text(d, "DATE")
                .and_then(|t| DateOfBirth::parse_iso(t.get(..10).unwrap_or(t)))
                .or_else(|| text(d, "YEAR").and_then(DateOfBirth::parse_iso))
                .or_else(|| text(d, "FROM_YEAR").and_then(DateOfBirth::parse_iso))
        })
        .collect();
    Ok(SanctionsEntry {
        entry_id: id.to_owned(),
        kind,
        names,
        dates_of_birth,
        countries,
        programs: text(node, "UN_LIST_TYPE")
            .map(str::to_owned)
            .into_iter()
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const UN: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2026-02-27T00:00:09.554Z"><INDIVIDUALS><INDIVIDUAL>
<DATAID>6908409</DATAID><FIRST_NAME>MUAMMAR</FIRST_NAME><SECOND_NAME>MUHAMMAD</SECOND_NAME>
<THIRD_NAME>ABU MINYAR</THIRD_NAME><FOURTH_NAME>QADHAFI</FOURTH_NAME><UN_LIST_TYPE>Libya</UN_LIST_TYPE>
<REFERENCE_NUMBER>LYi.011</REFERENCE_NUMBER><NATIONALITY><VALUE>Libya</VALUE></NATIONALITY>
<INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>Gaddafi</ALIAS_NAME></INDIVIDUAL_ALIAS>
<INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><YEAR>1942</YEAR></INDIVIDUAL_DATE_OF_BIRTH>
</INDIVIDUAL></INDIVIDUALS><ENTITIES><ENTITY><FIRST_NAME>AL-QAIDA</FIRST_NAME>
<REFERENCE_NUMBER>QDe.004</REFERENCE_NUMBER><ENTITY_ALIAS><ALIAS_NAME>The Base</ALIAS_NAME></ENTITY_ALIAS>
</ENTITY></ENTITIES></CONSOLIDATED_LIST>"#;

    #[test]
    fn reads_individuals_and_entities() {
        let entries = parse(UN).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].entry_id, "LYi.011");
        assert_eq!(
            entries[0].names,
            ["MUAMMAR MUHAMMAD ABU MINYAR QADHAFI", "Gaddafi"]
        );
        assert_eq!(entries[0].countries, ["Libya"]);
        assert_eq!(entries[0].dates_of_birth[0].year, 1942);
        assert_eq!(entries[1].kind, EntityKind::Organization);
        assert_eq!(entries[1].names, ["AL-QAIDA", "The Base"]);
    }

    #[test]
    fn refuses_malformed_or_foreign_xml() {
        let e = parse("<CONSOLIDATED_LIST><INDIVIDUALS>").unwrap_err();
        assert!(e.message.contains("not well-formed"), "{e}");
        let e = parse("<sdnList/>").unwrap_err();
        assert!(e.message.contains("CONSOLIDATED_LIST"), "{e}");
        let e = parse("<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>X</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>").unwrap_err();
        assert!(e.message.contains("REFERENCE_NUMBER"), "{e}");
    }
}
