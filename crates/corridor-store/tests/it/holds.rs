//! Holds: reserve, post (in part), void, expire; each resolves exactly once.

use corridor_core::ledger::{AccountKind, HoldId};
use corridor_store::{Clock, LedgerOp};

use crate::db::Ctx;
use crate::ledger::*;

on_both_backends! {
    hold_reserves_and_partial_post_releases_the_rest => hold_reserves_and_partial_post_releases_the_rest_sqlite, hold_reserves_and_partial_post_releases_the_rest_postgres;
    void_releases_once => void_releases_once_sqlite, void_releases_once_postgres;
    expired_hold_is_listed_and_released => expired_hold_is_listed_and_released_sqlite, expired_hold_is_listed_and_released_postgres;
    hold_refusals => hold_refusals_sqlite, hold_refusals_postgres;
}

fn post(hold: HoldId, minor: Option<i64>) -> LedgerOp {
    LedgerOp::PostHold {
        hold,
        amount: minor.map(amt),
    }
}

async fn hold_reserves_and_partial_post_releases_the_rest(ctx: Ctx) {
    let s = &ctx.store;
    let (a, b) = (merchant("mer_a", "USD"), merchant("mer_b", "USD"));
    fund(s, &a, 1000).await;
    let expires = ctx.clock.now().plus_seconds(3600);
    let created = ok(s, hold(&a, &b, 400, expires)).await;
    let h = hold_id(created);
    assert_eq!(
        balance(s, &a).await,
        (1000, 400, 0),
        "posted unchanged, 400 reserved"
    );
    assert_eq!(balance(s, &b).await, (0, 0, 400));
    // Available is 600 now.
    refused(s, transfer(&a, &b, 601), "insufficient_funds").await;
    verified(s).await;

    let posted = ok(s, post(h, Some(250))).await;
    assert_eq!(posted.hold, Some(h));
    assert_eq!(
        balance(s, &a).await,
        (750, 0, 0),
        "rest of the hold released"
    );
    assert_eq!(balance(s, &b).await, (250, 0, 0));
    let record = s.txn(posted.txn.unwrap()).await.unwrap().unwrap();
    assert_eq!(record.hold, Some(h));
    let amounts: Vec<_> = record
        .postings
        .iter()
        .map(|p| (p.amount, p.balance_after))
        .collect();
    assert_eq!(amounts, vec![(-250, 750), (250, 250)]);

    refused(s, post(h, None), "hold_already_posted").await;
    refused(s, LedgerOp::VoidHold(h), "hold_already_posted").await;
    assert_eq!(balance(s, &a).await, (750, 0, 0));
    ok(s, transfer(&a, &b, 750)).await;
    verified(s).await;
}

async fn void_releases_once(ctx: Ctx) {
    let s = &ctx.store;
    let (a, b) = (merchant("mer_a", "USD"), merchant("mer_b", "USD"));
    fund(s, &a, 1000).await;
    let h = hold_id(ok(s, hold(&a, &b, 1000, ctx.clock.now().plus_seconds(60))).await);
    refused(s, transfer(&a, &b, 1), "insufficient_funds").await;
    let voided = ok(s, LedgerOp::VoidHold(h)).await;
    assert_eq!(voided.hold, Some(h));
    assert_eq!(balance(s, &a).await, (1000, 0, 0));
    assert_eq!(balance(s, &b).await, (0, 0, 0));
    refused(s, LedgerOp::VoidHold(h), "hold_already_voided").await;
    refused(s, post(h, None), "hold_already_voided").await;
    ok(s, transfer(&a, &b, 1000)).await;
    verified(s).await;
}

async fn expired_hold_is_listed_and_released(ctx: Ctx) {
    let s = &ctx.store;
    let a = merchant("mer_a", "JPY");
    let revenue = platform(AccountKind::PlatformRevenue, "JPY");
    fund(s, &a, 5000).await;
    let h = hold_id(
        ok(
            s,
            hold(&a, &revenue, 3000, ctx.clock.now().plus_seconds(60)),
        )
        .await,
    );
    assert_eq!(s.expired_holds(ctx.clock.now(), 100).await.unwrap(), vec![]);
    refused(s, LedgerOp::ExpireHold(h), "hold_not_expired").await;

    ctx.clock.advance(120);
    assert_eq!(
        s.expired_holds(ctx.clock.now(), 100).await.unwrap(),
        vec![h]
    );
    refused(s, post(h, None), "hold_expired").await;
    refused(s, LedgerOp::VoidHold(h), "hold_expired").await;
    assert_eq!(
        balance(s, &a).await,
        (5000, 3000, 0),
        "still reserved until expired"
    );

    let expired = ok(s, LedgerOp::ExpireHold(h)).await;
    assert_eq!(expired.hold, Some(h));
    assert_eq!(balance(s, &a).await, (5000, 0, 0));
    assert_eq!(balance(s, &revenue).await, (0, 0, 0));
    assert_eq!(s.expired_holds(ctx.clock.now(), 100).await.unwrap(), vec![]);
    refused(s, LedgerOp::ExpireHold(h), "hold_expired").await;
    verified(s).await;
}

async fn hold_refusals(ctx: Ctx) {
    let s = &ctx.store;
    let (a, b) = (merchant("mer_a", "KWD"), merchant("mer_b", "KWD"));
    fund(s, &a, 1000).await;
    let later = ctx.clock.now().plus_seconds(60);
    refused(s, hold(&a, &b, 1001, later), "insufficient_funds").await;
    refused(s, hold(&a, &a, 10, later), "same_account").await;
    refused(
        s,
        hold(&a, &merchant("mer_b", "USD"), 10, later),
        "currency_mismatch",
    )
    .await;
    refused(s, post(HoldId(9_999_999), None), "hold_not_found").await;
    let h = hold_id(ok(s, hold(&a, &b, 500, later)).await);
    refused(s, post(h, Some(501)), "exceeds_hold").await;
    assert_eq!(balance(s, &a).await, (1000, 500, 0));
    ok(s, post(h, None)).await;
    assert_eq!(balance(s, &a).await, (500, 0, 0));
    assert_eq!(balance(s, &b).await, (500, 0, 0));
    verified(s).await;
}
