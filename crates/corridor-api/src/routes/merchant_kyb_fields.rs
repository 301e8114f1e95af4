//! The KYB fields of a merchant as the API reads and shows them:
//! registration number, beneficial owners (`ownership_percent` a number
//! with at most two decimals, kept exactly), the ownership declaration, the
//! fields still missing for the merchant's country and those the operator
//! asked for.

use corridor_services::compliance::{KybChanges, KybInfo, OwnerInput};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A beneficial owner as sent.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnerBody {
    /// Full name.
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// `YYYY-MM-DD`, a real date in the past.
    pub date_of_birth: Option<String>,
    /// ISO 3166-1 alpha-2 (nationality or residence).
    pub country: Option<String>,
    /// Share of ownership or control in percent: more than 0, at most 100,
    /// at most two decimals (`25`, `33.33`). The shares of all owners add
    /// up to at most 100.
    #[schema(value_type = f64, exclusive_minimum = 0, maximum = 100)]
    pub ownership_percent: serde_json::Number,
}

/// A beneficial owner as shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnerObject {
    /// Full name.
    pub name: String,
    /// `YYYY-MM-DD`.
    pub date_of_birth: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
    /// Share in percent (at most two decimals).
    #[schema(value_type = f64)]
    pub ownership_percent: serde_json::Number,
}

/// The KYB part of the merchant object.
#[derive(Debug, Serialize, ToSchema)]
pub struct KybFields {
    /// Company registration number (CN: the unified social credit code).
    pub registration_number: Option<String>,
    /// Beneficial owners.
    pub beneficial_owners: Vec<OwnerObject>,
    /// A declaration standing in for owners at or above the country's
    /// threshold.
    pub ownership_declaration: Option<String>,
    /// Fields the merchant's country requires that are not given yet. An
    /// approval while any of them is missing raises a
    /// `kyb_incomplete_approval` alert; one while a requested field is
    /// missing is refused (409 `kyb_incomplete`).
    pub kyb_missing: Vec<String>,
    /// Fields the operator asked for (`request_info`) and not supplied
    /// since: approval is refused (409 `kyb_incomplete`) until this is empty.
    pub kyb_requested: Vec<String>,
}

/// The percentage as a JSON number: an integer when whole.
fn percent_number(text: &str) -> serde_json::Number {
    text.parse::<u64>()
        .map(serde_json::Number::from)
        .ok()
        .or_else(|| serde_json::from_str::<serde_json::Number>(text).ok())
        .unwrap_or_else(|| serde_json::Number::from(0))
}

impl KybFields {
    pub(crate) fn of(info: &KybInfo, missing: Vec<&'static str>) -> KybFields {
        KybFields {
            registration_number: info.registration_number.clone(),
            beneficial_owners: info
                .owners
                .iter()
                .map(|o| OwnerObject {
                    name: o.name.clone(),
                    date_of_birth: o.date_of_birth.clone(),
                    country: o.country.clone(),
                    ownership_percent: percent_number(&o.percent_text()),
                })
                .collect(),
            ownership_declaration: info.ownership_declaration.clone(),
            kyb_missing: missing.into_iter().map(str::to_owned).collect(),
            kyb_requested: info.requested.clone(),
        }
    }
}

/// The owners as the service reads them: the percentage as written.
pub(crate) fn owner_inputs(owners: Vec<OwnerBody>) -> Vec<OwnerInput> {
    owners
        .into_iter()
        .map(|o| OwnerInput {
            name: o.name,
            date_of_birth: o.date_of_birth,
            country: o.country,
            ownership_percent: o.ownership_percent.to_string(),
        })
        .collect()
}

/// KYB changes from the optional fields of a body.
pub(crate) fn changes(
    registration_number: Option<String>,
    owners: Option<Vec<OwnerBody>>,
    ownership_declaration: Option<String>,
) -> KybChanges {
    KybChanges {
        registration_number,
        owners: owners.map(owner_inputs),
        ownership_declaration,
    }
}
