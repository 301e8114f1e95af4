//! The writer's after-sales rows and loads (SQLite).

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::after_sales_sql as q;
use crate::writer::BatchRows;
use crate::StoreError;

/// Inserts or updates the after-sales rows of a batch.
pub(crate) fn write(tx: &Transaction<'_>, b: &BatchRows) -> Result<(), StoreError> {
    let mut s = tx.prepare_cached(q::UPSERT)?;
    for r in &b.after_sales {
        s.execute(params![
            r.kind.code(),
            r.id,
            r.merchant_id,
            r.payment_id,
            r.country,
            r.status,
            r.amount,
            r.currency.code(),
            r.due_at.map(|t| t.unix_micros()),
            r.data,
            r.version,
            r.created_at.unix_micros(),
            r.updated_at.unix_micros()
        ])?;
    }
    Ok(())
}

pub(crate) fn versions(c: &Connection, ids: &[String]) -> Result<Vec<(String, i64)>, StoreError> {
    let mut stmt = c.prepare_cached(q::VERSION)?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(row) = stmt
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
        {
            out.push(row);
        }
    }
    Ok(out)
}

pub(crate) fn refund_basis(
    c: &Connection,
    payment_ids: &[String],
) -> Result<Vec<(String, i64, i64)>, StoreError> {
    let mut stmt = c.prepare_cached(q::REFUND_BASIS)?;
    let mut out = Vec::with_capacity(payment_ids.len());
    for id in payment_ids {
        if let Some(row) = stmt
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?
        {
            out.push(row);
        }
    }
    Ok(out)
}
