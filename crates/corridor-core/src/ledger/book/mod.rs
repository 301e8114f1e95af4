//! Applying ledger commands to loaded balances.

use std::collections::HashMap;

use foldhash::fast::FixedState;

use super::{
    AccountId, AccountState, HoldId, HoldState, HoldStatus, LedgerCommand, LedgerError, Posting,
    Side, MAX_POSTINGS_PER_TRANSACTION,
};
use crate::{Amount, Timestamp};

/// One posting as written: the signed change and the posted balance after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostingEffect {
    /// The account.
    pub account: AccountId,
    /// Signed change to its credit-normal balance.
    pub signed: i64,
    /// Its posted balance right after this posting.
    pub balance_after: i64,
}

/// A hold that was created or left `Pending`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoldChange {
    /// A new pending hold.
    Created(HoldState),
    /// A hold that was posted, voided or expired.
    Resolved(HoldState),
}

/// What applying a command changed, for the writer to persist.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Applied {
    /// Postings in order; empty when no money was posted.
    pub postings: Vec<PostingEffect>,
    /// The hold touched, if any.
    pub hold: Option<HoldChange>,
}

/// The balances and holds one writer knows, and the rules to change them.
///
/// `apply` is all-or-nothing: on error nothing in the book has changed.
#[derive(Debug, Clone, Default)]
pub struct Book {
    // A fixed-seed hasher: fast on integer ids, and the core stays free of
    // randomness (std's default hasher is randomly seeded).
    accounts: HashMap<AccountId, AccountState, FixedState>,
    holds: HashMap<HoldId, HoldState, FixedState>,
}

impl Book {
    /// An empty book.
    pub fn new() -> Self {
        Book::default()
    }

    /// Adds an account loaded from storage (or newly opened).
    pub fn insert_account(&mut self, id: AccountId, state: AccountState) {
        self.accounts.insert(id, state);
    }

    /// The account's balances, if loaded.
    pub fn account(&self, id: AccountId) -> Option<&AccountState> {
        self.accounts.get(&id)
    }

    /// Forgets an account that was opened in memory but never written.
    pub fn forget_account(&mut self, id: AccountId) {
        self.accounts.remove(&id);
    }

    /// Adds a hold loaded from storage.
    pub fn insert_hold(&mut self, hold: HoldState) {
        self.holds.insert(hold.id, hold);
    }

    /// The hold, if loaded.
    pub fn hold(&self, id: HoldId) -> Option<&HoldState> {
        self.holds.get(&id)
    }

    /// Forgets resolved holds, which can never change again.
    pub fn forget_hold(&mut self, id: HoldId) {
        self.holds.remove(&id);
    }

    /// Every loaded account.
    pub fn accounts(&self) -> impl Iterator<Item = (&AccountId, &AccountState)> {
        self.accounts.iter()
    }

    /// Applies one command at time `now`.
    pub fn apply(
        &mut self,
        command: &LedgerCommand,
        now: Timestamp,
    ) -> Result<Applied, LedgerError> {
        match command {
            LedgerCommand::Transfer { postings } => self.transfer(postings),
            LedgerCommand::CreateHold {
                id,
                debit,
                credit,
                amount,
                expires_at,
            } => self.create_hold(*id, *debit, *credit, *amount, *expires_at),
            LedgerCommand::PostHold { id, amount } => self.post_hold(*id, *amount, now),
            LedgerCommand::VoidHold { id } => self.release_hold(*id, now, HoldStatus::Voided),
            LedgerCommand::ExpireHold { id } => self.release_hold(*id, now, HoldStatus::Expired),
        }
    }

    fn transfer(&mut self, postings: &[Posting]) -> Result<Applied, LedgerError> {
        if postings.len() < 2 {
            return Err(LedgerError::TooFewPostings);
        }
        if postings.len() > MAX_POSTINGS_PER_TRANSACTION {
            return Err(LedgerError::TooManyPostings);
        }
        if postings.iter().any(|p| p.amount.is_zero()) {
            return Err(LedgerError::ZeroAmount);
        }
        let mut sums: Vec<(crate::Currency, i128)> = Vec::with_capacity(2);
        for p in postings {
            let state = self
                .accounts
                .get(&p.account)
                .ok_or(LedgerError::AccountNotFound(p.account))?;
            match sums.iter_mut().find(|(c, _)| *c == state.currency) {
                Some((_, sum)) => *sum += i128::from(p.signed()),
                None => sums.push((state.currency, i128::from(p.signed()))),
            }
        }
        if let Some((currency, _)) = sums.iter().find(|(_, sum)| *sum != 0) {
            return Err(LedgerError::Unbalanced(currency.code()));
        }
        // Compute every new balance before changing any, so a refusal changes nothing.
        let mut next: Vec<(AccountId, AccountState)> = Vec::with_capacity(postings.len());
        let mut effects = Vec::with_capacity(postings.len());
        for p in postings {
            let current = match next.iter().find(|(id, _)| *id == p.account) {
                Some((_, s)) => *s,
                None => self.accounts[&p.account],
            };
            let mut updated = current;
            updated.posted = current
                .posted
                .checked_add(p.signed())
                .ok_or(LedgerError::Overflow)?;
            effects.push(PostingEffect {
                account: p.account,
                signed: p.signed(),
                balance_after: updated.posted,
            });
            match next.iter_mut().find(|(id, _)| *id == p.account) {
                Some((_, s)) => *s = updated,
                None => next.push((p.account, updated)),
            }
        }
        for (id, state) in &next {
            check_account(*id, state)?;
        }
        self.accounts.extend(next);
        Ok(Applied {
            postings: effects,
            hold: None,
        })
    }

    fn create_hold(
        &mut self,
        id: HoldId,
        debit: AccountId,
        credit: AccountId,
        amount: Amount,
        expires_at: Timestamp,
    ) -> Result<Applied, LedgerError> {
        if amount.is_zero() {
            return Err(LedgerError::ZeroAmount);
        }
        if debit == credit {
            return Err(LedgerError::SameAccount);
        }
        let from = *self
            .accounts
            .get(&debit)
            .ok_or(LedgerError::AccountNotFound(debit))?;
        let to = *self
            .accounts
            .get(&credit)
            .ok_or(LedgerError::AccountNotFound(credit))?;
        if from.currency != to.currency {
            return Err(LedgerError::CurrencyMismatch);
        }
        let mut from_next = from;
        from_next.held_out = from
            .held_out
            .checked_add(amount.minor())
            .ok_or(LedgerError::Overflow)?;
        let mut to_next = to;
        to_next.held_in = to
            .held_in
            .checked_add(amount.minor())
            .ok_or(LedgerError::Overflow)?;
        check_account(debit, &from_next)?;
        check_account(credit, &to_next)?;
        let hold = HoldState {
            id,
            debit,
            credit,
            amount,
            currency: from.currency,
            expires_at,
            status: HoldStatus::Pending,
        };
        self.accounts.insert(debit, from_next);
        self.accounts.insert(credit, to_next);
        self.holds.insert(id, hold);
        Ok(Applied {
            postings: Vec::new(),
            hold: Some(HoldChange::Created(hold)),
        })
    }

    fn pending_hold(&self, id: HoldId) -> Result<HoldState, LedgerError> {
        let hold = *self.holds.get(&id).ok_or(LedgerError::HoldNotFound(id))?;
        match hold.status {
            HoldStatus::Pending => Ok(hold),
            HoldStatus::Posted(_) => Err(LedgerError::HoldAlreadyPosted),
            HoldStatus::Voided => Err(LedgerError::HoldAlreadyVoided),
            HoldStatus::Expired => Err(LedgerError::HoldExpired),
        }
    }

    fn post_hold(
        &mut self,
        id: HoldId,
        amount: Option<Amount>,
        now: Timestamp,
    ) -> Result<Applied, LedgerError> {
        let hold = self.pending_hold(id)?;
        if now >= hold.expires_at {
            return Err(LedgerError::HoldExpired);
        }
        let amount = amount.unwrap_or(hold.amount);
        if amount.is_zero() {
            return Err(LedgerError::ZeroAmount);
        }
        if amount > hold.amount {
            return Err(LedgerError::ExceedsHold);
        }
        let (mut from, mut to) = self.released(&hold)?;
        from.posted = from
            .posted
            .checked_sub(amount.minor())
            .ok_or(LedgerError::Overflow)?;
        to.posted = to
            .posted
            .checked_add(amount.minor())
            .ok_or(LedgerError::Overflow)?;
        check_account(hold.debit, &from)?;
        check_account(hold.credit, &to)?;
        let effects = vec![
            PostingEffect {
                account: hold.debit,
                signed: -amount.minor(),
                balance_after: from.posted,
            },
            PostingEffect {
                account: hold.credit,
                signed: amount.minor(),
                balance_after: to.posted,
            },
        ];
        let resolved = HoldState {
            status: HoldStatus::Posted(amount),
            ..hold
        };
        self.accounts.insert(hold.debit, from);
        self.accounts.insert(hold.credit, to);
        self.holds.insert(id, resolved);
        Ok(Applied {
            postings: effects,
            hold: Some(HoldChange::Resolved(resolved)),
        })
    }

    fn release_hold(
        &mut self,
        id: HoldId,
        now: Timestamp,
        outcome: HoldStatus,
    ) -> Result<Applied, LedgerError> {
        let hold = self.pending_hold(id)?;
        let expired = now >= hold.expires_at;
        match outcome {
            HoldStatus::Voided if expired => return Err(LedgerError::HoldExpired),
            HoldStatus::Expired if !expired => return Err(LedgerError::HoldNotExpired),
            _ => {}
        }
        let (from, to) = self.released(&hold)?;
        let resolved = HoldState {
            status: outcome,
            ..hold
        };
        self.accounts.insert(hold.debit, from);
        self.accounts.insert(hold.credit, to);
        self.holds.insert(id, resolved);
        Ok(Applied {
            postings: Vec::new(),
            hold: Some(HoldChange::Resolved(resolved)),
        })
    }

    /// Both accounts of a hold with its reservation removed (not yet stored).
    fn released(&self, hold: &HoldState) -> Result<(AccountState, AccountState), LedgerError> {
        let mut from = *self
            .accounts
            .get(&hold.debit)
            .ok_or(LedgerError::AccountNotFound(hold.debit))?;
        let mut to = *self
            .accounts
            .get(&hold.credit)
            .ok_or(LedgerError::AccountNotFound(hold.credit))?;
        from.held_out = from
            .held_out
            .checked_sub(hold.amount.minor())
            .ok_or(LedgerError::Overflow)?;
        to.held_in = to
            .held_in
            .checked_sub(hold.amount.minor())
            .ok_or(LedgerError::Overflow)?;
        Ok((from, to))
    }
}

fn check_account(id: AccountId, state: &AccountState) -> Result<(), LedgerError> {
    match state.available() {
        None => Err(LedgerError::Overflow),
        Some(available) if state.forbids_negative && available < 0 => {
            Err(LedgerError::ExceedsAvailable(id))
        }
        Some(_) => Ok(()),
    }
}

/// Builds a two-posting transfer from `from` to `to`.
pub fn simple_transfer(from: AccountId, to: AccountId, amount: Amount) -> LedgerCommand {
    LedgerCommand::Transfer {
        postings: vec![
            Posting {
                account: from,
                side: Side::Debit,
                amount,
            },
            Posting {
                account: to,
                side: Side::Credit,
                amount,
            },
        ],
    }
}

#[cfg(test)]
mod tests;
