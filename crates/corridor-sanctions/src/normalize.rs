//! From a name as written to comparable tokens: transliterated to Latin,
//! upper case, punctuation folded, name particles and entity suffixes set
//! apart.

/// The most tokens one name keeps; the rest of an absurdly long name is
/// ignored.
pub const MAX_TOKENS: usize = 12;

/// Particles that vary between renderings of the same name (`AL-QADHAFI`,
/// `Qadhafi`; `BANCO NACIONAL DE CUBA`): never matched on.
const PARTICLES: &[&str] = &[
    "AL", "EL", "UL", "BIN", "BINT", "IBN", "BEN", "DE", "DA", "DI", "DEL", "DES", "DU", "LA",
    "LE", "VAN", "VON", "DER", "DEN", "THE", "OF", "AND", "Y",
];

/// Legal-form suffixes. A name that ends with one is an organization's:
/// "EMMA LLC" must not match the person "Emma Daniels".
const ENTITY_SUFFIXES: &[&str] = &[
    "LLC",
    "LTD",
    "LIMITED",
    "CO",
    "COMPANY",
    "INC",
    "INCORPORATED",
    "CORP",
    "CORPORATION",
    "GMBH",
    "SA",
    "AG",
    "PLC",
    "JSC",
    "OJSC",
    "CJSC",
    "PJSC",
    "OOO",
    "OAO",
    "ZAO",
    "PAO",
    "AO",
    "LLP",
    "LP",
    "BV",
    "NV",
    "SRL",
    "SARL",
    "SAS",
    "SPA",
    "FZE",
    "FZCO",
    "FZC",
    "PTE",
    "PTY",
    "BHD",
    "SDN",
    "KG",
    "AB",
    "OY",
    "CV",
    "SAC",
    "EIRL",
    "KFT",
    "SRO",
    "ZRT",
    "DOO",
    "TOO",
];

/// A name ready for comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormalizedName {
    /// Tokens in their written order, particles and suffixes removed.
    pub tokens: Vec<String>,
    /// The name ended with a legal-form suffix.
    pub is_entity: bool,
}

/// Normalizes a name: transliteration to ASCII (`Qaddāfī` -> `Qaddafi`,
/// `Каддафи` -> `Kaddafi`), upper case, periods and apostrophes dropped
/// (`S.A.` -> `SA`, `O'Brien` -> `OBRIEN`), other punctuation a separator.
pub fn normalize(name: &str) -> NormalizedName {
    let ascii = deunicode::deunicode(name);
    let mut folded = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        match c {
            '.' | '\'' | '`' => {}
            c if c.is_ascii_alphanumeric() => folded.push(c.to_ascii_uppercase()),
            _ => folded.push(' '),
        }
    }
    let mut tokens: Vec<String> = folded
        .split_ascii_whitespace()
        .take(MAX_TOKENS * 2)
        .map(str::to_owned)
        .collect();
    let mut is_entity = false;
    while tokens.len() > 1 {
        let last = tokens.last().map(String::as_str).unwrap_or_default();
        if ENTITY_SUFFIXES.contains(&last) {
            is_entity = true;
            tokens.pop();
        } else if PARTICLES.contains(&last) && is_entity {
            // "S.A. DE C.V.": the particle between two suffixes.
            tokens.pop();
        } else {
            break;
        }
    }
    let kept: Vec<String> = tokens
        .iter()
        .filter(|t| !PARTICLES.contains(&t.as_str()))
        .cloned()
        .collect();
    let mut tokens = if kept.is_empty() { tokens } else { kept };
    tokens.truncate(MAX_TOKENS);
    NormalizedName { tokens, is_entity }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(name: &str) -> Vec<String> {
        normalize(name).tokens
    }

    #[test]
    fn transliterates_and_folds() {
        assert_eq!(tokens("Muammar al-Qaddāfī"), ["MUAMMAR", "QADDAFI"]);
        assert_eq!(tokens("Муаммар Каддафи"), ["MUAMMAR", "KADDAFI"]);
        assert_eq!(tokens("QADHAFI, Muammar"), ["QADHAFI", "MUAMMAR"]);
        assert_eq!(tokens("  o'brien,\tJ. "), ["OBRIEN", "J"]);
    }

    #[test]
    fn sets_entity_suffixes_apart() {
        let n = normalize("EMMA LLC");
        assert_eq!(n.tokens, ["EMMA"]);
        assert!(n.is_entity);
        let n = normalize("CORPORACION PANAMERICANA, S.A. DE C.V.");
        assert_eq!(n.tokens, ["CORPORACION", "PANAMERICANA"]);
        assert!(n.is_entity);
        assert!(!normalize("Emma Daniels").is_entity);
    }

    #[test]
    fn keeps_a_name_made_only_of_particles() {
        assert_eq!(tokens("AL"), ["AL"]);
        assert_eq!(tokens("LLC"), ["LLC"]);
        assert!(tokens("!!!").is_empty());
    }
}
