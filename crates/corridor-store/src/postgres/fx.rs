//! Writing the FX rows of a batch (PostgreSQL).

use tokio_postgres::Transaction;

use crate::fx_sql;
use crate::writer::BatchRows;
use crate::StoreError;

/// Inserts or updates FX objects and rates.
pub(crate) async fn write(tx: &Transaction<'_>, b: &BatchRows) -> Result<(), StoreError> {
    if b.fx_objects.is_empty() && b.fx_rates.is_empty() {
        return Ok(());
    }
    for o in &b.fx_objects {
        tx.execute(
            fx_sql::UPSERT_FX_OBJECT,
            &[
                &o.id,
                &o.kind,
                &o.merchant_id,
                &o.status,
                &o.version,
                &o.due_at.map(|t| t.unix_micros()),
                &o.body,
                &o.created_at.unix_micros(),
                &o.updated_at.unix_micros(),
            ],
        )
        .await?;
    }
    if !b.fx_rates.is_empty() {
        // One statement for the whole import (a history has 200,000 rows);
        // a key may appear once per statement, so the last write of it wins.
        let mut last: std::collections::BTreeMap<(i32, &str), &crate::FxRateRow> =
            std::collections::BTreeMap::new();
        for r in &b.fx_rates {
            last.insert((r.day, r.currency.code()), r);
        }
        let days: Vec<i32> = last.values().map(|r| r.day).collect();
        let currencies: Vec<&str> = last.values().map(|r| r.currency.code()).collect();
        let rates: Vec<&str> = last.values().map(|r| r.rate.as_str()).collect();
        let sources: Vec<&str> = last.values().map(|r| r.source.as_str()).collect();
        tx.execute(
            "INSERT INTO fx_rates (day, currency, rate, source) SELECT * FROM UNNEST($1::int4[], $2::text[], $3::text[], $4::text[]) ON CONFLICT (day, currency) DO UPDATE SET rate = excluded.rate, source = excluded.source",
            &[&days, &currencies, &rates, &sources],
        )
        .await?;
    }
    Ok(())
}
