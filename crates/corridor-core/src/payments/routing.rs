//! Routing: which connectors may take a payment, and in which order to try
//! them.
//!
//! Two layers, kept apart because they change for different reasons:
//!
//! - [`RoutingRules`] are the operator's static choice: ordered rules that
//!   match the method type, the buyer's market, the currency and the amount,
//!   each naming connectors in priority order, and a default. The first
//!   matching rule wins. On their own they are static priority routing.
//! - [`AdaptiveRouter`] learns from what happened: it keeps recent approval
//!   statistics per (connector, method type, country) and the health of each
//!   connector, both decaying with time so they follow changes within
//!   minutes, and orders the eligible candidates by estimated approval. The
//!   estimate is sampled with noise proportional to its uncertainty
//!   (Thompson-like sampling in integers), so a connector that was demoted
//!   and has since recovered is tried again once its bad record has faded.
//!
//! The caller intersects the rules' candidates with each connector's coverage
//! (which this crate does not know), asks the router for an order, tries the
//! connectors in that order and reports every outcome back. Time and the
//! random draw are arguments: this module reads no clock and draws nothing.
//!
//! ```
//! use corridor_core::payments::routing::{
//!     AdaptiveRouter, AttemptOutcome, RouteContext, RouterConfig, RoutingRule, RoutingRules,
//!     RuleMatch,
//! };
//! use corridor_core::{Amount, CountryCode, Currency, Timestamp};
//!
//! let card_in_brazil = RoutingRule {
//!     when: RuleMatch {
//!         method: Some("card".to_string()),
//!         country: Some(CountryCode::parse("BR").unwrap()),
//!         ..RuleMatch::default()
//!     },
//!     connectors: vec!["andes".to_string(), "atlas".to_string()],
//! };
//! let rules = RoutingRules::new(
//!     vec![card_in_brazil],
//!     vec!["atlas".to_string(), "harbor".to_string()],
//! )
//! .unwrap();
//! let context = RouteContext {
//!     method: "card",
//!     country: CountryCode::parse("US").unwrap(),
//!     currency: Currency::parse("USD").unwrap(),
//!     amount: Amount::positive(2_500).unwrap(),
//! };
//! // Rules give the candidates; the caller keeps those whose coverage serves the payment.
//! let candidates = rules.candidates(&context);
//! assert_eq!(candidates, ["atlas", "harbor"]);
//!
//! let mut router = AdaptiveRouter::new(RouterConfig::default()).unwrap();
//! let now = Timestamp::from_unix_micros(1_795_651_200_000_000);
//! for _ in 0..20 {
//!     router.record("atlas", &context, AttemptOutcome::TechnicalFailure, now);
//! }
//! let random_draw = 0x5eed_u64; // from the caller's random generator
//! let order = router.order(candidates, &context, now, random_draw);
//! assert_eq!(order, ["harbor", "atlas"]);
//! ```

mod adaptive;
mod config;
mod decay;
mod operator_rules;
mod outcome;
mod rules;
mod sample;

pub use adaptive::{AdaptiveRouter, Estimate, CONNECTORS_TRACKED_MAX, STATS_KEYS_MAX};
pub use config::{RouterConfig, RouterConfigError, EXPLORATION_PERCENT_MAX};
pub use operator_rules::{
    Conditions, OperatorRule, OperatorRuleError, OperatorRules, CONDITION_VALUES_MAX,
    RULE_NAME_LEN_MAX,
};
pub use outcome::AttemptOutcome;
pub use rules::{
    RoutingRule, RoutingRules, RuleError, RuleMatch, CONNECTORS_PER_RULE_MAX, RULES_MAX,
};

use crate::{Amount, CountryCode, Currency};

/// What routing looks at in a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteContext<'a> {
    /// The payment method type's stable code (`card`, `pix`, `wechat_pay`, ...).
    pub method: &'a str,
    /// The buyer's market.
    pub country: CountryCode,
    /// The payment currency.
    pub currency: Currency,
    /// The amount, in the currency's minor unit.
    pub amount: Amount,
}

#[cfg(test)]
mod tests;
