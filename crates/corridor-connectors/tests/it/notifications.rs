//! Asynchronous completions reach the merchant as signed webhooks.

use corridor_connectors::sandbox::http::webhook;
use corridor_connectors::{ChargeOutcome, Connector, NextAction, PaymentMethod, Voucher};

use crate::support::{charge_request, Sandbox, WEBHOOK_SECRET};

#[tokio::test]
async fn a_paid_konbini_voucher_is_notified_signed() {
    let mut sandbox = Sandbox::start(9).await;
    let lotus = sandbox.connector("lotus").await;
    let voucher = lotus
        .charge(charge_request(
            "kb",
            PaymentMethod::Voucher(Voucher::Konbini),
            12_000,
            "JPY",
            "JP",
        ))
        .await
        .unwrap();
    assert!(
        matches!(
            voucher.outcome,
            ChargeOutcome::RequiresAction(NextAction::Voucher { .. })
        ),
        "{voucher:?}"
    );

    let paid = lotus.complete_action(&voucher.reference).await.unwrap();
    assert_eq!(paid.outcome, ChargeOutcome::Pending);
    let delivery = sandbox.next_delivery().await;
    webhook::verify(
        WEBHOOK_SECRET,
        &delivery.signature,
        &delivery.body,
        sandbox.clock.now(),
        300,
    )
    .unwrap();
    let pending = webhook::parse_notification(&delivery.body).unwrap();
    assert_eq!(
        (
            pending.charge.reference.as_str(),
            pending.charge.outcome.clone()
        ),
        (voucher.reference.as_str(), ChargeOutcome::Pending)
    );

    // The store's confirmation arrives five simulated minutes later; the
    // server's ticker notices the clock moved.
    sandbox
        .clock
        .advance_seconds(sandbox.world.config().timings.konbini_settle_seconds);
    let delivery = sandbox.next_delivery().await;
    webhook::verify(
        WEBHOOK_SECRET,
        &delivery.signature,
        &delivery.body,
        sandbox.clock.now(),
        300,
    )
    .unwrap();
    assert!(webhook::verify(
        "wrong",
        &delivery.signature,
        &delivery.body,
        sandbox.clock.now(),
        300
    )
    .is_err());
    let captured = webhook::parse_notification(&delivery.body).unwrap();
    assert_eq!(
        (captured.psp.as_str(), captured.payment_id.as_str()),
        ("lotus", "pay_kb")
    );
    assert_eq!(captured.charge.outcome, ChargeOutcome::Captured);
    assert!(captured.id > pending.id);
    // 2.75% of ¥12,000 + ¥120.
    assert_eq!(captured.charge.fee.minor(), 330 + 120);
}
