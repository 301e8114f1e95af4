//! One country's market.

use corridor_core::{CountryCode, Currency};

use crate::{MethodType, PaymentMethod, Rule, RuleKind, SanctionsRule, ScaRule};

/// Whether Corridor may sell into a market.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MarketStatus {
    /// Open to every merchant.
    Open,
    /// Open with conditions: targeted sanctions or network withdrawals that
    /// call for screening and case-by-case review.
    Restricted,
    /// Closed by comprehensive sanctions: no payment is offered.
    Blocked,
}

impl MarketStatus {
    /// Parses `open`, `restricted` or `blocked`.
    pub fn parse(text: &str) -> Option<MarketStatus> {
        match text {
            "open" => Some(MarketStatus::Open),
            "restricted" => Some(MarketStatus::Restricted),
            "blocked" => Some(MarketStatus::Blocked),
            _ => None,
        }
    }

    /// The snake_case id.
    pub fn as_str(self) -> &'static str {
        match self {
            MarketStatus::Open => "open",
            MarketStatus::Restricted => "restricted",
            MarketStatus::Blocked => "blocked",
        }
    }
}

/// A country's market: currency, status, local payment methods and rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Market {
    pub(crate) country: CountryCode,
    pub(crate) name: String,
    pub(crate) currency: Currency,
    pub(crate) status: MarketStatus,
    pub(crate) shares_source: Option<String>,
    pub(crate) methods: Vec<PaymentMethod>,
    pub(crate) rules: Vec<Rule>,
}

impl Market {
    /// ISO 3166-1 alpha-2 code.
    pub fn country(&self) -> CountryCode {
        self.country
    }

    /// English short name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The local currency (ISO 4217).
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// Whether Corridor may sell there.
    pub fn status(&self) -> MarketStatus {
        self.status
    }

    /// The report the methods' shares come from, with its caveats.
    pub fn shares_source(&self) -> Option<&str> {
        self.shares_source.as_deref()
    }

    /// Local payment methods, most used first where shares are known.
    pub fn methods(&self) -> &[PaymentMethod] {
        &self.methods
    }

    /// The method of this type, if buyers here use it.
    pub fn method(&self, method_type: MethodType) -> Option<&PaymentMethod> {
        self.methods.iter().find(|m| m.method_type == method_type)
    }

    /// Payment rules.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The strong customer authentication rule, where one applies.
    pub fn sca(&self) -> Option<&ScaRule> {
        self.rules.iter().find_map(|r| match &r.kind {
            RuleKind::Sca(sca) => Some(sca),
            _ => None,
        })
    }

    /// Sanctions programs that apply.
    pub fn sanctions(&self) -> impl Iterator<Item = &SanctionsRule> {
        self.rules.iter().filter_map(|r| match &r.kind {
            RuleKind::Sanctions(s) => Some(s),
            _ => None,
        })
    }
}
