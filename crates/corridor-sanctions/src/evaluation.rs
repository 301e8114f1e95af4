//! A labelled variant set generated from the lists, and recall and
//! precision of a screener over it (`corridor bench screening`).
//!
//! Positives are listed names changed the ways real input changes them:
//! swapped order, a dropped middle name, a typo, diacritics, a
//! transliteration variant, Cyrillic script. Negatives are common first
//! and last names put together, none of them a listed name. The set is
//! deterministic for a seed.

use crate::entry::{EntityKind, SanctionsList};
use crate::index::Screener;
use crate::matcher::{Decision, Query, Thresholds};
use crate::normalize::normalize;

/// One labelled query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labelled {
    /// The name screened.
    pub query: String,
    /// How it was made (`swapped`, `typo`, ..., `common_name`).
    pub variant: &'static str,
    /// The list and entry it must find; `None` for a name on no list.
    pub expected: Option<(String, String)>,
}

/// Recall and precision of a run.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Metrics {
    /// Variants flagged with their entry among the matches.
    pub true_positives: usize,
    /// Variants cleared or flagged for other entries only.
    pub false_negatives: usize,
    /// Unlisted names flagged.
    pub false_positives: usize,
    /// Unlisted names cleared.
    pub true_negatives: usize,
}

impl Metrics {
    /// TP / (TP + FN).
    pub fn recall(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_negatives,
        )
    }

    /// TP / (TP + FP).
    pub fn precision(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_positives,
        )
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

const FIRST_NAMES: &[&str] = &[
    "James",
    "Mary",
    "John",
    "Patricia",
    "Robert",
    "Jennifer",
    "Michael",
    "Linda",
    "William",
    "Elizabeth",
    "David",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Daniel",
    "Nancy",
    "Matthew",
    "Lisa",
    "Anthony",
    "Betty",
    "Mark",
    "Emma",
    "Paul",
    "Sandra",
    "Steven",
    "Ashley",
    "Andrew",
    "Emily",
    "Kenneth",
    "Donna",
    "Joshua",
    "Michelle",
    "Kevin",
    "Carol",
    "Brian",
    "Amanda",
    "George",
    "Melissa",
    "Lucas",
    "Sofia",
    "Hugo",
    "Chloe",
    "Louis",
    "Camille",
    "Luca",
    "Giulia",
    "Hans",
    "Ingrid",
    "Pierre",
    "Claire",
    "Yuki",
    "Haruto",
    "Mei",
    "Jun",
    "Priya",
    "Arjun",
    "Olga",
    "Sven",
    "Fatima",
    "Omar",
];

const LAST_NAMES: &[&str] = &[
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Miller",
    "Davis",
    "Wilson",
    "Anderson",
    "Taylor",
    "Thomas",
    "Moore",
    "Jackson",
    "Martin",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Green",
    "Baker",
    "Adams",
    "Nelson",
    "Hill",
    "Campbell",
    "Mitchell",
    "Roberts",
    "Carter",
    "Phillips",
    "Evans",
    "Turner",
    "Parker",
    "Collins",
    "Edwards",
    "Stewart",
    "Morris",
    "Murphy",
    "Cook",
    "Rogers",
    "Dubois",
    "Lefebvre",
    "Rossi",
    "Bianchi",
    "Schneider",
    "Fischer",
    "Weber",
    "Tanaka",
    "Suzuki",
    "Watanabe",
    "Sato",
    "Nakamura",
    "Kowalski",
    "Nowak",
    "Jensen",
    "Nielsen",
    "Lindqvist",
    "Daniels",
    "Okafor",
    "Mensah",
];

/// Makes one variant of a name's tokens, or none when it does not apply.
type Maker = fn(&[String], &mut Mix) -> Option<String>;

/// A small deterministic generator (SplitMix64).
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % (n.max(1) as u64)) as usize
    }
}

/// Builds the set: up to `positives` variants of listed persons' primary
/// names and `negatives` common names.
pub fn variant_set(
    lists: &[SanctionsList],
    positives: usize,
    negatives: usize,
    seed: u64,
) -> Vec<Labelled> {
    let mut mix = Mix(seed);
    let people: Vec<(&str, &str, &str)> = lists
        .iter()
        .flat_map(|l| l.entries.iter().map(move |e| (l, e)))
        .filter(|(_, e)| e.kind == EntityKind::Person)
        .filter_map(|(l, e)| {
            let name = e.names.first()?;
            (normalize(name).tokens.len() >= 2).then_some((
                l.name.as_str(),
                e.entry_id.as_str(),
                name.as_str(),
            ))
        })
        .collect();
    let mut set = Vec::with_capacity(positives + negatives);
    let makers: [(&'static str, Maker); 6] = [
        ("swapped", swapped),
        ("dropped_middle", dropped_middle),
        ("typo", typo),
        ("diacritics", diacritics),
        ("transliteration", transliteration),
        ("cyrillic", cyrillic),
    ];
    let mut attempts = 0;
    while set.len() < positives && attempts < positives * 20 && !people.is_empty() {
        attempts += 1;
        let (list, id, name) = people[mix.below(people.len())];
        let tokens: Vec<String> = name
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect();
        let (variant, make) = makers[set.len() % makers.len()];
        if let Some(query) = make(&tokens, &mut mix) {
            set.push(Labelled {
                query,
                variant,
                expected: Some((list.to_owned(), id.to_owned())),
            });
        }
    }
    let listed: std::collections::HashSet<Vec<String>> = lists
        .iter()
        .flat_map(|l| l.entries.iter())
        .flat_map(|e| e.names.iter())
        .map(|n| {
            let mut t = normalize(n).tokens;
            t.sort();
            t
        })
        .collect();
    let mut made = 0;
    while made < negatives && made < FIRST_NAMES.len() * LAST_NAMES.len() {
        let query = format!(
            "{} {}",
            FIRST_NAMES[mix.below(FIRST_NAMES.len())],
            LAST_NAMES[mix.below(LAST_NAMES.len())]
        );
        let mut t = normalize(&query).tokens;
        t.sort();
        if listed.contains(&t) {
            continue;
        }
        made += 1;
        set.push(Labelled {
            query,
            variant: "common_name",
            expected: None,
        });
    }
    set
}

fn swapped(t: &[String], _: &mut Mix) -> Option<String> {
    let mut t = t.to_vec();
    t.reverse();
    Some(t.join(" "))
}

fn dropped_middle(t: &[String], mix: &mut Mix) -> Option<String> {
    if t.len() < 3 {
        return None;
    }
    let drop = 1 + mix.below(t.len() - 2);
    Some(
        t.iter()
            .enumerate()
            .filter(|(i, _)| *i != drop)
            .map(|(_, s)| s.as_str())
            .collect::<Vec<_>>()
            .join(" "),
    )
}

fn typo(t: &[String], mix: &mut Mix) -> Option<String> {
    let long: Vec<usize> = (0..t.len())
        .filter(|&i| t[i].chars().count() >= 5)
        .collect();
    let &i = long.get(mix.below(long.len()))?;
    let mut chars: Vec<char> = t[i].chars().collect();
    let at = 1 + mix.below(chars.len() - 2);
    match mix.below(3) {
        0 => chars.swap(at, at + 1),
        1 => {
            chars.remove(at);
        }
        _ => chars.insert(at, chars[at]),
    }
    let mut out = t.to_vec();
    out[i] = chars.into_iter().collect();
    Some(out.join(" "))
}

fn diacritics(t: &[String], _: &mut Mix) -> Option<String> {
    let joined = t.join(" ");
    let out: String = joined
        .chars()
        .map(|c| match c {
            'a' => 'á',
            'A' => 'Â',
            'e' => 'é',
            'E' => 'È',
            'i' => 'ï',
            'I' => 'Í',
            'o' => 'ö',
            'O' => 'Ó',
            'u' => 'ü',
            'U' => 'Ú',
            'n' => 'ñ',
            'c' => 'ç',
            other => other,
        })
        .collect();
    (out != joined).then_some(out)
}

fn transliteration(t: &[String], _: &mut Mix) -> Option<String> {
    let joined = t.join(" ").to_uppercase();
    let rules: [(&str, &str); 12] = [
        ("MUHAMMAD", "MOHAMED"),
        ("MOHAMMED", "MUHAMMAD"),
        ("MOHAMMAD", "MUHAMMED"),
        ("QA", "KA"),
        ("DH", "D"),
        ("OU", "U"),
        ("EE", "I"),
        ("SH", "SCH"),
        ("KH", "H"),
        ("YU", "IU"),
        ("AA", "A"),
        ("J", "DJ"),
    ];
    let mut out = joined.clone();
    for (from, to) in rules {
        if out.contains(from) {
            out = out.replacen(from, to, 1);
            break;
        }
    }
    (out != joined).then_some(out)
}

fn cyrillic(t: &[String], _: &mut Mix) -> Option<String> {
    let joined = t.join(" ").to_uppercase();
    let mut out = String::with_capacity(joined.len() * 2);
    let mut chars = joined.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let two = |s: &str| s.to_owned();
        let mapped = match (c, next) {
            ('S', Some('H')) | ('K', Some('H')) | ('Z', Some('H')) | ('C', Some('H')) => {
                chars.next();
                two(match c {
                    'S' => "Ш",
                    'K' => "Х",
                    'Z' => "Ж",
                    _ => "Ч",
                })
            }
            _ => match c {
                'A' => "А",
                'B' => "Б",
                'V' | 'W' => "В",
                'G' => "Г",
                'D' => "Д",
                'E' => "Е",
                'Z' => "З",
                'I' => "И",
                'Y' => "Й",
                'K' | 'Q' | 'C' => "К",
                'L' => "Л",
                'M' => "М",
                'N' => "Н",
                'O' => "О",
                'P' => "П",
                'R' => "Р",
                'S' => "С",
                'T' => "Т",
                'U' => "У",
                'F' => "Ф",
                'H' => "Х",
                'J' => "Дж",
                'X' => "Кс",
                _ => "",
            }
            .to_owned(),
        };
        if mapped.is_empty() {
            out.push(c);
        } else {
            out.push_str(&mapped);
        }
    }
    Some(out)
}

/// Screens every labelled query and counts.
pub fn evaluate(screener: &Screener, set: &[Labelled], thresholds: &Thresholds) -> Metrics {
    let mut m = Metrics::default();
    for item in set {
        let query = Query {
            name: &item.query,
            kind: None,
            country: None,
            date_of_birth: None,
        };
        let Ok(s) = screener.screen(&query, thresholds) else {
            continue;
        };
        let flagged = s.decision != Decision::Clear;
        match &item.expected {
            Some((list, id)) => {
                if flagged
                    && s.matches
                        .iter()
                        .any(|x| &x.list == list && &x.entry_id == id)
                {
                    m.true_positives += 1;
                } else {
                    m.false_negatives += 1;
                }
            }
            None if flagged => m.false_positives += 1,
            None => m.true_negatives += 1,
        }
    }
    m
}
