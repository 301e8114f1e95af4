//! Test cards, 3DS and coverage over HTTP.

use corridor_connectors::sandbox::test_cards;
use corridor_connectors::{
    CaptureMode, CaptureRequest, ChargeOutcome, ChargeRequest, Connector, ConnectorError,
    CoverageError, Decline, DeclineCode, MethodType, NextAction, PaymentMethod, Voucher,
};

use crate::support::{card, charge_request, key, Sandbox};

#[tokio::test]
async fn test_cards_answer_as_documented() {
    let sandbox = Sandbox::start(1).await;
    let atlas = sandbox.connector("atlas").await;
    let outcome = |id: &'static str, number: &'static str| {
        let atlas = &atlas;
        async move {
            atlas
                .charge(charge_request(id, card(number), 2_000, "USD", "US"))
                .await
                .unwrap()
                .outcome
        }
    };
    assert_eq!(
        outcome("ok", test_cards::APPROVE).await,
        ChargeOutcome::Captured
    );
    assert_eq!(
        outcome("generic", test_cards::GENERIC_DECLINE).await,
        ChargeOutcome::Declined(Decline {
            code: DeclineCode::GenericDecline,
            soft: false
        })
    );
    assert_eq!(
        outcome("funds", test_cards::INSUFFICIENT_FUNDS).await,
        ChargeOutcome::Declined(Decline {
            code: DeclineCode::InsufficientFunds,
            soft: false
        })
    );
    assert_eq!(
        outcome("proc", test_cards::PROCESSING_ERROR).await,
        ChargeOutcome::Declined(Decline {
            code: DeclineCode::ProcessingError,
            soft: true
        })
    );
    let harbor = sandbox.connector("harbor").await;
    let retry = ChargeRequest {
        idempotency_key: key("proc_retry"),
        ..charge_request(
            "proc",
            card(test_cards::PROCESSING_ERROR),
            2_000,
            "USD",
            "US",
        )
    };
    assert_eq!(
        harbor.charge(retry).await.unwrap().outcome,
        ChargeOutcome::Captured,
        "a retry elsewhere succeeds"
    );
}

#[tokio::test]
async fn three_d_secure_challenge_then_authorize_and_capture() {
    let sandbox = Sandbox::start(2).await;
    let meridian = sandbox.connector("meridian").await;
    let request = ChargeRequest {
        capture: CaptureMode::Manual,
        sca_required: true,
        ..charge_request("3ds", card(test_cards::REQUIRES_3DS), 10_000, "EUR", "DE")
    };
    let challenged = meridian.charge(request).await.unwrap();
    let ChargeOutcome::RequiresAction(NextAction::ThreeDSecure { url }) = &challenged.outcome
    else {
        panic!("{challenged:?}")
    };
    assert!(
        url.starts_with(&sandbox.server.base_url()),
        "the challenge page is on the sandbox server: {url}"
    );
    let page = reqwest::get(url).await.unwrap();
    assert!(page.status().is_success());
    assert!(page.text().await.unwrap().contains(&challenged.reference));

    let authorized = meridian
        .complete_action(&challenged.reference)
        .await
        .unwrap();
    assert_eq!(authorized.outcome, ChargeOutcome::Authorized);
    assert_eq!(authorized.fee.minor(), 150 + 25, "1.50% + €0.25");
    let capture = CaptureRequest {
        idempotency_key: key("cap"),
        reference: challenged.reference.clone(),
        amount: authorized.amount,
        currency: None,
    };
    let captured = meridian.capture(capture).await.unwrap();
    assert_eq!(
        (captured.outcome, captured.amount_captured),
        (ChargeOutcome::Captured, authorized.amount)
    );
    assert_eq!(
        meridian
            .retrieve(&challenged.reference)
            .await
            .unwrap()
            .outcome,
        ChargeOutcome::Captured
    );
}

#[tokio::test]
async fn coverage_comes_from_the_server_and_refusals_keep_their_reason() {
    let sandbox = Sandbox::start(3).await;
    let lotus = sandbox.connector("lotus").await;
    let konbini = lotus
        .coverage()
        .method(MethodType::Konbini)
        .expect("lotus offers konbini");
    assert_eq!(konbini.limits[0].max.minor(), 300_000);
    let too_much = charge_request(
        "kb",
        PaymentMethod::Voucher(Voucher::Konbini),
        300_001,
        "JPY",
        "JP",
    );
    let refused = lotus.charge(too_much).await.unwrap_err();
    assert!(
        matches!(refused, ConnectorError::Unsupported(CoverageError::AboveMaximum { max, .. }) if max.minor() == 300_000),
        "{refused:?}"
    );
    let unknown = corridor_connectors::HttpConnector::connect(
        &sandbox.server.base_url(),
        "nowhere",
        crate::support::CLIENT_TIMEOUT,
    )
    .await;
    assert!(
        matches!(unknown, Err(ConnectorError::InvalidRequest(_))),
        "{unknown:?}"
    );
}
