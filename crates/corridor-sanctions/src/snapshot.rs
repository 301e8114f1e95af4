//! The list snapshot compiled into the binary (see `data/SOURCE.md`): the
//! OFAC SDN list (legacy CSV, July 2021) and the UN Security Council
//! Consolidated List (XML, 2026-02-27).

use crate::entry::SanctionsList;
use crate::formats::{parse_list, ListError, ListFormat, ListInput};

const OFAC_SDN: &str = include_str!("../data/ofac/sdn.csv");
const OFAC_ALT: &str = include_str!("../data/ofac/alt.csv");
const OFAC_ADD: &str = include_str!("../data/ofac/add.csv");
const UN_CONSOLIDATED: &str = include_str!("../data/un/consolidated.xml");

/// The embedded OFAC SDN list.
pub fn ofac_sdn() -> Result<SanctionsList, ListError> {
    parse_list(
        ListFormat::OfacCsv,
        ListInput::OfacCsv {
            sdn: OFAC_SDN,
            alt: Some(OFAC_ALT),
            add: Some(OFAC_ADD),
        },
        None,
    )
}

/// The embedded UN consolidated list.
pub fn un_consolidated() -> Result<SanctionsList, ListError> {
    parse_list(ListFormat::UnXml, ListInput::Text(UN_CONSOLIDATED), None)
}

/// Both embedded lists.
pub fn all() -> Result<Vec<SanctionsList>, ListError> {
    Ok(vec![ofac_sdn()?, un_consolidated()?])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_snapshot_parses_in_full() {
        let ofac = ofac_sdn().unwrap();
        assert_eq!(ofac.name, "ofac_sdn");
        assert!(ofac.entries.len() > 8_900, "{}", ofac.entries.len());
        assert!(ofac.name_count() > 20_000, "{}", ofac.name_count());
        let un = un_consolidated().unwrap();
        assert_eq!(un.entries.len(), 1_003);
        assert!(un.entries.iter().any(|e| e.entry_id == "CDi.001"));
        assert_eq!(ofac.version.len(), 64);
    }
}
