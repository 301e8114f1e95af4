//! Beneficiaries: bank details validated for their country and currency,
//! screened, stored in full and shown masked.

use corridor_core::payouts::{self, BankAccountInput};
use corridor_core::{CountryCode, Currency};
use corridor_store::{BeneficiaryRecord, PayoutWrite};
use rand::distr::{Alphanumeric, SampleString};

use super::screening::{ScreeningDecision, ScreeningSubject};
use super::{PayoutError, PayoutService};

/// Longest account holder name (ISO 20022 `Max140Text`).
pub const MAX_NAME_CHARS: usize = 140;

/// A new beneficiary as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BeneficiaryInput {
    /// Owner.
    pub merchant_id: String,
    /// Account holder.
    pub name: String,
    /// Country of the account.
    pub country: String,
    /// Currency it receives.
    pub currency: String,
    /// Bank details.
    pub bank_account: BankAccountInput,
    /// Postal address, as JSON (already validated by the caller).
    pub address: Option<String>,
}

/// A beneficiary ready to write.
#[derive(Debug, Clone)]
pub struct PreparedBeneficiary {
    /// The row.
    pub record: BeneficiaryRecord,
    /// The write.
    pub write: PayoutWrite,
}

/// Bank details as stored JSON.
pub fn account_json(fields: &BankAccountInput) -> String {
    let mut map = serde_json::Map::new();
    let mut put = |k: &str, v: &Option<String>| {
        if let Some(v) = v {
            map.insert(k.to_string(), serde_json::Value::String(v.clone()));
        }
    };
    put("iban", &fields.iban);
    put("bic", &fields.bic);
    put("account_number", &fields.account_number);
    put("routing_number", &fields.routing_number);
    put("sort_code", &fields.sort_code);
    put("ifsc", &fields.ifsc);
    put("bank_code", &fields.bank_code);
    put("branch_code", &fields.branch_code);
    put("clabe", &fields.clabe);
    put("account_type", &fields.account_type);
    put("bsb", &fields.bsb);
    put("transit_number", &fields.transit_number);
    put("institution_number", &fields.institution_number);
    put("cpf_cnpj", &fields.cpf_cnpj);
    serde_json::Value::Object(map).to_string()
}

/// Stored JSON back into fields.
pub fn account_fields(json: &str) -> BankAccountInput {
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
    let get = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    BankAccountInput {
        iban: get("iban"),
        bic: get("bic"),
        account_number: get("account_number"),
        routing_number: get("routing_number"),
        sort_code: get("sort_code"),
        ifsc: get("ifsc"),
        bank_code: get("bank_code"),
        branch_code: get("branch_code"),
        clabe: get("clabe"),
        account_type: get("account_type"),
        bsb: get("bsb"),
        transit_number: get("transit_number"),
        institution_number: get("institution_number"),
        cpf_cnpj: get("cpf_cnpj"),
    }
}

impl PayoutService {
    /// Validates and screens a beneficiary and prepares its write.
    pub fn prepare_beneficiary(
        &self,
        input: BeneficiaryInput,
        now: corridor_core::Timestamp,
    ) -> Result<PreparedBeneficiary, PayoutError> {
        let name = input.name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
            return Err(PayoutError::invalid(
                "name",
                "parameter_invalid",
                format!("name must be 1-{MAX_NAME_CHARS} characters"),
            ));
        }
        let country = CountryCode::parse(&input.country)
            .map_err(|e| PayoutError::invalid("country", "country_invalid", e.to_string()))?;
        let currency = Currency::parse(&input.currency)
            .map_err(|e| PayoutError::invalid("currency", "currency_invalid", e.to_string()))?;
        let account = payouts::validate(country, currency, &input.bank_account)
            .map_err(|e| PayoutError::invalid(e.field, e.code, e.message))?;
        let id = format!("ben_{}", Alphanumeric.sample_string(&mut rand::rng(), 24));
        let subject = ScreeningSubject {
            name: name.to_string(),
            country: country.as_str().to_string(),
            beneficiary_id: id.clone(),
            merchant_id: input.merchant_id.clone(),
        };
        if let ScreeningDecision::Blocked { code, message } = self.screening.screen(&subject) {
            return Err(PayoutError::Blocked { code, message });
        }
        let record = BeneficiaryRecord {
            id,
            merchant_id: input.merchant_id,
            name: name.to_string(),
            country: country.as_str().to_string(),
            currency,
            scheme: account.scheme.code().to_string(),
            bank_account: account_json(&account.fields),
            address: input.address,
            created_at: now,
        };
        Ok(PreparedBeneficiary {
            write: PayoutWrite {
                beneficiary: Some(record.clone()),
                ..PayoutWrite::default()
            },
            record,
        })
    }

    /// A beneficiary, if the merchant owns it (`None`: any merchant).
    pub async fn beneficiary(
        &self,
        id: &str,
        merchant: Option<&str>,
    ) -> Result<BeneficiaryRecord, PayoutError> {
        match self.store.beneficiary(id).await? {
            Some(b) if merchant.is_none_or(|m| m == b.merchant_id) => Ok(b),
            _ => Err(PayoutError::NotFound {
                kind: "beneficiary",
                id: id.to_string(),
            }),
        }
    }
}
