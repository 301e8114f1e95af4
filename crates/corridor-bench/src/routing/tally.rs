//! What one run counts: how payments ended, attempts, lookups, and the
//! audit's findings.

/// How a payment ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// Approved (captured) at some provider.
    Succeeded,
    /// The card was declined for good.
    HardDeclined,
    /// Every provider tried (at most the attempt limit) declined softly or failed.
    Exhausted,
    /// A timeout whose lookups all failed: left for reconciliation.
    Unknown,
    /// A refused request or an answer that makes no sense for a card.
    Error,
}

/// Counts of one run.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// Payments run.
    pub payments: u64,
    /// Payments approved.
    pub succeeded: u64,
    /// Payments declined for good.
    pub hard_declined: u64,
    /// Payments that ran out of providers.
    pub exhausted: u64,
    /// Payments left unknown after a timeout.
    pub unknown: u64,
    /// Payments refused or answered nonsensically (should stay 0).
    pub errors: u64,
    /// Charge calls.
    pub attempts: u64,
    /// Soft declines.
    pub soft_declines: u64,
    /// Timeouts, 5xx and outages.
    pub technical_failures: u64,
    /// Lookups after timeouts.
    pub lookups: u64,
    /// `(payments, succeeded)` before, during and after atlas's degradation.
    pub by_period: [(u64, u64); 3],
    /// `(payments, succeeded)` while harbor is down.
    pub in_outage: (u64, u64),
    /// Payments the providers charged more than once (must stay 0).
    pub double_charged: u64,
    /// Payments a provider charged that the run did not count as approved
    /// (only possible for `unknown` ones).
    pub charged_unrecorded: u64,
    /// Audit lookups that never got an answer.
    pub audit_unanswered: u64,
}

impl Tally {
    /// Counts how a payment that arrived at `period` (see
    /// [`super::scenario::Timeline::period`]) ended.
    pub fn record_end(&mut self, end: End, period: usize, in_outage: bool) {
        let succeeded = u64::from(end == End::Succeeded);
        self.payments += 1;
        self.succeeded += succeeded;
        match end {
            End::Succeeded => {}
            End::HardDeclined => self.hard_declined += 1,
            End::Exhausted => self.exhausted += 1,
            End::Unknown => self.unknown += 1,
            End::Error => self.errors += 1,
        }
        if let Some(slot) = self.by_period.get_mut(period) {
            slot.0 += 1;
            slot.1 += succeeded;
        }
        if in_outage {
            self.in_outage.0 += 1;
            self.in_outage.1 += succeeded;
        }
    }
}
