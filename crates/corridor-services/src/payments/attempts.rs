//! Trying connectors in order until one takes the payment, never charging twice.
//!
//! A soft decline, a 5xx or an outage moves on to the next eligible
//! connector. A timeout is first looked up at the connector that timed out:
//! if the charge happened there, that is the answer; only if it provably did
//! not does the payment move on. If even the lookup fails, the outcome is
//! unknown and the payment stops there (`processing`), to be resolved by the
//! connector's notification, rather than risk a second charge.

use std::sync::Arc;

use corridor_connectors::{
    ChargeOutcome, ChargeRequest, ChargeResponse, Connector, ConnectorError, IdempotencyKey,
};
use corridor_core::payments::routing::{AttemptOutcome, RouteContext};
use corridor_core::Timestamp;
use corridor_store::AttemptRecord;

use super::{NewPayment, PaymentService};

/// Most connectors tried for one confirmation.
const MAX_ATTEMPTS: usize = 4;

/// How a confirmation's attempts ended.
#[derive(Debug)]
pub(crate) enum Ended {
    /// A connector answered with a final or actionable outcome.
    Answered {
        connector: String,
        response: ChargeResponse,
    },
    /// A connector may have charged but could not say: wait for its notification.
    Unknown { connector: String },
    /// Every eligible connector declined softly or failed.
    Exhausted { last_code: String },
}

impl PaymentService {
    /// Eligible connectors: the rule's list, narrowed to those whose coverage
    /// takes the payment, ordered by the adaptive router.
    fn candidates(&self, new: &NewPayment, now: Timestamp) -> Vec<Arc<dyn Connector>> {
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

    pub(crate) fn connector(&self, name: &str) -> Option<Arc<dyn Connector>> {
        self.connectors
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .all
            .iter()
            .find(|c| c.name() == name)
            .cloned()
    }

    /// Teaches the router what one attempt taught.
    fn learn(&self, connector: &str, new: &NewPayment, outcome: AttemptOutcome, now: Timestamp) {
        if let Ok(mut router) = self.router.lock() {
            router.record(connector, &route_context(new), outcome, now);
        }
    }

    /// Runs attempts; returns how they ended and the attempt records.
    pub(crate) async fn attempt(
        &self,
        payment_id: &str,
        new: &NewPayment,
        first_seq: i64,
        now: Timestamp,
    ) -> (Ended, Vec<AttemptRecord>) {
        let candidates = self.candidates(new, now);
        let mut records = Vec::new();
        let mut last_code = "no_connector_available".to_string();
        for (i, connector) in candidates.iter().enumerate() {
            let seq = first_seq + i64::try_from(i).unwrap_or(i64::MAX);
            let key_text = format!("{payment_id}-a{seq}");
            let Ok(key) = IdempotencyKey::parse(&key_text) else {
                break;
            };
            let request = ChargeRequest {
                payment_id: payment_id.to_string(),
                idempotency_key: key.clone(),
                amount: new.amount,
                currency: new.currency,
                country: new.country,
                capture: new.capture,
                sca_required: new.sca_required,
                method: new.method.clone(),
            };
            let result = match connector.charge(request).await {
                Err(e) if e.outcome_unknown() => match connector.lookup(&key).await {
                    Ok(Some(found)) => Ok(found),
                    Ok(None) => Err(e),
                    Err(_) => {
                        records.push(record(
                            payment_id,
                            seq,
                            connector.name(),
                            &key_text,
                            "unknown",
                            Some("timeout"),
                            now,
                        ));
                        return (
                            Ended::Unknown {
                                connector: connector.name().to_string(),
                            },
                            records,
                        );
                    }
                },
                other => other,
            };
            self.learn(connector.name(), new, learned(&result), now);
            match result {
                Ok(response) => {
                    let code = match &response.outcome {
                        ChargeOutcome::Declined(d) => Some(d.code.code()),
                        _ => None,
                    };
                    records.push(record(
                        payment_id,
                        seq,
                        connector.name(),
                        &key_text,
                        response.outcome.code(),
                        code,
                        now,
                    ));
                    if let ChargeOutcome::Declined(d) = &response.outcome {
                        if d.soft {
                            last_code = d.code.code().to_string();
                            continue;
                        }
                    }
                    return (
                        Ended::Answered {
                            connector: connector.name().to_string(),
                            response,
                        },
                        records,
                    );
                }
                Err(e) => {
                    last_code = error_code(&e).to_string();
                    records.push(record(
                        payment_id,
                        seq,
                        connector.name(),
                        &key_text,
                        "error",
                        Some(error_code(&e)),
                        now,
                    ));
                }
            }
        }
        (Ended::Exhausted { last_code }, records)
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

/// What an attempt's result says about the connector.
fn learned(result: &Result<ChargeResponse, ConnectorError>) -> AttemptOutcome {
    match result {
        Ok(r) => match &r.outcome {
            ChargeOutcome::Declined(d) if d.soft => AttemptOutcome::SoftDeclined,
            ChargeOutcome::Declined(_) => AttemptOutcome::HardDeclined,
            _ => AttemptOutcome::Approved,
        },
        Err(_) => AttemptOutcome::TechnicalFailure,
    }
}

fn error_code(e: &ConnectorError) -> &'static str {
    match e {
        ConnectorError::Timeout { .. } => "timeout",
        ConnectorError::ServerError { .. } => "processor_error",
        ConnectorError::Unavailable => "processor_unavailable",
        _ => "processor_refused",
    }
}

fn record(
    payment_id: &str,
    seq: i64,
    connector: &str,
    key: &str,
    outcome: &str,
    code: Option<&str>,
    now: Timestamp,
) -> AttemptRecord {
    AttemptRecord {
        payment_id: payment_id.to_string(),
        seq,
        connector: connector.to_string(),
        idempotency_key: key.to_string(),
        outcome: outcome.to_string(),
        code: code.map(str::to_string),
        created_at: now,
    }
}
