//! Checking stored balances against what the postings say.
//!
//! The store recomputes sums from the immutable postings and holds; this
//! module decides what counts as a mismatch.

use std::collections::BTreeMap;

use super::{AccountId, TxnId};

/// One account as stored, beside what its postings and pending holds add up to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountCheck {
    /// The account.
    pub account: AccountId,
    /// Its currency code.
    pub currency: String,
    /// Whether it forbids a negative available balance.
    pub forbids_negative: bool,
    /// Stored posted balance.
    pub stored_posted: i64,
    /// Stored sum of pending holds debiting it.
    pub stored_held_out: i64,
    /// Stored sum of pending holds crediting it.
    pub stored_held_in: i64,
    /// Sum of its postings.
    pub summed_posted: i128,
    /// Sum of pending holds debiting it.
    pub summed_held_out: i128,
    /// Sum of pending holds crediting it.
    pub summed_held_in: i128,
}

/// Debits and credits of one currency across all postings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CurrencyTotals {
    /// Sum of debit postings (positive number).
    pub debits: i128,
    /// Sum of credit postings.
    pub credits: i128,
}

/// Everything `verify` needs, recomputed by the store.
#[derive(Debug, Clone, Default)]
pub struct VerifyInput {
    /// Every account.
    pub accounts: Vec<AccountCheck>,
    /// Totals per currency code.
    pub currencies: BTreeMap<String, CurrencyTotals>,
    /// Transactions whose postings don't sum to zero in some currency.
    pub unbalanced_transactions: Vec<(TxnId, String, i128)>,
}

/// One thing that is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mismatch {
    /// Stored balance differs from the sum of postings or holds.
    AccountBalance {
        /// The account.
        account: AccountId,
        /// Which balance (`posted`, `held_out`, `held_in`).
        field: &'static str,
        /// What is stored.
        stored: i128,
        /// What the postings say.
        recomputed: i128,
    },
    /// An account that forbids it is below zero.
    NegativeBalance {
        /// The account.
        account: AccountId,
        /// Its available balance.
        available: i128,
    },
    /// A currency whose postings don't sum to zero.
    CurrencyNotZero {
        /// The currency.
        currency: String,
        /// Credits minus debits.
        net: i128,
    },
    /// A transaction whose postings don't balance.
    TransactionUnbalanced {
        /// The transaction.
        txn: TxnId,
        /// The currency.
        currency: String,
        /// Credits minus debits.
        net: i128,
    },
    /// A transaction of the embedded store's log that its projection (the
    /// database) does not hold as logged, or whose logged postings do not
    /// balance.
    LogDiffers {
        /// The transaction.
        txn: TxnId,
        /// What differs.
        detail: String,
    },
    /// The embedded store's account history does not list exactly the
    /// (account, transaction) pairs of the postings.
    HistoryDiffers {
        /// What differs.
        detail: String,
    },
}

/// What comparing the embedded store's log with its projection covered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LogCheck {
    /// Log records read.
    pub records: u64,
    /// Transactions they carry (refused ones included).
    pub transactions: u64,
    /// Postings compared with the projection's.
    pub postings: u64,
}

/// The outcome of a verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// True when there is no mismatch.
    pub balanced: bool,
    /// Totals per currency.
    pub currencies: BTreeMap<String, CurrencyTotals>,
    /// How many accounts were checked.
    pub accounts_checked: usize,
    /// Every mismatch found.
    pub mismatches: Vec<Mismatch>,
    /// The log compared with its projection, where the store has a log.
    pub log: Option<LogCheck>,
}

impl VerifyReport {
    /// Adds the comparison of the log with its projection and what it found.
    pub fn with_log(mut self, check: LogCheck, mismatches: Vec<Mismatch>) -> VerifyReport {
        self.balanced &= mismatches.is_empty();
        self.mismatches.extend(mismatches);
        self.log = Some(check);
        self
    }
}

/// Compares stored balances with recomputed sums and checks every currency sums to zero.
pub fn verify(input: VerifyInput) -> VerifyReport {
    let mut mismatches = Vec::new();
    for a in &input.accounts {
        let fields = [
            ("posted", i128::from(a.stored_posted), a.summed_posted),
            ("held_out", i128::from(a.stored_held_out), a.summed_held_out),
            ("held_in", i128::from(a.stored_held_in), a.summed_held_in),
        ];
        for (field, stored, recomputed) in fields {
            if stored != recomputed {
                mismatches.push(Mismatch::AccountBalance {
                    account: a.account,
                    field,
                    stored,
                    recomputed,
                });
            }
        }
        let available = a.summed_posted - a.summed_held_out;
        if a.forbids_negative && available < 0 {
            mismatches.push(Mismatch::NegativeBalance {
                account: a.account,
                available,
            });
        }
    }
    for (currency, totals) in &input.currencies {
        if totals.credits != totals.debits {
            mismatches.push(Mismatch::CurrencyNotZero {
                currency: currency.clone(),
                net: totals.credits - totals.debits,
            });
        }
    }
    for (txn, currency, net) in input.unbalanced_transactions {
        mismatches.push(Mismatch::TransactionUnbalanced { txn, currency, net });
    }
    VerifyReport {
        balanced: mismatches.is_empty(),
        currencies: input.currencies,
        accounts_checked: input.accounts.len(),
        mismatches,
        log: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(stored: i64, summed: i128) -> AccountCheck {
        AccountCheck {
            account: AccountId(1),
            currency: "USD".into(),
            forbids_negative: true,
            stored_posted: stored,
            stored_held_out: 0,
            stored_held_in: 0,
            summed_posted: summed,
            summed_held_out: 0,
            summed_held_in: 0,
        }
    }

    #[test]
    fn clean_input_is_balanced() {
        let mut currencies = BTreeMap::new();
        currencies.insert(
            "USD".to_string(),
            CurrencyTotals {
                debits: 500,
                credits: 500,
            },
        );
        let report = verify(VerifyInput {
            accounts: vec![account(500, 500)],
            currencies,
            unbalanced_transactions: vec![],
        });
        assert!(report.balanced);
        assert_eq!(report.accounts_checked, 1);
    }

    #[test]
    fn reports_every_kind_of_mismatch() {
        let mut currencies = BTreeMap::new();
        currencies.insert(
            "USD".to_string(),
            CurrencyTotals {
                debits: 500,
                credits: 400,
            },
        );
        let report = verify(VerifyInput {
            accounts: vec![account(500, -400)],
            currencies,
            unbalanced_transactions: vec![(TxnId(9), "USD".into(), -100)],
        });
        assert!(!report.balanced);
        assert_eq!(report.mismatches.len(), 4, "{:?}", report.mismatches);
        assert!(matches!(
            report.mismatches[0],
            Mismatch::AccountBalance {
                field: "posted",
                ..
            }
        ));
        assert!(matches!(
            report.mismatches[1],
            Mismatch::NegativeBalance {
                available: -400,
                ..
            }
        ));
        assert!(matches!(
            report.mismatches[2],
            Mismatch::CurrencyNotZero { net: -100, .. }
        ));
        assert!(matches!(
            report.mismatches[3],
            Mismatch::TransactionUnbalanced { .. }
        ));
    }
}
