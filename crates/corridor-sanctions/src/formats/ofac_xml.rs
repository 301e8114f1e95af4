//! OFAC's SDN XML (`sdnList/sdnEntry`): `uid`, `firstName`, `lastName`,
//! `sdnType`, `programList/program`, `akaList/aka`, `addressList/address/
//! country`, `dateOfBirthList/dateOfBirthItem/dateOfBirth`,
//! `nationalityList/nationality/country`. Elements are matched by local
//! name, so every namespace OFAC has published under reads the same.

use roxmltree::{Document, Node};

use super::{remarks, strip_marks, ListError};
use crate::entry::{EntityKind, SanctionsEntry};

fn text<'a>(node: Node<'a, 'a>, name: &str) -> Option<&'a str> {
    node.children()
        .find(|c| c.tag_name().name() == name)
        .and_then(|c| c.text())
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

fn descendants_named<'a>(
    node: Node<'a, 'a>,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'a>> + 'a {
    node.descendants()
        .filter(move |c| c.tag_name().name() == name)
}

fn full_name(node: Node<'_, '_>) -> Option<String> {
    let parts: Vec<&str> = ["lastName", "firstName"]
        .iter()
        .filter_map(|t| text(node, t))
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// Reads `sdn.xml`.
pub(super) fn parse(xml: &str) -> Result<Vec<SanctionsEntry>, ListError> {
    let doc = Document::parse(strip_marks(xml))
        .map_err(|e| ListError::new("content", format!("not well-formed XML: {e}")))?;
    let root = doc.root_element();
    if root.tag_name().name() != "sdnList" {
        return Err(ListError::new(
            "content",
            format!(
                "the root element is {}, expected sdnList",
                root.tag_name().name()
            ),
        ));
    }
    let mut entries = Vec::new();
    for (n, node) in root
        .children()
        .filter(|c| c.tag_name().name() == "sdnEntry")
        .enumerate()
    {
        let id = text(node, "uid").ok_or_else(|| {
            ListError::new("content", format!("sdnEntry {}: uid is missing", n + 1))
        })?;
        let name = full_name(node).ok_or_else(|| {
            ListError::new("content", format!("sdnEntry {id}: lastName is missing"))
        })?;
        let mut names = vec![name];
        names.extend(descendants_named(node, "aka").filter_map(full_name));
        let kind = match text(node, "sdnType") {
            Some("Individual") => EntityKind::Person,
            Some("Vessel") => EntityKind::Vessel,
            Some("Aircraft") => EntityKind::Aircraft,
            _ => EntityKind::Organization,
        };
        let mut countries: Vec<String> = descendants_named(node, "country")
            .filter_map(|c| c.text())
            .map(|c| c.trim().to_owned())
            .collect();
        countries.sort();
        countries.dedup();
        entries.push(SanctionsEntry {
            entry_id: id.to_owned(),
            kind,
            names,
            dates_of_birth: descendants_named(node, "dateOfBirth")
                .filter_map(|d| d.text())
                .filter_map(remarks::ofac_date)
                .collect(),
            countries,
            programs: descendants_named(node, "program")
                .filter_map(|p| p.text())
                .map(str::to_owned)
                .collect(),
        });
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SDN_XML: &str = r#"<?xml version="1.0" standalone="yes"?>
<sdnList xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML">
<publshInformation><Publish_Date>07/20/2021</Publish_Date></publshInformation>
<sdnEntry><uid>12606</uid><firstName>Muammar</firstName><lastName>QADHAFI</lastName>
<sdnType>Individual</sdnType><programList><program>LIBYA2</program></programList>
<akaList><aka><uid>13580</uid><type>a.k.a.</type><category>strong</category><lastName>AL-QADHAFI</lastName><firstName>Muammar</firstName></aka></akaList>
<dateOfBirthList><dateOfBirthItem><uid>1</uid><dateOfBirth>1942</dateOfBirth></dateOfBirthItem></dateOfBirthList>
<nationalityList><nationality><uid>2</uid><country>Libya</country></nationality></nationalityList>
</sdnEntry></sdnList>"#;

    #[test]
    fn reads_sdn_entries() {
        let entries = parse(SDN_XML).unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].entry_id, "12606");
        assert_eq!(
            entries[0].names,
            ["QADHAFI, Muammar", "AL-QADHAFI, Muammar"]
        );
        assert_eq!(entries[0].kind, EntityKind::Person);
        assert_eq!(entries[0].countries, ["Libya"]);
        assert_eq!(entries[0].dates_of_birth[0].year, 1942);
        assert_eq!(entries[0].programs, ["LIBYA2"]);
    }

    #[test]
    fn refuses_an_entry_without_uid() {
        let e =
            parse("<sdnList><sdnEntry><lastName>X</lastName></sdnEntry></sdnList>").unwrap_err();
        assert!(e.message.contains("uid"), "{e}");
    }
}
