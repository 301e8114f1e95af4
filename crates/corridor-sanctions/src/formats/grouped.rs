//! Lists that spread one party over several rows (one per name, address or
//! date of birth), grouped back by their id column.

use std::collections::HashMap;

use crate::entry::SanctionsEntry;

/// Entries in first-seen order, merged by id.
#[derive(Default)]
pub(crate) struct Grouped {
    entries: Vec<SanctionsEntry>,
    by_id: HashMap<String, usize>,
}

impl Grouped {
    /// The entry for `id`, created from `new` the first time.
    pub fn entry(&mut self, id: &str, new: impl FnOnce() -> SanctionsEntry) -> &mut SanctionsEntry {
        let next = self.entries.len();
        let i = *self.by_id.entry(id.to_owned()).or_insert(next);
        if i == next {
            self.entries.push(new());
        }
        &mut self.entries[i]
    }

    /// The entries, each list deduplicated.
    pub fn finish(mut self) -> Vec<SanctionsEntry> {
        for e in &mut self.entries {
            dedup(&mut e.names);
            dedup(&mut e.countries);
            dedup(&mut e.programs);
            e.dates_of_birth.dedup();
        }
        self.entries.retain(|e| !e.names.is_empty());
        self.entries
    }
}

fn dedup(values: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    values.retain(|v| seen.insert(v.clone()));
}
