//! `ledger verify` on the embedded store, in one ordered pass over the
//! postings: each account's sum, each currency's debits and credits and
//! each transaction's balance are recomputed as the rows go by, and the
//! log is merged in to be compared with them (see `log::compare`), and
//! the (account, transaction) pairs are compared with the account history
//! (see `history`). The
//! holds are summed in a second, small scan. Sums are `i128`: SQLite's
//! own `SUM` is 64-bit and would fail on a large ledger.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use corridor_core::ledger::{
    verify, AccountCheck, AccountId, CurrencyTotals, Mismatch, TxnId, VerifyInput, VerifyReport,
};
use rusqlite::Connection;

use super::history::{self, PairDigest};
use super::log::LogComparison;
use crate::StoreError;

const ACCOUNTS: &str =
    "SELECT id, currency, forbids_negative, posted, held_out, held_in FROM accounts ORDER BY id";
const PENDING_HOLDS: &str =
    "SELECT debit_account, credit_account, amount FROM holds WHERE status = 'pending'";
const POSTINGS: &str =
    "SELECT txn_id, leg, account_id, amount, balance_after FROM postings ORDER BY txn_id, leg";

/// Each account's currency, as a small slot number.
#[derive(Debug, Default)]
pub(crate) struct AccountCurrencies {
    slots: HashMap<i64, usize>,
    codes: Vec<String>,
}

impl AccountCurrencies {
    fn insert(&mut self, account: i64, code: &str) -> usize {
        let slot = match self.codes.iter().position(|c| c == code) {
            Some(slot) => slot,
            None => {
                self.codes.push(code.to_owned());
                self.codes.len() - 1
            }
        };
        self.slots.insert(account, slot);
        slot
    }

    /// The slot of `account`'s currency, if the account exists.
    pub(crate) fn slot(&self, account: i64) -> Option<usize> {
        self.slots.get(&account).copied()
    }

    /// The currency code of `slot`.
    pub(crate) fn code(&self, slot: usize) -> &str {
        &self.codes[slot]
    }
}

/// One transaction's net per currency slot as its postings go by (a
/// transaction's postings are consecutive, in the database's order and in
/// the log's); a transaction that does not net to zero is reported.
#[derive(Debug, Default)]
pub(crate) struct TxnNets {
    txn: Option<i64>,
    nets: Vec<(Option<usize>, i128)>,
}

impl TxnNets {
    /// Adds a posting of `txn` in the currency `slot`; a posting of
    /// another transaction first closes the current one.
    pub(crate) fn add(
        &mut self,
        txn: i64,
        slot: Option<usize>,
        amount: i64,
        unbalanced: &mut impl FnMut(i64, Option<usize>, i128),
    ) {
        if self.txn != Some(txn) {
            self.close(unbalanced);
            self.txn = Some(txn);
        }
        match self.nets.iter_mut().find(|n| n.0 == slot) {
            Some(n) => n.1 += i128::from(amount),
            None => self.nets.push((slot, i128::from(amount))),
        }
    }

    /// Closes the current transaction: `unbalanced` hears of each currency
    /// it does not net to zero in.
    pub(crate) fn close(&mut self, unbalanced: &mut impl FnMut(i64, Option<usize>, i128)) {
        if let Some(txn) = self.txn.take() {
            for (slot, net) in self.nets.drain(..) {
                if net != 0 {
                    unbalanced(txn, slot, net);
                }
            }
        }
    }
}

/// Verifies the database `c` reads, inside the caller's read transaction,
/// and compares it with the log at `log_path` when there is one.
pub(crate) fn report(c: &Connection, log_path: Option<&Path>) -> Result<VerifyReport, StoreError> {
    let mut accounts = Vec::new();
    // Each account's place in `accounts` and its currency slot.
    let mut index: HashMap<i64, (usize, usize)> = HashMap::new();
    let mut currencies = AccountCurrencies::default();
    {
        let mut stmt = c.prepare(ACCOUNTS)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let currency: String = r.get(1)?;
            let slot = currencies.insert(id, &currency);
            index.insert(id, (accounts.len(), slot));
            accounts.push(AccountCheck {
                account: AccountId(id),
                currency,
                forbids_negative: r.get::<_, i64>(2)? != 0,
                stored_posted: r.get(3)?,
                stored_held_out: r.get(4)?,
                stored_held_in: r.get(5)?,
                summed_posted: 0,
                summed_held_out: 0,
                summed_held_in: 0,
            });
        }
    }
    {
        let mut stmt = c.prepare(PENDING_HOLDS)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (debit, credit, amount): (i64, i64, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
            if let Some(&(i, _)) = index.get(&debit) {
                accounts[i].summed_held_out += i128::from(amount);
            }
            if let Some(&(i, _)) = index.get(&credit) {
                accounts[i].summed_held_in += i128::from(amount);
            }
        }
    }
    let mut log = match log_path {
        Some(path) => Some(LogComparison::open(c, path, &currencies)?),
        None => None,
    };
    let mut totals = vec![CurrencyTotals::default(); currencies.codes.len()];
    let mut seen = vec![false; currencies.codes.len()];
    let mut unbalanced = Vec::new();
    let mut note = |txn: i64, slot: Option<usize>, net: i128| {
        let code = slot.map_or("", |s| currencies.code(s)).to_owned();
        unbalanced.push((TxnId(txn), code, net));
    };
    let mut nets = TxnNets::default();
    // The (account, transaction) pairs of the postings, to compare with
    // what the account history lists; `in_txn` holds the accounts already
    // counted for the current transaction.
    let mut pairs = PairDigest::default();
    let mut in_txn: (i64, Vec<i64>) = (0, Vec::new());
    let mut stmt = c.prepare(POSTINGS)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (txn, leg, account, amount, after): (i64, i32, i64, i64, i64) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
        if let Some(log) = &mut log {
            log.database_posting(txn, leg, (account, amount, after), &currencies)?;
        }
        if in_txn.0 != txn {
            in_txn.0 = txn;
            in_txn.1.clear();
        }
        if !in_txn.1.contains(&account) {
            in_txn.1.push(account);
            pairs.add(account, txn);
        }
        // A posting on an account that does not exist has no currency: it
        // counts nowhere, as a join on the accounts would have it.
        let Some(&(i, slot)) = index.get(&account) else {
            continue;
        };
        accounts[i].summed_posted += i128::from(amount);
        seen[slot] = true;
        if amount < 0 {
            totals[slot].debits -= i128::from(amount);
        } else {
            totals[slot].credits += i128::from(amount);
        }
        nets.add(txn, Some(slot), amount, &mut note);
    }
    nets.close(&mut note);
    // By transaction, then currency code, as the PostgreSQL store reports.
    unbalanced.sort_unstable_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let currencies_seen: BTreeMap<String, CurrencyTotals> = totals
        .into_iter()
        .enumerate()
        .filter(|(slot, _)| seen[*slot])
        .map(|(slot, t)| (currencies.code(slot).to_owned(), t))
        .collect();
    let mut report = verify(VerifyInput {
        accounts,
        currencies: currencies_seen,
        unbalanced_transactions: unbalanced,
    });
    let listed = history::digest(c)?;
    if listed != pairs {
        report.balanced = false;
        report.mismatches.push(Mismatch::HistoryDiffers {
            detail: format!(
                "the postings have {} (account, transaction) pairs, the account history lists {}{}",
                pairs.pairs,
                listed.pairs,
                if listed.pairs == pairs.pairs {
                    ", not the same ones"
                } else {
                    ""
                }
            ),
        });
    }
    Ok(match log {
        Some(log) => {
            let (check, found) = log.finish(c, &currencies)?;
            report.with_log(check, found)
        }
        None => report,
    })
}
