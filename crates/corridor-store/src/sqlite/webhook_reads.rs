//! Webhook and outbox reads on the SQLite pool, each on a blocking thread.

use corridor_core::Timestamp;
use rusqlite::{params, Connection, OptionalExtension, Params};

use super::SqliteStore;
use crate::rows::{self, SqlRow};
use crate::sql;
use crate::{
    DeliveryLogEntry, DeliveryRecord, DueDelivery, EventRecord, StoreError, WebhookEndpointRecord,
};

impl SqliteStore {
    pub(crate) async fn webhook_endpoint(
        &self,
        id: String,
    ) -> Result<Option<WebhookEndpointRecord>, StoreError> {
        on_pool(self, move |c| {
            first(c, sql::GET_WEBHOOK_ENDPOINT, params![id], |r| {
                rows::webhook_endpoint(r)
            })
        })
        .await
    }

    pub(crate) async fn list_webhook_endpoints(
        &self,
        merchant: String,
        limit: i64,
        after: Option<String>,
    ) -> Result<Vec<WebhookEndpointRecord>, StoreError> {
        on_pool(self, move |c| match after {
            None => all(
                c,
                sql::LIST_WEBHOOK_ENDPOINTS_FIRST,
                params![merchant, limit],
                |r| rows::webhook_endpoint(r),
            ),
            Some(id) => all(
                c,
                sql::LIST_WEBHOOK_ENDPOINTS_AFTER,
                params![id, merchant, limit],
                |r| rows::webhook_endpoint(r),
            ),
        })
        .await
    }

    pub(crate) async fn webhook_endpoints_for_events(
        &self,
        after: i64,
        upto: i64,
    ) -> Result<Vec<WebhookEndpointRecord>, StoreError> {
        on_pool(self, move |c| {
            all(
                c,
                sql::WEBHOOK_ENDPOINTS_FOR_EVENTS,
                params![after, upto],
                |r| rows::webhook_endpoint(r),
            )
        })
        .await
    }

    pub(crate) async fn events_after(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<EventRecord>, StoreError> {
        on_pool(self, move |c| {
            all(c, sql::EVENTS_AFTER, params![after, limit], |r| {
                rows::event(r, 0)
            })
        })
        .await
    }

    pub(crate) async fn outbox_cursor(&self, name: String) -> Result<Option<i64>, StoreError> {
        on_pool(self, move |c| {
            first(c, sql::GET_OUTBOX_CURSOR, params![name], |r| r.int(0))
        })
        .await
    }

    pub(crate) async fn due_webhook_deliveries(
        &self,
        now: Timestamp,
        limit: i64,
    ) -> Result<Vec<DueDelivery>, StoreError> {
        on_pool(self, move |c| {
            all(
                c,
                sql::DUE_WEBHOOK_DELIVERIES,
                params![now.unix_micros(), limit],
                |r| rows::due_delivery(r),
            )
        })
        .await
    }

    pub(crate) async fn webhook_delivery(
        &self,
        id: String,
    ) -> Result<Option<DeliveryRecord>, StoreError> {
        on_pool(self, move |c| {
            first(c, sql::GET_WEBHOOK_DELIVERY, params![id], |r| {
                rows::webhook_delivery(r, 0)
            })
        })
        .await
    }

    pub(crate) async fn list_webhook_deliveries(
        &self,
        endpoint: String,
        limit: i64,
        after: Option<String>,
    ) -> Result<Vec<DeliveryLogEntry>, StoreError> {
        on_pool(self, move |c| match after {
            None => all(
                c,
                sql::LIST_WEBHOOK_DELIVERIES_FIRST,
                params![endpoint, limit],
                |r| rows::delivery_log_entry(r),
            ),
            Some(id) => all(
                c,
                sql::LIST_WEBHOOK_DELIVERIES_AFTER,
                params![id, endpoint, limit],
                |r| rows::delivery_log_entry(r),
            ),
        })
        .await
    }
}

/// Runs `f` with a pooled connection on a blocking thread.
async fn on_pool<T, F>(store: &SqliteStore, f: F) -> Result<T, StoreError>
where
    T: Send + 'static,
    F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
{
    let pool = store.pool.clone();
    tokio::task::spawn_blocking(move || {
        let conn = pool.get()?;
        f(&conn)
    })
    .await
    .map_err(|e| StoreError::Task(e.to_string()))?
}

fn all<T, P: Params>(
    c: &Connection,
    sql: &str,
    params: P,
    decode: impl Fn(&rusqlite::Row<'_>) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let mut stmt = c.prepare_cached(sql)?;
    let mut rows = stmt.query(params)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(decode(row)?);
    }
    Ok(out)
}

fn first<T, P: Params>(
    c: &Connection,
    sql: &str,
    params: P,
    decode: impl Fn(&rusqlite::Row<'_>) -> Result<T, StoreError>,
) -> Result<Option<T>, StoreError> {
    c.prepare_cached(sql)?
        .query_row(params, |r| Ok(decode(r)))
        .optional()?
        .transpose()
}
