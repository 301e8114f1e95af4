//! What a connector serves: method types × countries × currencies, amount
//! limits per currency, and whether it can authorize without capturing.

use corridor_core::{Amount, CountryCode, Currency};

use crate::{CaptureMode, ChargeRequest, MethodType};

/// Countries a method is offered in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CountrySet {
    /// Every country.
    Any,
    /// Only these.
    Only(Vec<CountryCode>),
}

impl CountrySet {
    /// Whether `country` is in the set.
    pub fn contains(&self, country: CountryCode) -> bool {
        match self {
            CountrySet::Any => true,
            CountrySet::Only(list) => list.contains(&country),
        }
    }
}

/// Currencies a method is charged in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CurrencySet {
    /// Every currency Corridor settles.
    Any,
    /// Only these.
    Only(Vec<Currency>),
}

impl CurrencySet {
    /// Whether `currency` is in the set.
    pub fn contains(&self, currency: Currency) -> bool {
        match self {
            CurrencySet::Any => true,
            CurrencySet::Only(list) => list.contains(&currency),
        }
    }
}

/// The smallest and largest amount of one charge in one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AmountLimit {
    /// The currency the limit is in.
    pub currency: Currency,
    /// Smallest amount, minor units, inclusive.
    pub min: Amount,
    /// Largest amount, minor units, inclusive.
    pub max: Amount,
}

/// One method type at one provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodCoverage {
    /// The method type.
    pub method: MethodType,
    /// Buyer countries served.
    pub countries: CountrySet,
    /// Currencies charged.
    pub currencies: CurrencySet,
    /// Amount limits; a currency without one has no limit.
    pub limits: Vec<AmountLimit>,
    /// Whether charges can be authorized now and captured later.
    pub manual_capture: bool,
}

/// Everything a provider serves.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Coverage {
    /// One entry per method type served.
    pub methods: Vec<MethodCoverage>,
}

/// Why a provider does not serve a charge.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoverageError {
    /// The method type is not offered.
    #[error("payment method `{}` is not offered", .0.code())]
    Method(MethodType),
    /// The method is not offered in this country.
    #[error("payment method `{}` is not offered in {}", method.code(), country.as_str())]
    Country {
        /// The method.
        method: MethodType,
        /// The buyer's country.
        country: CountryCode,
    },
    /// The method is not charged in this currency.
    #[error("payment method `{}` does not charge {currency}", method.code())]
    Currency {
        /// The method.
        method: MethodType,
        /// The payment currency.
        currency: Currency,
    },
    /// The amount is below the method's minimum.
    #[error("amount is below the minimum of {} {currency} for `{}`", min.format_major(*currency), method.code())]
    BelowMinimum {
        /// The method.
        method: MethodType,
        /// The currency.
        currency: Currency,
        /// The minimum.
        min: Amount,
    },
    /// The amount is above the method's maximum.
    #[error("amount is above the maximum of {} {currency} for `{}`", max.format_major(*currency), method.code())]
    AboveMaximum {
        /// The method.
        method: MethodType,
        /// The currency.
        currency: Currency,
        /// The maximum.
        max: Amount,
    },
    /// The method cannot be authorized now and captured later.
    #[error("payment method `{}` does not support manual capture", .0.code())]
    ManualCapture(MethodType),
}

impl CoverageError {
    /// Stable code of the reason.
    pub fn code(&self) -> &'static str {
        match self {
            CoverageError::Method(_) => "method_not_supported",
            CoverageError::Country { .. } => "country_not_supported",
            CoverageError::Currency { .. } => "currency_not_supported",
            CoverageError::BelowMinimum { .. } => "amount_below_minimum",
            CoverageError::AboveMaximum { .. } => "amount_above_maximum",
            CoverageError::ManualCapture(_) => "manual_capture_not_supported",
        }
    }
}

impl MethodCoverage {
    /// Checks country, currency and amount; the first failing one is the reason.
    pub fn check(
        &self,
        country: CountryCode,
        currency: Currency,
        amount: Amount,
    ) -> Result<(), CoverageError> {
        let method = self.method;
        if !self.countries.contains(country) {
            return Err(CoverageError::Country { method, country });
        }
        if !self.currencies.contains(currency) {
            return Err(CoverageError::Currency { method, currency });
        }
        let Some(limit) = self.limits.iter().find(|l| l.currency == currency) else {
            return Ok(());
        };
        if amount < limit.min {
            return Err(CoverageError::BelowMinimum {
                method,
                currency,
                min: limit.min,
            });
        }
        if amount > limit.max {
            return Err(CoverageError::AboveMaximum {
                method,
                currency,
                max: limit.max,
            });
        }
        Ok(())
    }
}

impl Coverage {
    /// The entry for `method`, if offered.
    pub fn method(&self, method: MethodType) -> Option<&MethodCoverage> {
        self.methods.iter().find(|m| m.method == method)
    }

    /// Whether a charge of `amount` in `currency` by `method` for a buyer in
    /// `country` is served.
    pub fn check(
        &self,
        method: MethodType,
        country: CountryCode,
        currency: Currency,
        amount: Amount,
    ) -> Result<(), CoverageError> {
        self.method(method)
            .ok_or(CoverageError::Method(method))?
            .check(country, currency, amount)
    }

    /// Whether `request` is served, capture mode included.
    pub fn check_request(&self, request: &ChargeRequest) -> Result<(), CoverageError> {
        let method = request.method.method_type();
        let entry = self.method(method).ok_or(CoverageError::Method(method))?;
        entry.check(request.country, request.currency, request.amount)?;
        if request.capture == CaptureMode::Manual && !entry.manual_capture {
            return Err(CoverageError::ManualCapture(method));
        }
        Ok(())
    }
}
