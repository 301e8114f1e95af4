//! The standard sandbox providers: five PSPs with different reach.
//!
//! | name | what | methods |
//! | --- | --- | --- |
//! | `atlas` | global card acquirer (home: US, CA) | card everywhere, any currency |
//! | `harbor` | second global card acquirer (home: UK and EU) | card everywhere, major currencies |
//! | `lotus` | Asian wallets | alipay, wechat_pay, paypay, kakao_pay, konbini, upi, card in Asia |
//! | `meridian` | European PSP | ideal, bancontact, sepa_debit, klarna, card in Europe |
//! | `andes` | Latin American PSP | pix, oxxo, boleto, card in Latin America |
//!
//! Rates and fees are plausible, not any real provider's: local acquirers
//! approve more of their home cards and charge no cross-border surcharge.

mod andes;
mod global;
mod lotus;
mod meridian;

use corridor_core::{Amount, CountryCode, Currency};

use super::profile::{FeeTerms, LatencyProfile, MethodProfile, ThreeDsProfile};
use super::PspProfile;
use crate::{AmountLimit, CountrySet, CurrencySet, MethodCoverage, MethodType};

/// The five standard providers, in a stable order.
pub fn profiles() -> Vec<PspProfile> {
    vec![
        global::atlas(),
        global::harbor(),
        lotus::lotus(),
        meridian::meridian(),
        andes::andes(),
    ]
}

/// Euro-area and other SEPA countries where the European PSP operates.
const EUROPE: &[&str] = &[
    "AT", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GR", "HR", "HU",
    "IE", "IS", "IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK",
];

fn country(code: &str) -> CountryCode {
    match CountryCode::parse(code) {
        Ok(country) => country,
        Err(e) => unreachable!("standard profile country: {e}"),
    }
}

fn currency(code: &str) -> Currency {
    match Currency::parse(code) {
        Ok(currency) => currency,
        Err(e) => unreachable!("standard profile currency: {e}"),
    }
}

fn countries(codes: &[&str]) -> CountrySet {
    CountrySet::Only(codes.iter().map(|c| country(c)).collect())
}

fn currencies(codes: &[&str]) -> CurrencySet {
    CurrencySet::Only(codes.iter().map(|c| currency(c)).collect())
}

fn home(codes: &[&str]) -> Vec<CountryCode> {
    codes.iter().map(|c| country(c)).collect()
}

/// A limit from `min_minor` to `max_minor` in `code`.
fn limit(code: &str, min_minor: i64, max_minor: i64) -> AmountLimit {
    let amount = |minor| Amount::non_negative(minor).unwrap_or(Amount::ZERO);
    AmountLimit {
        currency: currency(code),
        min: amount(min_minor),
        max: amount(max_minor),
    }
}

fn rates(pairs: &[(&str, f64)]) -> Vec<(CountryCode, f64)> {
    pairs.iter().map(|(c, r)| (country(c), *r)).collect()
}

fn fee(percent_bps: u32, cross_border_bps: u32, fixed: &[(&str, i64)]) -> FeeTerms {
    FeeTerms {
        percent_bps,
        cross_border_bps,
        fixed_minor: fixed.iter().map(|(c, m)| (currency(c), *m)).collect(),
    }
}

/// A method served in `countries` and `currencies`, with no limits, no
/// manual capture, no country-specific rates.
fn method(
    method: MethodType,
    countries: CountrySet,
    currencies: CurrencySet,
    approval_rate: f64,
    fee: FeeTerms,
) -> MethodProfile {
    MethodProfile {
        coverage: MethodCoverage {
            method,
            countries,
            currencies,
            limits: Vec::new(),
            manual_capture: false,
        },
        approval_rate,
        approval_by_country: Vec::new(),
        fee,
        buyer_completion_rate: 0.85,
    }
}

impl MethodProfile {
    fn limits(mut self, limits: Vec<AmountLimit>) -> Self {
        self.coverage.limits = limits;
        self
    }

    fn manual_capture(mut self) -> Self {
        self.coverage.manual_capture = true;
        self
    }

    fn by_country(mut self, pairs: &[(&str, f64)]) -> Self {
        self.approval_by_country = rates(pairs);
        self
    }

    fn completion(mut self, rate: f64) -> Self {
        self.buyer_completion_rate = rate;
        self
    }
}

fn latency(median_ms: u32, sigma: f64) -> LatencyProfile {
    LatencyProfile {
        median_ms,
        sigma,
        max_ms: 60_000,
    }
}

fn three_ds(challenge_rate_sca: f64, challenge_rate_other: f64) -> ThreeDsProfile {
    ThreeDsProfile {
        challenge_rate_sca,
        challenge_rate_other,
        authentication_rate: 0.92,
    }
}
