//! What was answered survives a restart, and the writer picks up where it left.

use corridor_core::ledger::AccountKind;
use corridor_store::{Clock, LedgerOp, Owner};

use crate::db::Ctx;
use crate::ledger::*;

on_both_backends! {
    balances_survive_reopen => balances_survive_reopen_sqlite, balances_survive_reopen_postgres;
    pending_holds_resolve_after_reopen => pending_holds_resolve_after_reopen_sqlite, pending_holds_resolve_after_reopen_postgres;
}

async fn balances_survive_reopen(ctx: Ctx) {
    let (a, b) = (merchant("mer_a", "USD"), merchant("mer_b", "USD"));
    fund(&ctx.store, &a, 1000).await;
    let last = ok(&ctx.store, transfer(&a, &b, 300)).await.txn.unwrap();
    let held = hold_id(
        ok(
            &ctx.store,
            hold(&a, &b, 200, ctx.clock.now().plus_seconds(3600)),
        )
        .await,
    );
    let owners = [
        Owner::Merchant("mer_a".into()),
        Owner::Merchant("mer_b".into()),
        Owner::Platform,
    ];
    let mut before = Vec::new();
    for owner in &owners {
        before.push(ctx.store.balances(owner).await.unwrap());
    }
    let report = verified(&ctx.store).await;

    let ctx = ctx.reopen().await;
    for (owner, balances) in owners.iter().zip(&before) {
        assert_eq!(
            &ctx.store.balances(owner).await.unwrap(),
            balances,
            "{owner:?}"
        );
    }
    assert_eq!(verified(&ctx.store).await, report);
    assert!(ctx.store.txn(last).await.unwrap().is_some());

    // The writer reloads balances (a reserved 200 still counts) and allocates fresh ids.
    refused(&ctx.store, transfer(&a, &b, 501), "insufficient_funds").await;
    let next = ok(&ctx.store, transfer(&a, &b, 500)).await.txn.unwrap();
    assert!(
        next > last,
        "txn id {next:?} reused after reopen (last {last:?})"
    );
    let revenue = platform(AccountKind::PlatformRevenue, "USD");
    let next_hold = hold_id(
        ok(
            &ctx.store,
            hold(&b, &revenue, 50, ctx.clock.now().plus_seconds(60)),
        )
        .await,
    );
    assert!(
        next_hold > held,
        "hold id {next_hold:?} reused after reopen (last {held:?})"
    );
    assert_eq!(balance(&ctx.store, &a).await, (200, 200, 0));
    assert_eq!(balance(&ctx.store, &b).await, (800, 50, 200));
    verified(&ctx.store).await;
}

async fn pending_holds_resolve_after_reopen(ctx: Ctx) {
    let (a, b) = (merchant("mer_a", "USD"), merchant("mer_b", "USD"));
    fund(&ctx.store, &a, 1000).await;
    let soon = ctx.clock.now().plus_seconds(60);
    let to_post = hold_id(ok(&ctx.store, hold(&a, &b, 300, soon)).await);
    let to_expire = hold_id(ok(&ctx.store, hold(&a, &b, 200, soon)).await);

    // A restart must not strand pending holds: they are posted, voided or
    // expired by id, without naming their accounts again.
    let ctx = ctx.reopen().await;
    let post = LedgerOp::PostHold {
        hold: to_post,
        amount: None,
    };
    let posted = try_submit(&ctx.store, write(post)).await;
    assert!(
        matches!(posted, Ok(Ok(_))),
        "posting a hold created before the restart: {posted:?}"
    );
    ctx.clock.advance(120);
    assert_eq!(
        ctx.store.expired_holds(ctx.clock.now(), 100).await.unwrap(),
        vec![to_expire]
    );
    let ctx = ctx.reopen().await;
    let expired = try_submit(&ctx.store, write(LedgerOp::ExpireHold(to_expire))).await;
    assert!(
        matches!(expired, Ok(Ok(_))),
        "expiring a hold created before the restart: {expired:?}"
    );
    assert_eq!(balance(&ctx.store, &a).await, (700, 0, 0));
    assert_eq!(balance(&ctx.store, &b).await, (300, 0, 0));
    verified(&ctx.store).await;
}
