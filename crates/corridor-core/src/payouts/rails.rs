//! Payment rails: which one carries a payout, what it costs, which purpose
//! codes a corridor requires.

use super::bank_account::Scheme;
use super::iban::registry;
use crate::{Amount, CountryCode, Currency, MoneyError};

/// Who pays the correspondent banks' charges of a SWIFT transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChargeBearer {
    /// Shared: the sender pays its bank, the beneficiary the rest.
    Sha,
    /// The sender pays every charge; the beneficiary receives the full amount.
    Our,
}

/// A rail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rail {
    /// SEPA Credit Transfer (EUR into the SEPA zone, by IBAN).
    Sepa,
    /// The country's own low-value clearing (ACH, Faster Payments, NEFT,
    /// CNAPS, Zengin, BECS, EFT, SPEI, TED), in its own currency.
    Local,
    /// SWIFT MT103/pacs.008 through correspondents.
    Swift(ChargeBearer),
}

impl Rail {
    /// Stable code: `sepa`, `local`, `swift_sha`, `swift_our`.
    pub fn code(self) -> &'static str {
        match self {
            Rail::Sepa => "sepa",
            Rail::Local => "local",
            Rail::Swift(ChargeBearer::Sha) => "swift_sha",
            Rail::Swift(ChargeBearer::Our) => "swift_our",
        }
    }

    /// Parses a code.
    pub fn parse(code: &str) -> Option<Rail> {
        [
            Rail::Sepa,
            Rail::Local,
            Rail::Swift(ChargeBearer::Sha),
            Rail::Swift(ChargeBearer::Our),
        ]
        .into_iter()
        .find(|r| r.code() == code)
    }

    /// The ISO 20022 charge bearer code of the rail (`SLEV` for SEPA's
    /// service level, `SHAR`, `DEBT`).
    pub fn iso_charge_bearer(self) -> &'static str {
        match self {
            Rail::Sepa | Rail::Local => "SLEV",
            Rail::Swift(ChargeBearer::Sha) => "SHAR",
            Rail::Swift(ChargeBearer::Our) => "DEBT",
        }
    }

    /// The fee terms of the rail.
    pub fn fee_terms(self) -> RailFee {
        match self {
            Rail::Sepa => RailFee {
                percent_bps: 0,
                minimum_hundredths: 20,
            },
            Rail::Local => RailFee {
                percent_bps: 10,
                minimum_hundredths: 50,
            },
            Rail::Swift(ChargeBearer::Sha) => RailFee {
                percent_bps: 20,
                minimum_hundredths: 800,
            },
            Rail::Swift(ChargeBearer::Our) => RailFee {
                percent_bps: 20,
                minimum_hundredths: 2500,
            },
        }
    }
}

/// A rail's fee: a percentage of the amount with a minimum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RailFee {
    /// Percentage of the amount, in basis points.
    pub percent_bps: u32,
    /// Minimum, in hundredths of a major unit of the charged currency
    /// (20 = 0.20 EUR, 0.20 USD, 1 JPY after rounding up).
    pub minimum_hundredths: i64,
}

impl RailFee {
    /// The fee on `amount` of `currency`: the percentage rounded up to the
    /// minor unit, at least the minimum (also rounded up to the minor unit).
    pub fn fee(self, amount: Amount, currency: Currency) -> Result<Amount, MoneyError> {
        let percent = ceil_div(
            i128::from(amount.minor()) * i128::from(self.percent_bps),
            10_000,
        );
        let scale = 10_i128.pow(currency.exponent());
        let minimum = ceil_div(i128::from(self.minimum_hundredths) * scale, 100);
        let fee = i64::try_from(percent.max(minimum)).map_err(|_| MoneyError::Overflow)?;
        Amount::non_negative(fee)
    }
}

fn ceil_div(n: i128, d: i128) -> i128 {
    (n + d - 1) / d
}

/// The rail for a payout of `currency` to an account of `scheme` in
/// `country`; `bearer` applies when it ends up on SWIFT.
pub fn choose_rail(
    country: CountryCode,
    currency: Currency,
    scheme: Scheme,
    bearer: ChargeBearer,
) -> Rail {
    let sepa_country = registry()
        .get(country.as_str())
        .is_some_and(|f| f.in_sepa_zone);
    match scheme {
        Scheme::Iban if currency.code() == "EUR" && sepa_country => Rail::Sepa,
        Scheme::Iban | Scheme::Swift => Rail::Swift(bearer),
        _ => Rail::Local,
    }
}

/// Purpose codes accepted where a corridor requires one (ISO 20022
/// ExternalPurpose1Code values used by Chinese and Indian banks for
/// cross-border receipts).
pub const PURPOSE_CODES: &[(&str, &str)] = &[
    ("GDDS", "purchase or sale of goods"),
    ("SCVE", "purchase or sale of services"),
    ("SUPP", "supplier payment"),
    ("SALA", "salary"),
    ("TRAD", "trade services"),
    ("INTC", "intra-company payment"),
    ("FAMI", "family maintenance"),
    ("OTHR", "other"),
];

/// Whether payouts into `currency` need a purpose code (China's and India's
/// foreign exchange rules classify every inbound cross-border transfer).
pub fn purpose_required(currency: Currency) -> bool {
    matches!(currency.code(), "CNY" | "INR")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cur(s: &str) -> Currency {
        Currency::parse(s).unwrap()
    }
    fn cc(s: &str) -> CountryCode {
        CountryCode::parse(s).unwrap()
    }

    #[test]
    fn rails_by_currency_and_country() {
        let sha = ChargeBearer::Sha;
        assert_eq!(
            choose_rail(cc("DE"), cur("EUR"), Scheme::Iban, sha),
            Rail::Sepa
        );
        assert_eq!(
            choose_rail(cc("AE"), cur("EUR"), Scheme::Iban, sha),
            Rail::Swift(sha)
        );
        assert_eq!(
            choose_rail(cc("US"), cur("USD"), Scheme::UsAba, sha),
            Rail::Local
        );
        assert_eq!(
            choose_rail(cc("SG"), cur("SGD"), Scheme::Swift, ChargeBearer::Our),
            Rail::Swift(ChargeBearer::Our)
        );
    }

    #[test]
    fn fees_round_up_and_respect_the_minimum() {
        let a = |m: i64| Amount::positive(m).unwrap();
        // SEPA: flat 0.20.
        assert_eq!(
            Rail::Sepa
                .fee_terms()
                .fee(a(100_000), cur("EUR"))
                .unwrap()
                .minor(),
            20
        );
        // Local 0.10% of 1,000.01 = 1.00001 -> 1.01.
        assert_eq!(
            Rail::Local
                .fee_terms()
                .fee(a(100_001), cur("USD"))
                .unwrap()
                .minor(),
            101
        );
        // JPY has no minor unit: 0.50 JPY minimum rounds up to 1.
        assert_eq!(
            Rail::Local
                .fee_terms()
                .fee(a(100), cur("JPY"))
                .unwrap()
                .minor(),
            1
        );
        // SWIFT OUR minimum 25.00.
        let our = Rail::Swift(ChargeBearer::Our);
        assert_eq!(
            our.fee_terms().fee(a(1_000), cur("USD")).unwrap().minor(),
            2500
        );
    }

    #[test]
    fn codes_round_trip() {
        for rail in [
            Rail::Sepa,
            Rail::Local,
            Rail::Swift(ChargeBearer::Sha),
            Rail::Swift(ChargeBearer::Our),
        ] {
            assert_eq!(Rail::parse(rail.code()), Some(rail));
        }
        assert!(purpose_required(cur("CNY")));
        assert!(!purpose_required(cur("EUR")));
    }
}
