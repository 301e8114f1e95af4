//! The screener: every name of the loaded lists, indexed by the phonetic
//! keys of its tokens, so a screening scores only the names that share a
//! key with the query instead of all of them.

use std::collections::HashMap;

use crate::entry::{content_version, DateOfBirth, EntityKind, SanctionsList};
use crate::matcher::{self, CountryNames, Match, Query, Screening, Thresholds, Token};
use crate::normalize::normalize;

/// A key held by at most this many names pulls its names in on its own;
/// a commoner key (`MOHAMMED`, `ALI`) needs a second key to agree.
const RARE_KEY_NAMES: usize = 40;

/// What a loaded list holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListSummary {
    /// The list's name.
    pub name: String,
    /// The format it was read from.
    pub format: String,
    /// SHA-256 of its content.
    pub version: String,
    /// Entries.
    pub entries: usize,
    /// Names and aliases.
    pub names: usize,
}

/// Why a query cannot be screened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// Nothing left of the name once normalized.
    #[error("the name holds no letter or digit")]
    NoLetters,
    /// The country is not an ISO 3166-1 alpha-2 code.
    #[error("the country is not an ISO 3166-1 alpha-2 code")]
    UnknownCountry,
}

struct IndexedEntry {
    list: u16,
    entry_id: String,
    kind: EntityKind,
    dates_of_birth: Vec<DateOfBirth>,
    countries: Vec<String>,
}

struct IndexedName {
    entry: u32,
    name: String,
    tokens: Vec<Token>,
}

/// The loaded lists, ready to screen against.
pub struct Screener {
    lists: Vec<ListSummary>,
    entries: Vec<IndexedEntry>,
    names: Vec<IndexedName>,
    postings: HashMap<String, Vec<u32>>,
    weights: HashMap<String, f64>,
    default_weight: f64,
    version: String,
}

impl std::fmt::Debug for Screener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Screener")
            .field("lists", &self.lists)
            .field("names", &self.names.len())
            .finish()
    }
}

impl Screener {
    /// Indexes `lists` (one per name; a later list of the same name
    /// replaces an earlier one).
    pub fn build(lists: &[SanctionsList]) -> Screener {
        let mut by_name: Vec<&SanctionsList> = Vec::new();
        for list in lists {
            by_name.retain(|l| l.name != list.name);
            by_name.push(list);
        }
        by_name.sort_by(|a, b| a.name.cmp(&b.name));
        let mut entries = Vec::new();
        let mut raw_names: Vec<(u32, String, Vec<String>)> = Vec::new();
        let mut summaries = Vec::new();
        for (l, list) in by_name.iter().enumerate() {
            summaries.push(ListSummary {
                name: list.name.clone(),
                format: list.format.clone(),
                version: list.version.clone(),
                entries: list.entries.len(),
                names: list.name_count(),
            });
            for e in &list.entries {
                let entry = u32::try_from(entries.len()).unwrap_or(u32::MAX);
                entries.push(IndexedEntry {
                    list: u16::try_from(l).unwrap_or(u16::MAX),
                    entry_id: e.entry_id.clone(),
                    kind: e.kind,
                    dates_of_birth: e.dates_of_birth.clone(),
                    countries: e.countries.iter().map(|c| normalize(c).tokens.join(" ")).collect(),
                });
                for name in &e.names {
                    let tokens = normalize(name).tokens;
                    if !tokens.is_empty() {
                        raw_names.push((entry, name.clone(), tokens));
                    }
                }
            }
        }
        let mut postings: HashMap<String, Vec<u32>> = HashMap::new();
        for (n, (_, _, tokens)) in raw_names.iter().enumerate() {
            let id = u32::try_from(n).unwrap_or(u32::MAX);
            for t in tokens {
                let list = postings.entry(crate::phonetic::key(t)).or_default();
                if list.last() != Some(&id) {
                    list.push(id);
                }
            }
        }
        let total = raw_names.len().max(1) as f64;
        let weights: HashMap<String, f64> = postings
            .iter()
            .map(|(k, ids)| (k.clone(), (1.0 + total / ids.len() as f64).ln()))
            .collect();
        let default_weight = (1.0 + total).ln();
        let names = raw_names
            .into_iter()
            .map(|(entry, name, tokens)| IndexedName {
                entry,
                name,
                tokens: tokens
                    .into_iter()
                    .map(|t| token(t, &weights, default_weight))
                    .collect(),
            })
            .collect();
        let versions: Vec<String> = summaries
            .iter()
            .map(|s| format!("{}:{}", s.name, s.version))
            .collect();
        let version_parts: Vec<&str> = versions.iter().map(String::as_str).collect();
        Screener {
            lists: summaries,
            entries,
            names,
            postings,
            weights,
            default_weight,
            version: content_version(&version_parts),
        }
    }

    /// The lists loaded, by name.
    pub fn lists(&self) -> &[ListSummary] {
        &self.lists
    }

    /// Whether no list is loaded (screening then fails closed).
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The version of the loaded lists together.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Screens one name.
    pub fn screen(&self, query: &Query<'_>, thresholds: &Thresholds) -> Result<Screening, QueryError> {
        let normalized = normalize(query.name);
        if normalized.tokens.is_empty() {
            return Err(QueryError::NoLetters);
        }
        let country = match query.country {
            None => None,
            Some(c) => Some(CountryNames::new(c).ok_or(QueryError::UnknownCountry)?),
        };
        let tokens: Vec<Token> = normalized
            .tokens
            .into_iter()
            .map(|t| token(t, &self.weights, self.default_weight))
            .collect();
        let mut best: HashMap<u32, (f64, u32)> = HashMap::new();
        for name_id in self.candidates(&tokens) {
            let name = &self.names[name_id as usize];
            let entry = &self.entries[name.entry as usize];
            let base = matcher::name_score(&tokens, &name.tokens);
            if base < thresholds.review * 0.8 {
                continue;
            }
            let score = (base * matcher::kind_factor(query.kind, normalized.is_entity, entry.kind)
                + matcher::dob_adjustment(query.date_of_birth, &entry.dates_of_birth)
                + matcher::country_adjustment(country.as_ref(), &entry.countries))
            .clamp(0.0, 1.0);
            let slot = best.entry(name.entry).or_insert((0.0, name_id));
            if score > slot.0 {
                *slot = (score, name_id);
            }
        }
        let mut matches: Vec<Match> = best
            .into_iter()
            .filter(|(_, (score, _))| *score >= thresholds.review)
            .map(|(entry, (score, name_id))| {
                let e = &self.entries[entry as usize];
                Match {
                    list: self.lists[usize::from(e.list)].name.clone(),
                    entry_id: e.entry_id.clone(),
                    name: self.names[name_id as usize].name.clone(),
                    kind: e.kind,
                    score: (score * 10_000.0).round() / 10_000.0,
                }
            })
            .collect();
        matches.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.entry_id.cmp(&b.entry_id)));
        matches.truncate(matcher::MAX_MATCHES);
        let top = matches.first().map_or(0.0, |m| m.score);
        Ok(Screening {
            decision: thresholds.decide(top),
            matches,
            lists_version: self.version.clone(),
        })
    }

    /// Names sharing enough phonetic keys with the query: two keys, or one
    /// rare key, or one key when either side has a single token.
    fn candidates(&self, tokens: &[Token]) -> Vec<u32> {
        let mut hits: HashMap<u32, (u8, bool)> = HashMap::new();
        let mut seen_keys: Vec<&str> = Vec::with_capacity(tokens.len());
        for t in tokens {
            if seen_keys.contains(&t.key.as_str()) {
                continue;
            }
            seen_keys.push(&t.key);
            let Some(ids) = self.postings.get(&t.key) else { continue };
            let rare = ids.len() <= RARE_KEY_NAMES;
            for &id in ids {
                let h = hits.entry(id).or_insert((0, false));
                h.0 = h.0.saturating_add(1);
                h.1 |= rare;
            }
        }
        let single_query = seen_keys.len() == 1;
        hits.into_iter()
            .filter(|(id, (count, rare))| {
                *count >= 2 || *rare || single_query || self.names[*id as usize].tokens.len() == 1
            })
            .map(|(id, _)| id)
            .collect()
    }
}

fn token(text: String, weights: &HashMap<String, f64>, default_weight: f64) -> Token {
    let key = crate::phonetic::key(&text);
    let weight = if text.len() == 1 {
        // An initial says little on its own.
        1.0
    } else {
        weights.get(&key).copied().unwrap_or(default_weight)
    };
    Token { text, key, weight }
}
