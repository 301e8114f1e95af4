//! Static routing rules: the first rule matching a payment names the
//! connectors that may take it, in priority order.

use super::RouteContext;
use crate::{Amount, CountryCode, Currency};

/// Most rules in one rule set.
pub const RULES_MAX: usize = 1_000;

/// Most connectors one rule names.
pub const CONNECTORS_PER_RULE_MAX: usize = 16;

/// What a rule matches; a field left `None` matches anything.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RuleMatch {
    /// The method type's code (`card`, `pix`, ...).
    pub method: Option<String>,
    /// The buyer's market.
    pub country: Option<CountryCode>,
    /// The payment currency. Required when an amount bound is set, because
    /// an amount means nothing without its currency.
    pub currency: Option<Currency>,
    /// Smallest amount matched, inclusive, in the currency's minor unit.
    pub amount_min: Option<Amount>,
    /// Largest amount matched, inclusive, in the currency's minor unit.
    pub amount_max: Option<Amount>,
}

impl RuleMatch {
    /// Whether the payment described by `context` matches.
    pub fn matches(&self, context: &RouteContext<'_>) -> bool {
        self.method.as_deref().is_none_or(|m| m == context.method)
            && self.country.is_none_or(|c| c == context.country)
            && self.currency.is_none_or(|c| c == context.currency)
            && self.amount_min.is_none_or(|min| context.amount >= min)
            && self.amount_max.is_none_or(|max| context.amount <= max)
    }
}

/// One rule: when it matches, these connectors, best first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutingRule {
    /// What the rule matches.
    pub when: RuleMatch,
    /// Connector names in priority order.
    pub connectors: Vec<String>,
}

/// Why a rule set was refused. `rule` is the rule's position; `None` is the
/// default rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    /// More than [`RULES_MAX`] rules.
    #[error("{count} routing rules; at most {RULES_MAX} are allowed")]
    TooManyRules {
        /// How many were given.
        count: usize,
    },
    /// A rule names no connector.
    #[error("routing rule {} names no connector", position(*rule))]
    NoConnectors {
        /// The rule.
        rule: Option<usize>,
    },
    /// A rule names more than [`CONNECTORS_PER_RULE_MAX`] connectors.
    #[error("routing rule {} names {count} connectors; at most {CONNECTORS_PER_RULE_MAX} are allowed", position(*rule))]
    TooManyConnectors {
        /// The rule.
        rule: Option<usize>,
        /// How many it names.
        count: usize,
    },
    /// A connector name is empty.
    #[error("routing rule {} has an empty connector name", position(*rule))]
    EmptyConnectorName {
        /// The rule.
        rule: Option<usize>,
    },
    /// A rule names the same connector twice.
    #[error("routing rule {} names `{connector}` twice", position(*rule))]
    DuplicateConnector {
        /// The rule.
        rule: Option<usize>,
        /// The connector.
        connector: String,
    },
    /// An amount bound without a currency.
    #[error("routing rule {rule} bounds the amount but names no currency")]
    AmountWithoutCurrency {
        /// The rule.
        rule: usize,
    },
    /// The smallest amount is above the largest: the rule can never match.
    #[error("routing rule {rule} has a minimum amount above its maximum")]
    EmptyAmountRange {
        /// The rule.
        rule: usize,
    },
}

impl RuleError {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            RuleError::TooManyRules { .. } => "too_many_rules",
            RuleError::NoConnectors { .. } => "no_connectors",
            RuleError::TooManyConnectors { .. } => "too_many_connectors",
            RuleError::EmptyConnectorName { .. } => "empty_connector_name",
            RuleError::DuplicateConnector { .. } => "duplicate_connector",
            RuleError::AmountWithoutCurrency { .. } => "amount_without_currency",
            RuleError::EmptyAmountRange { .. } => "empty_amount_range",
        }
    }
}

fn position(rule: Option<usize>) -> String {
    rule.map_or_else(|| "default".to_string(), |i| i.to_string())
}

/// A checked rule set: ordered rules and a default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutingRules {
    rules: Vec<RoutingRule>,
    default: Vec<String>,
}

impl RoutingRules {
    /// Checks `rules` (tried in order) and the `default` connectors (used
    /// when no rule matches).
    pub fn new(rules: Vec<RoutingRule>, default: Vec<String>) -> Result<Self, RuleError> {
        if rules.len() > RULES_MAX {
            return Err(RuleError::TooManyRules { count: rules.len() });
        }
        for (i, rule) in rules.iter().enumerate() {
            check_connectors(Some(i), &rule.connectors)?;
            check_match(i, &rule.when)?;
        }
        check_connectors(None, &default)?;
        Ok(RoutingRules { rules, default })
    }

    /// The connectors of the first rule matching `context`, or the default
    /// ones, best first. The caller still removes those whose coverage does
    /// not serve the payment.
    pub fn candidates(&self, context: &RouteContext<'_>) -> &[String] {
        self.rule_for(context)
            .map_or(&self.default, |i| &self.rules[i].connectors)
    }

    /// The position of the first rule matching `context`, if any.
    pub fn rule_for(&self, context: &RouteContext<'_>) -> Option<usize> {
        self.rules.iter().position(|r| r.when.matches(context))
    }

    /// The rules, in order.
    pub fn rules(&self) -> &[RoutingRule] {
        &self.rules
    }

    /// The default connectors.
    pub fn default_connectors(&self) -> &[String] {
        &self.default
    }
}

fn check_connectors(rule: Option<usize>, connectors: &[String]) -> Result<(), RuleError> {
    if connectors.is_empty() {
        return Err(RuleError::NoConnectors { rule });
    }
    if connectors.len() > CONNECTORS_PER_RULE_MAX {
        let count = connectors.len();
        return Err(RuleError::TooManyConnectors { rule, count });
    }
    for (i, name) in connectors.iter().enumerate() {
        if name.is_empty() {
            return Err(RuleError::EmptyConnectorName { rule });
        }
        if connectors[..i].contains(name) {
            let connector = name.clone();
            return Err(RuleError::DuplicateConnector { rule, connector });
        }
    }
    Ok(())
}

fn check_match(rule: usize, when: &RuleMatch) -> Result<(), RuleError> {
    let bounded = when.amount_min.is_some() || when.amount_max.is_some();
    if bounded && when.currency.is_none() {
        return Err(RuleError::AmountWithoutCurrency { rule });
    }
    if let (Some(min), Some(max)) = (when.amount_min, when.amount_max) {
        if min > max {
            return Err(RuleError::EmptyAmountRange { rule });
        }
    }
    Ok(())
}
