//! Refunds over HTTP: once per key, limits, asynchronous outcomes, lookups
//! after a timeout, and bank details for vouchers.

use corridor_connectors::sandbox::{test_cards, Fault, FaultKind};
use corridor_connectors::{
    Connector, ConnectorError, IdempotencyKey, PaymentMethod, RefundBankAccount, RefundOutcome,
    RefundRequest, Voucher,
};
use corridor_core::{Amount, Currency};

use crate::support::{card, charge_request, key, Sandbox};

fn refund_request(key_text: &str, charge: &str, amount: i64, currency: &str) -> RefundRequest {
    RefundRequest {
        idempotency_key: key(key_text),
        charge_reference: charge.to_string(),
        refund_id: format!("re_{key_text}"),
        amount: Amount::positive(amount).unwrap(),
        currency: Currency::parse(currency).unwrap(),
        bank_account: None,
    }
}

#[tokio::test]
async fn refunds_travel_over_http_once_per_key() {
    let sandbox = Sandbox::start(11).await;
    let atlas = sandbox.connector("atlas").await;
    let paid = atlas
        .charge(charge_request(
            "r1",
            card(test_cards::APPROVE),
            5_000,
            "EUR",
            "DE",
        ))
        .await
        .unwrap();
    let first = atlas
        .refund(refund_request("k1", &paid.reference, 2_000, "EUR"))
        .await
        .unwrap();
    assert_eq!(first.outcome, RefundOutcome::Succeeded);
    let again = atlas
        .refund(refund_request("k1", &paid.reference, 2_000, "EUR"))
        .await
        .unwrap();
    assert_eq!(again.reference, first.reference);
    assert_eq!(
        atlas
            .refund(refund_request("k1", &paid.reference, 1_000, "EUR"))
            .await,
        Err(ConnectorError::IdempotencyConflict)
    );
    let too_much = atlas
        .refund(refund_request("k2", &paid.reference, 3_001, "EUR"))
        .await;
    assert!(
        matches!(too_much, Err(ConnectorError::InvalidRequest(_))),
        "{too_much:?}"
    );
    let found = atlas.lookup_refund(&key("k1")).await.unwrap().unwrap();
    assert_eq!(found.reference, first.reference);
    assert_eq!(atlas.lookup_refund(&key("never")).await.unwrap(), None);
    let got = atlas.retrieve_refund(&first.reference).await.unwrap();
    assert_eq!(
        (got.amount.minor(), got.outcome),
        (2_000, RefundOutcome::Succeeded)
    );
    assert!(matches!(
        atlas.retrieve_refund("atlas_re_nope").await,
        Err(ConnectorError::NotFound(_))
    ));
}

#[tokio::test]
async fn failing_refunds_and_voucher_refunds_are_asynchronous() {
    let sandbox = Sandbox::start(12).await;
    let atlas = sandbox.connector("atlas").await;
    let paid = atlas
        .charge(charge_request(
            "r2",
            card(test_cards::REFUND_FAILS),
            900,
            "EUR",
            "FR",
        ))
        .await
        .unwrap();
    let pending = atlas
        .refund(refund_request("f1", &paid.reference, 900, "EUR"))
        .await
        .unwrap();
    assert_eq!(pending.outcome, RefundOutcome::Pending);
    sandbox.clock.advance_seconds(3_600);
    let failed = atlas.retrieve_refund(&pending.reference).await.unwrap();
    assert_eq!(
        failed.outcome,
        RefundOutcome::Failed {
            code: "expired_or_canceled_card".into()
        }
    );

    let lotus = sandbox.connector("lotus").await;
    let voucher = lotus
        .charge(charge_request(
            "v1",
            PaymentMethod::Voucher(Voucher::Konbini),
            3_000,
            "JPY",
            "JP",
        ))
        .await
        .unwrap();
    lotus.complete_action(&voucher.reference).await.unwrap();
    sandbox.clock.advance_seconds(3 * 86_400);
    let mut request = refund_request("v-r1", &voucher.reference, 3_000, "JPY");
    assert!(matches!(
        lotus.refund(request.clone()).await,
        Err(ConnectorError::InvalidRequest(_))
    ));
    request.bank_account = Some(RefundBankAccount {
        holder_name: "YAMADA TARO".into(),
        bank_code: "0005".into(),
        branch_code: None,
        account_number: "7654321".into(),
    });
    let bank = lotus.refund(request).await.unwrap();
    assert_eq!(bank.outcome, RefundOutcome::Pending);
    sandbox.clock.advance_seconds(2 * 86_400);
    let paid_out = lotus.retrieve_refund(&bank.reference).await.unwrap();
    assert_eq!(paid_out.outcome, RefundOutcome::Succeeded);
}

#[tokio::test]
async fn a_refund_lost_to_a_timeout_is_found_by_its_key() {
    let sandbox = Sandbox::start(13).await;
    let atlas = sandbox.connector("atlas").await;
    let paid = atlas
        .charge(charge_request(
            "r3",
            card(test_cards::APPROVE),
            700,
            "USD",
            "US",
        ))
        .await
        .unwrap();
    let timeouts = FaultKind::Timeouts {
        rate: 1.0,
        processed_rate: 1.0,
    };
    sandbox
        .world
        .schedule_fault(Fault::new("atlas", sandbox.clock.now(), 60, timeouts))
        .unwrap();
    let lost = atlas
        .refund(refund_request("t1", &paid.reference, 700, "USD"))
        .await;
    assert!(
        matches!(lost, Err(ConnectorError::Timeout { .. })),
        "{lost:?}"
    );
    let found = atlas
        .lookup_refund(&IdempotencyKey::parse("t1").unwrap())
        .await
        .unwrap()
        .expect("the provider had recorded it");
    assert_eq!(found.outcome, RefundOutcome::Succeeded);
}
