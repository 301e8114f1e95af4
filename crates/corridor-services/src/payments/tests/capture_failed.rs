//! A failed capture reverses its capture once: from `pending` before
//! settlement, from `available` after, and what the balance no longer holds
//! is booked as owed by the merchant.

use std::time::Duration;

use corridor_core::ledger::{AccountKind, Side, TxnMeta};
use corridor_core::{Amount, Currency};
use corridor_store::{
    AccountKey, LedgerOp, LedgerWrite, Owner, TransferLeg, WriteOp, WriteRequest,
};

use super::{id_of, Harness, Scripted};
use crate::payments::CaptureFailure;

const TEN_DAYS: i64 = 10 * 24 * 3600;

/// `(kind, posted)` of every account of `owner` in USD.
async fn posted(h: &Harness, owner: Owner, kind: AccountKind) -> i64 {
    h.service
        .store()
        .balances(&owner)
        .await
        .unwrap()
        .iter()
        .filter(|b| b.kind == kind && b.currency == Currency::parse("USD").unwrap())
        .map(|b| b.posted)
        .sum()
}

async fn captured(h: &Harness, amount: i64) -> (String, i64) {
    let id = id_of(&h.service.create(h.input(amount, true, None), None).await);
    let p = h.payment(&id).await.payment;
    assert_eq!(p.status.code(), "succeeded");
    (id, p.fee)
}

#[tokio::test]
async fn before_settlement_the_net_comes_back_from_pending_once() {
    let a = Scripted::new("alpha", Duration::ZERO);
    let h = Harness::new(std::slice::from_ref(&a)).await;
    let (id, fee) = captured(&h, 5_000).await;
    let merchant = || Owner::Merchant(h.merchant.clone());
    assert_eq!(
        posted(&h, merchant(), AccountKind::MerchantPending).await,
        5_000 - fee
    );
    let r = h
        .service
        .capture_failed("alpha", &id, "capture_failed")
        .await;
    assert_eq!(r.unwrap(), CaptureFailure::Reversed);
    let again = h
        .service
        .capture_failed("alpha", &id, "capture_failed")
        .await;
    assert_eq!(again.unwrap(), CaptureFailure::NothingCaptured);
    let p = h.payment(&id).await.payment;
    assert_eq!(p.status.code(), "failed");
    assert_eq!(p.amount_captured, 0);
    assert_eq!(
        posted(&h, merchant(), AccountKind::MerchantPending).await,
        0
    );
    let platform = || Owner::PlatformFor(h.merchant.clone());
    assert_eq!(
        posted(&h, platform(), AccountKind::PlatformReceivable).await,
        0
    );
    assert_eq!(
        posted(&h, platform(), AccountKind::PlatformClearing).await,
        0
    );
    assert!(h.service.store().verify().await.unwrap().balanced);
}

#[tokio::test]
async fn after_settlement_what_the_balance_no_longer_holds_is_owed() {
    let a = Scripted::new("alpha", Duration::ZERO);
    let h = Harness::new(std::slice::from_ref(&a)).await;
    let (id, fee) = captured(&h, 10_000).await;
    let net = 10_000 - fee;
    h.clock.advance(TEN_DAYS);
    assert_eq!(h.service.settle_due().await.unwrap(), 1);
    let merchant = || Owner::Merchant(h.merchant.clone());
    assert_eq!(
        posted(&h, merchant(), AccountKind::MerchantAvailable).await,
        net
    );
    // The merchant paid 6,000 out of it meanwhile (a refund, a payout).
    let usd = Currency::parse("USD").unwrap();
    let spent = LedgerWrite {
        client_ref: Some("spent".into()),
        op: LedgerOp::Transfer(vec![
            TransferLeg {
                account: AccountKey {
                    owner: merchant(),
                    currency: usd,
                    kind: AccountKind::MerchantAvailable,
                },
                side: Side::Debit,
                amount: Amount::positive(6_000).unwrap(),
            },
            TransferLeg {
                account: AccountKey {
                    owner: Owner::PlatformFor(h.merchant.clone()),
                    currency: usd,
                    kind: AccountKind::PlatformAdjustments,
                },
                side: Side::Credit,
                amount: Amount::positive(6_000).unwrap(),
            },
        ]),
        meta: TxnMeta {
            kind: "adjustment".into(),
            source_id: None,
            description: None,
        },
    };
    h.service
        .store()
        .writer()
        .submit(WriteRequest {
            op: WriteOp::Ledger(spent),
            idempotency: None,
        })
        .await
        .unwrap();
    for _ in 0..2 {
        h.service
            .capture_failed("alpha", &id, "capture_failed")
            .await
            .unwrap();
    }
    assert_eq!(h.payment(&id).await.payment.status.code(), "failed");
    assert_eq!(
        posted(&h, merchant(), AccountKind::MerchantAvailable).await,
        0
    );
    let platform = || Owner::PlatformFor(h.merchant.clone());
    assert_eq!(
        posted(&h, platform(), AccountKind::PlatformReceivable).await,
        -6_000,
        "the shortfall is owed by the merchant, once"
    );
    assert_eq!(
        posted(&h, platform(), AccountKind::PlatformClearing).await,
        0
    );
    assert_eq!(
        posted(&h, platform(), AccountKind::PlatformRevenue).await,
        0
    );
    assert!(h.service.store().verify().await.unwrap().balanced);
}
