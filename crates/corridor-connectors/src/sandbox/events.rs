//! Things due to happen later in simulated time: expiries, settlements,
//! buyers acting, authorizations lapsing.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use corridor_core::Timestamp;

/// Most events waiting at once; beyond this the world refuses new charges
/// (the simulation is leaking, not busy).
pub(crate) const EVENTS_QUEUED_MAX: usize = 10_000_000;

/// What happens when an event is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EventKind {
    /// The buyer's action lapses if not done.
    ActionExpires,
    /// A paid voucher is confirmed, or a SEPA debit is settled.
    Settles,
    /// A simulated buyer completes the action.
    BuyerActs,
    /// An uncaptured authorization is voided.
    AuthorizationExpires,
    /// A pending refund (named by its reference) succeeds or fails.
    RefundSettles,
}

/// One event of one charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Event {
    pub at: Timestamp,
    pub seq: u64,
    pub psp: usize,
    pub reference: String,
    pub kind: EventKind,
}

impl Ord for Event {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

impl PartialOrd for Event {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Events in the order they are due (ties in the order they were scheduled).
#[derive(Debug, Default)]
pub(crate) struct EventQueue {
    heap: BinaryHeap<Reverse<Event>>,
    next_seq: u64,
}

impl EventQueue {
    pub fn push(&mut self, at: Timestamp, psp: usize, reference: &str, kind: EventKind) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Reverse(Event {
            at,
            seq,
            psp,
            reference: reference.to_string(),
            kind,
        }));
    }

    /// The earliest event due at or before `now`.
    pub fn pop_due(&mut self, now: Timestamp) -> Option<Event> {
        if self.heap.peek()?.0.at > now {
            return None;
        }
        self.heap.pop().map(|Reverse(event)| event)
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }
}
