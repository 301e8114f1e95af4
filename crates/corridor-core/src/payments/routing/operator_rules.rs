//! The operator's routing rules: named rules whose conditions are lists
//! (any of these methods, countries, currencies, merchants) and an amount
//! range; the first rule that matches a payment names its eligible
//! connectors, which the adaptive router then orders.

use super::{RouteContext, CONNECTORS_PER_RULE_MAX, RULES_MAX};
use crate::{Amount, CountryCode, Currency};

/// Longest rule name.
pub const RULE_NAME_LEN_MAX: usize = 100;
/// Most values in one condition list.
pub const CONDITION_VALUES_MAX: usize = 250;

/// When a rule applies; an empty list or `None` matches anything.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Conditions {
    /// Method type codes (`card`, `alipay`, ...).
    pub method_types: Vec<String>,
    /// Buyer countries.
    pub countries: Vec<CountryCode>,
    /// Payment currencies.
    pub currencies: Vec<Currency>,
    /// Smallest amount, inclusive, minor units of the rule's one currency.
    pub min_amount: Option<Amount>,
    /// Largest amount, inclusive, minor units of the rule's one currency.
    pub max_amount: Option<Amount>,
    /// Merchant ids.
    pub merchants: Vec<String>,
}

impl Conditions {
    /// Whether a payment of `merchant` described by `context` matches.
    pub fn matches(&self, context: &RouteContext<'_>, merchant: &str) -> bool {
        let any = |list: &[String], value: &str| list.is_empty() || list.iter().any(|v| v == value);
        any(&self.method_types, context.method)
            && (self.countries.is_empty() || self.countries.contains(&context.country))
            && (self.currencies.is_empty() || self.currencies.contains(&context.currency))
            && self.min_amount.is_none_or(|min| context.amount >= min)
            && self.max_amount.is_none_or(|max| context.amount <= max)
            && any(&self.merchants, merchant)
    }
}

/// One named rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorRule {
    /// Unique within the set.
    pub name: String,
    /// When it applies.
    pub when: Conditions,
    /// Connector names, best first (the router may reorder them).
    pub connectors: Vec<String>,
}

/// Why a rule set was refused: the field (`rules[2].when.min_amount`) and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct OperatorRuleError {
    /// The offending field's path.
    pub field: String,
    /// Stable code.
    pub code: &'static str,
    /// Human-readable reason.
    pub message: String,
}

fn refuse(field: String, code: &'static str, message: impl Into<String>) -> OperatorRuleError {
    OperatorRuleError {
        field,
        code,
        message: message.into(),
    }
}

/// A checked set of operator rules, tried in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OperatorRules {
    rules: Vec<OperatorRule>,
}

impl OperatorRules {
    /// Checks the rules' shape (names, lists, amount ranges, connector
    /// lists). Whether the connectors exist is the caller's to check.
    pub fn new(rules: Vec<OperatorRule>) -> Result<Self, OperatorRuleError> {
        if rules.len() > RULES_MAX {
            return Err(refuse(
                "rules".into(),
                "too_many_rules",
                format!("at most {RULES_MAX} rules"),
            ));
        }
        for (i, rule) in rules.iter().enumerate() {
            let at = |f: &str| format!("rules[{i}].{f}");
            if rule.name.trim().is_empty() || rule.name.len() > RULE_NAME_LEN_MAX {
                return Err(refuse(
                    at("name"),
                    "rule_name_invalid",
                    format!("a rule name is 1-{RULE_NAME_LEN_MAX} characters"),
                ));
            }
            if rules[..i].iter().any(|r| r.name == rule.name) {
                return Err(refuse(
                    at("name"),
                    "rule_name_duplicate",
                    format!("another rule is named `{}`", rule.name),
                ));
            }
            check_when(&rule.when, &at)?;
            check_connectors(&rule.connectors, &at)?;
        }
        Ok(OperatorRules { rules })
    }

    /// The rules, in order.
    pub fn rules(&self) -> &[OperatorRule] {
        &self.rules
    }

    /// The first rule matching the payment, if any.
    pub fn rule_for(&self, context: &RouteContext<'_>, merchant: &str) -> Option<&OperatorRule> {
        self.rules
            .iter()
            .find(|r| r.when.matches(context, merchant))
    }
}

fn check_when(when: &Conditions, at: &dyn Fn(&str) -> String) -> Result<(), OperatorRuleError> {
    let lists = [
        ("when.method_types", when.method_types.len()),
        ("when.countries", when.countries.len()),
        ("when.currencies", when.currencies.len()),
        ("when.merchants", when.merchants.len()),
    ];
    for (field, len) in lists {
        if len > CONDITION_VALUES_MAX {
            return Err(refuse(
                at(field),
                "too_many_values",
                format!("at most {CONDITION_VALUES_MAX} values"),
            ));
        }
    }
    let bounded = when.min_amount.is_some() || when.max_amount.is_some();
    if bounded && when.currencies.len() != 1 {
        let field = if when.min_amount.is_some() {
            "when.min_amount"
        } else {
            "when.max_amount"
        };
        return Err(refuse(
            at(field),
            "amount_without_currency",
            "an amount bound needs exactly one currency in `when.currencies`",
        ));
    }
    if let (Some(min), Some(max)) = (when.min_amount, when.max_amount) {
        if min > max {
            return Err(refuse(
                at("when.min_amount"),
                "empty_amount_range",
                "min_amount is above max_amount",
            ));
        }
    }
    Ok(())
}

fn check_connectors(
    connectors: &[String],
    at: &dyn Fn(&str) -> String,
) -> Result<(), OperatorRuleError> {
    if connectors.is_empty() || connectors.len() > CONNECTORS_PER_RULE_MAX {
        return Err(refuse(
            at("connectors"),
            "connectors_invalid",
            format!("a rule names 1-{CONNECTORS_PER_RULE_MAX} connectors"),
        ));
    }
    for (j, name) in connectors.iter().enumerate() {
        if connectors[..j].contains(name) {
            return Err(refuse(
                at(&format!("connectors[{j}]")),
                "duplicate_connector",
                format!("`{name}` is named twice"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(
        method: &'static str,
        country: &str,
        currency: &str,
        minor: i64,
    ) -> RouteContext<'static> {
        RouteContext {
            method,
            country: CountryCode::parse(country).unwrap(),
            currency: Currency::parse(currency).unwrap(),
            amount: Amount::positive(minor).unwrap(),
        }
    }

    fn rule(name: &str, when: Conditions, connectors: &[&str]) -> OperatorRule {
        OperatorRule {
            name: name.into(),
            when,
            connectors: connectors.iter().map(|c| c.to_string()).collect(),
        }
    }

    #[test]
    fn the_first_matching_rule_wins() {
        let big_eur = Conditions {
            currencies: vec![Currency::parse("EUR").unwrap()],
            min_amount: Some(Amount::positive(100_000).unwrap()),
            ..Conditions::default()
        };
        let asia = Conditions {
            method_types: vec!["alipay".into(), "wechat_pay".into()],
            ..Conditions::default()
        };
        let vip = Conditions {
            merchants: vec!["mer_vip".into()],
            ..Conditions::default()
        };
        let rules = OperatorRules::new(vec![
            rule("big-eur", big_eur, &["adyen_eu"]),
            rule("asia", asia, &["lotus", "adyen_asia"]),
            rule("vip", vip, &["atlas"]),
        ])
        .unwrap();
        let name = |c: &RouteContext<'_>, m: &str| rules.rule_for(c, m).map(|r| r.name.clone());
        assert_eq!(
            name(&ctx("card", "DE", "EUR", 100_000), "mer_a").as_deref(),
            Some("big-eur")
        );
        assert_eq!(name(&ctx("card", "DE", "EUR", 99_999), "mer_a"), None);
        assert_eq!(
            name(&ctx("wechat_pay", "CN", "CNY", 1), "mer_vip").as_deref(),
            Some("asia")
        );
        assert_eq!(
            name(&ctx("card", "US", "USD", 1), "mer_vip").as_deref(),
            Some("vip")
        );
    }

    #[test]
    fn refusals_name_the_field() {
        let err = |rules| OperatorRules::new(rules).unwrap_err().field;
        let no_currency = Conditions {
            min_amount: Some(Amount::positive(1).unwrap()),
            ..Conditions::default()
        };
        assert_eq!(
            err(vec![rule("a", no_currency, &["x"])]),
            "rules[0].when.min_amount"
        );
        let upside_down = Conditions {
            currencies: vec![Currency::parse("USD").unwrap()],
            min_amount: Some(Amount::positive(10).unwrap()),
            max_amount: Some(Amount::positive(9).unwrap()),
            ..Conditions::default()
        };
        assert_eq!(
            err(vec![rule("a", upside_down, &["x"])]),
            "rules[0].when.min_amount"
        );
        assert_eq!(
            err(vec![
                rule("a", Conditions::default(), &["x"]),
                rule("a", Conditions::default(), &["y"])
            ]),
            "rules[1].name"
        );
        assert_eq!(
            err(vec![rule("a", Conditions::default(), &[])]),
            "rules[0].connectors"
        );
        assert_eq!(
            err(vec![rule("a", Conditions::default(), &["x", "x"])]),
            "rules[0].connectors[1]"
        );
        assert_eq!(
            err(vec![rule(" ", Conditions::default(), &["x"])]),
            "rules[0].name"
        );
    }
}
