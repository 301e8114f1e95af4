//! Unit tests for the book, and a property test against a simple model.

use proptest::prelude::*;

use super::*;
use crate::ledger::{HoldChange, LedgerError, Posting, Side};
use crate::{Currency, Timestamp};

fn usd() -> Currency {
    Currency::parse("USD").unwrap()
}

fn amt(minor: i64) -> Amount {
    Amount::positive(minor).unwrap()
}

/// Account 1: merchant USD (no negative). 2: platform USD. 3: merchant JPY. 4: platform JPY.
fn book() -> Book {
    let jpy = Currency::parse("JPY").unwrap();
    let mut b = Book::new();
    b.insert_account(AccountId(1), AccountState::open(usd(), true));
    b.insert_account(AccountId(2), AccountState::open(usd(), false));
    b.insert_account(AccountId(3), AccountState::open(jpy, true));
    b.insert_account(AccountId(4), AccountState::open(jpy, false));
    b
}

/// A test index as an id number.
fn idx(i: usize) -> i64 {
    i64::try_from(i).expect("small index")
}

const NOW: Timestamp = Timestamp::from_unix_micros(1_000_000);

#[test]
fn transfer_moves_money_and_reports_balance_after() {
    let mut b = book();
    let applied = b
        .apply(&simple_transfer(AccountId(2), AccountId(1), amt(500)), NOW)
        .unwrap();
    assert_eq!(
        applied.postings[0],
        PostingEffect {
            account: AccountId(2),
            signed: -500,
            balance_after: -500
        }
    );
    assert_eq!(
        applied.postings[1],
        PostingEffect {
            account: AccountId(1),
            signed: 500,
            balance_after: 500
        }
    );
    assert_eq!(b.account(AccountId(1)).unwrap().posted, 500);
}

#[test]
fn refusals_change_nothing() {
    let mut b = book();
    let before = format!(
        "{:?}",
        b.accounts().collect::<std::collections::BTreeMap<_, _>>()
    );
    let overdraw = simple_transfer(AccountId(1), AccountId(2), amt(1));
    assert_eq!(
        b.apply(&overdraw, NOW),
        Err(LedgerError::ExceedsAvailable(AccountId(1)))
    );
    let unbalanced = LedgerCommand::Transfer {
        postings: vec![
            Posting {
                account: AccountId(2),
                side: Side::Debit,
                amount: amt(5),
            },
            Posting {
                account: AccountId(1),
                side: Side::Credit,
                amount: amt(4),
            },
        ],
    };
    assert_eq!(
        b.apply(&unbalanced, NOW),
        Err(LedgerError::Unbalanced("USD"))
    );
    let cross_currency = LedgerCommand::Transfer {
        postings: vec![
            Posting {
                account: AccountId(2),
                side: Side::Debit,
                amount: amt(5),
            },
            Posting {
                account: AccountId(3),
                side: Side::Credit,
                amount: amt(5),
            },
        ],
    };
    assert_eq!(
        b.apply(&cross_currency, NOW),
        Err(LedgerError::Unbalanced("USD"))
    );
    let one = LedgerCommand::Transfer {
        postings: vec![Posting {
            account: AccountId(2),
            side: Side::Debit,
            amount: amt(5),
        }],
    };
    assert_eq!(b.apply(&one, NOW), Err(LedgerError::TooFewPostings));
    let zero = simple_transfer(AccountId(2), AccountId(1), Amount::ZERO);
    assert_eq!(b.apply(&zero, NOW), Err(LedgerError::ZeroAmount));
    let missing = simple_transfer(AccountId(2), AccountId(99), amt(1));
    assert_eq!(
        b.apply(&missing, NOW),
        Err(LedgerError::AccountNotFound(AccountId(99)))
    );
    let after = format!(
        "{:?}",
        b.accounts().collect::<std::collections::BTreeMap<_, _>>()
    );
    assert_eq!(before, after);
}

#[test]
fn four_legged_exchange_balances_per_currency() {
    let mut b = book();
    b.apply(
        &simple_transfer(AccountId(2), AccountId(1), amt(1_000)),
        NOW,
    )
    .unwrap();
    // Merchant sells 10.00 USD for 1,500 JPY through the platform's liquidity accounts.
    let fx = LedgerCommand::Transfer {
        postings: vec![
            Posting {
                account: AccountId(1),
                side: Side::Debit,
                amount: amt(1_000),
            },
            Posting {
                account: AccountId(2),
                side: Side::Credit,
                amount: amt(1_000),
            },
            Posting {
                account: AccountId(4),
                side: Side::Debit,
                amount: amt(1_500),
            },
            Posting {
                account: AccountId(3),
                side: Side::Credit,
                amount: amt(1_500),
            },
        ],
    };
    b.apply(&fx, NOW).unwrap();
    assert_eq!(b.account(AccountId(1)).unwrap().posted, 0);
    assert_eq!(b.account(AccountId(3)).unwrap().posted, 1_500);
}

#[test]
fn hold_reserves_then_posts_partially_and_releases_the_rest() {
    let mut b = book();
    b.apply(
        &simple_transfer(AccountId(2), AccountId(1), amt(1_000)),
        NOW,
    )
    .unwrap();
    let create = LedgerCommand::CreateHold {
        id: HoldId(7),
        debit: AccountId(1),
        credit: AccountId(2),
        amount: amt(600),
        expires_at: NOW.plus_seconds(60),
    };
    b.apply(&create, NOW).unwrap();
    assert_eq!(b.account(AccountId(1)).unwrap().available(), Some(400));
    // The reservation is real: 500 more can't be spent.
    assert_eq!(
        b.apply(&simple_transfer(AccountId(1), AccountId(2), amt(500)), NOW),
        Err(LedgerError::ExceedsAvailable(AccountId(1)))
    );
    assert_eq!(
        b.apply(
            &LedgerCommand::PostHold {
                id: HoldId(7),
                amount: Some(amt(601))
            },
            NOW
        ),
        Err(LedgerError::ExceedsHold)
    );
    let posted = b
        .apply(
            &LedgerCommand::PostHold {
                id: HoldId(7),
                amount: Some(amt(250)),
            },
            NOW,
        )
        .unwrap();
    assert!(
        matches!(posted.hold, Some(HoldChange::Resolved(h)) if h.status == HoldStatus::Posted(amt(250)))
    );
    let merchant = b.account(AccountId(1)).unwrap();
    assert_eq!(
        (merchant.posted, merchant.held_out, merchant.available()),
        (750, 0, Some(750))
    );
    // Exactly once.
    assert_eq!(
        b.apply(
            &LedgerCommand::PostHold {
                id: HoldId(7),
                amount: None
            },
            NOW
        ),
        Err(LedgerError::HoldAlreadyPosted)
    );
    assert_eq!(
        b.apply(&LedgerCommand::VoidHold { id: HoldId(7) }, NOW),
        Err(LedgerError::HoldAlreadyPosted)
    );
}

#[test]
fn hold_expires_only_after_its_time_and_then_cannot_be_posted() {
    let mut b = book();
    b.apply(&simple_transfer(AccountId(2), AccountId(1), amt(100)), NOW)
        .unwrap();
    let expires_at = NOW.plus_seconds(60);
    b.apply(
        &LedgerCommand::CreateHold {
            id: HoldId(1),
            debit: AccountId(1),
            credit: AccountId(2),
            amount: amt(100),
            expires_at,
        },
        NOW,
    )
    .unwrap();
    assert_eq!(
        b.apply(&LedgerCommand::ExpireHold { id: HoldId(1) }, NOW),
        Err(LedgerError::HoldNotExpired)
    );
    assert_eq!(
        b.apply(
            &LedgerCommand::PostHold {
                id: HoldId(1),
                amount: None
            },
            expires_at
        ),
        Err(LedgerError::HoldExpired)
    );
    b.apply(&LedgerCommand::ExpireHold { id: HoldId(1) }, expires_at)
        .unwrap();
    assert_eq!(b.account(AccountId(1)).unwrap().available(), Some(100));
    assert_eq!(
        b.apply(&LedgerCommand::VoidHold { id: HoldId(1) }, expires_at),
        Err(LedgerError::HoldExpired)
    );
}

#[test]
fn void_releases_and_holds_check_currency_and_funds() {
    let mut b = book();
    b.apply(&simple_transfer(AccountId(2), AccountId(1), amt(100)), NOW)
        .unwrap();
    let too_much = LedgerCommand::CreateHold {
        id: HoldId(1),
        debit: AccountId(1),
        credit: AccountId(2),
        amount: amt(101),
        expires_at: NOW.plus_seconds(5),
    };
    assert_eq!(
        b.apply(&too_much, NOW),
        Err(LedgerError::ExceedsAvailable(AccountId(1)))
    );
    let cross = LedgerCommand::CreateHold {
        id: HoldId(1),
        debit: AccountId(1),
        credit: AccountId(4),
        amount: amt(1),
        expires_at: NOW.plus_seconds(5),
    };
    assert_eq!(b.apply(&cross, NOW), Err(LedgerError::CurrencyMismatch));
    let ok = LedgerCommand::CreateHold {
        id: HoldId(1),
        debit: AccountId(1),
        credit: AccountId(2),
        amount: amt(100),
        expires_at: NOW.plus_seconds(5),
    };
    b.apply(&ok, NOW).unwrap();
    b.apply(&LedgerCommand::VoidHold { id: HoldId(1) }, NOW)
        .unwrap();
    assert_eq!(b.account(AccountId(1)).unwrap().available(), Some(100));
    assert_eq!(b.account(AccountId(2)).unwrap().held_in, 0);
    assert_eq!(
        b.apply(&LedgerCommand::VoidHold { id: HoldId(1) }, NOW),
        Err(LedgerError::HoldAlreadyVoided)
    );
}

// ---------------------------------------------------------------------------
// Property test: random operations against a model that keeps every posting
// and recomputes balances from scratch.

#[derive(Debug, Clone)]
enum Op {
    Transfer(Vec<(usize, bool, i64)>),
    Hold {
        debit: usize,
        credit: usize,
        amount: i64,
        ttl_s: i64,
    },
    Post {
        hold: usize,
        amount: Option<i64>,
    },
    Void {
        hold: usize,
    },
    Expire {
        hold: usize,
    },
    Advance {
        seconds: i64,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let leg = (0usize..4, any::<bool>(), 1i64..1_000);
    prop_oneof![
        // Mostly balanced two-party transfers (money actually moves), some
        // cross-currency pairs of pairs, and some arbitrary legs that must be refused.
        5 => (0usize..4, 0usize..4, 1i64..1_000).prop_map(|(from, to, v)| Op::Transfer(vec![(from, false, v), (to, true, v)])),
        1 => (1i64..500, 1i64..500).prop_map(|(usd, jpy)| Op::Transfer(vec![(0, false, usd), (1, true, usd), (3, false, jpy), (2, true, jpy)])),
        1 => prop::collection::vec(leg, 1..5).prop_map(Op::Transfer),
        2 => (0usize..4, 0usize..4, 1i64..800, 1i64..100).prop_map(|(debit, credit, amount, ttl_s)| Op::Hold { debit, credit, amount, ttl_s }),
        2 => (0usize..8, prop::option::of(1i64..900)).prop_map(|(hold, amount)| Op::Post { hold, amount }),
        1 => (0usize..8).prop_map(|hold| Op::Void { hold }),
        1 => (0usize..8).prop_map(|hold| Op::Expire { hold }),
        1 => (1i64..60).prop_map(|seconds| Op::Advance { seconds }),
    ]
}

#[derive(Default)]
struct Model {
    postings: Vec<(usize, i64)>,
    /// (debit, credit, amount, expires_at, pending)
    holds: Vec<(usize, usize, i64, Timestamp, bool)>,
}

/// Accounts 0,1 are USD; 2,3 are JPY. Even indexes forbid a negative balance.
const CURRENCY_OF: [usize; 4] = [0, 0, 1, 1];

impl Model {
    fn posted(&self, a: usize) -> i64 {
        self.postings
            .iter()
            .filter(|(acc, _)| *acc == a)
            .map(|(_, v)| v)
            .sum()
    }
    fn held_out(&self, a: usize) -> i64 {
        self.holds
            .iter()
            .filter(|h| h.4 && h.0 == a)
            .map(|h| h.2)
            .sum()
    }
    fn held_in(&self, a: usize) -> i64 {
        self.holds
            .iter()
            .filter(|h| h.4 && h.1 == a)
            .map(|h| h.2)
            .sum()
    }
    fn ok_after(&self, a: usize, extra_posted: i64, extra_out: i64) -> bool {
        a % 2 == 1 || self.posted(a) + extra_posted - self.held_out(a) - extra_out >= 0
    }
}

fn model_book() -> Book {
    let jpy = Currency::parse("JPY").unwrap();
    let mut b = Book::new();
    for (i, c) in CURRENCY_OF.iter().enumerate() {
        let currency = if *c == 0 { usd() } else { jpy };
        b.insert_account(AccountId(idx(i)), AccountState::open(currency, i % 2 == 0));
    }
    b
}

fn step(book: &mut Book, model: &mut Model, now: &mut Timestamp, op: &Op) {
    match op {
        Op::Advance { seconds } => *now = now.plus_seconds(*seconds),
        Op::Transfer(legs) => {
            let postings: Vec<Posting> = legs
                .iter()
                .map(|(a, credit, v)| Posting {
                    account: AccountId(idx(*a)),
                    side: if *credit { Side::Credit } else { Side::Debit },
                    amount: amt(*v),
                })
                .collect();
            let signed: Vec<(usize, i64)> = legs
                .iter()
                .map(|(a, c, v)| (*a, if *c { *v } else { -*v }))
                .collect();
            let balanced = (0..2).all(|cur| {
                signed
                    .iter()
                    .filter(|(a, _)| CURRENCY_OF[*a] == cur)
                    .map(|(_, v)| v)
                    .sum::<i64>()
                    == 0
            });
            let funded = (0..4).all(|a| {
                model.ok_after(
                    a,
                    signed.iter().filter(|(x, _)| *x == a).map(|(_, v)| v).sum(),
                    0,
                )
            });
            let expected_ok = legs.len() >= 2 && balanced && funded;
            let result = book.apply(&LedgerCommand::Transfer { postings }, *now);
            assert_eq!(
                result.is_ok(),
                expected_ok,
                "transfer {legs:?} -> {result:?}"
            );
            if expected_ok {
                model.postings.extend(signed);
            }
        }
        Op::Hold {
            debit,
            credit,
            amount,
            ttl_s,
        } => {
            let id = HoldId(idx(model.holds.len()));
            let expires_at = now.plus_seconds(*ttl_s);
            let cmd = LedgerCommand::CreateHold {
                id,
                debit: AccountId(idx(*debit)),
                credit: AccountId(idx(*credit)),
                amount: amt(*amount),
                expires_at,
            };
            let expected_ok = debit != credit
                && CURRENCY_OF[*debit] == CURRENCY_OF[*credit]
                && model.ok_after(*debit, 0, *amount);
            let result = book.apply(&cmd, *now);
            assert_eq!(result.is_ok(), expected_ok, "{op:?} -> {result:?}");
            if expected_ok {
                model
                    .holds
                    .push((*debit, *credit, *amount, expires_at, true));
            }
        }
        Op::Post { hold, amount } => {
            let Some(h) = model.holds.get(*hold).copied() else {
                return;
            };
            let take = amount.unwrap_or(h.2);
            let expected_ok = h.4 && *now < h.3 && take <= h.2;
            let result = book.apply(
                &LedgerCommand::PostHold {
                    id: HoldId(idx(*hold)),
                    amount: amount.map(amt),
                },
                *now,
            );
            assert_eq!(result.is_ok(), expected_ok, "{op:?} on {h:?} -> {result:?}");
            if expected_ok {
                model.holds[*hold].4 = false;
                model.postings.push((h.0, -take));
                model.postings.push((h.1, take));
            }
        }
        Op::Void { hold } | Op::Expire { hold } => {
            let Some(h) = model.holds.get(*hold).copied() else {
                return;
            };
            let expiring = matches!(op, Op::Expire { .. });
            let expected_ok = h.4 && (expiring == (*now >= h.3));
            let cmd = if expiring {
                LedgerCommand::ExpireHold {
                    id: HoldId(idx(*hold)),
                }
            } else {
                LedgerCommand::VoidHold {
                    id: HoldId(idx(*hold)),
                }
            };
            let result = book.apply(&cmd, *now);
            assert_eq!(result.is_ok(), expected_ok, "{op:?} on {h:?} -> {result:?}");
            if expected_ok {
                model.holds[*hold].4 = false;
            }
        }
    }
}

fn check_invariants(book: &Book, model: &Model) {
    let mut per_currency = [0i64; 2];
    for a in 0..4 {
        let state = book.account(AccountId(idx(a))).unwrap();
        assert_eq!(state.posted, model.posted(a), "posted of {a}");
        assert_eq!(state.held_out, model.held_out(a), "held_out of {a}");
        assert_eq!(state.held_in, model.held_in(a), "held_in of {a}");
        assert!(state.is_consistent(), "account {a} inconsistent: {state:?}");
        per_currency[CURRENCY_OF[a]] += state.posted;
    }
    assert_eq!(per_currency, [0, 0], "every currency sums to zero");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn book_matches_model(ops in prop::collection::vec(op(), 1..80)) {
        let mut book = model_book();
        let mut model = Model::default();
        let mut now = NOW;
        for op in &ops {
            step(&mut book, &mut model, &mut now, op);
            check_invariants(&book, &model);
        }
    }
}
