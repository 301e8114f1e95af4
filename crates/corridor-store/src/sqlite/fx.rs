//! Writing the FX rows of a batch (SQLite).

use rusqlite::{params, Transaction};

use crate::fx_sql;
use crate::writer::BatchRows;
use crate::StoreError;

/// Inserts or updates FX objects and rates.
pub(crate) fn write(tx: &Transaction<'_>, b: &BatchRows) -> Result<(), StoreError> {
    if b.fx_objects.is_empty() && b.fx_rates.is_empty() {
        return Ok(());
    }
    let mut s = tx.prepare_cached(fx_sql::UPSERT_FX_OBJECT)?;
    for o in &b.fx_objects {
        s.execute(params![
            o.id,
            o.kind,
            o.merchant_id,
            o.status,
            o.version,
            o.due_at.map(|t| t.unix_micros()),
            o.body,
            o.created_at.unix_micros(),
            o.updated_at.unix_micros()
        ])?;
    }
    let mut s = tx.prepare_cached(fx_sql::UPSERT_FX_RATE)?;
    for r in &b.fx_rates {
        s.execute(params![r.day, r.currency.code(), r.rate, r.source])?;
    }
    Ok(())
}
