//! An idempotent retry over HTTP charges once.

use corridor_connectors::sandbox::test_cards;
use corridor_connectors::{ChargeOutcome, ChargeRequest, Connector, ConnectorError};
use corridor_core::Amount;

use crate::support::{card, charge_request, key, Sandbox};

#[tokio::test]
async fn the_same_key_answers_the_same_charge() {
    let sandbox = Sandbox::start(4).await;
    let atlas = sandbox.connector("atlas").await;
    let request = charge_request("once", card(test_cards::APPROVE), 7_500, "USD", "US");
    let first = atlas.charge(request.clone()).await.unwrap();
    let again = atlas.charge(request.clone()).await.unwrap();
    assert_eq!(
        (&again.reference, &again.outcome),
        (&first.reference, &first.outcome)
    );
    assert_eq!(first.reference, "atlas_ch_00000001");
    let next = atlas
        .charge(ChargeRequest {
            idempotency_key: key("next"),
            ..request.clone()
        })
        .await
        .unwrap();
    assert_eq!(
        next.reference, "atlas_ch_00000002",
        "the retry recorded no second charge"
    );
    assert_eq!(
        atlas
            .lookup(&request.idempotency_key)
            .await
            .unwrap()
            .map(|c| c.outcome),
        Some(ChargeOutcome::Captured)
    );

    let changed = ChargeRequest {
        amount: Amount::positive(1).unwrap(),
        ..request
    };
    assert_eq!(
        atlas.charge(changed).await,
        Err(ConnectorError::IdempotencyConflict)
    );
}
