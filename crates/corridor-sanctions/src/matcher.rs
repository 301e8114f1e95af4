//! Scoring one query name against one listed name, and what a screening
//! decides.
//!
//! Both names are normalized to tokens (see [`crate::normalize`]). Every
//! query token is compared with every listed token (equal, an initial
//! against a name, Jaro-Winkler, or the same phonetic key), and the best
//! pairs are taken greedily, so token order does not matter. The score is
//! the pairs' weighted similarity, lowered by how much of either name went
//! unmatched (a dropped middle name costs a little, a shared first name
//! alone costs a lot); tokens weigh by their rarity in the lists, so
//! `MOHAMMED` counts less than `QADHAFI`.

use crate::entry::{DateOfBirth, EntityKind};

/// Similarity below which two tokens are not paired.
pub const TOKEN_FLOOR: f64 = 0.80;
/// Similarity of an initial to a name starting with it.
const INITIAL_SIMILARITY: f64 = 0.85;
/// Similarity of two tokens with the same phonetic key of 3+ letters.
const PHONETIC_SIMILARITY: f64 = 0.92;
/// Share of the score that does not depend on coverage when two or more
/// tokens pair.
const COVERAGE_BASE: f64 = 0.72;
/// Factor when a legal entity meets a person, or a person a non-person.
const KIND_MISMATCH: f64 = 0.6;
/// Score added when a date of birth agrees, taken when none does.
const DOB_AGREES: f64 = 0.04;
const DOB_DISAGREES: f64 = 0.12;
/// Score added when the country agrees, taken when none does.
const COUNTRY_AGREES: f64 = 0.02;
const COUNTRY_DISAGREES: f64 = 0.03;

/// The most matches one screening reports.
pub const MAX_MATCHES: usize = 10;

/// A name to screen, with what else is known of the party.
#[derive(Debug, Clone, Copy)]
pub struct Query<'a> {
    /// The name as given.
    pub name: &'a str,
    /// Person or organization, when known.
    pub kind: Option<EntityKind>,
    /// ISO 3166-1 alpha-2 country, when known.
    pub country: Option<&'a str>,
    /// Date of birth, when known.
    pub date_of_birth: Option<DateOfBirth>,
}

/// The operator's score thresholds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// From this score up, a match is reviewed by a person.
    pub review: f64,
    /// From this score up, the operation is blocked.
    pub block: f64,
}

impl Thresholds {
    /// Calibrated on the labelled variant set of `corridor bench screening`.
    pub const DEFAULT: Thresholds = Thresholds {
        review: 0.84,
        block: 0.97,
    };

    /// Thresholds with `0 < review <= block <= 1`.
    pub fn new(review: f64, block: f64) -> Result<Thresholds, &'static str> {
        if !(review > 0.0 && review <= 1.0) {
            return Err("review must be above 0 and at most 1");
        }
        if !(block >= review && block <= 1.0) {
            return Err("block must be at least review and at most 1");
        }
        Ok(Thresholds { review, block })
    }

    /// The decision for the best score found.
    pub fn decide(&self, best: f64) -> Decision {
        if best >= self.block {
            Decision::Block
        } else if best >= self.review {
            Decision::Review
        } else {
            Decision::Clear
        }
    }
}

/// What a screening decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Nothing close enough.
    Clear,
    /// A person must look at the matches.
    Review,
    /// The operation stops.
    Block,
}

impl Decision {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Clear => "clear",
            Decision::Review => "review",
            Decision::Block => "block",
        }
    }
}

/// A listed entry close to the query.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// The list (`ofac_sdn`, `un_consolidated`, ...).
    pub list: String,
    /// The list's own id of the entry.
    pub entry_id: String,
    /// The entry's name that matched best.
    pub name: String,
    /// What the entry is.
    pub kind: EntityKind,
    /// 0 to 1.
    pub score: f64,
}

/// The outcome of one screening.
#[derive(Debug, Clone, PartialEq)]
pub struct Screening {
    /// What it decides.
    pub decision: Decision,
    /// Matches at or above the review threshold, best first.
    pub matches: Vec<Match>,
    /// The version of the lists screened against.
    pub lists_version: String,
}

/// A name token with its phonetic key and weight.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub text: String,
    pub key: String,
    pub weight: f64,
}

/// Similarity of two tokens, 0 to 1.
pub(crate) fn token_similarity(a: &Token, b: &Token) -> f64 {
    if a.text == b.text {
        return 1.0;
    }
    if a.text.len() == 1 || b.text.len() == 1 {
        return if a.text.as_bytes().first() == b.text.as_bytes().first() {
            INITIAL_SIMILARITY
        } else {
            0.0
        };
    }
    let jw = strsim::jaro_winkler(&a.text, &b.text);
    if a.key == b.key && a.key.len() >= 3 {
        jw.max(PHONETIC_SIMILARITY)
    } else {
        jw
    }
}

/// Score of a query against one listed name, before kind, date of birth
/// and country.
pub(crate) fn name_score(query: &[Token], listed: &[Token]) -> f64 {
    let mut pairs: Vec<(f64, usize, usize)> = Vec::with_capacity(query.len() * listed.len());
    for (i, q) in query.iter().enumerate() {
        for (j, c) in listed.iter().enumerate() {
            let s = token_similarity(q, c);
            if s >= TOKEN_FLOOR {
                pairs.push((s, i, j));
            }
        }
    }
    if pairs.is_empty() {
        return 0.0;
    }
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (mut used_q, mut used_c) = (0u32, 0u32);
    let (mut sum, mut weight, mut covered_q, mut covered_c, mut paired) = (0.0, 0.0, 0.0, 0.0, 0);
    for (s, i, j) in pairs {
        if used_q & (1 << i) != 0 || used_c & (1 << j) != 0 {
            continue;
        }
        used_q |= 1 << i;
        used_c |= 1 << j;
        let w = (query[i].weight + listed[j].weight) / 2.0;
        sum += w * s;
        weight += w;
        covered_q += query[i].weight;
        covered_c += listed[j].weight;
        paired += 1;
    }
    let quality = sum / weight;
    let total_q: f64 = query.iter().map(|t| t.weight).sum();
    let total_c: f64 = listed.iter().map(|t| t.weight).sum();
    let coverage = (covered_q / total_q).min(covered_c / total_c);
    if paired >= 2 || (query.len() == 1 && listed.len() == 1) {
        quality * (COVERAGE_BASE + (1.0 - COVERAGE_BASE) * coverage)
    } else {
        quality * coverage * 0.9
    }
}

/// The kind factor: an organization (by its legal suffix or the caller's
/// word) against a listed person, or a person against a listed
/// organization, vessel or aircraft.
pub(crate) fn kind_factor(query_kind: Option<EntityKind>, query_is_entity: bool, listed: EntityKind) -> f64 {
    let query_is_org = query_is_entity || query_kind == Some(EntityKind::Organization);
    if (query_is_org && listed == EntityKind::Person)
        || (query_kind == Some(EntityKind::Person) && listed != EntityKind::Person)
    {
        KIND_MISMATCH
    } else {
        1.0
    }
}

/// Moves a score by the date of birth: up when one listed date agrees, down
/// when every listed year is more than a year away.
pub(crate) fn dob_adjustment(query: Option<DateOfBirth>, listed: &[DateOfBirth]) -> f64 {
    let Some(q) = query else { return 0.0 };
    if listed.is_empty() {
        return 0.0;
    }
    let agrees = |d: &DateOfBirth| {
        d.year == q.year
            && (d.month.is_none() || q.month.is_none() || d.month == q.month)
            && (d.day.is_none() || q.day.is_none() || d.day == q.day)
    };
    if listed.iter().any(agrees) {
        DOB_AGREES
    } else if listed.iter().all(|d| d.year.abs_diff(q.year) > 1) {
        -DOB_DISAGREES
    } else {
        0.0
    }
}

/// Moves a score by the country.
pub(crate) fn country_adjustment(query: Option<&CountryNames>, listed: &[String]) -> f64 {
    let Some(q) = query else { return 0.0 };
    if listed.is_empty() {
        return 0.0;
    }
    if listed.iter().any(|c| q.matches(c)) {
        COUNTRY_AGREES
    } else {
        -COUNTRY_DISAGREES
    }
}

/// A query country as lists may write it: its alpha-2 code or its name.
#[derive(Debug, Clone)]
pub(crate) struct CountryNames {
    alpha2: String,
    /// The distinctive start of the ISO name, normalized (`IRAN`,
    /// `RUSSIA`, `UNITED KINGDOM`).
    stem: Option<String>,
}

/// First words that do not tell countries apart on their own.
const GENERIC_FIRST_WORDS: &[&str] = &["UNITED", "REPUBLIC", "KOREA", "CONGO", "SOUTH", "NORTH", "NEW", "SAINT", "CENTRAL"];

impl CountryNames {
    /// From an alpha-2 code (any case); `None` for an unknown code.
    pub(crate) fn new(alpha2: &str) -> Option<CountryNames> {
        let code = isocountry::CountryCode::for_alpha2_caseless(alpha2).ok()?;
        let words = crate::normalize::normalize(code.name()).tokens;
        let stem = match words.as_slice() {
            [first, second, ..] if GENERIC_FIRST_WORDS.contains(&first.as_str()) => {
                Some(format!("{first} {second}"))
            }
            [first, ..] => Some(first.get(..first.len().min(5)).unwrap_or(first).to_owned()),
            [] => None,
        };
        Some(CountryNames {
            alpha2: code.alpha2().to_owned(),
            stem,
        })
    }

    /// Whether a listed country (normalized upper case) is this one.
    pub(crate) fn matches(&self, listed: &str) -> bool {
        listed == self.alpha2 || self.stem.as_deref().is_some_and(|s| listed.starts_with(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(name: &str) -> Vec<Token> {
        crate::normalize::normalize(name)
            .tokens
            .into_iter()
            .map(|t| Token {
                key: crate::phonetic::key(&t),
                text: t,
                weight: 1.0,
            })
            .collect()
    }

    fn score(a: &str, b: &str) -> f64 {
        name_score(&toks(a), &toks(b))
    }

    #[test]
    fn order_and_case_do_not_matter() {
        assert!((score("Muammar Qadhafi", "QADHAFI, Muammar") - 1.0).abs() < 1e-9);
    }

    #[test]
    fn transliteration_variants_stay_close() {
        assert!(score("Muammar Gaddafi", "QADHAFI, Muammar") > 0.9);
        assert!(score("Moammar Kadafi", "QADHAFI, Muammar") > 0.9);
    }

    #[test]
    fn a_dropped_middle_name_costs_little_a_lone_first_name_a_lot() {
        let dropped = score("Saif Qadhafi", "QADHAFI, Saif Islam");
        assert!(dropped > 0.85 && dropped < 1.0, "{dropped}");
        assert!(score("Emma", "Emma Daniels") < 0.5);
        assert!(score("M. Qadhafi", "QADHAFI, Muammar") > 0.85);
    }

    #[test]
    fn thresholds_refuse_nonsense() {
        assert!(Thresholds::new(0.9, 0.8).is_err());
        assert!(Thresholds::new(0.0, 0.8).is_err());
        assert!(Thresholds::new(f64::NAN, 0.8).is_err());
        assert_eq!(Thresholds::DEFAULT.decide(0.99), Decision::Block);
        assert_eq!(Thresholds::DEFAULT.decide(0.9), Decision::Review);
        assert_eq!(Thresholds::DEFAULT.decide(0.5), Decision::Clear);
    }

    #[test]
    fn countries_match_by_code_or_name() {
        let ir = CountryNames::new("ir").unwrap();
        assert!(ir.matches("IRAN"));
        assert!(ir.matches("IR"));
        assert!(!ir.matches("IRAQ"));
        let gb = CountryNames::new("GB").unwrap();
        assert!(gb.matches("UNITED KINGDOM"));
        assert!(!gb.matches("UNITED STATES"));
        assert!(CountryNames::new("XX").is_none());
    }
}
