//! The mutable state of one simulated provider: its charges and the
//! idempotency keys it has seen.

use std::collections::HashMap;

use super::record::{ChargeRecord, RefundRecord};
use crate::{ChargeResponse, ConnectorError};

/// Most charges one provider keeps; past this it answers 5xx (the
/// simulation is leaking, not busy).
pub(crate) const CHARGES_PER_PSP_MAX: usize = 5_000_000;

/// A charge key already used, and the first answer to it.
#[derive(Debug, Clone)]
pub(crate) struct KeyedCharge {
    pub reference: String,
    pub fingerprint: u64,
    pub first: ChargeResponse,
}

/// A capture or cancel key already used, and its result.
#[derive(Debug, Clone)]
pub(crate) struct KeyedOperation {
    pub fingerprint: u64,
    pub result: Result<ChargeResponse, ConnectorError>,
}

/// The kinds of keyed operations besides charges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Operation {
    Capture,
    Cancel,
}

#[derive(Debug, Default)]
pub(crate) struct PspState {
    pub charges: HashMap<String, ChargeRecord>,
    pub charge_keys: HashMap<String, KeyedCharge>,
    pub operation_keys: HashMap<(Operation, String), KeyedOperation>,
    /// Refunds by reference.
    pub refunds: HashMap<String, RefundRecord>,
    /// Refund keys already used: the refund's reference and the request's
    /// fingerprint.
    pub refund_keys: HashMap<String, (String, u64)>,
    /// Calls per charge key so far: each retry of a key draws afresh.
    pub calls_per_key: HashMap<String, u32>,
    next_number: u64,
}

impl PspState {
    /// A new reference: `<psp>_ch_<number>`.
    pub fn next_reference(&mut self, psp: &str) -> String {
        self.next_number += 1;
        format!("{psp}_ch_{:08}", self.next_number)
    }

    /// A new refund reference: `<psp>_re_<number>`.
    pub fn next_refund_reference(&mut self, psp: &str) -> String {
        self.next_number += 1;
        format!("{psp}_re_{:08}", self.next_number)
    }

    /// Counts a call with `key`, answering how many came before it.
    pub fn count_call(&mut self, key: &str) -> u32 {
        let calls = self.calls_per_key.entry(key.to_string()).or_insert(0);
        let before = *calls;
        *calls = calls.saturating_add(1);
        before
    }
}
