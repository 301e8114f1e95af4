//! A merchant's KYB information: registration number, beneficial owners
//! (or a declaration that none reaches the threshold), and the fields the
//! operator asked for; which of them each country requires
//! (`requirements.rs`, from data), how owners are checked (`owners.rs`) and
//! China's unified social credit code (`uscc.rs`).

pub mod owners;
pub mod requirements;
pub mod uscc;

use corridor_store::{MerchantKybRecord, MerchantRecord};

pub use owners::{BeneficialOwner, OwnerInput};
pub use requirements::{requirements, CountryRequirements, Field, Supplied};

use super::screen::{check_text, MAX_REASON_CHARS};
use super::ComplianceError;

/// A merchant's KYB information as the services use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KybInfo {
    /// Registration number.
    pub registration_number: Option<String>,
    /// Beneficial owners.
    pub owners: Vec<BeneficialOwner>,
    /// A declaration standing in for owners at or above the threshold.
    pub ownership_declaration: Option<String>,
    /// Fields the operator asked for and not supplied since.
    pub requested: Vec<String>,
    /// The stored version (0: nothing stored).
    pub version: i64,
}

impl KybInfo {
    /// The information of a stored row (`None`: nothing given yet).
    pub fn of(record: Option<&MerchantKybRecord>) -> KybInfo {
        match record {
            None => KybInfo {
                registration_number: None,
                owners: Vec::new(),
                ownership_declaration: None,
                requested: Vec::new(),
                version: 0,
            },
            Some(r) => KybInfo {
                registration_number: r.registration_number.clone(),
                owners: owners::from_json(&r.beneficial_owners),
                ownership_declaration: r.ownership_declaration.clone(),
                requested: serde_json::from_str(&r.requested).unwrap_or_default(),
                version: r.version,
            },
        }
    }

    /// The row to store for `merchant`.
    pub fn record(&self, merchant: &str, now: corridor_core::Timestamp) -> MerchantKybRecord {
        MerchantKybRecord {
            merchant_id: merchant.to_owned(),
            registration_number: self.registration_number.clone(),
            beneficial_owners: owners::to_json(&self.owners),
            ownership_declaration: self.ownership_declaration.clone(),
            requested: serde_json::Value::from(self.requested.clone()).to_string(),
            version: self.version,
            updated_at: now,
        }
    }

    /// The fields the merchant's country requires that are not given.
    pub fn missing(&self, merchant: &MerchantRecord) -> Vec<&'static str> {
        requirements().of(&merchant.country).missing(&Supplied {
            registration_number: self.registration_number.as_deref(),
            owners: &self.owners,
            declaration: self.ownership_declaration.as_deref(),
            website: merchant.website.as_deref(),
            marketplace_store_ids: &merchant.marketplace_store_ids,
        })
    }
}

/// Checks an ownership declaration (1-1,000 printable characters).
pub fn check_declaration(value: &str) -> Result<String, ComplianceError> {
    check_text("ownership_declaration", value, MAX_REASON_CHARS)?;
    Ok(value.trim().to_owned())
}

/// Checks the fields an information request names: known names, each
/// once.
pub fn check_requested(fields: &[String]) -> Result<Vec<String>, ComplianceError> {
    let mut out: Vec<String> = Vec::new();
    for (i, f) in fields.iter().enumerate() {
        if Field::parse(f).is_none() {
            let names: Vec<&str> = Field::ALL.iter().map(|f| f.name()).collect();
            return Err(ComplianceError::invalid(
                &format!("fields[{i}]"),
                "parameter_invalid",
                format!("fields holds {}", names.join(", ")),
            ));
        }
        if !out.contains(f) {
            out.push(f.clone());
        }
    }
    Ok(out)
}

/// Today's date by the store's clock.
pub fn today(now: corridor_core::Timestamp) -> time::Date {
    let seconds = now.unix_micros().div_euclid(1_000_000);
    time::OffsetDateTime::from_unix_timestamp(seconds)
        .map(|t| t.date())
        .unwrap_or(time::Date::MIN)
}
