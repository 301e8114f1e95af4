//! The buyer acting, and the events due later: expiries, settlements,
//! simulated buyers, lapsed authorizations.

use super::decide::{approved, CardCase};
use super::flow::{self, Flow};
use super::{Sim, Simulated};
use crate::connector::ConnectorResult;
use crate::sandbox::draw;
use crate::sandbox::events::{Event, EventKind};
use crate::sandbox::record::ChargeRecord;
use crate::{ChargeOutcome, ChargeResponse, ConnectorError, Decline, DeclineCode, NextAction};

impl Sim<'_> {
    /// The buyer completes the action of charge `reference`. Answers the
    /// state after it; a charge that asks for no action answers as it is.
    pub fn complete(
        &mut self,
        psp: usize,
        reference: &str,
    ) -> Simulated<ConnectorResult<ChargeResponse>> {
        if self.record(psp, reference).is_none() {
            return Simulated::new(Err(ConnectorError::NotFound(reference.to_string())), 0);
        }
        self.buyer_acts(psp, reference);
        let response = self.response(psp, reference, 0);
        Simulated::new(
            response.ok_or_else(|| ConnectorError::NotFound(reference.to_string())),
            0,
        )
    }

    /// Runs every event due by now, in order, each at its own time (so what
    /// it schedules in turn is due when it would have been).
    pub fn run_due(&mut self) {
        let now = self.now;
        while let Some(event) = self.state.events.pop_due(now) {
            self.now = event.at;
            self.apply_event(&event);
        }
        self.now = now;
    }

    fn apply_event(&mut self, event: &Event) {
        let psp = event.psp;
        if event.kind == EventKind::RefundSettles {
            self.settle_refund(psp, &event.reference);
            return;
        }
        let Some(record) = self.record(psp, &event.reference) else {
            return;
        };
        let next = match (event.kind, &record.outcome) {
            (EventKind::BuyerActs, ChargeOutcome::RequiresAction(_)) => {
                self.buyer_acts(psp, &event.reference);
                return;
            }
            (EventKind::ActionExpires, ChargeOutcome::RequiresAction(_)) => {
                ChargeOutcome::Declined(Decline::new(DeclineCode::ActionExpired))
            }
            (EventKind::Settles, ChargeOutcome::Pending) => self.settle(psp, &record),
            (EventKind::AuthorizationExpires, ChargeOutcome::Authorized) => ChargeOutcome::Canceled,
            // The charge moved on since the event was scheduled.
            _ => return,
        };
        self.change(psp, record, next);
    }

    /// The buyer acted on a charge that asks for it; anything else is left as is.
    fn buyer_acts(&mut self, psp: usize, reference: &str) {
        let Some(record) = self.record(psp, reference) else {
            return;
        };
        let ChargeOutcome::RequiresAction(action) = &record.outcome else {
            return;
        };
        let name = &self.profile(psp).name;
        let mut rng = draw::rng_for(self.config.seed, &[name, "complete", reference]);
        let next = match (flow::flow(record.method), action) {
            (Flow::Card, NextAction::ThreeDSecure { .. }) => {
                let case = CardCase {
                    payment_id: &record.payment_id,
                    country: record.country,
                    capture: record.capture,
                    sca_required: true,
                    test_card: record.test_card,
                };
                self.card_after_challenge(psp, &case, &mut rng)
            }
            (Flow::QrCode, _) => approved(record.capture),
            // The voucher is paid; the provider confirms it later.
            (Flow::Voucher, _) => ChargeOutcome::Pending,
            _ => {
                self.account_decision(psp, record.method, record.country, record.capture, &mut rng)
            }
        };
        self.change(psp, record, next);
    }

    /// A pending charge's final result.
    fn settle(&mut self, psp: usize, record: &ChargeRecord) -> ChargeOutcome {
        if flow::flow(record.method) == Flow::DirectDebit {
            let name = &self.profile(psp).name;
            let mut rng = draw::rng_for(self.config.seed, &[name, "settle", &record.reference]);
            self.debit_decision(psp, record.country, &mut rng)
        } else {
            ChargeOutcome::Captured
        }
    }

    /// Moves a stored charge to `next` and notifies.
    fn change(&mut self, psp: usize, mut record: ChargeRecord, next: ChargeOutcome) {
        self.enter(psp, &mut record, next, None);
        self.notify(psp, &record);
        self.store(psp, record);
    }
}
