//! Calls about existing charges: lookup, retrieve, capture, cancel.

use corridor_core::Amount;

use super::{Sim, Simulated, OUTAGE_LATENCY_MS};
use crate::connector::ConnectorResult;
use crate::sandbox::draw;
use crate::sandbox::psp_state::{KeyedOperation, Operation};
use crate::{CancelRequest, CaptureRequest, ChargeOutcome, ChargeResponse, ConnectorError};

impl Sim<'_> {
    /// The charge made with idempotency key `key`, if any.
    pub fn lookup(
        &mut self,
        psp: usize,
        key: &str,
    ) -> Simulated<ConnectorResult<Option<ChargeResponse>>> {
        let reference = self.state.psps[psp]
            .charge_keys
            .get(key)
            .map(|k| k.reference.clone());
        let spared = self.spared(psp, reference.as_deref());
        let latency_ms = match self.gate(psp, "lookup", key, spared) {
            Ok(gate) => gate,
            Err(failure) => return failure.map_err(),
        };
        let found = reference.and_then(|r| self.response(psp, &r, latency_ms));
        Simulated::new(Ok(found), latency_ms)
    }

    /// The charge with `reference`.
    pub fn retrieve(
        &mut self,
        psp: usize,
        reference: &str,
    ) -> Simulated<ConnectorResult<ChargeResponse>> {
        let spared = self.spared(psp, Some(reference));
        let latency_ms = match self.gate(psp, "retrieve", reference, spared) {
            Ok(gate) => gate,
            Err(failure) => return failure.map_err(),
        };
        let found = self.response(psp, reference, latency_ms);
        Simulated::new(
            found.ok_or_else(|| ConnectorError::NotFound(reference.to_string())),
            latency_ms,
        )
    }

    /// Captures an authorized charge.
    pub fn capture(
        &mut self,
        psp: usize,
        request: &CaptureRequest,
    ) -> Simulated<ConnectorResult<ChargeResponse>> {
        let fingerprint = draw::hash_parts(
            0,
            &[&request.reference, &request.amount.minor().to_string()],
        );
        self.keyed(
            psp,
            Operation::Capture,
            (request.idempotency_key.as_str(), &request.reference),
            fingerprint,
            |sim| sim.apply_capture(psp, &request.reference, request.amount),
        )
    }

    /// Cancels a charge that is not captured.
    pub fn cancel(
        &mut self,
        psp: usize,
        request: &CancelRequest,
    ) -> Simulated<ConnectorResult<ChargeResponse>> {
        let fingerprint = draw::hash_parts(0, &[&request.reference]);
        self.keyed(
            psp,
            Operation::Cancel,
            (request.idempotency_key.as_str(), &request.reference),
            fingerprint,
            |sim| sim.apply_cancel(psp, &request.reference),
        )
    }

    fn apply_capture(
        &mut self,
        psp: usize,
        reference: &str,
        amount: Amount,
    ) -> ConnectorResult<ChargeResponse> {
        let mut record = self
            .record(psp, reference)
            .ok_or_else(|| ConnectorError::NotFound(reference.to_string()))?;
        if record.outcome != ChargeOutcome::Authorized {
            return Err(ConnectorError::InvalidState(format!(
                "charge `{reference}` is {}; only an authorized charge can be captured",
                record.outcome.code()
            )));
        }
        if amount > record.amount {
            return Err(ConnectorError::InvalidRequest(format!(
                "cannot capture {} of an authorization of {}",
                amount.minor(),
                record.amount.minor()
            )));
        }
        self.enter(psp, &mut record, ChargeOutcome::Captured, Some(amount));
        let response = record.response(0);
        self.store(psp, record);
        Ok(response)
    }

    fn apply_cancel(&mut self, psp: usize, reference: &str) -> ConnectorResult<ChargeResponse> {
        let mut record = self
            .record(psp, reference)
            .ok_or_else(|| ConnectorError::NotFound(reference.to_string()))?;
        if !matches!(
            record.outcome,
            ChargeOutcome::Authorized | ChargeOutcome::RequiresAction(_)
        ) {
            return Err(ConnectorError::InvalidState(format!(
                "charge `{reference}` is {}; only an authorized charge or one awaiting the buyer can be canceled",
                record.outcome.code()
            )));
        }
        self.enter(psp, &mut record, ChargeOutcome::Canceled, None);
        let response = record.response(0);
        self.store(psp, record);
        Ok(response)
    }

    /// Runs a capture or cancel once per key: a repeat with the same key and
    /// request answers the stored result, with another request a conflict.
    /// The call is known by its idempotency key and its charge's reference.
    fn keyed(
        &mut self,
        psp: usize,
        operation: Operation,
        (key, reference): (&str, &str),
        fingerprint: u64,
        apply: impl FnOnce(&mut Self) -> ConnectorResult<ChargeResponse>,
    ) -> Simulated<ConnectorResult<ChargeResponse>> {
        let spared = self.spared(psp, Some(reference));
        let latency_ms = match self.gate(psp, operation.code(), key, spared) {
            Ok(gate) => gate,
            Err(failure) => return failure.map_err(),
        };
        let slot = (operation, key.to_string());
        let result = match self.state.psps[psp].operation_keys.get(&slot) {
            Some(stored) if stored.fingerprint == fingerprint => stored.result.clone(),
            Some(_) => Err(ConnectorError::IdempotencyConflict),
            None => {
                let result = apply(self);
                let stored = KeyedOperation {
                    fingerprint,
                    result: result.clone(),
                };
                self.state.psps[psp].operation_keys.insert(slot, stored);
                result
            }
        };
        Simulated::new(
            result.map(|r| ChargeResponse { latency_ms, ..r }),
            latency_ms,
        )
    }

    /// Whether background faults spare the calls about the charge
    /// `reference`: those of a test card, whose charges they spare too, so
    /// that a test card behaves the same every time from charge to refund.
    pub(super) fn spared(&self, psp: usize, reference: Option<&str>) -> bool {
        reference
            .and_then(|r| self.state.psps[psp].charges.get(r))
            .is_some_and(|charge| charge.test_card.is_some())
    }

    /// Outages and server errors hit every call, background server errors
    /// every call not `spared`; answers the call's latency when it gets
    /// through.
    pub(super) fn gate(
        &mut self,
        psp: usize,
        operation: &str,
        id: &str,
        spared: bool,
    ) -> Result<u32, Simulated<ConnectorError>> {
        let name = &self.profile(psp).name;
        let call = self.state.psps[psp]
            .count_call(&format!("{operation}:{id}"))
            .to_string();
        let mut rng = draw::rng_for(self.config.seed, &[name, operation, id, &call]);
        let faults = self.active_faults(psp);
        let latency_ms = self.draw_latency(psp, &faults, &mut rng);
        if faults.outage {
            return Err(Simulated::new(
                ConnectorError::Unavailable,
                OUTAGE_LATENCY_MS,
            ));
        }
        let background = self.config.background_faults
            && !spared
            && draw::chance(&mut rng, self.profile(psp).server_error_rate);
        if background || draw::chance(&mut rng, faults.server_error_rate) {
            return Err(Simulated::new(
                ConnectorError::ServerError { status: 503 },
                latency_ms,
            ));
        }
        Ok(latency_ms)
    }
}

impl Operation {
    fn code(self) -> &'static str {
        match self {
            Operation::Capture => "capture",
            Operation::Cancel => "cancel",
        }
    }
}

impl Simulated<ConnectorError> {
    /// The failure as the answer of a call, at the failure's latency.
    pub(super) fn map_err<T>(self) -> Simulated<ConnectorResult<T>> {
        Simulated::new(Err(self.value), self.latency_ms)
    }
}
