//! One payment, as the payment service would run it: candidates from the
//! rules and coverage, in the strategy's order; on a soft decline, a 5xx or
//! an outage the next candidate; on a timeout a lookup first, and the next
//! candidate only if the provider never recorded the charge; never a charge
//! after an approval or a hard decline.

use std::future::Future;
use std::task::{Context, Poll, Waker};

use corridor_connectors::{
    CaptureMode, ChargeOutcome, ChargeRequest, ChargeResponse, Connector, ConnectorError,
    IdempotencyKey, MethodType, NextAction,
};
use corridor_core::payments::routing::{AttemptOutcome, RouteContext, RoutingRules};

use super::population::Payment;
use super::scenario::World;
use super::strategy::Strategy;
use super::tally::{End, Tally};

/// Most providers one payment is tried at.
pub const ATTEMPTS_PER_PAYMENT_MAX: usize = 3;

/// Most lookups after a timeout before the payment is left unknown (for
/// reconciliation) rather than risk a second charge.
const LOOKUPS_MAX: u32 = 3;

/// Simulated wait before each lookup.
const LOOKUP_BACKOFF_MS: i64 = 1_000;

/// What to do after an attempt.
enum Step {
    /// Nothing was charged and a retry may succeed: try the next candidate.
    Next,
    /// The payment is over.
    End(End),
}

/// One strategy's pass over the payments, in one world.
pub struct Run<'w> {
    /// The providers and the clock.
    pub world: &'w World,
    /// The static rules (candidates, and the static order).
    pub rules: &'w RoutingRules,
    /// How candidates are ordered.
    pub strategy: Strategy,
    /// What happened so far.
    pub tally: Tally,
}

impl<'w> Run<'w> {
    /// Runs `payment` to its end; answers how it ended and the idempotency
    /// keys it used, with the position of the provider each went to.
    pub fn pay(
        &mut self,
        payment: &Payment,
    ) -> anyhow::Result<(End, Vec<(usize, IdempotencyKey)>)> {
        let world = self.world;
        // Payments overlap in time: each runs on its own timeline from its
        // arrival, so the world's clock follows the payment in progress.
        world.clock.set(payment.arrival);
        let context = RouteContext {
            method: MethodType::Card.code(),
            country: payment.country,
            currency: payment.currency,
            amount: payment.amount,
        };
        let candidates = self.candidates(&context);
        let order = self.strategy.order(
            &candidates,
            &context,
            payment.arrival,
            payment.routing_draw,
            world,
        );
        let mut keys = Vec::new();
        let mut end = End::Exhausted;
        for (attempt, name) in order.iter().take(ATTEMPTS_PER_PAYMENT_MAX).enumerate() {
            let position = self.position(name)?;
            let key = IdempotencyKey::parse(&format!("{}:{attempt}", payment.id))?;
            keys.push((position, key.clone()));
            self.tally.attempts += 1;
            let connector = world.connectors[position].as_ref();
            if let Step::End(how) = self.attempt(connector, payment, &context, key) {
                end = how;
                break;
            }
        }
        let timeline = &world.timeline;
        let arrival = payment.arrival;
        self.tally
            .record_end(end, timeline.period(arrival), timeline.in_outage(arrival));
        Ok((end, keys))
    }

    /// The rules' candidates whose coverage serves the payment, in rule order.
    fn candidates(&self, context: &RouteContext<'_>) -> Vec<&'w str> {
        let rules: &'w RoutingRules = self.rules;
        rules
            .candidates(context)
            .iter()
            .map(String::as_str)
            .filter(|name| {
                self.world.connectors.iter().any(|c| {
                    c.name() == *name
                        && c.coverage()
                            .check(
                                MethodType::Card,
                                context.country,
                                context.currency,
                                context.amount,
                            )
                            .is_ok()
                })
            })
            .collect()
    }

    fn position(&self, name: &str) -> anyhow::Result<usize> {
        self.world
            .connectors
            .iter()
            .position(|c| c.name() == name)
            .ok_or_else(|| anyhow::anyhow!("no connector `{name}`"))
    }

    fn attempt(
        &mut self,
        connector: &dyn Connector,
        payment: &Payment,
        context: &RouteContext<'_>,
        key: IdempotencyKey,
    ) -> Step {
        let request = ChargeRequest {
            payment_id: payment.id.clone(),
            idempotency_key: key.clone(),
            amount: payment.amount,
            currency: payment.currency,
            country: payment.country,
            capture: CaptureMode::Automatic,
            sca_required: false,
            method: payment.method.clone(),
        };
        match ready(connector.charge(request)) {
            Ok(response) => {
                self.world.clock.advance_ms(i64::from(response.latency_ms));
                self.settle(connector, context, response)
            }
            Err(e) if e.is_retryable() => {
                if let ConnectorError::Timeout { timeout_ms } = e {
                    self.world.clock.advance_ms(i64::from(timeout_ms));
                }
                self.tally.technical_failures += 1;
                self.observe(connector, context, AttemptOutcome::TechnicalFailure);
                if e.outcome_unknown() {
                    self.look_up(connector, context, &key)
                } else {
                    Step::Next
                }
            }
            Err(_) => Step::End(End::Error),
        }
    }

    /// After a timeout: was the charge made? Only "no" allows another provider.
    fn look_up(
        &mut self,
        connector: &dyn Connector,
        context: &RouteContext<'_>,
        key: &IdempotencyKey,
    ) -> Step {
        for _ in 0..LOOKUPS_MAX {
            self.tally.lookups += 1;
            self.world.clock.advance_ms(LOOKUP_BACKOFF_MS);
            match ready(connector.lookup(key)) {
                Ok(None) => return Step::Next,
                Ok(Some(found)) => return self.settle(connector, context, found),
                Err(_) => {}
            }
        }
        Step::End(End::Unknown)
    }

    /// The provider's answer (after the buyer's 3DS challenge, if asked),
    /// learned from and turned into the next step.
    fn settle(
        &mut self,
        connector: &dyn Connector,
        context: &RouteContext<'_>,
        response: ChargeResponse,
    ) -> Step {
        let response = match &response.outcome {
            ChargeOutcome::RequiresAction(NextAction::ThreeDSecure { .. }) => {
                match ready(connector.complete_action(&response.reference)) {
                    Ok(completed) => completed,
                    Err(_) => return Step::End(End::Unknown),
                }
            }
            _ => response,
        };
        let (outcome, step) = match response.outcome {
            ChargeOutcome::Captured | ChargeOutcome::Authorized => {
                (AttemptOutcome::Approved, Step::End(End::Succeeded))
            }
            ChargeOutcome::Declined(decline) if decline.soft => {
                self.tally.soft_declines += 1;
                (AttemptOutcome::SoftDeclined, Step::Next)
            }
            ChargeOutcome::Declined(_) => {
                (AttemptOutcome::HardDeclined, Step::End(End::HardDeclined))
            }
            _ => return Step::End(End::Error),
        };
        self.observe(connector, context, outcome);
        step
    }

    fn observe(
        &mut self,
        connector: &dyn Connector,
        context: &RouteContext<'_>,
        outcome: AttemptOutcome,
    ) {
        let now = self.world.clock.now();
        self.strategy
            .observe(connector.name(), context, outcome, now);
    }
}

/// The value of a future that is ready at once, as every call to a
/// virtual-time sandbox is (nothing sleeps, nothing waits on I/O).
pub fn ready<T>(future: impl Future<Output = T>) -> T {
    let mut future = std::pin::pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(value) => value,
        Poll::Pending => panic!("a virtual-time sandbox call was not ready"),
    }
}
