//! Refunds at a simulated provider: checked against what the charge has
//! captured and already refunded, once per idempotency key, synchronous for
//! cards and wallets, pending for bank methods and bank transfers.

use corridor_core::Amount;

use super::flow::{self, Flow};
use super::{Sim, Simulated};
use crate::connector::ConnectorResult;
use crate::sandbox::draw;
use crate::sandbox::events::EventKind;
use crate::sandbox::record::{ChargeRecord, RefundRecord};
use crate::sandbox::test_cards::TestCard;
use crate::{ChargeOutcome, ConnectorError, RefundOutcome, RefundRequest, RefundResponse};

/// How long a refund to a bank account (Konbini, OXXO, Boleto) takes.
const BANK_TRANSFER_REFUND_SECONDS: i64 = 2 * 86_400;

/// How long a refund of a bank payment (redirect, QR code, debit) takes.
const BANK_METHOD_REFUND_SECONDS: i64 = 86_400;

/// How long before the refund of the `REFUND_FAILS` test card fails.
const FAILING_REFUND_SECONDS: i64 = 3_600;

/// Most refunds one provider keeps (the simulation is leaking, not busy).
const REFUNDS_PER_PSP_MAX: usize = 5_000_000;

impl Sim<'_> {
    /// Refunds part of a captured charge at provider `psp`.
    pub fn refund(
        &mut self,
        psp: usize,
        request: &RefundRequest,
    ) -> Simulated<ConnectorResult<RefundResponse>> {
        let key = request.idempotency_key.as_str();
        let spared = self.spared(psp, Some(&request.charge_reference));
        let latency_ms = match self.gate(psp, "refund", key, spared) {
            Ok(latency_ms) => latency_ms,
            Err(failure) => return failure.map_err(),
        };
        let fingerprint = fingerprint(request);
        if let Some((reference, first)) = self.state.psps[psp].refund_keys.get(key) {
            let replay = if *first == fingerprint {
                self.state.psps[psp]
                    .refunds
                    .get(reference)
                    .map(|r| r.response(latency_ms))
                    .ok_or_else(|| ConnectorError::NotFound(reference.clone()))
            } else {
                Err(ConnectorError::IdempotencyConflict)
            };
            return Simulated::new(replay, latency_ms);
        }
        let (lost, processed) = self.draw_refund_timeout(psp, key);
        let timeout = ConnectorError::Timeout {
            timeout_ms: self.config.timeout_ms,
        };
        if lost && !processed {
            return Simulated::new(Err(timeout), self.config.timeout_ms);
        }
        let result = self.apply_refund(psp, request, fingerprint);
        if lost && result.is_ok() {
            return Simulated::new(Err(timeout), self.config.timeout_ms);
        }
        Simulated::new(
            result.map(|r| RefundResponse { latency_ms, ..r }),
            latency_ms,
        )
    }

    /// The refund made with `key`, if any.
    pub fn lookup_refund(
        &mut self,
        psp: usize,
        key: &str,
    ) -> Simulated<ConnectorResult<Option<RefundResponse>>> {
        let state = &self.state.psps[psp];
        let charge = state
            .refund_keys
            .get(key)
            .and_then(|(reference, _)| state.refunds.get(reference))
            .map(|r| r.charge_reference.clone());
        let spared = self.spared(psp, charge.as_deref());
        let latency_ms = match self.gate(psp, "lookup_refund", key, spared) {
            Ok(latency_ms) => latency_ms,
            Err(failure) => return failure.map_err(),
        };
        let state = &self.state.psps[psp];
        let found = state
            .refund_keys
            .get(key)
            .and_then(|(reference, _)| state.refunds.get(reference))
            .map(|r| r.response(latency_ms));
        Simulated::new(Ok(found), latency_ms)
    }

    /// The refund with `reference`.
    pub fn retrieve_refund(
        &mut self,
        psp: usize,
        reference: &str,
    ) -> Simulated<ConnectorResult<RefundResponse>> {
        let charge = self.state.psps[psp]
            .refunds
            .get(reference)
            .map(|r| r.charge_reference.clone());
        let spared = self.spared(psp, charge.as_deref());
        let latency_ms = match self.gate(psp, "retrieve_refund", reference, spared) {
            Ok(latency_ms) => latency_ms,
            Err(failure) => return failure.map_err(),
        };
        let found = self.state.psps[psp]
            .refunds
            .get(reference)
            .map(|r| r.response(latency_ms))
            .ok_or_else(|| ConnectorError::NotFound(reference.to_string()));
        Simulated::new(found, latency_ms)
    }

    /// A pending refund reaches its end state.
    pub(super) fn settle_refund(&mut self, psp: usize, reference: &str) {
        if let Some(refund) = self.state.psps[psp].refunds.get_mut(reference) {
            if refund.outcome == RefundOutcome::Pending {
                refund.outcome = refund.settles_to.clone();
            }
        }
    }

    /// Whether the call is lost to the caller, and whether the provider had
    /// recorded the refund before it was.
    fn draw_refund_timeout(&mut self, psp: usize, key: &str) -> (bool, bool) {
        let name = &self.profile(psp).name;
        let call = self.state.psps[psp]
            .count_call(&format!("refund_timeout:{key}"))
            .to_string();
        let mut rng = draw::rng_for(self.config.seed, &[name, "refund_timeout", key, &call]);
        let faults = self.active_faults(psp);
        let lost = draw::chance(&mut rng, faults.timeout_rate);
        let processed = draw::chance(&mut rng, faults.timeout_processed_rate);
        (lost, processed)
    }

    fn apply_refund(
        &mut self,
        psp: usize,
        request: &RefundRequest,
        fingerprint: u64,
    ) -> ConnectorResult<RefundResponse> {
        let charge = self
            .record(psp, &request.charge_reference)
            .ok_or_else(|| ConnectorError::NotFound(request.charge_reference.clone()))?;
        check_refundable(self.refunded(psp, &charge.reference), &charge, request)?;
        if self.state.psps[psp].refunds.len() >= REFUNDS_PER_PSP_MAX {
            return Err(ConnectorError::ServerError { status: 507 });
        }
        let (outcome, settles_to, after_seconds) = decide(&charge);
        let name = &self.profile(psp).name;
        let reference = self.state.psps[psp].next_refund_reference(name);
        let record = RefundRecord {
            reference: reference.clone(),
            charge_reference: charge.reference.clone(),
            amount: request.amount,
            currency: request.currency,
            outcome,
            settles_to,
        };
        let response = record.response(0);
        if let Some(seconds) = after_seconds {
            self.state.events.push(
                self.now.plus_seconds(seconds),
                psp,
                &reference,
                EventKind::RefundSettles,
            );
        }
        let state = &mut self.state.psps[psp];
        state.refunds.insert(reference.clone(), record);
        state.refund_keys.insert(
            request.idempotency_key.as_str().to_string(),
            (reference, fingerprint),
        );
        Ok(response)
    }

    /// What the charge's refunds that did not fail add up to.
    fn refunded(&self, psp: usize, charge_reference: &str) -> Amount {
        self.state.psps[psp]
            .refunds
            .values()
            .filter(|r| r.charge_reference == charge_reference)
            .filter(|r| !matches!(r.outcome, RefundOutcome::Failed { .. }))
            .fold(Amount::ZERO, |sum, r| {
                sum.checked_add(r.amount).unwrap_or(sum)
            })
    }
}

/// The provider's own checks: a captured charge, its currency, room left,
/// and bank details where the method needs them.
fn check_refundable(
    refunded: Amount,
    charge: &ChargeRecord,
    request: &RefundRequest,
) -> Result<(), ConnectorError> {
    if charge.outcome != ChargeOutcome::Captured {
        return Err(ConnectorError::InvalidState(format!(
            "charge `{}` is {}; only a captured charge can be refunded",
            charge.reference,
            charge.outcome.code()
        )));
    }
    if request.currency != charge.currency {
        return Err(ConnectorError::InvalidRequest(format!(
            "the refund is in {} but the charge in {}",
            request.currency, charge.currency
        )));
    }
    let room = charge
        .amount_captured
        .checked_sub(refunded)
        .unwrap_or(Amount::ZERO);
    if request.amount > room {
        return Err(ConnectorError::InvalidRequest(format!(
            "cannot refund {} of a charge with {} left to refund",
            request.amount.minor(),
            room.minor()
        )));
    }
    let needs_bank = flow::flow(charge.method) == Flow::Voucher;
    if needs_bank && request.bank_account.is_none() {
        return Err(ConnectorError::InvalidRequest(format!(
            "a {} payment is refunded by bank transfer: bank details are required",
            charge.method.code()
        )));
    }
    Ok(())
}

/// The refund's first state, its end state and when it gets there.
fn decide(charge: &ChargeRecord) -> (RefundOutcome, RefundOutcome, Option<i64>) {
    if charge.test_card == Some(TestCard::RefundFails) {
        let failed = RefundOutcome::Failed {
            code: "expired_or_canceled_card".to_string(),
        };
        return (RefundOutcome::Pending, failed, Some(FAILING_REFUND_SECONDS));
    }
    match flow::flow(charge.method) {
        Flow::Card => (RefundOutcome::Succeeded, RefundOutcome::Succeeded, None),
        Flow::Voucher => (
            RefundOutcome::Pending,
            RefundOutcome::Succeeded,
            Some(BANK_TRANSFER_REFUND_SECONDS),
        ),
        Flow::Redirect | Flow::QrCode | Flow::UpiCollect | Flow::DirectDebit => (
            RefundOutcome::Pending,
            RefundOutcome::Succeeded,
            Some(BANK_METHOD_REFUND_SECONDS),
        ),
    }
}

/// A hash of everything a refund request says.
fn fingerprint(request: &RefundRequest) -> u64 {
    let bank = request.bank_account.as_ref().map_or(String::new(), |b| {
        format!(
            "{}/{}/{}/{}",
            b.holder_name,
            b.bank_code,
            b.branch_code.as_deref().unwrap_or(""),
            b.account_number
        )
    });
    draw::hash_parts(
        0,
        &[
            &request.charge_reference,
            &request.refund_id,
            &request.amount.minor().to_string(),
            request.currency.code(),
            &bank,
        ],
    )
}
