//! The documented test cards behave exactly as stated; 3DS, expiry and the
//! issuer's memory of hard declines.

use super::*;
use crate::sandbox::test_cards;
use crate::{CancelRequest, CaptureRequest, ChargeOutcome, Decline, DeclineCode, NextAction};

fn declined(code: DeclineCode, soft: bool) -> ChargeOutcome {
    ChargeOutcome::Declined(Decline { code, soft })
}

#[test]
fn test_cards_behave_as_documented_at_every_card_provider() {
    let (world, _) = world(21);
    let cases = [
        ("atlas", "USD", "US"),
        ("harbor", "GBP", "GB"),
        ("lotus", "JPY", "JP"),
        ("meridian", "EUR", "DE"),
        ("andes", "BRL", "BR"),
    ];
    for (psp, cur, cc) in cases {
        let connector = connector(&world, psp);
        let run = |id: &str, number: &str, sca_required: bool| {
            let request = ChargeRequest {
                sca_required,
                ..charge_request(&format!("{psp}_{id}"), card(number), 5_000, cur, cc)
            };
            charge(&connector, request).unwrap().outcome
        };
        for sca in [false, true] {
            assert_eq!(
                run(&format!("ok{sca}"), test_cards::APPROVE, sca),
                ChargeOutcome::Captured,
                "{psp}"
            );
        }
        assert_eq!(
            run("generic", test_cards::GENERIC_DECLINE, false),
            declined(DeclineCode::GenericDecline, false),
            "{psp}"
        );
        assert_eq!(
            run("funds", test_cards::INSUFFICIENT_FUNDS, false),
            declined(DeclineCode::InsufficientFunds, false),
            "{psp}"
        );
        assert!(
            matches!(
                run("3ds", test_cards::REQUIRES_3DS, false),
                ChargeOutcome::RequiresAction(NextAction::ThreeDSecure { .. })
            ),
            "{psp}"
        );
        assert_eq!(
            run("proc", test_cards::PROCESSING_ERROR, false),
            declined(DeclineCode::ProcessingError, true),
            "{psp}"
        );
    }
}

#[test]
fn three_d_secure_then_complete_authorizes_or_captures() {
    let (world, _) = world(22);
    let meridian = connector(&world, "meridian");
    let mut events = world.subscribe();
    let manual = ChargeRequest {
        capture: CaptureMode::Manual,
        ..charge_request("3ds", card(test_cards::REQUIRES_3DS), 4_200, "EUR", "FR")
    };
    let first = charge(&meridian, manual).unwrap();
    let ChargeOutcome::RequiresAction(NextAction::ThreeDSecure { url }) = &first.outcome else {
        panic!("{first:?}")
    };
    assert!(
        url.ends_with(&format!("/psp/meridian/charges/{}/action", first.reference)),
        "{url}"
    );
    assert_eq!(first.fee, Amount::ZERO, "no fee before authorization");

    let done = ready(meridian.complete_action(&first.reference)).unwrap();
    assert_eq!(
        (done.outcome.clone(), done.amount_captured),
        (ChargeOutcome::Authorized, Amount::ZERO)
    );
    // meridian charges 1.50% + €0.25 and 1.00% more cross-border; FR is home.
    assert_eq!(done.fee.minor(), 63 + 25);
    assert_eq!(
        events.try_recv().unwrap().charge.outcome,
        ChargeOutcome::Authorized,
        "completion is notified"
    );
    assert_eq!(
        ready(meridian.complete_action(&first.reference))
            .unwrap()
            .outcome,
        ChargeOutcome::Authorized,
        "repeat answers the state"
    );

    let capture = CaptureRequest {
        idempotency_key: key("cap"),
        reference: first.reference.clone(),
        amount: Amount::positive(4_000).unwrap(),
        currency: None,
    };
    let captured = ready(meridian.capture(capture)).unwrap();
    assert_eq!(
        (
            captured.outcome,
            captured.amount_captured.minor(),
            captured.fee.minor()
        ),
        (ChargeOutcome::Captured, 4_000, 60 + 25)
    );
    let cancel = CancelRequest {
        idempotency_key: key("can"),
        reference: first.reference.clone(),
        payment_amount: None,
    };
    assert!(matches!(
        ready(meridian.cancel(cancel)),
        Err(ConnectorError::InvalidState(_))
    ));
}

#[test]
fn processing_error_is_retryable_elsewhere() {
    let (world, _) = world(23);
    let first = charge(
        &connector(&world, "atlas"),
        charge_request(
            "retry",
            card(test_cards::PROCESSING_ERROR),
            900,
            "USD",
            "US",
        ),
    )
    .unwrap();
    assert_eq!(first.outcome, declined(DeclineCode::ProcessingError, true));
    let retry = ChargeRequest {
        idempotency_key: key("retry_2"),
        ..charge_request(
            "retry",
            card(test_cards::PROCESSING_ERROR),
            900,
            "USD",
            "US",
        )
    };
    assert_eq!(
        charge(&connector(&world, "harbor"), retry).unwrap().outcome,
        ChargeOutcome::Captured
    );
}

#[test]
fn expired_cards_are_declined() {
    let (world, _) = world(24);
    let mut request = charge_request("old", card(test_cards::APPROVE), 900, "USD", "US");
    if let PaymentMethod::Card(details) = &mut request.method {
        details.expiry = Expiry {
            month: 10,
            year: 2026,
        };
    }
    assert_eq!(
        charge(&connector(&world, "atlas"), request)
            .unwrap()
            .outcome,
        declined(DeclineCode::ExpiredCard, false)
    );
}

#[test]
fn a_hard_issuer_decline_follows_the_payment_to_every_provider() {
    let (world, _) = world(25);
    let atlas = connector(&world, "atlas");
    let harbor = connector(&world, "harbor");
    let hard = (0..500)
        .map(|i| {
            (
                i,
                charge(
                    &atlas,
                    charge_request(
                        &format!("h{i}"),
                        card("5555555555554444"),
                        1_000,
                        "USD",
                        "IN",
                    ),
                )
                .unwrap()
                .outcome,
            )
        })
        .find(|(_, o)| matches!(o, ChargeOutcome::Declined(d) if !d.soft));
    let (i, outcome) = hard.expect("some hard decline in 500 Indian cards at 72%");
    let retry = ChargeRequest {
        idempotency_key: key(&format!("h{i}_again")),
        ..charge_request(
            &format!("h{i}"),
            card("5555555555554444"),
            1_000,
            "USD",
            "IN",
        )
    };
    assert_eq!(charge(&harbor, retry).unwrap().outcome, outcome);
}

#[test]
fn uncaptured_authorizations_lapse() {
    let (world, clock) = world(26);
    let atlas = connector(&world, "atlas");
    let request = ChargeRequest {
        capture: CaptureMode::Manual,
        ..charge_request("auth", card(test_cards::APPROVE), 1_000, "USD", "US")
    };
    let authorized = charge(&atlas, request).unwrap();
    assert_eq!(authorized.outcome, ChargeOutcome::Authorized);
    clock.advance_seconds(world.config().timings.authorization_expiry_seconds);
    let notified = world.tick();
    assert_eq!(notified.len(), 1);
    assert_eq!(
        (notified[0].charge.outcome.clone(), notified[0].charge.fee),
        (ChargeOutcome::Canceled, Amount::ZERO)
    );
}
