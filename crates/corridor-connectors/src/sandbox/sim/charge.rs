//! A new charge: faults, idempotency, coverage, timeouts, then the first
//! decision.

use rand::rngs::StdRng;

use super::decide::{self, CardCase};
use super::flow::{self, Flow};
use super::{Sim, Simulated, OUTAGE_LATENCY_MS};
use crate::connector::ConnectorResult;
use crate::sandbox::draw;
use crate::sandbox::events::EVENTS_QUEUED_MAX;
use crate::sandbox::faults::ActiveFaults;
use crate::sandbox::psp_state::{KeyedCharge, CHARGES_PER_PSP_MAX};
use crate::sandbox::record::ChargeRecord;
use crate::sandbox::test_cards::{test_card, TestCard};
use crate::{
    ChargeOutcome, ChargeRequest, ChargeResponse, ConnectorError, Decline, DeclineCode,
    PaymentMethod,
};

/// Statuses of simulated server errors and how often each comes up.
const SERVER_ERROR_STATUSES: [(u16, u32); 3] = [(500, 50), (502, 30), (503, 20)];

/// Share of background timeouts that the provider had processed.
const BACKGROUND_TIMEOUT_PROCESSED_RATE: f64 = 0.5;

/// Whether a timed-out charge was recorded by the provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Processed {
    Yes,
    No,
}

impl Sim<'_> {
    /// Charges `request` at provider `psp`.
    pub fn charge(
        &mut self,
        psp: usize,
        request: &ChargeRequest,
    ) -> Simulated<ConnectorResult<ChargeResponse>> {
        let name = &self.profile(psp).name;
        let key = request.idempotency_key.as_str();
        let call = self.state.psps[psp].count_call(key).to_string();
        let mut rng = draw::rng_for(self.config.seed, &[name, "charge", key, &call]);
        let card = match &request.method {
            PaymentMethod::Card(card) => test_card(&card.number),
            _ => None,
        };
        let faults = self.active_faults(psp);
        let latency_ms = self.draw_latency(psp, &faults, &mut rng);
        if faults.outage {
            return Simulated::new(Err(ConnectorError::Unavailable), OUTAGE_LATENCY_MS);
        }
        let background = self.config.background_faults && card.is_none();
        let fails_now = draw::chance(&mut rng, faults.server_error_rate);
        let fails_anyway =
            background && draw::chance(&mut rng, self.profile(psp).server_error_rate);
        if fails_now || fails_anyway {
            let status = draw::weighted(&mut rng, &SERVER_ERROR_STATUSES);
            return Simulated::new(Err(ConnectorError::ServerError { status }), latency_ms);
        }
        let fingerprint = fingerprint(request);
        if let Some(keyed) = self.state.psps[psp].charge_keys.get(key) {
            let replay = if keyed.fingerprint == fingerprint {
                Ok(ChargeResponse {
                    latency_ms,
                    ..keyed.first.clone()
                })
            } else {
                Err(ConnectorError::IdempotencyConflict)
            };
            return Simulated::new(replay, latency_ms);
        }
        if let Err(refused) = self.admit(psp, request) {
            return Simulated::new(Err(refused), latency_ms);
        }

        let timeout_ms = self.config.timeout_ms;
        let timeout = self.draw_timeout(psp, &faults, background, latency_ms, &mut rng);
        if timeout == Some(Processed::No) {
            return Simulated::new(Err(ConnectorError::Timeout { timeout_ms }), timeout_ms);
        }
        let response = self.record_new(psp, request, card, fingerprint, &mut rng);
        if timeout.is_some() {
            return Simulated::new(Err(ConnectorError::Timeout { timeout_ms }), timeout_ms);
        }
        Simulated::new(
            Ok(ChargeResponse {
                latency_ms,
                ..response
            }),
            latency_ms,
        )
    }

    /// Whether the call outlives the caller's patience, and if so whether the
    /// provider had charged: a slow answer always had, a lost one may have.
    fn draw_timeout(
        &self,
        psp: usize,
        faults: &ActiveFaults,
        background: bool,
        latency_ms: u32,
        rng: &mut StdRng,
    ) -> Option<Processed> {
        let lost_now = draw::chance(rng, faults.timeout_rate);
        let lost_anyway = background && draw::chance(rng, self.profile(psp).timeout_rate);
        let processed = if latency_ms > self.config.timeout_ms {
            true
        } else if lost_now {
            draw::chance(rng, faults.timeout_processed_rate)
        } else if lost_anyway {
            draw::chance(rng, BACKGROUND_TIMEOUT_PROCESSED_RATE)
        } else {
            return None;
        };
        Some(if processed {
            Processed::Yes
        } else {
            Processed::No
        })
    }

    /// Refuses what the provider does not serve, malformed details, and
    /// charges past the simulation's limits.
    fn admit(&self, psp: usize, request: &ChargeRequest) -> Result<(), ConnectorError> {
        self.coverages[psp].check_request(request)?;
        if let PaymentMethod::Upi { vpa } = &request.method {
            let valid = vpa.split_once('@').is_some_and(|(name, bank)| {
                !name.is_empty() && !bank.is_empty() && !bank.contains('@')
            });
            if !valid {
                return Err(ConnectorError::InvalidRequest(format!(
                    "`{vpa}` is not a UPI address (name@bank)"
                )));
            }
        }
        if self.state.psps[psp].charges.len() >= CHARGES_PER_PSP_MAX
            || self.state.events.len() >= EVENTS_QUEUED_MAX
        {
            return Err(ConnectorError::ServerError { status: 507 });
        }
        Ok(())
    }

    /// Records a new charge in its first state.
    fn record_new(
        &mut self,
        psp: usize,
        request: &ChargeRequest,
        card: Option<TestCard>,
        fingerprint: u64,
        rng: &mut StdRng,
    ) -> ChargeResponse {
        let name = &self.profile(psp).name;
        let reference = self.state.psps[psp].next_reference(name);
        let outcome = self.first_outcome(psp, &reference, request, card, rng);
        let mut record = ChargeRecord {
            reference: reference.clone(),
            payment_id: request.payment_id.clone(),
            method: request.method.method_type(),
            amount: request.amount,
            currency: request.currency,
            country: request.country,
            capture: request.capture,
            test_card: card,
            outcome: ChargeOutcome::Pending,
            amount_captured: corridor_core::Amount::ZERO,
            fee: corridor_core::Amount::ZERO,
        };
        self.enter(psp, &mut record, outcome, None);
        let response = record.response(0);
        let keyed = KeyedCharge {
            reference,
            fingerprint,
            first: response.clone(),
        };
        let state = &mut self.state.psps[psp];
        state
            .charge_keys
            .insert(request.idempotency_key.as_str().to_string(), keyed);
        state.charges.insert(record.reference.clone(), record);
        response
    }

    fn first_outcome(
        &mut self,
        psp: usize,
        reference: &str,
        request: &ChargeRequest,
        card: Option<TestCard>,
        rng: &mut StdRng,
    ) -> ChargeOutcome {
        let method = request.method.method_type();
        match (flow::flow(method), &request.method) {
            (Flow::Card, PaymentMethod::Card(details)) => {
                if decide::card_expired(details.expiry, self.now) {
                    return ChargeOutcome::Declined(Decline::new(DeclineCode::ExpiredCard));
                }
                let case = CardCase {
                    payment_id: &request.payment_id,
                    country: request.country,
                    capture: request.capture,
                    sca_required: request.sca_required,
                    test_card: card,
                };
                let url = self.action_url(psp, reference);
                self.card_first_outcome(psp, &case, url, rng)
            }
            (Flow::DirectDebit, _) => ChargeOutcome::Pending,
            _ => ChargeOutcome::RequiresAction(self.next_action(
                psp,
                reference,
                &request.method,
                request.amount,
                request.currency,
                rng,
            )),
        }
    }
}

/// A hash of everything a charge request says, to tell a replay from a
/// different request under the same key.
fn fingerprint(request: &ChargeRequest) -> u64 {
    let details = match &request.method {
        PaymentMethod::Card(card) => format!(
            "{}/{}/{}/{}",
            card.number.expose_digits(),
            card.expiry.month,
            card.expiry.year,
            card.cvc
        ),
        PaymentMethod::SepaDebit { iban, .. } => iban.clone(),
        PaymentMethod::Upi { vpa } => vpa.clone(),
        _ => String::new(),
    };
    draw::hash_parts(
        0,
        &[
            &request.payment_id,
            &request.amount.minor().to_string(),
            request.currency.code(),
            request.country.as_str(),
            request.capture.code(),
            if request.sca_required {
                "sca"
            } else {
                "no_sca"
            },
            request.method.method_type().code(),
            &details,
        ],
    )
}
