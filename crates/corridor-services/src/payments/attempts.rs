//! Which connectors may take a payment, in which order, and what the router
//! learns from each attempt (the attempts themselves: `confirm.rs`).

use std::sync::Arc;

use corridor_connectors::Connector;
use corridor_core::payments::routing::{AttemptOutcome, RouteContext};
use corridor_core::Timestamp;

use super::{NewPayment, PaymentService};

/// Most connectors tried for one confirmation.
const MAX_ATTEMPTS: usize = 4;

impl PaymentService {
    /// Eligible connectors: the rule's list, narrowed to those whose coverage
    /// takes the payment, ordered by the adaptive router.
    pub(crate) fn candidates(&self, new: &NewPayment, now: Timestamp) -> Vec<Arc<dyn Connector>> {
        let method = new.method.method_type();
        let ctx = route_context(new);
        let set = self.connector_set();
        let operator_rules = self.operator_rules();
        let listed = match operator_rules.rule_for(&ctx, &new.merchant_id) {
            Some(rule) => &rule.connectors[..],
            None => set.default_rules.candidates(&ctx),
        };
        let eligible: Vec<&str> = listed
            .iter()
            .map(String::as_str)
            .filter(|name| !set.disabled.iter().any(|d| d == name))
            .filter(|name| {
                self.connector(name).is_some_and(|c| {
                    c.coverage()
                        .check(method, new.country, new.currency, new.amount)
                        .is_ok()
                })
            })
            .collect();
        let ordered = match self.router.lock() {
            Ok(router) => router.order(&eligible, &ctx, now, rand::random::<u64>()),
            Err(_) => eligible,
        };
        ordered
            .into_iter()
            .filter_map(|name| self.connector(name))
            .take(MAX_ATTEMPTS)
            .collect()
    }

    /// The connector named `name` in the live set (disabled ones included:
    /// they keep serving their own payments).
    pub fn connector(&self, name: &str) -> Option<Arc<dyn Connector>> {
        self.connectors
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .all
            .iter()
            .find(|c| c.name() == name)
            .cloned()
    }

    /// Teaches the router what one attempt taught.
    pub(crate) fn learn(
        &self,
        connector: &str,
        new: &NewPayment,
        outcome: AttemptOutcome,
        now: Timestamp,
    ) {
        if let Ok(mut router) = self.router.lock() {
            router.record(connector, &route_context(new), outcome, now);
        }
    }
}

fn route_context(new: &NewPayment) -> RouteContext<'static> {
    RouteContext {
        method: new.method.method_type().code(),
        country: new.country,
        currency: new.currency,
        amount: new.amount,
    }
}
