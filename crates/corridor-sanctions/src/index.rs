//! The screener: every name of the loaded lists, indexed by the phonetic
//! keys of its tokens, so a screening scores only the names that share a
//! key with the query instead of all of them.

use std::collections::HashMap;

use crate::entry::{content_version, DateOfBirth, EntityKind, SanctionsList};
use crate::matcher::{self, CountryNames, Match, Query, Screening, Thresholds, Token};
use crate::normalize::normalize;

/// A key held by at most this many names pulls its names in on its own;
/// a commoner key (`MOHAMMED`, `ALI`) needs a second key to agree.
const RARE_KEY_NAMES: usize = 50;

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
    /// Ids into the screener's token dictionary.
    tokens: Vec<u32>,
    /// Their weights, in the same order.
    weights: Vec<f64>,
}

/// The loaded lists, ready to screen against.
pub struct Screener {
    lists: Vec<ListSummary>,
    entries: Vec<IndexedEntry>,
    names: Vec<IndexedName>,
    /// Every distinct token of every name, with its key and weight.
    tokens: Vec<Token>,
    token_ids: HashMap<String, u32>,
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
                    countries: e
                        .countries
                        .iter()
                        .map(|c| normalize(c).tokens.join(" "))
                        .collect(),
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
        let mut tokens: Vec<Token> = Vec::new();
        let mut token_ids: HashMap<String, u32> = HashMap::new();
        let names = raw_names
            .into_iter()
            .map(|(entry, name, texts)| {
                let ids: Vec<u32> = texts
                    .into_iter()
                    .map(|t| {
                        *token_ids.entry(t.clone()).or_insert_with(|| {
                            tokens.push(token(t, &weights, default_weight));
                            u32::try_from(tokens.len() - 1).unwrap_or(u32::MAX)
                        })
                    })
                    .collect();
                let weights = ids.iter().map(|&i| tokens[i as usize].weight).collect();
                IndexedName {
                    entry,
                    name,
                    tokens: ids,
                    weights,
                }
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
            tokens,
            token_ids,
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
    pub fn screen(
        &self,
        query: &Query<'_>,
        thresholds: &Thresholds,
    ) -> Result<Screening, QueryError> {
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
        let prepared = Prepared {
            weights: tokens.iter().map(|t| t.weight).collect(),
            ids: tokens
                .iter()
                .map(|t| self.token_ids.get(&t.text).copied())
                .collect(),
            tokens,
            is_entity: normalized.is_entity,
            country,
        };
        SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            let scratch = &mut *scratch;
            scratch.fit(self.names.len(), self.tokens.len());
            let candidates = self.candidates(&prepared.tokens, &mut scratch.hits);
            let best = self.score(query, &prepared, thresholds, &candidates, &mut scratch.rows);
            Ok(self.screening(best, thresholds))
        })
    }

    /// The best score per entry among `candidates` that reach near the
    /// review threshold, with the name that scored it.
    fn score(
        &self,
        query: &Query<'_>,
        prepared: &Prepared,
        thresholds: &Thresholds,
        candidates: &[u32],
        rows: &mut SimilarityRows,
    ) -> HashMap<u32, (f64, u32)> {
        // Similarities of the query's tokens to each dictionary token met,
        // computed once per query: candidates share many tokens.
        rows.clear();
        let mut best: HashMap<u32, (f64, u32)> = HashMap::new();
        for &name_id in candidates {
            let name = &self.names[name_id as usize];
            let entry = &self.entries[name.entry as usize];
            for &t in &name.tokens {
                rows.ensure(t, || prepared.similarities(t, &self.tokens[t as usize]));
            }
            let base = matcher::name_score(&prepared.weights, &name.weights, |i, j| {
                rows.get(name.tokens[j])[i]
            });
            if base < thresholds.review * 0.8 {
                continue;
            }
            let score = (base * matcher::kind_factor(query.kind, prepared.is_entity, entry.kind)
                + matcher::dob_adjustment(query.date_of_birth, &entry.dates_of_birth)
                + matcher::country_adjustment(prepared.country.as_ref(), &entry.countries))
            .clamp(0.0, 1.0);
            let slot = best.entry(name.entry).or_insert((0.0, name_id));
            if score > slot.0 {
                *slot = (score, name_id);
            }
        }
        rows.clear();
        best
    }

    /// The matches at or above the review threshold, best first, and the
    /// decision they lead to.
    fn screening(&self, best: HashMap<u32, (f64, u32)>, thresholds: &Thresholds) -> Screening {
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
        matches.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.entry_id.cmp(&b.entry_id))
        });
        matches.truncate(matcher::MAX_MATCHES);
        let top = matches.first().map_or(0.0, |m| m.score);
        Screening {
            decision: thresholds.decide(top),
            matches,
            lists_version: self.version.clone(),
        }
    }

    /// Names sharing enough phonetic keys with the query: two keys, or one
    /// rare key, or one key when either side has a single token.
    /// `hits` is all zero on entry (one slot per name) and left so.
    fn candidates(&self, tokens: &[Token], hits: &mut [u8]) -> Vec<u32> {
        // Per name: bit 0-6 the count of query keys it holds, bit 7 set
        // when one of them is rare. A dense array beats a hash map here:
        // common keys have thousands of names.
        let mut touched: Vec<u32> = Vec::new();
        let mut seen_keys: Vec<&str> = Vec::with_capacity(tokens.len());
        for t in tokens {
            if seen_keys.contains(&t.key.as_str()) {
                continue;
            }
            seen_keys.push(&t.key);
            let Some(ids) = self.postings.get(&t.key) else {
                continue;
            };
            let rare = if ids.len() <= RARE_KEY_NAMES { 0x80 } else { 0 };
            for &id in ids {
                let h = &mut hits[id as usize];
                if *h == 0 {
                    touched.push(id);
                }
                *h = (*h & 0x80 | rare) | ((*h & 0x7f) + 1).min(0x7f);
            }
        }
        let single_query = seen_keys.len() == 1;
        touched.retain(|&id| {
            let h = std::mem::take(&mut hits[id as usize]);
            h & 0x7f >= 2
                || h & 0x80 != 0
                || single_query
                || self.names[id as usize].tokens.len() == 1
        });
        touched
    }
}

/// A query, normalized and looked up in the token dictionary.
struct Prepared {
    tokens: Vec<Token>,
    /// The tokens' weights, in order.
    weights: Vec<f64>,
    /// The tokens' ids in the dictionary, where they are in it.
    ids: Vec<Option<u32>>,
    is_entity: bool,
    country: Option<CountryNames>,
}

impl Prepared {
    /// The similarity of each query token to dictionary token `id`.
    fn similarities(&self, id: u32, listed: &Token) -> SimilarityRow {
        let mut row = [0.0; crate::normalize::MAX_TOKENS];
        for (i, q) in self.tokens.iter().enumerate() {
            row[i] = if self.ids[i] == Some(id) {
                1.0
            } else {
                matcher::token_similarity(q, listed)
            };
        }
        row
    }
}

/// A row of similarities: one query token (by position) to one dictionary
/// token.
type SimilarityRow = [f64; crate::normalize::MAX_TOKENS];

/// The similarity rows of one screening, by dictionary token: a dense
/// slot per token so a lookup is an index, reset after each screening by
/// undoing only the slots it filled.
#[derive(Default)]
struct SimilarityRows {
    row_of: Vec<u32>,
    rows: Vec<SimilarityRow>,
    filled: Vec<u32>,
}

impl SimilarityRows {
    fn ensure(&mut self, token: u32, compute: impl FnOnce() -> SimilarityRow) {
        let slot = &mut self.row_of[token as usize];
        if *slot == u32::MAX {
            *slot = u32::try_from(self.rows.len()).unwrap_or(u32::MAX);
            self.rows.push(compute());
            self.filled.push(token);
        }
    }

    fn get(&self, token: u32) -> &SimilarityRow {
        &self.rows[self.row_of[token as usize] as usize]
    }

    fn clear(&mut self) {
        for t in self.filled.drain(..) {
            self.row_of[t as usize] = u32::MAX;
        }
        self.rows.clear();
    }
}

/// Per-thread working memory of screenings, sized to the largest screener
/// seen: allocating and clearing a slot per listed name and per token on
/// every screening cost more than the scoring of a typical query.
#[derive(Default)]
struct Scratch {
    hits: Vec<u8>,
    rows: SimilarityRows,
}

impl Scratch {
    fn fit(&mut self, names: usize, tokens: usize) {
        if self.hits.len() < names {
            self.hits.resize(names, 0);
        }
        if self.rows.row_of.len() < tokens {
            self.rows.row_of.resize(tokens, u32::MAX);
        }
    }
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

fn token(text: String, weights: &HashMap<String, f64>, default_weight: f64) -> Token {
    let key = crate::phonetic::key(&text);
    let weight = if text.len() == 1 {
        // An initial says little on its own.
        1.0
    } else {
        weights.get(&key).copied().unwrap_or(default_weight)
    };
    Token::new(text, key, weight)
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use super::*;
    use crate::matcher::Decision;

    fn screener() -> &'static Screener {
        static SCREENER: OnceLock<Screener> = OnceLock::new();
        SCREENER.get_or_init(|| Screener::build(&crate::snapshot::all().unwrap()))
    }

    fn screen(name: &str) -> Screening {
        screen_with(Query {
            name,
            kind: None,
            country: None,
            date_of_birth: None,
        })
    }

    fn screen_with(query: Query<'_>) -> Screening {
        screener().screen(&query, &Thresholds::DEFAULT).unwrap()
    }

    fn top(s: &Screening) -> (&str, &str, f64) {
        let m = s.matches.first().expect("a match");
        (m.list.as_str(), m.entry_id.as_str(), m.score)
    }

    #[test]
    fn the_listed_name_blocks() {
        let s = screen("QADHAFI, Muammar");
        assert_eq!(s.decision, Decision::Block);
        assert_eq!(top(&s).1, "12606");
        assert_eq!(s.lists_version, screener().version());
    }

    #[test]
    fn transliteration_variants_reach_review() {
        for name in [
            "Muammar Gaddafi",
            "Moammar Kadhafi",
            "Муаммар Каддафи",
            "Muʿammar al-Qaḏḏāfī",
        ] {
            let s = screen(name);
            assert_ne!(s.decision, Decision::Clear, "{name}: {s:?}");
            assert!(
                s.matches
                    .iter()
                    .any(|m| m.entry_id == "12606" || m.entry_id == "LYi.011"),
                "{name}: {s:?}"
            );
        }
    }

    #[test]
    fn swapped_order_dropped_middle_names_and_typos_are_found() {
        // UN CDi.002: FRANK KAKOLELE BWAMBALE.
        for name in [
            "Bwambale Frank Kakolele",
            "Frank Bwambale",
            "Frank Kakolelle Bwanbale",
        ] {
            let s = screen(name);
            assert_ne!(s.decision, Decision::Clear, "{name}: {s:?}");
            assert!(
                s.matches.iter().any(|m| m.entry_id == "CDi.002"),
                "{name}: {s:?}"
            );
        }
    }

    #[test]
    fn an_organization_does_not_match_a_person_by_first_name() {
        let s = screen("EMMA LLC");
        assert!(
            s.matches.iter().all(|m| m.kind != EntityKind::Person),
            "{s:?}"
        );
        let s = screen("BANCO NACIONAL DE CUBA");
        assert_eq!(s.decision, Decision::Block);
        assert_eq!(top(&s).1, "306");
    }

    #[test]
    fn common_names_clear() {
        for name in [
            "John Smith",
            "Maria Garcia",
            "Emma Daniels",
            "Oliver Bennett",
            "Acme Trading Ltd",
        ] {
            assert_eq!(
                screen(name).decision,
                Decision::Clear,
                "{name}: {:?}",
                screen(name)
            );
        }
    }

    #[test]
    fn date_of_birth_and_country_move_the_score() {
        let base = top(&screen("Saif Gadafi")).2;
        assert!(base < 0.95, "{base}");
        let dob = |d: &str| DateOfBirth::parse_iso(d);
        let agreeing = screen_with(Query {
            name: "Saif Gadafi",
            kind: Some(EntityKind::Person),
            country: Some("LY"),
            date_of_birth: dob("1972-06-25"),
        });
        let disagreeing = screen_with(Query {
            name: "Saif Gadafi",
            kind: Some(EntityKind::Person),
            country: Some("SE"),
            date_of_birth: dob("1990-01-01"),
        });
        assert!(top(&agreeing).2 > base, "{agreeing:?} vs {base}");
        assert!(disagreeing.matches.first().map_or(0.0, |m| m.score) < base);
    }

    #[test]
    fn bad_queries_are_refused() {
        let q = |name, country| Query {
            name,
            kind: None,
            country,
            date_of_birth: None,
        };
        let t = Thresholds::DEFAULT;
        assert_eq!(
            screener().screen(&q("  ,;! ", None), &t),
            Err(QueryError::NoLetters)
        );
        assert_eq!(
            screener().screen(&q("Ivan", Some("ZZ")), &t),
            Err(QueryError::UnknownCountry)
        );
    }

    #[test]
    fn an_empty_screener_knows_it() {
        assert!(Screener::build(&[]).is_empty());
        assert!(!screener().is_empty());
        assert_eq!(screener().lists().len(), 2);
    }
}
