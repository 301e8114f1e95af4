//! Which KYB information each country requires, as data
//! (`data/kyb_requirements.json`, embedded): the fields, how the
//! registration number is checked and the ownership share from which an
//! owner counts, each group with its source. Countries the file does not
//! name take its default.

use std::sync::OnceLock;

use serde::Deserialize;

use super::owners::BeneficialOwner;
use super::uscc;
use crate::compliance::ComplianceError;

/// The embedded requirements.
const DATA: &str = include_str!("../../../data/kyb_requirements.json");

/// Longest registration number, in characters.
pub const MAX_REGISTRATION_CHARS: usize = 50;

/// A piece of KYB information a country may require.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The company's registration number.
    RegistrationNumber,
    /// An owner at or above the threshold, or a declaration.
    BeneficialOwners,
    /// The website.
    Website,
    /// At least one marketplace store id.
    MarketplaceStoreIds,
}

impl Field {
    /// Every field, in the order `kyb_missing` lists them.
    pub const ALL: [Field; 4] = [
        Field::RegistrationNumber,
        Field::BeneficialOwners,
        Field::Website,
        Field::MarketplaceStoreIds,
    ];

    /// The API's name of the field.
    pub fn name(self) -> &'static str {
        match self {
            Field::RegistrationNumber => "registration_number",
            Field::BeneficialOwners => "beneficial_owners",
            Field::Website => "website",
            Field::MarketplaceStoreIds => "marketplace_store_ids",
        }
    }

    /// The field of an API name.
    pub fn parse(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// How a registration number is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistrationFormat {
    /// Printable text: letters, digits, spaces and `-./`.
    Text,
    /// China's unified social credit code (GB 32100-2015).
    CnUscc,
}

/// What one country requires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryRequirements {
    /// Required fields.
    pub required: Vec<Field>,
    /// How the registration number is checked.
    pub registration_format: RegistrationFormat,
    /// The share (basis points) from which an owner counts.
    pub owner_threshold_bps: u32,
    /// Where the rule comes from.
    pub source: String,
}

/// What a merchant has given, as the requirements see it.
#[derive(Debug, Clone, Copy)]
pub struct Supplied<'a> {
    /// Registration number.
    pub registration_number: Option<&'a str>,
    /// Beneficial owners.
    pub owners: &'a [BeneficialOwner],
    /// An ownership declaration.
    pub declaration: Option<&'a str>,
    /// Website.
    pub website: Option<&'a str>,
    /// Marketplace store ids.
    pub marketplace_store_ids: &'a [String],
}

impl CountryRequirements {
    /// The required fields not supplied, by API name.
    pub fn missing(&self, s: &Supplied<'_>) -> Vec<&'static str> {
        self.required
            .iter()
            .filter(|f| match f {
                Field::RegistrationNumber => s.registration_number.is_none(),
                Field::BeneficialOwners => {
                    s.declaration.is_none()
                        && !s
                            .owners
                            .iter()
                            .any(|o| o.ownership_bps >= self.owner_threshold_bps)
                }
                Field::Website => s.website.is_none(),
                Field::MarketplaceStoreIds => s.marketplace_store_ids.is_empty(),
            })
            .map(|f| f.name())
            .collect()
    }

    /// Checks a registration number for this country; returns it as stored
    /// (trimmed; a unified social credit code in upper case).
    pub fn registration_number(&self, value: &str) -> Result<String, ComplianceError> {
        let param = "registration_number";
        let trimmed = value.trim();
        let invalid = |message: &str| {
            ComplianceError::invalid(param, "registration_number_invalid", message.to_owned())
        };
        if trimmed.is_empty() || trimmed.chars().count() > MAX_REGISTRATION_CHARS {
            return Err(invalid(&format!(
                "registration_number must be 1-{MAX_REGISTRATION_CHARS} characters"
            )));
        }
        match self.registration_format {
            RegistrationFormat::Text => {
                let allowed = |c: char| c.is_alphanumeric() || matches!(c, ' ' | '-' | '.' | '/');
                if !trimmed.chars().all(allowed) || !trimmed.chars().any(char::is_alphanumeric) {
                    return Err(invalid(
                        "registration_number holds letters, digits, spaces and - . / only",
                    ));
                }
                Ok(trimmed.to_owned())
            }
            RegistrationFormat::CnUscc => {
                let code = trimmed.to_ascii_uppercase();
                uscc::validate(&code).map_err(|e| invalid(e.message()))?;
                Ok(code)
            }
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    required: Vec<String>,
    registration_number_format: String,
    owner_threshold_percent: u32,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    name: String,
    countries: Vec<String>,
    required: Vec<String>,
    registration_number_format: String,
    owner_threshold_percent: u32,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    fields: Vec<String>,
    default: RawRule,
    groups: Vec<RawGroup>,
}

/// The requirements: the default and each named country's.
#[derive(Debug, Clone)]
pub struct Requirements {
    default: CountryRequirements,
    countries: Vec<(String, CountryRequirements)>,
}

fn rule(raw: RawRule, at: &str) -> Result<CountryRequirements, String> {
    let mut required = Vec::new();
    for name in &raw.required {
        let field = Field::parse(name).ok_or_else(|| format!("{at}: unknown field {name}"))?;
        if required.contains(&field) {
            return Err(format!("{at}: {name} twice"));
        }
        required.push(field);
    }
    let registration_format = match raw.registration_number_format.as_str() {
        "text" => RegistrationFormat::Text,
        "cn_uscc" => RegistrationFormat::CnUscc,
        other => return Err(format!("{at}: unknown registration number format {other}")),
    };
    if !(1..=100).contains(&raw.owner_threshold_percent) {
        return Err(format!("{at}: owner threshold must be 1-100%"));
    }
    if raw.source.trim().is_empty() {
        return Err(format!("{at}: no source"));
    }
    Ok(CountryRequirements {
        required,
        registration_format,
        owner_threshold_bps: raw.owner_threshold_percent * 100,
        source: raw.source,
    })
}

impl Requirements {
    /// Parses and checks a requirements document: known fields and formats,
    /// real countries each named once, a source for every rule.
    pub fn parse(text: &str) -> Result<Requirements, String> {
        let raw: RawFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let names: Vec<&str> = Field::ALL.iter().map(|f| f.name()).collect();
        if raw.fields != names {
            return Err(format!("fields must be {names:?}"));
        }
        let default = rule(raw.default, "default")?;
        let mut countries: Vec<(String, CountryRequirements)> = Vec::new();
        for group in raw.groups {
            let parsed = rule(
                RawRule {
                    required: group.required,
                    registration_number_format: group.registration_number_format,
                    owner_threshold_percent: group.owner_threshold_percent,
                    source: group.source,
                },
                &group.name,
            )?;
            for c in group.countries {
                let code = corridor_core::CountryCode::parse(&c)
                    .map_err(|_| format!("{}: unknown country {c}", group.name))?;
                if code.as_str() != c || countries.iter().any(|(k, _)| *k == c) {
                    return Err(format!(
                        "{}: country {c} not upper case or named twice",
                        group.name
                    ));
                }
                countries.push((c, parsed.clone()));
            }
        }
        Ok(Requirements { default, countries })
    }

    /// What a country (ISO 3166-1 alpha-2, upper case) requires.
    pub fn of(&self, country: &str) -> &CountryRequirements {
        self.countries
            .iter()
            .find(|(c, _)| c == country)
            .map_or(&self.default, |(_, r)| r)
    }
}

/// The embedded requirements (parsed once; a unit test proves they parse).
pub fn requirements() -> &'static Requirements {
    static PARSED: OnceLock<Requirements> = OnceLock::new();
    PARSED.get_or_init(|| {
        Requirements::parse(DATA).unwrap_or_else(|e| {
            tracing::error!(error = %e, "the embedded KYB requirements do not parse");
            Requirements {
                default: CountryRequirements {
                    required: Field::ALL.to_vec(),
                    registration_format: RegistrationFormat::Text,
                    owner_threshold_bps: 2_500,
                    source: "fallback: every field".into(),
                },
                countries: Vec::new(),
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner(bps: u32) -> BeneficialOwner {
        BeneficialOwner {
            name: "Wang Fang".into(),
            date_of_birth: None,
            country: None,
            ownership_bps: bps,
        }
    }

    fn supplied<'a>(owners: &'a [BeneficialOwner], stores: &'a [String]) -> Supplied<'a> {
        Supplied {
            registration_number: None,
            owners,
            declaration: None,
            website: None,
            marketplace_store_ids: stores,
        }
    }

    #[test]
    fn the_embedded_file_parses() {
        let r = Requirements::parse(DATA).unwrap();
        assert_eq!(r.countries.len(), 33);
        assert_eq!(r.of("CN").registration_format, RegistrationFormat::CnUscc);
        assert_eq!(r.of("DE").owner_threshold_bps, 2_500);
        assert!(r.of("FR").required.contains(&Field::Website));
        assert!(r.of("GB").required.contains(&Field::BeneficialOwners));
        assert_eq!(r.of("BR"), &r.default);
        assert!(!r.default.source.is_empty());
    }

    #[test]
    fn missing_fields_per_country() {
        let r = requirements();
        let none = supplied(&[], &[]);
        assert_eq!(
            r.of("CN").missing(&none),
            [
                "registration_number",
                "beneficial_owners",
                "marketplace_store_ids"
            ]
        );
        assert_eq!(
            r.of("DE").missing(&none),
            ["registration_number", "beneficial_owners", "website"]
        );
        assert_eq!(
            r.of("BR").missing(&none),
            ["registration_number", "beneficial_owners"]
        );
        let small = [owner(2_499)];
        let stores = ["amazon:A1B2C3".to_owned()];
        let mut s = supplied(&small, &stores);
        s.registration_number = Some("91110000600037341L");
        assert_eq!(r.of("CN").missing(&s), ["beneficial_owners"]);
        let enough = [owner(2_499), owner(2_500)];
        s.owners = &enough;
        assert!(r.of("CN").missing(&s).is_empty());
        s.owners = &small;
        s.declaration = Some(
            "No natural person holds 25% or more; the managing director controls the company.",
        );
        assert!(r.of("CN").missing(&s).is_empty());
    }

    #[test]
    fn registration_numbers_are_checked_per_country() {
        let r = requirements();
        assert_eq!(
            r.of("CN")
                .registration_number(" 91110000600037341l ")
                .unwrap(),
            "91110000600037341L"
        );
        for bad in ["91110000600037341M", "9111000060003734", "", "   "] {
            let e = r.of("CN").registration_number(bad).unwrap_err();
            assert!(
                matches!(&e, ComplianceError::Invalid { param, .. } if param == "registration_number"),
                "{bad}: {e:?}"
            );
        }
        assert_eq!(
            r.of("GB").registration_number("SC123456").unwrap(),
            "SC123456"
        );
        assert_eq!(
            r.of("DE").registration_number("HRB 12345 B").unwrap(),
            "HRB 12345 B"
        );
        assert!(r.of("DE").registration_number("HRB<script>").is_err());
        assert!(r.of("DE").registration_number("---").is_err());
        assert!(r.of("DE").registration_number(&"1".repeat(51)).is_err());
    }

    #[test]
    fn bad_documents_are_refused() {
        let ok = r#"{"fields": ["registration_number", "beneficial_owners", "website", "marketplace_store_ids"],
            "default": {"required": [], "registration_number_format": "text", "owner_threshold_percent": 25, "source": "s"},
            "groups": [GROUP]}"#;
        let group = |g: &str| ok.replace("GROUP", g);
        assert!(Requirements::parse(&group("")).is_ok());
        for bad in [
            r#"{"name": "x", "countries": ["ZZ"], "required": [], "registration_number_format": "text", "owner_threshold_percent": 25, "source": "s"}"#,
            r#"{"name": "x", "countries": ["de"], "required": [], "registration_number_format": "text", "owner_threshold_percent": 25, "source": "s"}"#,
            r#"{"name": "x", "countries": ["DE", "DE"], "required": [], "registration_number_format": "text", "owner_threshold_percent": 25, "source": "s"}"#,
            r#"{"name": "x", "countries": ["DE"], "required": ["tax_id"], "registration_number_format": "text", "owner_threshold_percent": 25, "source": "s"}"#,
            r#"{"name": "x", "countries": ["DE"], "required": [], "registration_number_format": "iban", "owner_threshold_percent": 25, "source": "s"}"#,
            r#"{"name": "x", "countries": ["DE"], "required": [], "registration_number_format": "text", "owner_threshold_percent": 0, "source": "s"}"#,
            r#"{"name": "x", "countries": ["DE"], "required": [], "registration_number_format": "text", "owner_threshold_percent": 25, "source": " "}"#,
        ] {
            assert!(Requirements::parse(&group(bad)).is_err(), "{bad}");
        }
    }
}
