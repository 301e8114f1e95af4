//! Writing payment, event and webhook rows of a batch (PostgreSQL).

use std::collections::HashMap;

use tokio_postgres::Transaction;

use super::writer::Statements;
use crate::sql;
use crate::writer::BatchRows;
use crate::StoreError;
use crate::{AttemptRecord, PaymentRecord};

/// Inserts or updates the payment-side rows of a batch: payments,
/// attempts, started keys and events with one statement each.
pub(crate) async fn write(
    tx: &Transaction<'_>,
    st: &Statements,
    b: &BatchRows,
) -> Result<(), StoreError> {
    payments(tx, st, &b.payments).await?;
    attempts(tx, st, &b.attempts).await?;
    let (connectors, keys): (Vec<&str>, Vec<&str>) =
        crate::replay_store::closed(&b.attempts).unzip();
    if !keys.is_empty() {
        tx.execute(&st.delete_replays, &[&connectors, &keys])
            .await?;
    }
    if !b.started_keys.is_empty() {
        let at = b.payments.first().map_or(0, |p| p.updated_at.unix_micros());
        let k = &b.started_keys;
        let scopes: Vec<&str> = k.iter().map(|k| k.scope.as_str()).collect();
        let keys: Vec<&str> = k.iter().map(|k| k.key.as_str()).collect();
        let hashes: Vec<&str> = k.iter().map(|k| k.request_hash.as_str()).collect();
        let resources: Vec<&str> = k.iter().map(|k| k.resource_id.as_str()).collect();
        let times: Vec<i64> = vec![at; k.len()];
        tx.execute(
            &st.insert_started_keys,
            &[&scopes, &keys, &hashes, &resources, &times],
        )
        .await?;
    }
    if !b.events.is_empty() {
        let e = &b.events;
        let seqs: Vec<i64> = e.iter().map(|e| e.seq).collect();
        let ids: Vec<&str> = e.iter().map(|e| e.id.as_str()).collect();
        let merchants: Vec<&str> = e.iter().map(|e| e.merchant_id.as_str()).collect();
        let kinds: Vec<&str> = e.iter().map(|e| e.kind.as_str()).collect();
        let objects: Vec<&str> = e.iter().map(|e| e.object.as_str()).collect();
        let times: Vec<i64> = e.iter().map(|e| e.created_at.unix_micros()).collect();
        tx.execute(
            &st.insert_events,
            &[&seqs, &ids, &merchants, &kinds, &objects, &times],
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

/// The last row of each key in the batch, in batch order (a row holds the
/// whole object, so the last one is its state at the end of the batch).
fn last_of_each<'a, T, K: std::hash::Hash + Eq>(
    rows: &'a [T],
    key: impl Fn(&'a T) -> K,
) -> Vec<&'a T> {
    let mut last: HashMap<K, usize> = HashMap::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        last.insert(key(r), i);
    }
    let mut kept: Vec<usize> = last.into_values().collect();
    kept.sort_unstable();
    kept.into_iter().map(|i| &rows[i]).collect()
}

async fn payments(
    tx: &Transaction<'_>,
    st: &Statements,
    rows: &[PaymentRecord],
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let p = last_of_each(rows, |p| p.id.as_str());
    let card = |f: fn(&crate::CardRecord) -> &str| -> Vec<Option<&str>> {
        p.iter().map(|p| p.card.as_ref().map(f)).collect()
    };
    let ids: Vec<&str> = p.iter().map(|p| p.id.as_str()).collect();
    let merchants: Vec<&str> = p.iter().map(|p| p.merchant_id.as_str()).collect();
    let statuses: Vec<&str> = p.iter().map(|p| p.status.code()).collect();
    let amounts: Vec<i64> = p.iter().map(|p| p.amount).collect();
    let currencies: Vec<&str> = p.iter().map(|p| p.currency.code()).collect();
    let countries: Vec<&str> = p.iter().map(|p| p.country.as_str()).collect();
    let methods: Vec<&str> = p.iter().map(|p| p.method_type.code()).collect();
    let captures: Vec<&str> = p.iter().map(|p| p.capture_method.code()).collect();
    let brands = card(|c| c.brand.as_str());
    let last4s = card(|c| c.last4.as_str());
    let fingerprints = card(|c| c.fingerprint.as_str());
    let connectors: Vec<Option<&str>> = p.iter().map(|p| p.connector.as_deref()).collect();
    let refs: Vec<Option<&str>> = p.iter().map(|p| p.connector_ref.as_deref()).collect();
    let captured: Vec<i64> = p.iter().map(|p| p.amount_captured).collect();
    let refunded: Vec<i64> = p.iter().map(|p| p.amount_refunded).collect();
    let fees: Vec<i64> = p.iter().map(|p| p.fee).collect();
    let actions: Vec<Option<&str>> = p.iter().map(|p| p.next_action.as_deref()).collect();
    let declines: Vec<Option<&str>> = p.iter().map(|p| p.decline_code.as_deref()).collect();
    let descriptions: Vec<Option<&str>> = p.iter().map(|p| p.description.as_deref()).collect();
    let metadata: Vec<Option<&str>> = p.iter().map(|p| p.metadata.as_deref()).collect();
    let expires: Vec<Option<i64>> = p
        .iter()
        .map(|p| p.expires_at.map(|t| t.unix_micros()))
        .collect();
    let settle: Vec<Option<i64>> = p
        .iter()
        .map(|p| p.settle_at.map(|t| t.unix_micros()))
        .collect();
    let settled: Vec<i64> = p.iter().map(|p| i64::from(p.settled)).collect();
    let versions: Vec<i64> = p.iter().map(|p| p.version).collect();
    let created: Vec<i64> = p.iter().map(|p| p.created_at.unix_micros()).collect();
    let updated: Vec<i64> = p.iter().map(|p| p.updated_at.unix_micros()).collect();
    let emails: Vec<Option<&str>> = p.iter().map(|p| p.customer_email.as_deref()).collect();
    tx.execute(
        &st.upsert_payments,
        &[
            &ids,
            &merchants,
            &statuses,
            &amounts,
            &currencies,
            &countries,
            &methods,
            &captures,
            &brands,
            &last4s,
            &fingerprints,
            &connectors,
            &refs,
            &captured,
            &refunded,
            &fees,
            &actions,
            &declines,
            &descriptions,
            &metadata,
            &expires,
            &settle,
            &settled,
            &versions,
            &created,
            &updated,
            &emails,
        ],
    )
    .await?;
    Ok(())
}

async fn attempts(
    tx: &Transaction<'_>,
    st: &Statements,
    rows: &[AttemptRecord],
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let a = last_of_each(rows, |a| (a.payment_id.as_str(), a.seq));
    let payments: Vec<&str> = a.iter().map(|a| a.payment_id.as_str()).collect();
    let seqs: Vec<i64> = a.iter().map(|a| a.seq).collect();
    let connectors: Vec<&str> = a.iter().map(|a| a.connector.as_str()).collect();
    let keys: Vec<&str> = a.iter().map(|a| a.idempotency_key.as_str()).collect();
    let outcomes: Vec<&str> = a.iter().map(|a| a.outcome.code()).collect();
    let codes: Vec<Option<&str>> = a.iter().map(|a| a.code.as_deref()).collect();
    let times: Vec<i64> = a.iter().map(|a| a.created_at.unix_micros()).collect();
    let answered: Vec<Option<i64>> = a
        .iter()
        .map(|a| a.answered_at.map(|t| t.unix_micros()))
        .collect();
    tx.execute(
        &st.upsert_attempts,
        &[
            &payments,
            &seqs,
            &connectors,
            &keys,
            &outcomes,
            &codes,
            &times,
            &answered,
        ],
    )
    .await?;
    Ok(())
}
