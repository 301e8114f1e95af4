//! `ledger verify` on the embedded store: the log, read on its own,
//! against its projection. Every posting the log holds up to the position
//! the database stored must be in the database as logged (account, amount,
//! balance after), and every logged transaction must balance per currency.
//! Batches committed to the database directly are not in the log; the
//! ledger-wide checks of the database cover them.
//!
//! The comparison is a merge: the database's postings arrive in `(txn,
//! leg)` order from the verification's one scan, and the log's come in the
//! same order (the writer numbers transactions as it logs them). A logged
//! posting out of that order, which the writer never produces, is looked
//! up on its own at the end.

use std::cmp::Ordering;
use std::path::Path;

use corridor_core::ledger::{LogCheck, Mismatch, TxnId};
use rusqlite::{params, Connection, OptionalExtension};

use super::codec;
use super::reader::LogReader;
use crate::sqlite::verify::{AccountCurrencies, TxnNets};
use crate::sqlite::writer::LOG_POSITION;
use crate::writer::PostingRow;
use crate::StoreError;

/// The most mismatches reported; a database that lost everything says so
/// without listing millions of rows.
const MAX_REPORTED: usize = 1_000;

const PROJECTED_POSTING: &str =
    "SELECT account_id, amount, balance_after FROM postings WHERE txn_id = ?1 AND leg = ?2";

/// A posting as both sides hold it: account, amount, balance after.
type Held = (i64, i64, i64);

/// The log's side of the merge.
pub(crate) struct LogComparison {
    reader: LogReader,
    /// The current record's postings, and the next one to match.
    postings: Vec<PostingRow>,
    next: usize,
    /// The key of the current logged posting, to see the order hold.
    last: Option<(i64, i32)>,
    out_of_order: Vec<PostingRow>,
    check: LogCheck,
    found: Vec<Mismatch>,
}

impl LogComparison {
    /// Starts comparing the log at `log_path` with the database `c` reads,
    /// inside the caller's read transaction (so the position and the rows
    /// agree).
    pub(crate) fn open(
        c: &Connection,
        log_path: &Path,
        currencies: &AccountCurrencies,
    ) -> Result<LogComparison, StoreError> {
        let position: Option<i64> = c.query_row(LOG_POSITION, [], |r| r.get(0)).optional()?;
        let upto = u64::try_from(position.unwrap_or(0))
            .map_err(|_| StoreError::Corrupt("negative log position".into()))?;
        let mut comparison = LogComparison {
            reader: LogReader::open(log_path, upto)?,
            postings: Vec::new(),
            next: 0,
            last: None,
            out_of_order: Vec::new(),
            check: LogCheck::default(),
            found: Vec::new(),
        };
        comparison.load(currencies)?;
        Ok(comparison)
    }

    /// Matches one database posting, given in `(txn, leg)` order.
    pub(crate) fn database_posting(
        &mut self,
        txn: i64,
        leg: i32,
        held: Held,
        currencies: &AccountCurrencies,
    ) -> Result<(), StoreError> {
        while let Some(p) = self.postings.get(self.next) {
            match (p.txn.0, p.leg).cmp(&(txn, leg)) {
                Ordering::Less => {
                    let (missing, missing_leg) = (p.txn.0, p.leg);
                    self.differs(missing, missing_text(missing_leg));
                }
                Ordering::Equal => {
                    let logged = (p.account.0, p.amount, p.balance_after);
                    if logged != held {
                        self.differs(txn, differs_text(leg, logged, held));
                    }
                }
                Ordering::Greater => return Ok(()),
            }
            self.advance(currencies)?;
        }
        Ok(())
    }

    /// The logged postings the database never reached are missing; those
    /// out of order are looked up. Answers what was compared and found.
    pub(crate) fn finish(
        mut self,
        c: &Connection,
        currencies: &AccountCurrencies,
    ) -> Result<(LogCheck, Vec<Mismatch>), StoreError> {
        while let Some(p) = self.postings.get(self.next) {
            let (txn, leg) = (p.txn.0, p.leg);
            self.differs(txn, missing_text(leg));
            self.advance(currencies)?;
        }
        let mut stmt = c.prepare(PROJECTED_POSTING)?;
        for p in std::mem::take(&mut self.out_of_order) {
            let logged = (p.account.0, p.amount, p.balance_after);
            let held: Option<Held> = stmt
                .query_row(params![p.txn.0, p.leg], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .optional()?;
            match held {
                None => self.differs(p.txn.0, missing_text(p.leg)),
                Some(held) if held != logged => {
                    self.differs(p.txn.0, differs_text(p.leg, logged, held));
                }
                Some(_) => {}
            }
        }
        Ok((self.check, self.found))
    }

    fn advance(&mut self, currencies: &AccountCurrencies) -> Result<(), StoreError> {
        self.next += 1;
        self.skip_out_of_order();
        self.load(currencies)
    }

    /// When the current record has no posting left to match, reads records
    /// until one has (or the log ends), checking that each record's
    /// transactions balance per currency.
    fn load(&mut self, currencies: &AccountCurrencies) -> Result<(), StoreError> {
        while self.next >= self.postings.len() {
            let Some(body) = self.reader.next_record()? else {
                return Ok(());
            };
            let batch = codec::decode(body)?;
            self.check.records += 1;
            self.check.transactions += batch.txns.len() as u64;
            self.check.postings += batch.postings.len() as u64;
            let mut found = Vec::new();
            let mut note = |txn: i64, slot: Option<usize>, net: i128| found.push((txn, slot, net));
            let mut nets = TxnNets::default();
            for p in &batch.postings {
                let slot = currencies.slot(p.account.0);
                nets.add(p.txn.0, slot, p.amount, &mut note);
            }
            nets.close(&mut note);
            for (txn, slot, net) in found {
                let code = slot.map_or("an unknown currency", |s| currencies.code(s));
                self.differs(
                    txn,
                    format!("its logged postings in {code} sum to {net}, not zero"),
                );
            }
            self.postings = batch.postings;
            self.next = 0;
            self.skip_out_of_order();
        }
        Ok(())
    }

    /// Sets aside, for a lookup at the end, postings that do not follow
    /// the last one matched.
    fn skip_out_of_order(&mut self) {
        while let Some(p) = self.postings.get(self.next) {
            let key = (p.txn.0, p.leg);
            if self.last.is_some_and(|last| key <= last) {
                self.out_of_order.push(*p);
                self.next += 1;
                continue;
            }
            self.last = Some(key);
            return;
        }
    }

    fn differs(&mut self, txn: i64, detail: String) {
        if self.found.len() < MAX_REPORTED {
            self.found.push(Mismatch::LogDiffers {
                txn: TxnId(txn),
                detail,
            });
        }
    }
}

fn missing_text(leg: i32) -> String {
    format!("leg {leg} is in the log but not in the database")
}

fn differs_text(leg: i32, logged: Held, held: Held) -> String {
    format!(
        "leg {leg}: the log has account {}, amount {}, balance after {}; the database has account {}, amount {}, balance after {}",
        logged.0, logged.1, logged.2, held.0, held.1, held.2
    )
}
