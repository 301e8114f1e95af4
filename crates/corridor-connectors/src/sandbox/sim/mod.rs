//! One operation on the world, under its lock: the simulation proper.

mod action;
mod charge;
mod decide;
mod flow;
mod manage;
mod next_action;
mod refund;

use corridor_core::{Amount, Timestamp};

use super::config::SandboxConfig;
use super::draw;
use super::events::EventKind;
use super::faults::{self, ActiveFaults};
use super::notify::Notification;
use super::profile::PspProfile;
use super::record::ChargeRecord;
use super::world::WorldState;
use crate::{ChargeOutcome, ChargeResponse, Coverage};

/// Latency of a call to a provider in an outage (the connection is refused).
const OUTAGE_LATENCY_MS: u32 = 30;

/// A value and how long the simulated call took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Simulated<T> {
    pub value: T,
    pub latency_ms: u32,
}

impl<T> Simulated<T> {
    fn new(value: T, latency_ms: u32) -> Self {
        Simulated { value, latency_ms }
    }
}

/// The world during one operation, at one instant.
pub(crate) struct Sim<'a> {
    config: &'a SandboxConfig,
    profiles: &'a [PspProfile],
    coverages: &'a [Coverage],
    base_url: &'a str,
    state: &'a mut WorldState,
    now: Timestamp,
    outbox: Vec<Notification>,
}

impl<'a> Sim<'a> {
    pub fn new(
        config: &'a SandboxConfig,
        profiles: &'a [PspProfile],
        coverages: &'a [Coverage],
        base_url: &'a str,
        state: &'a mut WorldState,
        now: Timestamp,
    ) -> Self {
        Sim {
            config,
            profiles,
            coverages,
            base_url,
            state,
            now,
            outbox: Vec::new(),
        }
    }

    /// The notifications this operation produced.
    pub fn into_notifications(self) -> Vec<Notification> {
        self.outbox
    }

    fn profile(&self, psp: usize) -> &'a PspProfile {
        let profiles = self.profiles;
        &profiles[psp]
    }

    fn active_faults(&self, psp: usize) -> ActiveFaults {
        faults::active(&self.state.faults, &self.profile(psp).name, self.now)
    }

    /// A latency drawn from the provider's distribution, slowed by faults.
    fn draw_latency(&self, psp: usize, faults: &ActiveFaults, rng: &mut rand::rngs::StdRng) -> u32 {
        let latency = self.profile(psp).latency;
        let ms = draw::log_normal_ms(rng, latency.median_ms, latency.sigma, latency.max_ms);
        (f64::from(ms) * faults.slow_factor.max(1.0)).min(f64::from(u32::MAX)) as u32
    }

    /// Moves a charge to `outcome` (with `captured` for a partial capture),
    /// prices it, and schedules what follows. Answers the new state.
    fn enter(
        &mut self,
        psp: usize,
        record: &mut ChargeRecord,
        outcome: ChargeOutcome,
        captured: Option<Amount>,
    ) {
        let profile = self.profile(psp);
        let cross_border = profile.is_cross_border(record.country);
        let fee_terms = profile.method(record.method).map(|m| &m.fee);
        let fee_on = |amount: Amount| {
            fee_terms.map_or(Amount::ZERO, |terms| {
                terms.fee(amount, record.currency, cross_border)
            })
        };
        let (amount_captured, fee) = match outcome {
            ChargeOutcome::Authorized => (Amount::ZERO, fee_on(record.amount)),
            ChargeOutcome::Captured => {
                let captured = captured.unwrap_or(record.amount);
                (captured, fee_on(captured))
            }
            _ => (Amount::ZERO, Amount::ZERO),
        };
        record.outcome = outcome;
        record.amount_captured = amount_captured;
        record.fee = fee;
        self.schedule_follow_ups(psp, record);
    }

    /// Schedules the events that the charge's new state leads to.
    fn schedule_follow_ups(&mut self, psp: usize, record: &ChargeRecord) {
        let timings = self.config.timings;
        let follow_up = match &record.outcome {
            ChargeOutcome::RequiresAction(_) => {
                let expiry = flow::action_expiry_seconds(&timings, record.method);
                self.maybe_schedule_buyer(psp, record, expiry);
                Some((expiry, EventKind::ActionExpires))
            }
            ChargeOutcome::Pending => Some((
                flow::settle_seconds(&timings, record.method),
                EventKind::Settles,
            )),
            ChargeOutcome::Authorized => Some((
                timings.authorization_expiry_seconds,
                EventKind::AuthorizationExpires,
            )),
            _ => None,
        };
        if let Some((seconds, kind)) = follow_up {
            self.state
                .events
                .push(self.now.plus_seconds(seconds), psp, &record.reference, kind);
        }
    }

    /// With simulated buyers: decides whether and when the buyer acts.
    fn maybe_schedule_buyer(&mut self, psp: usize, record: &ChargeRecord, expiry_seconds: i64) {
        if !self.config.simulate_buyers {
            return;
        }
        let profile = self.profile(psp);
        let Some(method) = profile.method(record.method) else {
            return;
        };
        let mut rng = draw::rng_for(
            self.config.seed,
            &[&profile.name, "buyer", &record.reference],
        );
        if !draw::chance(&mut rng, method.buyer_completion_rate) {
            return;
        }
        // Buyers act between 2% and 80% of the way to the expiry.
        let fraction = 0.02 + 0.78 * rand::Rng::random::<f64>(&mut rng);
        let after_ms = (expiry_seconds as f64 * 1_000.0 * fraction) as i64;
        let at =
            Timestamp::from_unix_micros(self.now.unix_micros().saturating_add(after_ms * 1_000));
        self.state
            .events
            .push(at, psp, &record.reference, EventKind::BuyerActs);
    }

    /// Queues a notification of the charge's new state.
    fn notify(&mut self, psp: usize, record: &ChargeRecord) {
        self.state.next_notification += 1;
        self.outbox.push(Notification {
            id: self.state.next_notification,
            psp: self.profile(psp).name.clone(),
            payment_id: record.payment_id.clone(),
            created_at: self.now,
            charge: record.response(0),
        });
    }

    /// The charge with `reference` at provider `psp`, copied out.
    fn record(&self, psp: usize, reference: &str) -> Option<ChargeRecord> {
        self.state.psps[psp].charges.get(reference).cloned()
    }

    /// Stores a charge back.
    fn store(&mut self, psp: usize, record: ChargeRecord) {
        self.state.psps[psp]
            .charges
            .insert(record.reference.clone(), record);
    }

    fn response(&self, psp: usize, reference: &str, latency_ms: u32) -> Option<ChargeResponse> {
        self.state.psps[psp]
            .charges
            .get(reference)
            .map(|r| r.response(latency_ms))
    }
}
