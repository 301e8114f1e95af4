//! What a simulated provider is like: coverage, approval rates, latency,
//! failure rates, 3DS and fees.

use corridor_core::payments::fees::FeeSchedule;
use corridor_core::{Amount, CountryCode, Currency};

use crate::{Coverage, MethodCoverage, MethodType};

/// Latency of one call: log-normal around a median, capped.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatencyProfile {
    /// Half the calls are faster than this, in milliseconds.
    pub median_ms: u32,
    /// Spread of the logarithm (0.3: tight, 0.8: long tail).
    pub sigma: f64,
    /// No call is slower than this, in milliseconds.
    pub max_ms: u32,
}

/// A provider's price for one method: a percentage, a cross-border
/// surcharge, and a fixed part per currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeTerms {
    /// Percentage of the amount, in basis points.
    pub percent_bps: u32,
    /// Added when the buyer's country is not one of the provider's home countries.
    pub cross_border_bps: u32,
    /// Fixed part per charge in each currency's minor unit; none in a
    /// currency not listed.
    pub fixed_minor: Vec<(Currency, i64)>,
}

impl FeeTerms {
    /// The fee on `amount` (the percentage rounded up, then the fixed part,
    /// never more than the amount), as [`FeeSchedule`] computes it.
    pub fn fee(&self, amount: Amount, currency: Currency, cross_border: bool) -> Amount {
        let fixed_minor = self
            .fixed_minor
            .iter()
            .find(|(c, _)| *c == currency)
            .map_or(0, |(_, minor)| *minor);
        let schedule = FeeSchedule {
            percent_bps: self.percent_bps,
            fixed_minor,
            cross_border_bps: self.cross_border_bps,
        };
        // The schedule caps the fee at the amount, so it cannot overflow.
        schedule.fee(amount, cross_border).unwrap_or(amount)
    }
}

/// One method at one provider.
#[derive(Debug, Clone, PartialEq)]
pub struct MethodProfile {
    /// Countries, currencies, limits, manual capture.
    pub coverage: MethodCoverage,
    /// Share of attempts approved (cards, redirects, UPI, SEPA debits) where
    /// no country-specific rate applies.
    pub approval_rate: f64,
    /// Approval rates that differ by buyer country.
    pub approval_by_country: Vec<(CountryCode, f64)>,
    /// What the provider charges.
    pub fee: FeeTerms,
    /// With simulated buyers: the share of actions the buyer completes
    /// (3DS passed, QR scanned, voucher paid) before they expire.
    pub buyer_completion_rate: f64,
}

impl MethodProfile {
    /// The approval rate for a buyer in `country`.
    pub fn approval_rate_in(&self, country: CountryCode) -> f64 {
        self.approval_by_country
            .iter()
            .find(|(c, _)| *c == country)
            .map_or(self.approval_rate, |(_, rate)| *rate)
    }
}

/// How often cards are challenged, and how often buyers pass.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ThreeDsProfile {
    /// Share of card charges challenged when the market requires SCA (the
    /// rest pass frictionless).
    pub challenge_rate_sca: f64,
    /// Share challenged by the issuer's own risk rules elsewhere.
    pub challenge_rate_other: f64,
    /// Share of challenged buyers who pass authentication.
    pub authentication_rate: f64,
}

/// A simulated payment service provider.
#[derive(Debug, Clone, PartialEq)]
pub struct PspProfile {
    /// Stable name, used in URLs (`atlas`).
    pub name: String,
    /// Countries it acquires in domestically (no cross-border surcharge).
    pub home_countries: Vec<CountryCode>,
    /// The methods it serves.
    pub methods: Vec<MethodProfile>,
    /// How long its calls take.
    pub latency: LatencyProfile,
    /// Share of charges that time out at random (half of them processed).
    pub timeout_rate: f64,
    /// Share of calls that fail with a 5xx at random.
    pub server_error_rate: f64,
    /// Share of declines that are soft (retry may succeed).
    pub soft_decline_share: f64,
    /// Its 3DS behaviour.
    pub three_ds: ThreeDsProfile,
}

impl PspProfile {
    /// The profile of `method`, if served.
    pub fn method(&self, method: MethodType) -> Option<&MethodProfile> {
        self.methods.iter().find(|m| m.coverage.method == method)
    }

    /// Everything it serves.
    pub fn coverage(&self) -> Coverage {
        Coverage {
            methods: self.methods.iter().map(|m| m.coverage.clone()).collect(),
        }
    }

    /// Whether a buyer in `country` is cross-border for this provider.
    pub fn is_cross_border(&self, country: CountryCode) -> bool {
        !self.home_countries.contains(&country)
    }
}
