//! What the operator configures while the service runs: the connector set,
//! routing rules and the fee table, each replaced whole without a restart.

use std::sync::Arc;

use corridor_connectors::Connector;
use corridor_core::payments::fee_table::FeeTable;
use corridor_core::payments::routing::{OperatorRules, RoutingRules};

use super::{PaymentError, PaymentService};

/// The connectors the service knows: every one (payments already made keep
/// theirs for captures, cancels and notifications), those that take new
/// payments, and the default order when no operator rule matches.
#[derive(Clone)]
pub(crate) struct ConnectorSet {
    pub all: Vec<Arc<dyn Connector>>,
    pub disabled: Vec<String>,
    pub default_rules: Arc<RoutingRules>,
}

impl ConnectorSet {
    pub fn new(all: Vec<Arc<dyn Connector>>, disabled: Vec<String>) -> Result<Self, PaymentError> {
        let enabled: Vec<String> = all
            .iter()
            .map(|c| c.name().to_string())
            .filter(|n| !disabled.contains(n))
            .collect();
        // Static order is the default rule; the adaptive router reorders the
        // eligible connectors by what it has learned. With none enabled,
        // there is no default rule and every payment finds no connector.
        let default_rules = if enabled.is_empty() {
            RoutingRules::new(Vec::new(), vec!["(none)".to_string()])
        } else {
            RoutingRules::new(Vec::new(), enabled)
        }
        .map_err(|e| PaymentError::Unavailable(format!("routing rules: {e}")))?;
        Ok(ConnectorSet {
            all,
            disabled,
            default_rules: Arc::new(default_rules),
        })
    }
}

impl PaymentService {
    /// Replaces the connector set: `connectors` are every connector the
    /// service may call (keep disabled ones, so their payments can still be
    /// captured, canceled and notified), `disabled` those that take no new
    /// payments. Fails on duplicate names.
    pub fn set_connectors(
        &self,
        connectors: Vec<Arc<dyn Connector>>,
        disabled: Vec<String>,
    ) -> Result<(), PaymentError> {
        for (i, c) in connectors.iter().enumerate() {
            if connectors[..i].iter().any(|o| o.name() == c.name()) {
                return Err(PaymentError::Unavailable(format!(
                    "two connectors are named `{}`",
                    c.name()
                )));
            }
        }
        let set = ConnectorSet::new(connectors, disabled)?;
        *self.connectors.write().unwrap_or_else(|e| e.into_inner()) = set;
        Ok(())
    }

    /// Puts operator routing rules in force for the next payment.
    pub fn set_operator_rules(&self, rules: OperatorRules) {
        *self
            .operator_rules
            .write()
            .unwrap_or_else(|e| e.into_inner()) = Arc::new(rules);
    }

    /// Puts a fee table in force for the next fee computed.
    pub fn set_fee_table(&self, table: FeeTable) {
        *self.fee_table.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(table));
    }

    /// The operator's fee table in force, if one was put (else the built-in
    /// schedule applies).
    pub fn fee_table(&self) -> Option<Arc<FeeTable>> {
        self.fee_table
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The fee schedule of a payment by `method_type` in `country` and `currency`.
    pub(crate) fn fee_schedule(
        &self,
        method_type: corridor_core::payments::method::MethodType,
        country: corridor_core::CountryCode,
        currency: corridor_core::Currency,
    ) -> corridor_core::payments::fees::FeeSchedule {
        match self.fee_table() {
            Some(table) => table.entry(method_type.code(), country).schedule(currency),
            None => super::fees::schedule(method_type, currency),
        }
    }

    pub(crate) fn connector_set(&self) -> ConnectorSet {
        self.connectors
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub(crate) fn operator_rules(&self) -> Arc<OperatorRules> {
        Arc::clone(
            &self
                .operator_rules
                .read()
                .unwrap_or_else(|e| e.into_inner()),
        )
    }

    /// Whether the service knows any connector (read under the lock, no copy:
    /// the API asks this on every payment request).
    pub fn has_connectors(&self) -> bool {
        !self
            .connectors
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .all
            .is_empty()
    }

    /// Names of every connector the service knows.
    pub fn connector_names(&self) -> Vec<String> {
        self.connector_set()
            .all
            .iter()
            .map(|c| c.name().to_string())
            .collect()
    }
}
