//! Writing payment, event and webhook rows of a batch (PostgreSQL).

use tokio_postgres::Transaction;

use crate::sql;
use crate::writer::BatchRows;
use crate::StoreError;

/// Inserts or updates the payment-side rows of a batch.
pub(crate) async fn write(tx: &Transaction<'_>, b: &BatchRows) -> Result<(), StoreError> {
    for p in &b.payments {
        let card = p.card.as_ref();
        tx.execute(
            sql::UPSERT_PAYMENT,
            &[
                &p.id,
                &p.merchant_id,
                &p.status.code(),
                &p.amount,
                &p.currency.code(),
                &p.country,
                &p.method_type.code(),
                &p.capture_method.code(),
                &card.map(|c| c.brand.as_str()),
                &card.map(|c| c.last4.as_str()),
                &card.map(|c| c.fingerprint.as_str()),
                &p.connector,
                &p.connector_ref,
                &p.amount_captured,
                &p.amount_refunded,
                &p.fee,
                &p.next_action,
                &p.decline_code,
                &p.description,
                &p.metadata,
                &p.expires_at.map(|t| t.unix_micros()),
                &p.settle_at.map(|t| t.unix_micros()),
                &i64::from(p.settled),
                &p.version,
                &p.created_at.unix_micros(),
                &p.updated_at.unix_micros(),
                &p.customer_email,
            ],
        )
        .await?;
    }
    for a in &b.attempts {
        tx.execute(
            sql::UPSERT_ATTEMPT,
            &[
                &a.payment_id,
                &a.seq,
                &a.connector,
                &a.idempotency_key,
                &a.outcome.code(),
                &a.code,
                &a.created_at.unix_micros(),
                &a.answered_at.map(|t| t.unix_micros()),
            ],
        )
        .await?;
    }
    for k in &b.started_keys {
        let at = b.payments.first().map_or(0, |p| p.updated_at.unix_micros());
        tx.execute(
            sql::INSERT_STARTED_KEY,
            &[&k.scope, &k.key, &k.request_hash, &k.resource_id, &at],
        )
        .await?;
    }
    for o in &b.orphans {
        tx.execute(
            sql::INSERT_ORPHAN,
            &[
                &o.connector,
                &o.reference,
                &o.payment_id,
                &o.status,
                &o.amount,
                &o.currency,
                &o.resolution,
                &o.created_at.unix_micros(),
            ],
        )
        .await?;
    }
    for e in &b.events {
        tx.execute(
            sql::INSERT_EVENT,
            &[
                &e.seq,
                &e.id,
                &e.merchant_id,
                &e.kind,
                &e.object,
                &e.created_at.unix_micros(),
            ],
        )
        .await?;
    }
    for w in &b.webhooks {
        for e in &w.endpoints_new {
            tx.execute(
                sql::INSERT_ENDPOINT,
                &[
                    &e.id,
                    &e.merchant_id,
                    &e.url,
                    &e.events.join(","),
                    &e.secret,
                    &e.created_at.unix_micros(),
                ],
            )
            .await?;
        }
        for d in &w.deliveries_new {
            tx.execute(
                sql::INSERT_DELIVERY,
                &[
                    &d.id,
                    &d.endpoint_id,
                    &d.event_seq,
                    &d.status,
                    &d.attempts,
                    &d.next_attempt_at.unix_micros(),
                    &d.last_status_code,
                    &d.last_error,
                    &d.created_at.unix_micros(),
                    &d.delivered_at.map(|t| t.unix_micros()),
                ],
            )
            .await?;
        }
        for d in &w.deliveries_updated {
            tx.execute(
                sql::UPDATE_DELIVERY,
                &[
                    &d.status,
                    &d.attempts,
                    &d.next_attempt_at.unix_micros(),
                    &d.last_status_code,
                    &d.last_error,
                    &d.delivered_at.map(|t| t.unix_micros()),
                    &d.id,
                ],
            )
            .await?;
        }
        if let Some((name, seq)) = &w.cursor {
            tx.execute(sql::UPSERT_CURSOR, &[name, seq]).await?;
        }
    }
    Ok(())
}
