//! A repeated call with the same key never acts twice.

use super::*;
use crate::sandbox::test_cards;
use crate::{CancelRequest, CaptureRequest, ChargeOutcome};

#[test]
fn a_repeated_charge_answers_the_first_and_charges_once() {
    let (world, _) = world(31);
    let atlas = connector(&world, "atlas");
    let request = charge_request("once", card(test_cards::APPROVE), 1_234, "USD", "US");
    let first = charge(&atlas, request.clone()).unwrap();
    let second = charge(&atlas, request.clone()).unwrap();
    assert_eq!(first.reference, second.reference);
    assert_eq!(
        (first.outcome, first.amount_captured),
        (second.outcome, second.amount_captured)
    );
    let other = charge(
        &atlas,
        ChargeRequest {
            idempotency_key: key("other"),
            ..request.clone()
        },
    )
    .unwrap();
    assert_ne!(
        other.reference, first.reference,
        "a new key is a new charge"
    );
    let different = ChargeRequest {
        amount: Amount::positive(999).unwrap(),
        ..request
    };
    assert_eq!(
        charge(&atlas, different),
        Err(ConnectorError::IdempotencyConflict)
    );
}

#[test]
fn keys_are_per_provider() {
    let (world, _) = world(31);
    let request = charge_request("both", card(test_cards::APPROVE), 1_234, "USD", "US");
    let at_atlas = charge(&connector(&world, "atlas"), request.clone()).unwrap();
    let at_harbor = charge(&connector(&world, "harbor"), request).unwrap();
    assert!(at_atlas.reference.starts_with("atlas_") && at_harbor.reference.starts_with("harbor_"));
}

#[test]
fn captures_and_cancels_replay_by_key() {
    let (world, _) = world(32);
    let atlas = connector(&world, "atlas");
    let manual = |id: &str| ChargeRequest {
        capture: CaptureMode::Manual,
        ..charge_request(id, card(test_cards::APPROVE), 5_000, "USD", "US")
    };
    let authorized = charge(&atlas, manual("cap")).unwrap();
    let capture = CaptureRequest {
        idempotency_key: key("cap1"),
        reference: authorized.reference.clone(),
        amount: Amount::positive(5_000).unwrap(),
        currency: None,
    };
    let first = ready(atlas.capture(capture.clone())).unwrap();
    assert_eq!(first.outcome, ChargeOutcome::Captured);
    assert_eq!(
        ready(atlas.capture(capture.clone()))
            .unwrap()
            .amount_captured,
        first.amount_captured,
        "replayed"
    );
    let again = CaptureRequest {
        idempotency_key: key("cap2"),
        ..capture.clone()
    };
    assert!(
        matches!(
            ready(atlas.capture(again)),
            Err(ConnectorError::InvalidState(_))
        ),
        "a second capture is refused"
    );
    let changed = CaptureRequest {
        amount: Amount::positive(1).unwrap(),
        ..capture
    };
    assert_eq!(
        ready(atlas.capture(changed)),
        Err(ConnectorError::IdempotencyConflict)
    );

    let to_void = charge(&atlas, manual("void")).unwrap();
    let cancel = CancelRequest {
        idempotency_key: key("void1"),
        reference: to_void.reference.clone(),
        payment_amount: None,
    };
    assert_eq!(
        ready(atlas.cancel(cancel.clone())).unwrap().outcome,
        ChargeOutcome::Canceled
    );
    assert_eq!(
        ready(atlas.cancel(cancel)).unwrap().outcome,
        ChargeOutcome::Canceled
    );
    let over = CaptureRequest {
        idempotency_key: key("over"),
        reference: charge(&atlas, manual("over")).unwrap().reference,
        amount: Amount::positive(5_001).unwrap(),
        currency: None,
    };
    assert!(matches!(
        ready(atlas.capture(over)),
        Err(ConnectorError::InvalidRequest(_))
    ));
}

#[test]
fn unknown_references_are_not_found() {
    let (world, _) = world(33);
    let atlas = connector(&world, "atlas");
    assert_eq!(
        ready(atlas.retrieve("atlas_ch_99")),
        Err(ConnectorError::NotFound("atlas_ch_99".into()))
    );
    assert_eq!(
        ready(atlas.complete_action("atlas_ch_99")),
        Err(ConnectorError::NotFound("atlas_ch_99".into()))
    );
}
