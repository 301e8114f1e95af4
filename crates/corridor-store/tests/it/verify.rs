//! `verify()` adds up the postings, and notices when stored rows disagree.

use corridor_core::ledger::{AccountId, AccountKind, CurrencyTotals, Mismatch, Side, TxnId};
use corridor_store::{Clock, LedgerOp, LedgerWrite};

use crate::db::Ctx;
use crate::ledger::*;

on_both_backends! {
    verify_totals_after_mixed_operations => verify_totals_after_mixed_operations_sqlite, verify_totals_after_mixed_operations_postgres;
    verify_detects_a_tampered_balance => verify_detects_a_tampered_balance_sqlite, verify_detects_a_tampered_balance_postgres;
    verify_detects_a_tampered_posting => verify_detects_a_tampered_posting_sqlite, verify_detects_a_tampered_posting_postgres;
}

fn totals(debits: i128, credits: i128) -> CurrencyTotals {
    CurrencyTotals { debits, credits }
}

async fn account_id(ctx: &Ctx, key: &corridor_store::AccountKey) -> AccountId {
    let balances = ctx.store.balances(&key.owner).await.unwrap();
    balances
        .iter()
        .find(|b| b.currency == key.currency && b.kind == key.kind)
        .map(|b| b.account)
        .expect("the account exists")
}

async fn verify_totals_after_mixed_operations(ctx: Ctx) {
    let s = &ctx.store;
    let (a, b) = (merchant("mer_a", "USD"), merchant("mer_b", "USD"));
    let later = ctx.clock.now().plus_seconds(600);
    fund(s, &a, 1000).await;
    ok(s, transfer(&a, &b, 300)).await;
    let exchange = LedgerOp::Transfer(vec![
        leg(&a, Side::Debit, 200),
        leg(
            &platform(AccountKind::FxLiquidity, "USD"),
            Side::Credit,
            200,
        ),
        leg(
            &platform(AccountKind::FxLiquidity, "JPY"),
            Side::Debit,
            30_000,
        ),
        leg(&merchant("mer_a", "JPY"), Side::Credit, 30_000),
    ]);
    ok(s, exchange).await;
    ok(s, hold(&a, &b, 100, later)).await; // stays pending: no postings
    let partly = hold_id(ok(s, hold(&a, &b, 150, later)).await);
    ok(
        s,
        LedgerOp::PostHold {
            hold: partly,
            amount: Some(amt(50)),
        },
    )
    .await;
    let voided = hold_id(ok(s, hold(&a, &b, 70, later)).await);
    ok(s, LedgerOp::VoidHold(voided)).await;
    fund(s, &merchant("mer_c", "KWD"), 1234).await;
    refused(s, transfer(&a, &b, 10_000), "insufficient_funds").await;
    let failed = LedgerWrite {
        client_ref: Some("fails".into()),
        ..write(transfer(&b, &a, 10_000))
    };
    assert!(submit(s, failed).await.is_err());

    let report = verified(s).await;
    assert_eq!(report.accounts_checked, 8);
    assert_eq!(report.currencies.len(), 3, "{:?}", report.currencies);
    assert_eq!(report.currencies["USD"], totals(1550, 1550));
    assert_eq!(report.currencies["JPY"], totals(30_000, 30_000));
    assert_eq!(report.currencies["KWD"], totals(1234, 1234));
    assert_eq!(balance(s, &a).await, (450, 100, 0));
    assert_eq!(balance(s, &b).await, (350, 0, 100));
}

async fn verify_detects_a_tampered_balance(ctx: Ctx) {
    let (a, b) = (merchant("mer_a", "USD"), merchant("mer_b", "USD"));
    fund(&ctx.store, &a, 1000).await;
    ok(&ctx.store, transfer(&a, &b, 300)).await;
    verified(&ctx.store).await;
    let id = account_id(&ctx, &a).await;

    let changed = ctx
        .execute_sql(
            "UPDATE accounts SET posted = posted + 1 \
             WHERE owner = 'mer_a' AND currency = 'USD' AND kind = 'merchant_available'",
        )
        .await;
    assert_eq!(changed, 1);
    let ctx = ctx.reopen().await;
    let report = ctx.store.verify().await.unwrap();
    assert!(!report.balanced);
    assert_eq!(
        report.mismatches,
        vec![Mismatch::AccountBalance {
            account: id,
            field: "posted",
            stored: 701,
            recomputed: 700,
        }]
    );
}

async fn verify_detects_a_tampered_posting(ctx: Ctx) {
    let (a, b) = (merchant("mer_a", "USD"), merchant("mer_b", "USD"));
    fund(&ctx.store, &a, 1000).await;
    let txn = ok(&ctx.store, transfer(&a, &b, 300)).await.txn.unwrap();
    let id = account_id(&ctx, &b).await;

    let TxnId(t) = txn;
    let changed = ctx
        .execute_sql(&format!(
            "UPDATE postings SET amount = amount + 5 WHERE txn_id = {t} AND leg = 1"
        ))
        .await;
    assert_eq!(changed, 1);
    let ctx = ctx.reopen().await;
    let report = ctx.store.verify().await.unwrap();
    assert!(!report.balanced);
    let mut expected = vec![
        Mismatch::AccountBalance {
            account: id,
            field: "posted",
            stored: 300,
            recomputed: 305,
        },
        Mismatch::CurrencyNotZero {
            currency: "USD".into(),
            net: 5,
        },
        Mismatch::TransactionUnbalanced {
            txn,
            currency: "USD".into(),
            net: 5,
        },
    ];
    if report.log.is_some() {
        // The embedded store's log still holds the posting as written.
        expected.push(Mismatch::LogDiffers {
            txn,
            detail: format!(
                "leg 1: the log has account {0}, amount 300, balance after 300; the database has account {0}, amount 305, balance after 300",
                id.0
            ),
        });
    }
    for mismatch in &expected {
        assert!(
            report.mismatches.contains(mismatch),
            "{mismatch:?} not in {:?}",
            report.mismatches
        );
    }
    assert_eq!(
        report.mismatches.len(),
        expected.len(),
        "{:?}",
        report.mismatches
    );
}

/// The embedded store's account history is checked against the postings:
/// a row lost, or one listing another transaction, is a mismatch (here in
/// the recent level, where a few transactions' rows are).
#[tokio::test]
async fn verify_detects_a_damaged_account_history() {
    let ctx = Ctx::sqlite().await;
    let (a, b) = (merchant("mer_a", "USD"), merchant("mer_b", "USD"));
    fund(&ctx.store, &a, 1000).await;
    let txn = ok(&ctx.store, transfer(&a, &b, 300)).await.txn.unwrap();
    let id = account_id(&ctx, &b).await;
    assert!(ctx.store.verify().await.unwrap().balanced);

    let TxnId(t) = txn;
    let moved = ctx
        .execute_sql(&format!(
            "UPDATE account_history_recent SET txn_ids = '{}' WHERE account_id = {} AND txn_ids = '{t}'",
            t - 1,
            id.0
        ))
        .await;
    assert_eq!(moved, 1);
    let ctx = ctx.reopen().await;
    let report = ctx.store.verify().await.unwrap();
    assert!(!report.balanced);
    assert_eq!(
        report.mismatches,
        vec![Mismatch::HistoryDiffers {
            detail: "the postings have 4 (account, transaction) pairs, the account history lists 4, not the same ones".into()
        }]
    );

    let lost = ctx
        .execute_sql(&format!(
            "DELETE FROM account_history_recent WHERE account_id = {}",
            id.0
        ))
        .await;
    assert_eq!(lost, 1);
    let ctx = ctx.reopen().await;
    let report = ctx.store.verify().await.unwrap();
    assert_eq!(
        report.mismatches,
        vec![Mismatch::HistoryDiffers {
            detail: "the postings have 4 (account, transaction) pairs, the account history lists 3"
                .into()
        }]
    );
}
