//! Random operations checked step by step against a small in-memory model.
//!
//! Set `CORRIDOR_IT_SEED` to replay a run; the seed is printed on failure.

mod model;

use std::collections::BTreeMap;

use corridor_core::ledger::{AccountKind, Receipt, Side};
use corridor_store::{AccountKey, Clock, LedgerOp, LedgerWrite, Refusal};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::db::Ctx;
use crate::ledger::*;
use model::{Model, ModelHold, Status};

on_both_backends! {
    random_operations_match_the_model => random_operations_match_the_model_sqlite, random_operations_match_the_model_postgres;
}

const OPERATIONS: usize = 300;
const CURRENCIES: [&str; 3] = ["USD", "JPY", "KWD"];
const MERCHANTS: [&str; 3] = ["mer_1", "mer_2", "mer_3"];

/// Every account the run may touch.
fn accounts() -> Vec<AccountKey> {
    let mut all = Vec::new();
    for currency in CURRENCIES {
        for id in MERCHANTS {
            all.push(merchant(id, currency));
        }
        all.push(source(currency));
        all.push(platform(AccountKind::PlatformRevenue, currency));
    }
    all
}

/// Two different accounts in the same currency.
fn pair(rng: &mut StdRng, all: &[AccountKey]) -> (AccountKey, AccountKey) {
    let from = all[rng.random_range(0..all.len())].clone();
    let same: Vec<&AccountKey> = all
        .iter()
        .filter(|k| k.currency == from.currency && **k != from)
        .collect();
    let to = same[rng.random_range(0..same.len())].clone();
    (from, to)
}

/// One random operation, the model's prediction, and how to record success.
enum Planned {
    Postings(Vec<(AccountKey, i64)>),
    Hold(AccountKey, AccountKey, i64, u32),
    Post(usize, Option<i64>),
    Void(usize),
    Expire(usize),
}

fn plan(rng: &mut StdRng, model: &Model, all: &[AccountKey]) -> Planned {
    // Hold operations need a hold to name.
    let roll = rng.random_range(0..if model.holds.is_empty() { 75 } else { 100 });
    let pick_hold = |rng: &mut StdRng| rng.random_range(0..model.holds.len());
    match roll {
        0..=19 => {
            let to = all[rng.random_range(0..all.len())].clone();
            let amount = rng.random_range(1..=5000);
            Planned::Postings(vec![(source(to.currency.code()), -amount), (to, amount)])
        }
        20..=49 => {
            let (from, to) = pair(rng, all);
            let amount = rng.random_range(1..=3000);
            Planned::Postings(vec![(from, -amount), (to, amount)])
        }
        50..=54 => {
            // Three legs; `y` may repeat `x` or `z`.
            let (x, z) = pair(rng, all);
            let same: Vec<&AccountKey> = all.iter().filter(|k| k.currency == x.currency).collect();
            let y = same[rng.random_range(0..same.len())].clone();
            let (a1, a2) = (rng.random_range(1..=1000), rng.random_range(1..=1000));
            Planned::Postings(vec![(x, -a1), (y, -a2), (z, a1 + a2)])
        }
        55..=74 => {
            let (from, to) = pair(rng, all);
            let amount = rng.random_range(1..=2000);
            Planned::Hold(from, to, amount, rng.random_range(0..=3))
        }
        75..=86 => {
            let index = pick_hold(rng);
            let amount = rng
                .random_bool(0.5)
                .then(|| rng.random_range(1..=model.holds[index].amount + 5));
            Planned::Post(index, amount)
        }
        87..=94 => Planned::Void(pick_hold(rng)),
        _ => Planned::Expire(pick_hold(rng)),
    }
}

async fn random_operations_match_the_model(ctx: Ctx) {
    let seed = std::env::var("CORRIDOR_IT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random::<u64>);
    let mut rng = StdRng::seed_from_u64(seed);
    let all = accounts();
    let base = ctx.clock.now();
    let mut model = Model::default();
    let mut replays: Vec<(LedgerWrite, Result<Receipt, Refusal>)> = Vec::new();
    let mut tally: BTreeMap<&str, usize> = BTreeMap::new();

    for i in 0..OPERATIONS {
        if rng.random_range(0..100) < 4 {
            // Step the clock by 1000 s; holds expire 500 s into a step.
            ctx.clock.advance(1000);
            model.step += 1;
        }
        if !replays.is_empty() && rng.random_range(0..100) < 5 {
            let (earlier, first) = &replays[rng.random_range(0..replays.len())];
            let again = submit(&ctx.store, earlier.clone()).await;
            let codes = |r: &Result<Receipt, Refusal>| r.clone().map_err(|e| e.code);
            assert_eq!(
                codes(&again),
                codes(first),
                "seed {seed}, op {i}: replay of {earlier:?}"
            );
            continue;
        }
        let planned = plan(&mut rng, &model, &all);
        let (op, expected) = match &planned {
            Planned::Postings(postings) => {
                let legs = postings
                    .iter()
                    .map(|(key, signed)| {
                        let side = if *signed < 0 {
                            Side::Debit
                        } else {
                            Side::Credit
                        };
                        leg(key, side, signed.abs())
                    })
                    .collect();
                (LedgerOp::Transfer(legs), model.post(postings))
            }
            Planned::Hold(debit, credit, amount, k) => {
                let expires_after_step = model.step + k;
                let expires_at = base.plus_seconds(i64::from(expires_after_step) * 1000 + 500);
                let outcome = model.create_hold(debit, credit, *amount);
                (hold(debit, credit, *amount, expires_at), outcome)
            }
            Planned::Post(index, amount) => {
                let outcome = match model.pending(*index) {
                    Err(code) => Err(code),
                    Ok(true) => Err("hold_expired"),
                    Ok(false) if amount.is_some_and(|a| a > model.holds[*index].amount) => {
                        Err("exceeds_hold")
                    }
                    Ok(false) => {
                        let posted = amount.unwrap_or(model.holds[*index].amount);
                        model.resolve(*index, Status::Posted, posted);
                        Ok(())
                    }
                };
                let hold = model.holds[*index].id;
                let amount = amount.map(amt);
                (LedgerOp::PostHold { hold, amount }, outcome)
            }
            Planned::Void(index) => {
                let outcome = match model.pending(*index) {
                    Err(code) => Err(code),
                    Ok(true) => Err("hold_expired"),
                    Ok(false) => {
                        model.resolve(*index, Status::Voided, 0);
                        Ok(())
                    }
                };
                (LedgerOp::VoidHold(model.holds[*index].id), outcome)
            }
            Planned::Expire(index) => {
                let outcome = match model.pending(*index) {
                    Err(code) => Err(code),
                    Ok(false) => Err("hold_not_expired"),
                    Ok(true) => {
                        model.resolve(*index, Status::Expired, 0);
                        Ok(())
                    }
                };
                (LedgerOp::ExpireHold(model.holds[*index].id), outcome)
            }
        };
        let mut request = write(op);
        if rng.random_bool(0.3) {
            request.client_ref = Some(format!("random-{seed}-{i}"));
        }
        let answer = submit(&ctx.store, request.clone()).await;
        let got = answer.as_ref().map(|_| ()).map_err(|r| r.code.code());
        assert_eq!(got, expected, "seed {seed}, op {i}: {request:?}");
        *tally.entry(expected.err().unwrap_or("ok")).or_default() += 1;
        if let (Planned::Hold(debit, credit, amount, k), Ok(receipt)) = (&planned, &answer) {
            model.holds.push(ModelHold {
                id: hold_id(*receipt),
                debit: debit.clone(),
                credit: credit.clone(),
                amount: *amount,
                expires_after_step: model.step + k,
                status: Status::Pending,
            });
        }
        if request.client_ref.is_some() {
            replays.push((request, answer));
        }
    }

    // The run must have exercised both sides of the rules.
    assert!(tally["ok"] > OPERATIONS / 3, "seed {seed}: {tally:?}");
    assert!(
        tally.contains_key("insufficient_funds"),
        "seed {seed}: {tally:?}"
    );
    for key in &all {
        assert_eq!(
            balance(&ctx.store, key).await,
            model.get(key),
            "seed {seed}: {key:?}"
        );
    }
    let report = verified(&ctx.store).await;
    assert_eq!(report.currencies.len(), model.totals.len(), "seed {seed}");
    for (currency, (debits, credits)) in &model.totals {
        let totals = report.currencies[*currency];
        assert_eq!(
            (totals.debits, totals.credits),
            (*debits, *credits),
            "seed {seed}: {currency}"
        );
    }
    let pending = model
        .holds
        .iter()
        .filter(|h| h.status == Status::Pending)
        .count();
    let expired_now = model
        .holds
        .iter()
        .filter(|h| h.status == Status::Pending && model.step > h.expires_after_step)
        .count();
    let listed = ctx
        .store
        .expired_holds(ctx.clock.now(), 1000)
        .await
        .unwrap();
    assert_eq!(
        listed.len(),
        expired_now,
        "seed {seed}: {pending} pending holds"
    );
}
