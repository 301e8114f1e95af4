//! Concurrent debits can never overdraw an account that forbids it.

use corridor_core::ledger::AccountKind;
use corridor_core::ledger::Receipt;
use corridor_store::{Clock, Owner, Refusal};

use crate::db::Ctx;
use crate::ledger::*;

on_both_backends! {
    concurrent_debits_stop_at_zero => concurrent_debits_stop_at_zero_sqlite, concurrent_debits_stop_at_zero_postgres;
    concurrent_holds_and_debits_share_the_balance => concurrent_holds_and_debits_share_the_balance_sqlite, concurrent_holds_and_debits_share_the_balance_postgres;
}

async fn concurrent_debits_stop_at_zero(ctx: Ctx) {
    let a = merchant("mer_a", "USD");
    let revenue = platform(AccountKind::PlatformRevenue, "USD");
    fund(&ctx.store, &a, 1000).await;

    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..200 {
        let (store, op) = (ctx.store.clone(), transfer(&a, &revenue, 10));
        tasks.spawn(async move { apply(&store, op).await });
    }
    let results: Vec<Result<Receipt, Refusal>> = tasks.join_all().await;
    let succeeded = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(succeeded, 100, "exactly 1000 / 10 debits fit");
    for refusal in results.iter().filter_map(|r| r.as_ref().err()) {
        assert_eq!(refusal.code.code(), "insufficient_funds");
    }
    assert_eq!(balance(&ctx.store, &a).await, (0, 0, 0));
    assert_eq!(balance(&ctx.store, &revenue).await, (1000, 0, 0));

    // Replaying the history: every balance_after follows from the one before
    // and none is negative.
    let history = ctx
        .store
        .history(&Owner::Merchant("mer_a".into()), 1000, None)
        .await
        .unwrap();
    assert_eq!(history.items.len(), 101);
    let mut running = 0;
    for entry in history.items.iter().rev() {
        running += entry.amount;
        assert_eq!(entry.balance_after, running, "{entry:?}");
        assert!(entry.balance_after >= 0, "{entry:?}");
    }
    verified(&ctx.store).await;
}

async fn concurrent_holds_and_debits_share_the_balance(ctx: Ctx) {
    let a = merchant("mer_a", "USD");
    let b = merchant("mer_b", "USD");
    fund(&ctx.store, &a, 1000).await;
    let expires = ctx.clock.now().plus_seconds(3600);

    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..200 {
        let store = ctx.store.clone();
        let op = if i % 2 == 0 {
            transfer(&a, &b, 10)
        } else {
            hold(&a, &b, 10, expires)
        };
        tasks.spawn(async move { apply(&store, op).await });
    }
    let results = tasks.join_all().await;
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 100);
    let (posted, held_out, _) = balance(&ctx.store, &a).await;
    assert_eq!(posted - held_out, 0, "available is exactly used up");
    let (b_posted, _, b_held_in) = balance(&ctx.store, &b).await;
    assert_eq!(b_posted, 1000 - posted);
    assert_eq!(b_held_in, held_out);
    verified(&ctx.store).await;
}
