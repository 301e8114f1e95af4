//! The model: what the ledger should hold after each operation.

use std::collections::{BTreeMap, HashMap};

use corridor_core::ledger::HoldId;
use corridor_store::AccountKey;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pending,
    Posted,
    Voided,
    Expired,
}

#[derive(Debug, Clone)]
pub struct ModelHold {
    pub id: HoldId,
    pub debit: AccountKey,
    pub credit: AccountKey,
    pub amount: i64,
    /// Expired once the clock has been advanced past this many steps.
    pub expires_after_step: u32,
    pub status: Status,
}

/// Expected balances, holds and per-currency totals.
#[derive(Default)]
pub struct Model {
    balances: HashMap<AccountKey, (i64, i64, i64)>,
    pub holds: Vec<ModelHold>,
    pub totals: BTreeMap<&'static str, (i128, i128)>,
    pub step: u32,
}

pub type Outcome = Result<(), &'static str>;

impl Model {
    pub fn get(&self, key: &AccountKey) -> (i64, i64, i64) {
        self.balances.get(key).copied().unwrap_or_default()
    }

    fn available_ok(key: &AccountKey, (posted, held_out, _): (i64, i64, i64)) -> bool {
        !key.kind.forbids_negative() || posted - held_out >= 0
    }

    /// Applies signed postings if every account stays within its rules.
    pub fn post(&mut self, postings: &[(AccountKey, i64)]) -> Outcome {
        let mut next = self.balances.clone();
        for (key, signed) in postings {
            next.entry(key.clone()).or_default().0 += signed;
        }
        if postings
            .iter()
            .any(|(key, _)| !Model::available_ok(key, next[key]))
        {
            return Err("insufficient_funds");
        }
        self.balances = next;
        for (key, signed) in postings {
            let totals = self.totals.entry(key.currency.code()).or_default();
            if *signed < 0 {
                totals.0 -= i128::from(*signed);
            } else {
                totals.1 += i128::from(*signed);
            }
        }
        Ok(())
    }

    pub fn create_hold(&mut self, debit: &AccountKey, credit: &AccountKey, amount: i64) -> Outcome {
        let mut from = self.get(debit);
        from.1 += amount;
        if !Model::available_ok(debit, from) {
            return Err("insufficient_funds");
        }
        self.balances.insert(debit.clone(), from);
        self.balances.entry(credit.clone()).or_default().2 += amount;
        Ok(())
    }

    /// Checks a hold can leave `Pending` now; `Ok(expired)` if it can.
    pub fn pending(&self, index: usize) -> Result<bool, &'static str> {
        let hold = &self.holds[index];
        let expired = self.step > hold.expires_after_step;
        match hold.status {
            Status::Pending => Ok(expired),
            Status::Posted => Err("hold_already_posted"),
            Status::Voided => Err("hold_already_voided"),
            Status::Expired => Err("hold_expired"),
        }
    }

    pub fn resolve(&mut self, index: usize, status: Status, posted: i64) {
        let hold = self.holds[index].clone();
        self.balances.entry(hold.debit.clone()).or_default().1 -= hold.amount;
        self.balances.entry(hold.credit.clone()).or_default().2 -= hold.amount;
        if posted > 0 {
            self.post(&[(hold.debit, -posted), (hold.credit, posted)])
                .expect("posting a pending hold stays within the debit's reservation");
        }
        self.holds[index].status = status;
    }
}
