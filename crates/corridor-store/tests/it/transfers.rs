//! Transfers: balances, history, transactions, and refusals that change nothing.

use corridor_core::ledger::{AccountKind, Side, TxnId};
use corridor_store::{LedgerOp, Owner, TransferLeg};

use crate::db::Ctx;
use crate::ledger::*;

on_both_backends! {
    transfers_move_money => transfers_move_money_sqlite, transfers_move_money_postgres;
    history_pages_never_split_a_transaction => history_pages_never_split_a_transaction_sqlite, history_pages_never_split_a_transaction_postgres;
    history_lists_every_posting_of_concurrent_batches => history_lists_every_posting_of_concurrent_batches_sqlite, history_lists_every_posting_of_concurrent_batches_postgres;
    overdraft_is_refused_and_writes_nothing => overdraft_is_refused_and_writes_nothing_sqlite, overdraft_is_refused_and_writes_nothing_postgres;
    refused_transfer_opens_no_account => refused_transfer_opens_no_account_sqlite, refused_transfer_opens_no_account_postgres;
    unbalanced_legs_are_refused => unbalanced_legs_are_refused_sqlite, unbalanced_legs_are_refused_postgres;
    exchange_balanced_per_currency_is_accepted => exchange_balanced_per_currency_is_accepted_sqlite, exchange_balanced_per_currency_is_accepted_postgres;
    balance_bound_covers_every_balance_across_restarts => balance_bound_covers_every_balance_across_restarts_sqlite, balance_bound_covers_every_balance_across_restarts_postgres;
}

async fn transfers_move_money(ctx: Ctx) {
    let s = &ctx.store;
    let (a, b) = (merchant("mer_a", "USD"), merchant("mer_b", "USD"));
    let funding = fund(s, &a, 1000).await;
    let paid = ok(s, transfer(&a, &b, 300)).await.txn.expect("txn id");
    assert!(paid > funding, "txn ids grow: {funding:?} then {paid:?}");

    assert_eq!(balance(s, &a).await, (700, 0, 0));
    assert_eq!(balance(s, &b).await, (300, 0, 0));
    assert_eq!(balance(s, &source("USD")).await, (-1000, 0, 0));

    let owned = s.balances(&Owner::Merchant("mer_a".into())).await.unwrap();
    assert_eq!(owned.len(), 1, "{owned:?}");
    assert_eq!(owned[0].kind, AccountKind::MerchantAvailable);
    assert_eq!(owned[0].currency, cur("USD"));

    // Newest first, one entry per posting, each with the balance right after it.
    let history = s
        .history(&Owner::Merchant("mer_a".into()), 10, None)
        .await
        .unwrap();
    assert!(!history.has_more);
    let seen: Vec<_> = history
        .items
        .iter()
        .map(|h| (h.txn, h.amount, h.balance_after))
        .collect();
    assert_eq!(seen, vec![(paid, -300, 700), (funding, 1000, 1000)]);
    assert!(history.items.iter().all(|h| h.kind == "test"));

    let record = s
        .txn(paid)
        .await
        .unwrap()
        .expect("the transfer is readable");
    assert_eq!(record.id, paid);
    assert_eq!(record.meta, meta("test"));
    assert_eq!(record.hold, None);
    let postings: Vec<_> = record
        .postings
        .iter()
        .map(|p| (p.owner.code().to_string(), p.amount, p.balance_after))
        .collect();
    assert_eq!(
        postings,
        vec![
            ("mer_a".to_string(), -300, 700),
            ("mer_b".to_string(), 300, 300)
        ]
    );
    assert_eq!(s.txn(TxnId(paid.0 + 1000)).await.unwrap(), None);
    verified(s).await;
}

async fn history_pages_never_split_a_transaction(ctx: Ctx) {
    let s = &ctx.store;
    let a = merchant("mer_a", "USD");
    let first = fund(s, &a, 100).await;
    // Two postings on the same account in one transaction: balance_after per posting.
    let split = LedgerOp::Transfer(vec![
        leg(&source("USD"), Side::Debit, 500),
        leg(&a, Side::Credit, 200),
        leg(&a, Side::Credit, 300),
    ]);
    let second = ok(s, split).await.txn.unwrap();
    let owner = Owner::Merchant("mer_a".into());

    let page = s.history(&owner, 1, None).await.unwrap();
    let seen: Vec<_> = page
        .items
        .iter()
        .map(|h| (h.txn, h.leg, h.balance_after))
        .collect();
    assert_eq!(seen, vec![(second, 2, 600), (second, 1, 300)]);
    assert!(page.has_more);

    let older = s.history(&owner, 10, Some(second)).await.unwrap();
    let seen: Vec<_> = older
        .items
        .iter()
        .map(|h| (h.txn, h.balance_after))
        .collect();
    assert_eq!(seen, vec![(first, 100)]);
    assert!(!older.has_more);
    assert_eq!(balance(s, &a).await, (600, 0, 0));
}

/// Transfers sent at once land in shared batches; paging through each
/// owner's history, in pages of every size, lists each of its postings once,
/// newest first, and nothing else.
async fn history_lists_every_posting_of_concurrent_batches(ctx: Ctx) {
    let s = &ctx.store;
    let owners = ["mer_a", "mer_b", "mer_c"];
    let keys: Vec<_> = owners
        .iter()
        .flat_map(|o| [merchant(o, "USD"), merchant(o, "EUR")])
        .collect();
    for key in &keys {
        fund(s, key, 1_000_000).await;
    }
    // Transfer i moves money between two accounts of one currency; every
    // fifth has a third leg on its credit account again.
    let plan = |i: usize| -> Vec<TransferLeg> {
        let from = &keys[i % keys.len()];
        // Same parity, same currency; never the same account.
        let to = &keys[(i * 7 + 2) % keys.len()];
        assert_eq!(to.currency, from.currency);
        let amount = 1 + (i as i64 % 50);
        let mut legs = vec![
            leg(from, Side::Debit, 2 * amount),
            leg(to, Side::Credit, amount),
        ];
        legs.push(leg(
            if i.is_multiple_of(5) { to } else { from },
            Side::Credit,
            amount,
        ));
        legs
    };
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..300 {
        let (store, legs) = (s.clone(), plan(i));
        tasks.spawn(async move { (legs.clone(), ok(&store, LedgerOp::Transfer(legs)).await) });
    }
    let done = tasks.join_all().await;
    for owner in owners {
        let owner = Owner::Merchant(owner.into());
        let mut expected: Vec<(TxnId, i32, i64)> = Vec::new();
        for (legs, receipt) in &done {
            for (n, l) in legs.iter().enumerate() {
                if l.account.owner == owner {
                    let signed = match l.side {
                        Side::Debit => -l.amount.minor(),
                        Side::Credit => l.amount.minor(),
                    };
                    expected.push((receipt.txn.unwrap(), n as i32, signed));
                }
            }
        }
        expected.sort_by_key(|&(txn, leg, _)| std::cmp::Reverse((txn, leg)));
        for page_size in [1, 7, 500] {
            let mut seen = Vec::new();
            let mut before = None;
            loop {
                let page = s.history(&owner, page_size, before).await.unwrap();
                seen.extend(page.items.iter().map(|h| (h.txn, h.leg, h.amount)));
                if !page.has_more {
                    break;
                }
                before = page.items.last().map(|h| h.txn);
            }
            // Funding comes first in time, last in the history.
            let newest: Vec<_> = seen.iter().take(expected.len()).copied().collect();
            assert_eq!(newest, expected, "{owner:?}, pages of {page_size}");
            assert_eq!(seen.len(), expected.len() + 2, "{owner:?}: two fundings");
        }
    }
    verified(s).await;
}

async fn overdraft_is_refused_and_writes_nothing(ctx: Ctx) {
    let s = &ctx.store;
    let (a, b) = (merchant("mer_a", "USD"), merchant("mer_b", "USD"));
    let revenue = platform(AccountKind::PlatformRevenue, "USD");
    fund(s, &a, 500).await;
    fund(s, &b, 1).await;
    fund(s, &revenue, 1).await;
    let owners = [
        Owner::Merchant("mer_a".into()),
        Owner::Merchant("mer_b".into()),
        Owner::Platform,
    ];
    let mut before = Vec::new();
    for owner in &owners {
        before.push((
            s.balances(owner).await.unwrap(),
            s.history(owner, 100, None).await.unwrap(),
        ));
    }
    let report_before = verified(s).await;

    refused(s, transfer(&a, &b, 501), "insufficient_funds").await;
    // All or nothing: the good leg on mer_b must not land either.
    let partly_good = LedgerOp::Transfer(vec![
        leg(&b, Side::Debit, 1),
        leg(&a, Side::Debit, 600),
        leg(&revenue, Side::Credit, 601),
    ]);
    refused(s, partly_good, "insufficient_funds").await;

    for (owner, (balances, history)) in owners.iter().zip(&before) {
        assert_eq!(&s.balances(owner).await.unwrap(), balances, "{owner:?}");
        assert_eq!(
            &s.history(owner, 100, None).await.unwrap(),
            history,
            "{owner:?}"
        );
    }
    let report_after = verified(s).await;
    assert_eq!(report_after.currencies, report_before.currencies);

    // Platform accounts absorb the other side and may go negative.
    ok(
        s,
        transfer(&platform(AccountKind::PlatformClearing, "USD"), &a, 50),
    )
    .await;
    assert_eq!(balance(s, &a).await, (550, 0, 0));
}

/// A refused request must leave no row behind, not even the empty account
/// it would have opened on first use.
async fn refused_transfer_opens_no_account(ctx: Ctx) {
    let s = &ctx.store;
    let a = merchant("mer_a", "USD");
    fund(s, &a, 100).await;
    let accounts_before = verified(s).await.accounts_checked;
    let never_used = merchant("mer_new", "USD");
    refused(s, transfer(&a, &never_used, 101), "insufficient_funds").await;
    let new_owner = Owner::Merchant("mer_new".into());
    assert_eq!(s.balances(&new_owner).await.unwrap(), vec![]);
    assert_eq!(verified(s).await.accounts_checked, accounts_before);
}

async fn unbalanced_legs_are_refused(ctx: Ctx) {
    let s = &ctx.store;
    let (a, b) = (merchant("mer_a", "USD"), merchant("mer_b", "USD"));
    fund(s, &a, 1000).await;
    let short = LedgerOp::Transfer(vec![leg(&a, Side::Debit, 100), leg(&b, Side::Credit, 99)]);
    refused(s, short, "unbalanced_postings").await;
    // Equal numbers in two currencies do not balance.
    let jpy = merchant("mer_b", "JPY");
    let mixed = LedgerOp::Transfer(vec![
        leg(&a, Side::Debit, 100),
        leg(&jpy, Side::Credit, 100),
    ]);
    refused(s, mixed, "unbalanced_postings").await;
    refused(
        s,
        LedgerOp::Transfer(vec![leg(&a, Side::Debit, 1)]),
        "too_few_postings",
    )
    .await;

    assert_eq!(balance(s, &a).await, (1000, 0, 0));
    assert_eq!(balance(s, &b).await, (0, 0, 0));
    assert_eq!(balance(s, &jpy).await, (0, 0, 0));
    verified(s).await;
}

async fn exchange_balanced_per_currency_is_accepted(ctx: Ctx) {
    let s = &ctx.store;
    let (usd, jpy) = (merchant("mer_a", "USD"), merchant("mer_a", "JPY"));
    let (fx_usd, fx_jpy) = (
        platform(AccountKind::FxLiquidity, "USD"),
        platform(AccountKind::FxLiquidity, "JPY"),
    );
    fund(s, &usd, 10_000).await;
    let exchange = LedgerOp::Transfer(vec![
        leg(&usd, Side::Debit, 1000),
        leg(&fx_usd, Side::Credit, 1000),
        leg(&fx_jpy, Side::Debit, 1500),
        leg(&jpy, Side::Credit, 1500),
    ]);
    let txn = ok(s, exchange).await.txn.unwrap();
    assert_eq!(balance(s, &usd).await, (9000, 0, 0));
    assert_eq!(balance(s, &jpy).await, (1500, 0, 0));
    assert_eq!(balance(s, &fx_usd).await, (1000, 0, 0));
    assert_eq!(balance(s, &fx_jpy).await, (-1500, 0, 0));
    let record = s.txn(txn).await.unwrap().unwrap();
    let currencies: Vec<_> = record.postings.iter().map(|p| p.currency.code()).collect();
    assert_eq!(currencies, ["USD", "USD", "JPY", "JPY"]);

    let report = verified(s).await;
    assert_eq!(report.currencies["USD"].debits, 11_000);
    assert_eq!(report.currencies["USD"].credits, 11_000);
    assert_eq!(report.currencies["JPY"].debits, 1500);
    assert_eq!(report.currencies["JPY"].credits, 1500);
}

/// The writer's bound lets a request skip reading balances only while no
/// balance, including one written before the last start, is near the range.
async fn balance_bound_covers_every_balance_across_restarts(ctx: Ctx) {
    let room = |s: &corridor_store::Store, minor: i64| s.fits_every_balance(minor);
    let a = merchant("mer_a", "USD");
    assert!(room(&ctx.store, i64::MAX), "an empty ledger has room");
    let large = 1_i64 << 62;
    fund(&ctx.store, &a, large).await;
    // The source account is at -2^62 and the merchant's at 2^62.
    assert!(room(&ctx.store, i64::MAX - large));
    assert!(!room(&ctx.store, i64::MAX - large + 1));
    let ctx = ctx.reopen().await;
    assert!(room(&ctx.store, i64::MAX - large));
    assert!(
        !room(&ctx.store, i64::MAX - large + 1),
        "a restarted writer starts its bound from the stored balances"
    );
    // Paying it back leaves the bound where it was: it never shrinks.
    ok(&ctx.store, transfer(&a, &source("USD"), large)).await;
    assert_eq!(balance(&ctx.store, &a).await, (0, 0, 0));
    assert!(!room(&ctx.store, i64::MAX - large + 1));
    verified(&ctx.store).await;
}
