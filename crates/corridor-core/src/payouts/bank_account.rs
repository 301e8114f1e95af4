//! A beneficiary's bank account, validated for its country and currency.
//!
//! The scheme follows the country and the currency: a local scheme where the
//! currency is the country's own and a national clearing system exists (US
//! ABA, UK sort code, India IFSC, China CNAPS, Japan Zengin, Australia BSB,
//! Canada transit/institution, Mexico CLABE, Brazil bank/branch/CPF-CNPJ),
//! an IBAN in the other IBAN countries, and SWIFT (BIC plus account number)
//! for the rest.

use super::checks;
use super::iban::{parse_iban, registry};
use super::DetailError;
use crate::{CountryCode, Currency};

/// The fields a caller may give; which are required depends on the scheme.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BankAccountInput {
    /// IBAN.
    pub iban: Option<String>,
    /// BIC (ISO 9362).
    pub bic: Option<String>,
    /// Account number.
    pub account_number: Option<String>,
    /// US ABA routing number.
    pub routing_number: Option<String>,
    /// UK sort code.
    pub sort_code: Option<String>,
    /// India IFSC.
    pub ifsc: Option<String>,
    /// China CNAPS code, Japan Zengin bank code, Brazil bank (COMPE) code.
    pub bank_code: Option<String>,
    /// Japan Zengin branch code, Brazil branch (agência).
    pub branch_code: Option<String>,
    /// Mexico CLABE.
    pub clabe: Option<String>,
    /// US account type: `checking` or `savings`.
    pub account_type: Option<String>,
    /// Australia BSB.
    pub bsb: Option<String>,
    /// Canada transit number.
    pub transit_number: Option<String>,
    /// Canada institution number.
    pub institution_number: Option<String>,
    /// Brazil CPF or CNPJ of the account holder.
    pub cpf_cnpj: Option<String>,
}

/// How an account is identified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// IBAN (with BIC where given).
    Iban,
    /// US ABA routing number and account number.
    UsAba,
    /// UK sort code and account number.
    UkSortCode,
    /// India IFSC and account number.
    InIfsc,
    /// China CNAPS code and account number.
    CnCnaps,
    /// Japan Zengin bank and branch codes and account number.
    JpZengin,
    /// Australia BSB and account number.
    AuBsb,
    /// Canada institution and transit numbers and account number.
    CaTransit,
    /// Mexico CLABE.
    MxClabe,
    /// Brazil bank, branch, account number and CPF/CNPJ.
    BrBank,
    /// SWIFT: BIC and account number.
    Swift,
}

impl Scheme {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Scheme::Iban => "iban",
            Scheme::UsAba => "us_aba",
            Scheme::UkSortCode => "gb_sort_code",
            Scheme::InIfsc => "in_ifsc",
            Scheme::CnCnaps => "cn_cnaps",
            Scheme::JpZengin => "jp_zengin",
            Scheme::AuBsb => "au_bsb",
            Scheme::CaTransit => "ca_transit",
            Scheme::MxClabe => "mx_clabe",
            Scheme::BrBank => "br_bank",
            Scheme::Swift => "swift",
        }
    }

    /// Parses a stored code.
    pub fn parse(code: &str) -> Option<Scheme> {
        [
            Scheme::Iban,
            Scheme::UsAba,
            Scheme::UkSortCode,
            Scheme::InIfsc,
            Scheme::CnCnaps,
            Scheme::JpZengin,
            Scheme::AuBsb,
            Scheme::CaTransit,
            Scheme::MxClabe,
            Scheme::BrBank,
            Scheme::Swift,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
}

/// A validated account: the same fields in canonical form, and the scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankAccount {
    /// The scheme the fields were validated under.
    pub scheme: Scheme,
    /// Canonical fields (only those of the scheme, plus a BIC where given).
    pub fields: BankAccountInput,
}

/// Currencies that only their own country receives (not deliverable
/// offshore through a bank transfer): onshore renminbi, rupee, real, won.
const ONSHORE_ONLY: &[(&str, &str)] = &[("CNY", "CN"), ("INR", "IN"), ("BRL", "BR"), ("KRW", "KR")];

/// Currencies correspondent banks deliver anywhere (SWIFT majors).
const SWIFT_MAJORS: &[&str] = &[
    "USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD", "HKD", "SGD", "NZD", "SEK", "NOK", "DKK",
];

/// Whether a bank account in `country` can receive `currency`: its own
/// currency, or a SWIFT major; onshore-only currencies only at home.
pub fn receivable(country: CountryCode, currency: Currency) -> bool {
    if let Some((_, home)) = ONSHORE_ONLY.iter().find(|(c, _)| *c == currency.code()) {
        return *home == country.as_str();
    }
    currency.is_used_in(country) || SWIFT_MAJORS.contains(&currency.code())
}

/// The scheme for an account in `country` receiving `currency`.
pub fn scheme_for(country: CountryCode, currency: Currency, input: &BankAccountInput) -> Scheme {
    let local = currency.is_used_in(country);
    let by_country = match country.as_str() {
        "US" => Some(Scheme::UsAba),
        "GB" if input.iban.is_none() => Some(Scheme::UkSortCode),
        "IN" => Some(Scheme::InIfsc),
        "CN" => Some(Scheme::CnCnaps),
        "JP" => Some(Scheme::JpZengin),
        "AU" => Some(Scheme::AuBsb),
        "CA" => Some(Scheme::CaTransit),
        "MX" => Some(Scheme::MxClabe),
        "BR" => Some(Scheme::BrBank),
        _ => None,
    };
    match by_country {
        Some(scheme) if local => scheme,
        _ if registry().contains_key(country.as_str()) => Scheme::Iban,
        _ => Scheme::Swift,
    }
}

fn required<'a>(
    field: &'static str,
    value: &'a Option<String>,
    why: &str,
) -> Result<&'a str, DetailError> {
    match value.as_deref().map(str::trim) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(DetailError::new(
            field,
            "parameter_missing",
            format!("{field} is required {why}"),
        )),
    }
}

/// The fields a scheme takes; anything else given is refused, so a caller
/// never believes a field was used when it was not.
fn allowed(scheme: Scheme) -> &'static [&'static str] {
    match scheme {
        Scheme::Iban => &["iban", "bic"],
        Scheme::UsAba => &["routing_number", "account_number", "account_type", "bic"],
        Scheme::UkSortCode => &["sort_code", "account_number", "bic"],
        Scheme::InIfsc => &["ifsc", "account_number", "bic"],
        Scheme::CnCnaps => &["bank_code", "account_number", "bic"],
        Scheme::JpZengin => &["bank_code", "branch_code", "account_number", "bic"],
        Scheme::AuBsb => &["bsb", "account_number", "bic"],
        Scheme::CaTransit => &[
            "transit_number",
            "institution_number",
            "account_number",
            "bic",
        ],
        Scheme::MxClabe => &["clabe", "bic"],
        Scheme::BrBank => &[
            "bank_code",
            "branch_code",
            "account_number",
            "cpf_cnpj",
            "bic",
        ],
        Scheme::Swift => &["bic", "account_number"],
    }
}

fn given(input: &BankAccountInput) -> Vec<(&'static str, bool)> {
    vec![
        ("iban", input.iban.is_some()),
        ("bic", input.bic.is_some()),
        ("account_number", input.account_number.is_some()),
        ("routing_number", input.routing_number.is_some()),
        ("sort_code", input.sort_code.is_some()),
        ("ifsc", input.ifsc.is_some()),
        ("bank_code", input.bank_code.is_some()),
        ("branch_code", input.branch_code.is_some()),
        ("clabe", input.clabe.is_some()),
        ("account_type", input.account_type.is_some()),
        ("bsb", input.bsb.is_some()),
        ("transit_number", input.transit_number.is_some()),
        ("institution_number", input.institution_number.is_some()),
        ("cpf_cnpj", input.cpf_cnpj.is_some()),
    ]
}

/// The JSON path of a bank account field, for errors.
fn path(field: &str) -> &'static str {
    match field {
        "iban" => "bank_account.iban",
        "bic" => "bank_account.bic",
        "account_number" => "bank_account.account_number",
        "routing_number" => "bank_account.routing_number",
        "sort_code" => "bank_account.sort_code",
        "ifsc" => "bank_account.ifsc",
        "bank_code" => "bank_account.bank_code",
        "branch_code" => "bank_account.branch_code",
        "clabe" => "bank_account.clabe",
        "account_type" => "bank_account.account_type",
        "bsb" => "bank_account.bsb",
        "transit_number" => "bank_account.transit_number",
        "institution_number" => "bank_account.institution_number",
        _ => "bank_account.cpf_cnpj",
    }
}

/// Validates the account for a beneficiary in `country` receiving `currency`.
pub fn validate(
    country: CountryCode,
    currency: Currency,
    input: &BankAccountInput,
) -> Result<BankAccount, DetailError> {
    if !receivable(country, currency) {
        return Err(DetailError::new(
            "currency",
            "currency_not_receivable",
            format!(
                "a bank account in {} cannot receive {} by bank transfer",
                country.as_str(),
                currency.code()
            ),
        ));
    }
    let scheme = scheme_for(country, currency, input);
    let ok_fields = allowed(scheme);
    if let Some((field, _)) = given(input)
        .into_iter()
        .find(|(f, present)| *present && !ok_fields.contains(f))
    {
        return Err(DetailError::new(
            path(field),
            "parameter_unexpected",
            format!(
                "{field} is not used for a {} account in {} (scheme {}; fields: {})",
                currency.code(),
                country.as_str(),
                scheme.code(),
                ok_fields.join(", ")
            ),
        ));
    }
    let mut out = BankAccountInput::default();
    if let Some(bic) = &input.bic {
        let (bic, bic_country) = checks::bic("bank_account.bic", bic)?;
        // A BIC names its bank's country; an account elsewhere is a mistake.
        if bic_country != country {
            return Err(DetailError::new(
                "bank_account.bic",
                "bic_country_mismatch",
                format!(
                    "the BIC is of a bank in {}, the beneficiary's account is in {}",
                    bic_country.as_str(),
                    country.as_str()
                ),
            ));
        }
        out.bic = Some(bic);
    }
    let why = format!("for a {} account in {}", currency.code(), country.as_str());
    let account = |min: usize, max: usize, what: &str| -> Result<String, DetailError> {
        let v = required("bank_account.account_number", &input.account_number, &why)?;
        checks::digits_between("bank_account.account_number", v, min, max, what)
    };
    match scheme {
        Scheme::Iban => {
            let iban = parse_iban(
                "bank_account.iban",
                required("bank_account.iban", &input.iban, &why)?,
            )?;
            if iban.country() != country.as_str() {
                return Err(DetailError::new(
                    "bank_account.iban",
                    "iban_country_mismatch",
                    format!(
                        "the IBAN is from {}, the beneficiary's country is {}",
                        iban.country(),
                        country.as_str()
                    ),
                ));
            }
            let sepa = currency.code() == "EUR" && registry()[iban.country()].in_sepa_zone;
            if !sepa && out.bic.is_none() {
                return Err(DetailError::new(
                    "bank_account.bic",
                    "parameter_missing",
                    format!("bank_account.bic is required {why} (not a SEPA transfer)"),
                ));
            }
            out.iban = Some(iban.as_str().to_string());
        }
        Scheme::UsAba => {
            out.routing_number = Some(checks::aba_routing(
                "bank_account.routing_number",
                required("bank_account.routing_number", &input.routing_number, &why)?,
            )?);
            out.account_number = Some(account(4, 17, "a US account number")?);
            let kind = required("bank_account.account_type", &input.account_type, &why)?;
            if kind != "checking" && kind != "savings" {
                return Err(DetailError::new(
                    "bank_account.account_type",
                    "parameter_invalid",
                    "account_type is 'checking' or 'savings'",
                ));
            }
            out.account_type = Some(kind.to_string());
        }
        Scheme::UkSortCode => {
            out.sort_code = Some(checks::fixed_digits(
                "bank_account.sort_code",
                required("bank_account.sort_code", &input.sort_code, &why)?,
                6,
                &['-', ' '],
                "a sort code",
            )?);
            out.account_number = Some(account(8, 8, "a UK account number")?);
        }
        Scheme::InIfsc => {
            out.ifsc = Some(checks::ifsc(
                "bank_account.ifsc",
                required("bank_account.ifsc", &input.ifsc, &why)?,
            )?);
            out.account_number = Some(account(9, 18, "an Indian account number")?);
        }
        Scheme::CnCnaps => {
            out.bank_code = Some(checks::fixed_digits(
                "bank_account.bank_code",
                required("bank_account.bank_code", &input.bank_code, &why)?,
                12,
                &[' '],
                "a CNAPS code",
            )?);
            out.account_number = Some(account(10, 30, "a Chinese account number")?);
        }
        Scheme::JpZengin => {
            out.bank_code = Some(checks::fixed_digits(
                "bank_account.bank_code",
                required("bank_account.bank_code", &input.bank_code, &why)?,
                4,
                &[' '],
                "a Zengin bank code",
            )?);
            out.branch_code = Some(checks::fixed_digits(
                "bank_account.branch_code",
                required("bank_account.branch_code", &input.branch_code, &why)?,
                3,
                &[' '],
                "a Zengin branch code",
            )?);
            out.account_number = Some(account(7, 7, "a Japanese account number")?);
        }
        Scheme::AuBsb => {
            out.bsb = Some(checks::fixed_digits(
                "bank_account.bsb",
                required("bank_account.bsb", &input.bsb, &why)?,
                6,
                &['-', ' '],
                "a BSB",
            )?);
            out.account_number = Some(account(5, 9, "an Australian account number")?);
        }
        Scheme::CaTransit => {
            out.transit_number = Some(checks::fixed_digits(
                "bank_account.transit_number",
                required("bank_account.transit_number", &input.transit_number, &why)?,
                5,
                &[' '],
                "a transit number",
            )?);
            out.institution_number = Some(checks::fixed_digits(
                "bank_account.institution_number",
                required(
                    "bank_account.institution_number",
                    &input.institution_number,
                    &why,
                )?,
                3,
                &[' '],
                "an institution number",
            )?);
            out.account_number = Some(account(7, 12, "a Canadian account number")?);
        }
        Scheme::MxClabe => {
            out.clabe = Some(checks::clabe(
                "bank_account.clabe",
                required("bank_account.clabe", &input.clabe, &why)?,
            )?);
        }
        Scheme::BrBank => {
            out.bank_code = Some(checks::fixed_digits(
                "bank_account.bank_code",
                required("bank_account.bank_code", &input.bank_code, &why)?,
                3,
                &[' '],
                "a Brazilian bank (COMPE) code",
            )?);
            out.branch_code = Some(checks::fixed_digits(
                "bank_account.branch_code",
                required("bank_account.branch_code", &input.branch_code, &why)?,
                4,
                &[' '],
                "a Brazilian branch (agência)",
            )?);
            out.account_number = Some(checks::brazil_account(
                "bank_account.account_number",
                required("bank_account.account_number", &input.account_number, &why)?,
            )?);
            out.cpf_cnpj = Some(checks::cpf_cnpj(
                "bank_account.cpf_cnpj",
                required("bank_account.cpf_cnpj", &input.cpf_cnpj, &why)?,
            )?);
        }
        Scheme::Swift => {
            if out.bic.is_none() {
                return Err(DetailError::new(
                    "bank_account.bic",
                    "parameter_missing",
                    format!("bank_account.bic is required {why} (a SWIFT transfer)"),
                ));
            }
            let v = required("bank_account.account_number", &input.account_number, &why)?;
            let ok = (1..=34).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_alphanumeric());
            if !ok {
                return Err(DetailError::new(
                    "bank_account.account_number",
                    "format_invalid",
                    "an account number is 1 to 34 letters or digits",
                ));
            }
            out.account_number = Some(v.to_ascii_uppercase());
        }
    }
    Ok(BankAccount {
        scheme,
        fields: out,
    })
}

/// The details as shown after creation: every account identifier reduced to
/// its last four characters; bank and branch codes, which identify a bank
/// and not an account, are shown in full.
pub fn masked(fields: &BankAccountInput) -> BankAccountInput {
    let mask = |v: &Option<String>| v.as_deref().map(|s| format!("••••{}", super::last_four(s)));
    BankAccountInput {
        iban: mask(&fields.iban),
        account_number: mask(&fields.account_number),
        clabe: mask(&fields.clabe),
        cpf_cnpj: mask(&fields.cpf_cnpj),
        ..fields.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cc(s: &str) -> CountryCode {
        CountryCode::parse(s).unwrap()
    }
    fn cur(s: &str) -> Currency {
        Currency::parse(s).unwrap()
    }
    fn err(country: &str, currency: &str, input: BankAccountInput) -> DetailError {
        validate(cc(country), cur(currency), &input).unwrap_err()
    }

    #[test]
    fn schemes_follow_country_and_currency() {
        let none = BankAccountInput::default();
        assert_eq!(scheme_for(cc("US"), cur("USD"), &none), Scheme::UsAba);
        assert_eq!(scheme_for(cc("US"), cur("EUR"), &none), Scheme::Swift);
        assert_eq!(scheme_for(cc("DE"), cur("EUR"), &none), Scheme::Iban);
        assert_eq!(scheme_for(cc("CN"), cur("CNY"), &none), Scheme::CnCnaps);
        assert_eq!(scheme_for(cc("SG"), cur("SGD"), &none), Scheme::Swift);
        assert_eq!(scheme_for(cc("GB"), cur("GBP"), &none), Scheme::UkSortCode);
    }

    #[test]
    fn us_needs_routing_and_account_type() {
        let e = err(
            "US",
            "USD",
            BankAccountInput {
                account_number: Some("123456789".into()),
                account_type: Some("checking".into()),
                ..Default::default()
            },
        );
        assert_eq!(e.field, "bank_account.routing_number");
        assert_eq!(e.code, "parameter_missing");
        let ok = validate(
            cc("US"),
            cur("USD"),
            &BankAccountInput {
                routing_number: Some("021000021".into()),
                account_number: Some("123456789".into()),
                account_type: Some("savings".into()),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(ok.scheme, Scheme::UsAba);
    }

    #[test]
    fn unexpected_fields_and_unreceivable_currencies_are_refused() {
        let e = err(
            "DE",
            "EUR",
            BankAccountInput {
                iban: Some("DE89370400440532013000".into()),
                sort_code: Some("123456".into()),
                ..Default::default()
            },
        );
        assert_eq!(e.field, "bank_account.sort_code");
        let e = err("US", "CNY", BankAccountInput::default());
        assert_eq!((e.field, e.code), ("currency", "currency_not_receivable"));
    }

    #[test]
    fn iban_outside_sepa_needs_a_bic_and_must_match_the_country() {
        let e = err(
            "DE",
            "USD",
            BankAccountInput {
                iban: Some("DE89370400440532013000".into()),
                ..Default::default()
            },
        );
        assert_eq!(e.field, "bank_account.bic");
        let e = err(
            "FR",
            "EUR",
            BankAccountInput {
                iban: Some("DE89370400440532013000".into()),
                ..Default::default()
            },
        );
        assert_eq!(e.code, "iban_country_mismatch");
    }

    #[test]
    fn masking_keeps_last_four() {
        let m = masked(&BankAccountInput {
            iban: Some("DE89370400440532013000".into()),
            bic: Some("DEUTDEFF".into()),
            ..Default::default()
        });
        assert_eq!(m.iban.as_deref(), Some("••••3000"));
        assert_eq!(m.bic.as_deref(), Some("DEUTDEFF"));
    }
}
