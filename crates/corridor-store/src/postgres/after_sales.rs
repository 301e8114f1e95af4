//! The writer's after-sales rows and loads (PostgreSQL).

use tokio_postgres::{Client, Transaction};

use crate::after_sales_sql as q;
use crate::writer::BatchRows;
use crate::StoreError;

/// Inserts or updates the after-sales rows of a batch.
pub(crate) async fn write(tx: &Transaction<'_>, b: &BatchRows) -> Result<(), StoreError> {
    for r in &b.after_sales {
        tx.execute(
            q::UPSERT,
            &[
                &r.kind.code(),
                &r.id,
                &r.merchant_id,
                &r.payment_id,
                &r.country,
                &r.status,
                &r.amount,
                &r.currency.code(),
                &r.due_at.map(|t| t.unix_micros()),
                &r.data,
                &r.version,
                &r.created_at.unix_micros(),
                &r.updated_at.unix_micros(),
            ],
        )
        .await?;
    }
    Ok(())
}

pub(crate) async fn versions(c: &Client, ids: &[String]) -> Result<Vec<(String, i64)>, StoreError> {
    let sql = q::VERSION.replace("WHERE id = $1", "WHERE id = ANY($1)");
    c.query(&sql, &[&ids])
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}

pub(crate) async fn refund_basis(
    c: &Client,
    payment_ids: &[String],
) -> Result<Vec<(String, i64, i64)>, StoreError> {
    let sql = q::REFUND_BASIS.replace("WHERE p.id = $1", "WHERE p.id = ANY($1)");
    c.query(&sql, &[&payment_ids])
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .collect()
}
