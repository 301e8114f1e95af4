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
const COVERAGE_BASE: f64 = 0.70;
/// Spelling similarity two tokens need for their shared phonetic key to
/// count (`ACME` and `YAKIMA` share one by accident).
const PHONETIC_FLOOR: f64 = 0.65;
/// Factor on an inexact match of a one-word name to a one-word name.
const SINGLE_WORD: f64 = 0.9;
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
    /// Letters and digits present once, twice and three times or more
    /// (one bit each), for a cheap upper bound on Jaro-Winkler.
    pub letters: [u64; 3],
    /// A hash of `key`, compared before the key itself.
    pub key_hash: u64,
}

impl Token {
    pub(crate) fn new(text: String, key: String, weight: f64) -> Token {
        let mut counts = [0u8; 36];
        for b in text.bytes() {
            let slot = match b {
                b'A'..=b'Z' => usize::from(b - b'A'),
                b'0'..=b'9' => 26 + usize::from(b - b'0'),
                _ => continue,
            };
            counts[slot] = counts[slot].saturating_add(1);
        }
        let mut letters = [0u64; 3];
        for (slot, &n) in counts.iter().enumerate() {
            for (level, mask) in letters.iter_mut().enumerate() {
                if usize::from(n) > level {
                    *mask |= 1 << slot;
                }
            }
        }
        let key_hash = key.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        Token {
            text,
            key,
            weight,
            letters,
            key_hash,
        }
    }

    /// At most how many characters two tokens can have in common (the
    /// third level counts every further repeat as one: still an upper
    /// bound is kept by adding the longer length's excess).
    fn common_upper_bound(&self, other: &Token) -> usize {
        let shared: u32 = (0..3)
            .map(|l| (self.letters[l] & other.letters[l]).count_ones())
            .sum();
        let third = (self.letters[2] & other.letters[2]).count_ones() as usize;
        // A letter present three times or more in both may be shared more
        // than three times: allow for it.
        let excess = if third > 0 {
            self.text.len().min(other.text.len())
        } else {
            0
        };
        (shared as usize + excess).min(self.text.len().min(other.text.len()))
    }
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
    let phonetic = a.key_hash == b.key_hash && a.key.len() >= 3 && a.key == b.key;
    // Jaro is at most (m/|a| + m/|b| + 1) / 3 with m characters in common,
    // and the prefix bonus adds at most 0.4 of what is left.
    let m = a.common_upper_bound(b) as f64;
    let jaro_bound = (m / a.text.len() as f64 + m / b.text.len() as f64 + 1.0) / 3.0;
    let needed = if phonetic {
        PHONETIC_FLOOR
    } else {
        TOKEN_FLOOR
    };
    if jaro_bound + 0.4 * (1.0 - jaro_bound) < needed {
        return 0.0;
    }
    let jw = crate::similarity::jaro_winkler(a.text.as_bytes(), b.text.as_bytes());
    if phonetic && jw >= PHONETIC_FLOOR {
        jw.max(PHONETIC_SIMILARITY)
    } else {
        jw
    }
}

/// Score of a query against one listed name, before kind, date of birth
/// and country, from the tokens' weights and their pairwise similarity.
pub(crate) fn name_score(
    query_weights: &[f64],
    listed_weights: &[f64],
    similarity: impl Fn(usize, usize) -> f64,
) -> f64 {
    // The pairs above the floor, best first; few pass, so a small array
    // sorted by insertion keeps the best MAX_PAIRS.
    const MAX_PAIRS: usize = 24;
    let mut pairs = [(0.0f64, 0usize, 0usize); MAX_PAIRS];
    let mut len = 0;
    for i in 0..query_weights.len() {
        for j in 0..listed_weights.len() {
            let s = similarity(i, j);
            if s < TOKEN_FLOOR || (len == MAX_PAIRS && s <= pairs[MAX_PAIRS - 1].0) {
                continue;
            }
            let mut at = len.min(MAX_PAIRS - 1);
            while at > 0 && pairs[at - 1].0 < s {
                if at < MAX_PAIRS {
                    pairs[at] = pairs[at - 1];
                }
                at -= 1;
            }
            pairs[at] = (s, i, j);
            len = (len + 1).min(MAX_PAIRS);
        }
    }
    if len == 0 {
        return 0.0;
    }
    let pairs = &pairs[..len];
    let (mut used_q, mut used_c) = (0u32, 0u32);
    let (mut sum, mut weight, mut covered_q, mut covered_c, mut paired) = (0.0, 0.0, 0.0, 0.0, 0);
    for &(s, i, j) in pairs {
        if used_q & (1 << i) != 0 || used_c & (1 << j) != 0 {
            continue;
        }
        used_q |= 1 << i;
        used_c |= 1 << j;
        let w = (query_weights[i] + listed_weights[j]) / 2.0;
        sum += w * s;
        weight += w;
        covered_q += query_weights[i];
        covered_c += listed_weights[j];
        paired += 1;
    }
    let quality = sum / weight;
    let total_q: f64 = query_weights.iter().sum();
    let total_c: f64 = listed_weights.iter().sum();
    let coverage = (covered_q / total_q).min(covered_c / total_c);
    if query_weights.len() == 1 && listed_weights.len() == 1 {
        // One word against one word: only an exact match is strong.
        if quality >= 1.0 {
            1.0
        } else {
            quality * SINGLE_WORD
        }
    } else if paired >= 2 {
        quality * (COVERAGE_BASE + (1.0 - COVERAGE_BASE) * coverage)
    } else {
        quality * coverage * 0.9
    }
}

/// The kind factor: an organization (by its legal suffix or the caller's
/// word) against a listed person, or a person against a listed
/// organization, vessel or aircraft.
pub(crate) fn kind_factor(
    query_kind: Option<EntityKind>,
    query_is_entity: bool,
    listed: EntityKind,
) -> f64 {
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
const GENERIC_FIRST_WORDS: &[&str] = &[
    "UNITED", "REPUBLIC", "KOREA", "CONGO", "SOUTH", "NORTH", "NEW", "SAINT", "CENTRAL",
];

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
            .map(|t| Token::new(t.clone(), crate::phonetic::key(&t), 1.0))
            .collect()
    }

    fn score(a: &str, b: &str) -> f64 {
        let (q, c) = (toks(a), toks(b));
        let w = |t: &[Token]| t.iter().map(|t| t.weight).collect::<Vec<_>>();
        name_score(&w(&q), &w(&c), |i, j| token_similarity(&q[i], &c[j]))
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
