//! Writing payment, event and webhook rows of a batch (SQLite).

use rusqlite::{params, Transaction};

use crate::sql;
use crate::writer::BatchRows;
use crate::StoreError;

/// Inserts or updates the payment-side rows of a batch.
pub(crate) fn write(tx: &Transaction<'_>, b: &BatchRows) -> Result<(), StoreError> {
    let mut s = tx.prepare_cached(sql::UPSERT_PAYMENT)?;
    for p in &b.payments {
        let card = p.card.as_ref();
        s.execute(params![
            p.id,
            p.merchant_id,
            p.status.code(),
            p.amount,
            p.currency.code(),
            p.country,
            p.method_type.code(),
            p.capture_method.code(),
            card.map(|c| c.brand.as_str()),
            card.map(|c| c.last4.as_str()),
            card.map(|c| c.fingerprint.as_str()),
            p.connector,
            p.connector_ref,
            p.amount_captured,
            p.amount_refunded,
            p.fee,
            p.next_action,
            p.decline_code,
            p.description,
            p.metadata,
            p.expires_at.map(|t| t.unix_micros()),
            p.settle_at.map(|t| t.unix_micros()),
            i64::from(p.settled),
            p.version,
            p.created_at.unix_micros(),
            p.updated_at.unix_micros(),
            p.customer_email
        ])?;
    }
    let mut s = tx.prepare_cached(sql::UPSERT_ATTEMPT)?;
    for a in &b.attempts {
        s.execute(params![
            a.payment_id,
            a.seq,
            a.connector,
            a.idempotency_key,
            a.outcome.code(),
            a.code,
            a.created_at.unix_micros(),
            a.answered_at.map(|t| t.unix_micros())
        ])?;
    }
    let mut s = tx.prepare_cached(crate::replay_sql::DELETE_REPLAY)?;
    for (connector, key) in crate::replay_store::closed(&b.attempts) {
        s.execute(params![connector, key])?;
    }
    let mut s = tx.prepare_cached(sql::INSERT_STARTED_KEY)?;
    for k in &b.started_keys {
        s.execute(params![
            k.scope,
            k.key,
            k.request_hash,
            k.resource_id,
            b.payments.first().map_or(0, |p| p.updated_at.unix_micros())
        ])?;
    }
    let mut s = tx.prepare_cached(sql::INSERT_ORPHAN)?;
    for o in &b.orphans {
        s.execute(params![
            o.connector,
            o.reference,
            o.payment_id,
            o.status,
            o.amount,
            o.currency,
            o.resolution,
            o.created_at.unix_micros()
        ])?;
    }
    let mut s = tx.prepare_cached(sql::INSERT_EVENT)?;
    for e in &b.events {
        s.execute(params![
            e.seq,
            e.id,
            e.merchant_id,
            e.kind,
            e.object,
            e.created_at.unix_micros()
        ])?;
    }
    for w in &b.webhooks {
        let mut s = tx.prepare_cached(sql::INSERT_ENDPOINT)?;
        for e in &w.endpoints_new {
            s.execute(params![
                e.id,
                e.merchant_id,
                e.url,
                e.events.join(","),
                e.secret,
                e.created_at.unix_micros()
            ])?;
        }
        let mut s = tx.prepare_cached(sql::INSERT_DELIVERY)?;
        for d in &w.deliveries_new {
            s.execute(params![
                d.id,
                d.endpoint_id,
                d.event_seq,
                d.status,
                d.attempts,
                d.next_attempt_at.unix_micros(),
                d.last_status_code,
                d.last_error,
                d.created_at.unix_micros(),
                d.delivered_at.map(|t| t.unix_micros())
            ])?;
        }
        let mut s = tx.prepare_cached(sql::UPDATE_DELIVERY)?;
        for d in &w.deliveries_updated {
            s.execute(params![
                d.status,
                d.attempts,
                d.next_attempt_at.unix_micros(),
                d.last_status_code,
                d.last_error,
                d.delivered_at.map(|t| t.unix_micros()),
                d.id
            ])?;
        }
        if let Some((name, seq)) = &w.cursor {
            tx.prepare_cached(sql::UPSERT_CURSOR)?
                .execute(params![name, seq])?;
        }
    }
    Ok(())
}
