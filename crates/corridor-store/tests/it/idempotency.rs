//! Client references: a retry replays the first outcome, whatever happened since.

use corridor_core::ledger::{Receipt, TxnMeta};
use corridor_store::{LedgerOp, LedgerWrite, Owner, Refusal, Store};

use crate::db::Ctx;
use crate::ledger::*;

on_both_backends! {
    same_ref_same_content_replays => same_ref_same_content_replays_sqlite, same_ref_same_content_replays_postgres;
    same_ref_different_content_is_refused => same_ref_different_content_is_refused_sqlite, same_ref_different_content_is_refused_postgres;
    failed_ref_stays_failed => failed_ref_stays_failed_sqlite, failed_ref_stays_failed_postgres;
    concurrent_retries_apply_once => concurrent_retries_apply_once_sqlite, concurrent_retries_apply_once_postgres;
}

async fn with_ref(store: &Store, client_ref: &str, op: LedgerOp) -> Result<Receipt, Refusal> {
    submit(
        store,
        LedgerWrite {
            client_ref: Some(client_ref.to_string()),
            op,
            meta: meta("payout"),
        },
    )
    .await
}

/// How many transactions touched the owner's accounts.
async fn txn_count(store: &Store, owner: &str) -> usize {
    let history = store
        .history(&Owner::Merchant(owner.into()), 1000, None)
        .await
        .unwrap();
    let mut txns: Vec<_> = history.items.iter().map(|h| h.txn).collect();
    txns.dedup();
    txns.len()
}

async fn same_ref_same_content_replays(ctx: Ctx) {
    let (a, b) = (merchant("mer_a", "USD"), merchant("mer_b", "USD"));
    fund(&ctx.store, &a, 1000).await;
    let first = with_ref(&ctx.store, "ref-1", transfer(&a, &b, 100))
        .await
        .unwrap();
    let again = with_ref(&ctx.store, "ref-1", transfer(&a, &b, 100))
        .await
        .unwrap();
    assert_eq!(again, first);
    assert_eq!(balance(&ctx.store, &a).await, (900, 0, 0));
    assert_eq!(txn_count(&ctx.store, "mer_b").await, 1);

    // The reference is durable: it replays after a restart too.
    let ctx = ctx.reopen().await;
    let after_reopen = with_ref(&ctx.store, "ref-1", transfer(&a, &b, 100))
        .await
        .unwrap();
    assert_eq!(after_reopen, first);
    assert_eq!(balance(&ctx.store, &b).await, (100, 0, 0));
    assert_eq!(txn_count(&ctx.store, "mer_b").await, 1);
    verified(&ctx.store).await;
}

async fn same_ref_different_content_is_refused(ctx: Ctx) {
    let s = &ctx.store;
    let (a, b) = (merchant("mer_a", "USD"), merchant("mer_b", "USD"));
    fund(s, &a, 1000).await;
    with_ref(s, "ref-2", transfer(&a, &b, 100)).await.unwrap();
    let other_amount = with_ref(s, "ref-2", transfer(&a, &b, 200)).await;
    assert_eq!(
        other_amount.unwrap_err().code.code(),
        "exists_with_different_content"
    );
    let other_meta = submit(
        s,
        LedgerWrite {
            client_ref: Some("ref-2".into()),
            op: transfer(&a, &b, 100),
            meta: TxnMeta {
                description: Some("changed".into()),
                ..meta("payout")
            },
        },
    )
    .await;
    assert_eq!(
        other_meta.unwrap_err().code.code(),
        "exists_with_different_content"
    );
    assert_eq!(balance(s, &a).await, (900, 0, 0));
    assert_eq!(balance(s, &b).await, (100, 0, 0));
    assert_eq!(txn_count(s, "mer_b").await, 1);
}

async fn failed_ref_stays_failed(ctx: Ctx) {
    let s = &ctx.store;
    let (a, b) = (merchant("mer_a", "USD"), merchant("mer_b", "USD"));
    fund(s, &a, 50).await;
    let first = with_ref(s, "ref-3", transfer(&a, &b, 100)).await;
    assert_eq!(first.unwrap_err().code.code(), "insufficient_funds");

    fund(s, &a, 1000).await;
    let retry = with_ref(s, "ref-3", transfer(&a, &b, 100)).await;
    assert_eq!(retry.unwrap_err().code.code(), "insufficient_funds");
    assert_eq!(balance(s, &a).await, (1050, 0, 0));
    assert_eq!(balance(s, &b).await, (0, 0, 0));

    // A new reference with the same content goes through.
    with_ref(s, "ref-4", transfer(&a, &b, 100)).await.unwrap();
    assert_eq!(balance(s, &b).await, (100, 0, 0));

    // Both references are known after a restart: the failed one still
    // replays its failure, the other its transfer.
    let ctx = ctx.reopen().await;
    let retry = with_ref(&ctx.store, "ref-3", transfer(&a, &b, 100)).await;
    assert_eq!(retry.unwrap_err().code.code(), "insufficient_funds");
    with_ref(&ctx.store, "ref-4", transfer(&a, &b, 100))
        .await
        .unwrap();
    assert_eq!(balance(&ctx.store, &b).await, (100, 0, 0));
    verified(&ctx.store).await;
}

async fn concurrent_retries_apply_once(ctx: Ctx) {
    let (a, b) = (merchant("mer_a", "USD"), merchant("mer_b", "USD"));
    fund(&ctx.store, &a, 1000).await;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (store, op) = (ctx.store.clone(), transfer(&a, &b, 10));
        tasks.spawn(async move { with_ref(&store, "ref-5", op).await });
    }
    let receipts: Vec<Receipt> = tasks
        .join_all()
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert!(receipts.iter().all(|r| *r == receipts[0]), "{receipts:?}");
    assert_eq!(balance(&ctx.store, &b).await, (10, 0, 0));
    assert_eq!(txn_count(&ctx.store, "mer_b").await, 1);
}
