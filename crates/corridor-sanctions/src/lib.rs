//! Sanctions lists and the name matcher that screens against them.
//!
//! Lists are read from their publishers' own formats ([`formats`]) into
//! [`SanctionsList`]s, each versioned by the SHA-256 of its content. A
//! [`Screener`] indexes every name and alias of the loaded lists and scores a
//! query name against them ([`matcher`]): transliteration to Latin, case and
//! punctuation folding, token order ignored, dropped or extra middle names,
//! initials, per-token Jaro-Winkler with the best pairing, a phonetic key for
//! transliteration variants, entity suffixes kept apart from persons, and an
//! optional date of birth and country that move the score.
//!
//! No I/O at run time: the embedded snapshot ([`snapshot`]) is text compiled
//! into the binary, and callers hand every other list in as text.
#![deny(missing_docs)]

pub mod entry;
pub mod evaluation;
pub mod formats;
pub mod index;
pub mod matcher;
pub mod normalize;
pub mod phonetic;
pub mod similarity;
pub mod snapshot;

pub use entry::{DateOfBirth, EntityKind, SanctionsEntry, SanctionsList};
pub use formats::{parse_list, ListError, ListFormat, ListInput};
pub use index::Screener;
pub use matcher::{Decision, Match, Query, Screening, Thresholds};
