//! What both naive baselines share: their own small tables, outside the
//! product schema, and the mapping of the workload onto their account ids.
//!
//! Each transfer is one SQL transaction that locks its two account rows,
//! checks the balance, inserts a transaction row and two postings and
//! updates both balances, like a ledger without a single writer would.

use super::workload::{Workload, HOT_FUNDING_MINOR, SPREAD_FUNDING_MINOR};

/// The baseline's tables: `BIGINT PRIMARY KEY` becomes SQLite's rowid alias there.
/// Indexes match the product's (unique client reference, postings by account).
pub const SCHEMA: &str = "
CREATE TABLE naive_accounts (
    id BIGINT PRIMARY KEY,
    balance BIGINT NOT NULL,
    forbids_negative BIGINT NOT NULL
);
CREATE TABLE naive_txns (
    id BIGINT PRIMARY KEY,
    client_ref TEXT UNIQUE,
    kind TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE naive_postings (
    txn_id BIGINT NOT NULL,
    leg BIGINT NOT NULL,
    account_id BIGINT NOT NULL,
    amount BIGINT NOT NULL,
    balance_after BIGINT NOT NULL,
    PRIMARY KEY (txn_id, leg)
);
CREATE INDEX naive_postings_by_account ON naive_postings (account_id, txn_id);
";

/// Locks (or, on SQLite, reads inside the write lock) one account row.
pub const SELECT_ACCOUNT: &str =
    "SELECT balance, forbids_negative FROM naive_accounts WHERE id = $1";

/// Inserts the transaction row.
pub const INSERT_TXN: &str =
    "INSERT INTO naive_txns (id, client_ref, kind, created_at) VALUES ($1, $2, $3, $4)";

/// Inserts both postings.
pub const INSERT_POSTINGS: &str =
    "INSERT INTO naive_postings (txn_id, leg, account_id, amount, balance_after) \
     VALUES ($1, 0, $2, $3, $4), ($1, 1, $5, $6, $7)";

/// Writes one new balance.
pub const UPDATE_BALANCE: &str = "UPDATE naive_accounts SET balance = $1 WHERE id = $2";

/// The seed rows: (id, balance in minor units); every account forbids negatives.
/// Merchant `i` is id `i + 1`; the hot merchant is the last id.
pub fn accounts(workload: &Workload) -> Vec<(i64, i64)> {
    let n = workload.accounts();
    let mut rows: Vec<(i64, i64)> = (0..n)
        .map(|i| (merchant_id(i), SPREAD_FUNDING_MINOR))
        .collect();
    rows.push((hot_id(workload), HOT_FUNDING_MINOR));
    rows
}

fn merchant_id(i: usize) -> i64 {
    i64::try_from(i).unwrap_or(i64::MAX - 1) + 1
}

fn hot_id(workload: &Workload) -> i64 {
    merchant_id(workload.accounts())
}

/// One transfer of the baseline, in its own ids.
#[derive(Debug, Clone, Copy)]
pub struct NaiveTransfer {
    /// Account debited.
    pub debit: i64,
    /// Account credited.
    pub credit: i64,
    /// Amount in minor units (positive).
    pub amount_minor: i64,
}

impl NaiveTransfer {
    /// Transfer `i` of the workload.
    pub fn of(workload: &Workload, i: u64) -> Self {
        let (debit, credit, amount_minor) = workload.pick(i);
        NaiveTransfer {
            debit: debit.map_or_else(|| hot_id(workload), merchant_id),
            credit: merchant_id(credit),
            amount_minor,
        }
    }

    /// The two account ids in lock order.
    pub fn lock_order(&self) -> [i64; 2] {
        [self.debit.min(self.credit), self.debit.max(self.credit)]
    }
}

/// Wall-clock microseconds for the `created_at` column.
pub fn now_micros() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
