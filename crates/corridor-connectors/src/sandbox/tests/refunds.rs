//! Refunds at the simulated providers: limits, idempotency, asynchronous
//! outcomes, bank transfers for vouchers, and timeouts that a lookup resolves.

use corridor_core::Amount;

use super::*;
use crate::sandbox::test_cards::{APPROVE, REFUND_FAILS};
use crate::sandbox::{Fault, FaultKind};
use crate::{RefundBankAccount, RefundOutcome, RefundRequest};

fn refund_request(key_text: &str, charge: &str, amount_minor: i64, code: &str) -> RefundRequest {
    RefundRequest {
        idempotency_key: key(key_text),
        charge_reference: charge.to_string(),
        refund_id: format!("re_{key_text}"),
        amount: Amount::positive(amount_minor).unwrap(),
        currency: currency(code),
        bank_account: None,
    }
}

#[test]
fn card_refunds_succeed_at_once_and_never_exceed_the_capture() {
    let (world, _) = world(1);
    let atlas = connector(&world, "atlas");
    let paid = charge(
        &atlas,
        charge_request("c1", card(APPROVE), 1_000, "EUR", "DE"),
    )
    .unwrap();

    let first = ready(atlas.refund(refund_request("r1", &paid.reference, 600, "EUR"))).unwrap();
    assert_eq!(first.outcome, RefundOutcome::Succeeded);
    let again = ready(atlas.refund(refund_request("r1", &paid.reference, 600, "EUR"))).unwrap();
    assert_eq!(
        again.reference, first.reference,
        "a replay answers the first refund"
    );
    let conflict = ready(atlas.refund(refund_request("r1", &paid.reference, 500, "EUR")));
    assert_eq!(conflict, Err(ConnectorError::IdempotencyConflict));

    let too_much = ready(atlas.refund(refund_request("r2", &paid.reference, 401, "EUR")));
    assert!(
        matches!(too_much, Err(ConnectorError::InvalidRequest(_))),
        "{too_much:?}"
    );
    let wrong_currency = ready(atlas.refund(refund_request("r3", &paid.reference, 100, "USD")));
    assert!(matches!(
        wrong_currency,
        Err(ConnectorError::InvalidRequest(_))
    ));
    let rest = ready(atlas.refund(refund_request("r4", &paid.reference, 400, "EUR"))).unwrap();
    assert_eq!(rest.outcome, RefundOutcome::Succeeded);
    let unknown = ready(atlas.refund(refund_request("r5", "atlas_ch_nope", 1, "EUR")));
    assert!(matches!(unknown, Err(ConnectorError::NotFound(_))));
}

#[test]
fn a_failing_refund_is_pending_then_failed_and_gives_the_room_back() {
    let (world, clock) = world(2);
    let atlas = connector(&world, "atlas");
    let paid = charge(
        &atlas,
        charge_request("c2", card(REFUND_FAILS), 900, "EUR", "FR"),
    )
    .unwrap();
    let refund = ready(atlas.refund(refund_request("f1", &paid.reference, 900, "EUR"))).unwrap();
    assert_eq!(refund.outcome, RefundOutcome::Pending);
    clock.advance_seconds(3_599);
    let still = ready(atlas.retrieve_refund(&refund.reference)).unwrap();
    assert_eq!(still.outcome, RefundOutcome::Pending);
    clock.advance_seconds(1);
    let failed = ready(atlas.retrieve_refund(&refund.reference)).unwrap();
    assert_eq!(
        failed.outcome,
        RefundOutcome::Failed {
            code: "expired_or_canceled_card".into()
        }
    );
    // The failed refund no longer counts against the capture.
    let retry = ready(atlas.refund(refund_request("f2", &paid.reference, 900, "EUR"))).unwrap();
    assert_eq!(retry.outcome, RefundOutcome::Pending);
}

#[test]
fn voucher_payments_are_refunded_by_bank_transfer_only() {
    let (world, clock) = world(3);
    let lotus = connector(&world, "lotus");
    let paid = charge(
        &lotus,
        charge_request(
            "k1",
            PaymentMethod::Voucher(crate::Voucher::Konbini),
            3_000,
            "JPY",
            "JP",
        ),
    )
    .unwrap();
    ready(lotus.complete_action(&paid.reference)).unwrap();
    clock.advance_seconds(86_400 * 3);
    let settled = ready(lotus.retrieve(&paid.reference)).unwrap();
    assert_eq!(
        settled.outcome,
        crate::ChargeOutcome::Captured,
        "{settled:?}"
    );

    let no_bank = ready(lotus.refund(refund_request("k-r1", &paid.reference, 3_000, "JPY")));
    assert!(
        matches!(no_bank, Err(ConnectorError::InvalidRequest(_))),
        "{no_bank:?}"
    );
    let mut request = refund_request("k-r2", &paid.reference, 3_000, "JPY");
    request.bank_account = Some(RefundBankAccount {
        holder_name: "YAMADA TARO".into(),
        bank_code: "0005".into(),
        branch_code: Some("001".into()),
        account_number: "1234567".into(),
    });
    let pending = ready(lotus.refund(request)).unwrap();
    assert_eq!(pending.outcome, RefundOutcome::Pending);
    clock.advance_seconds(2 * 86_400);
    let done = ready(lotus.retrieve_refund(&pending.reference)).unwrap();
    assert_eq!(done.outcome, RefundOutcome::Succeeded);
}

#[test]
fn a_timed_out_refund_is_found_by_its_key() {
    let (world, clock) = world(4);
    let atlas = connector(&world, "atlas");
    let paid = charge(
        &atlas,
        charge_request("c4", card(APPROVE), 500, "EUR", "DE"),
    )
    .unwrap();
    let processed = FaultKind::Timeouts {
        rate: 1.0,
        processed_rate: 1.0,
    };
    world
        .schedule_fault(Fault::new("atlas", clock.now(), 10, processed))
        .unwrap();
    let timed_out = ready(atlas.refund(refund_request("t1", &paid.reference, 500, "EUR")));
    assert!(matches!(timed_out, Err(ConnectorError::Timeout { .. })));
    let found = ready(atlas.lookup_refund(&key("t1"))).unwrap().unwrap();
    assert_eq!(found.outcome, RefundOutcome::Succeeded);
    assert_eq!(ready(atlas.lookup_refund(&key("never"))).unwrap(), None);

    clock.advance_seconds(10);
    let lost = FaultKind::Timeouts {
        rate: 1.0,
        processed_rate: 0.0,
    };
    let paid = charge(
        &atlas,
        charge_request("c5", card(APPROVE), 500, "EUR", "DE"),
    )
    .unwrap();
    world
        .schedule_fault(Fault::new("atlas", clock.now(), 10, lost))
        .unwrap();
    assert!(ready(atlas.refund(refund_request("t2", &paid.reference, 500, "EUR"))).is_err());
    assert_eq!(ready(atlas.lookup_refund(&key("t2"))).unwrap(), None);
}
