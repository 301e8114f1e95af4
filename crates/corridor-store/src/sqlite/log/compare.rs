//! `ledger verify` on the embedded store: the log, read on its own,
//! against its projection. Every posting the log holds up to the position
//! the database stored must be in the database as logged (account, amount,
//! balance after), and every logged transaction must balance per currency.
//! Batches committed to the database directly are not in the log; the
//! ledger-wide checks of the database cover them.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use corridor_core::ledger::{LogCheck, Mismatch, TxnId};
use rusqlite::{params, Connection, OptionalExtension};

use super::{codec, reader};
use crate::sqlite::writer::LOG_POSITION;
use crate::StoreError;

/// The most mismatches reported; a projection that lost everything says
/// so without listing millions of rows.
const MAX_REPORTED: usize = 1_000;

const ACCOUNT_CURRENCIES: &str = "SELECT id, currency FROM accounts";
const PROJECTED_POSTING: &str =
    "SELECT account_id, amount, balance_after FROM postings WHERE txn_id = ?1 AND leg = ?2";

/// Compares the log at `log_path` with the database `c` reads, inside the
/// caller's read transaction (so the position and the rows agree).
pub(crate) fn compare(
    c: &Connection,
    log_path: &Path,
) -> Result<(LogCheck, Vec<Mismatch>), StoreError> {
    let position: Option<i64> = c.query_row(LOG_POSITION, [], |r| r.get(0)).optional()?;
    let upto = u64::try_from(position.unwrap_or(0))
        .map_err(|_| StoreError::Corrupt("negative log position".into()))?;
    let mut currencies: HashMap<i64, String> = HashMap::new();
    {
        let mut stmt = c.prepare(ACCOUNT_CURRENCIES)?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            currencies.insert(row.get(0)?, row.get(1)?);
        }
    }
    let mut projected = c.prepare(PROJECTED_POSTING)?;
    let mut check = LogCheck::default();
    let mut found = Vec::new();
    let mut differs = |txn: i64, detail: String| {
        if found.len() < MAX_REPORTED {
            found.push(Mismatch::LogDiffers {
                txn: TxnId(txn),
                detail,
            });
        }
    };
    let records = reader::read_records(log_path, upto, |body| {
        let batch = codec::decode(body)?;
        check.transactions += batch.txns.len() as u64;
        let mut nets: BTreeMap<(i64, &str), i128> = BTreeMap::new();
        for p in &batch.postings {
            check.postings += 1;
            let logged = (p.account.0, p.amount, p.balance_after);
            let held: Option<(i64, i64, i64)> = projected
                .query_row(params![p.txn.0, p.leg], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .optional()?;
            match held {
                None => differs(
                    p.txn.0,
                    format!("leg {} is in the log but not in the database", p.leg),
                ),
                Some(held) if held != logged => differs(
                    p.txn.0,
                    format!(
                        "leg {}: the log has account {}, amount {}, balance after {}; the database has account {}, amount {}, balance after {}",
                        p.leg, logged.0, logged.1, logged.2, held.0, held.1, held.2
                    ),
                ),
                Some(_) => {}
            }
            let currency = currencies
                .get(&p.account.0)
                .map_or("unknown", String::as_str);
            *nets.entry((p.txn.0, currency)).or_default() += i128::from(p.amount);
        }
        for ((txn, currency), net) in nets {
            if net != 0 {
                differs(
                    txn,
                    format!("its logged postings in {currency} sum to {net}, not zero"),
                );
            }
        }
        Ok(())
    })?;
    check.records = records;
    Ok((check, found))
}
