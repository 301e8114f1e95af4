//! Webhook and outbox reads on the PostgreSQL pool.

use corridor_core::Timestamp;
use tokio_postgres::types::ToSql;

use super::PostgresStore;
use crate::rows::{self, SqlRow};
use crate::sql;
use crate::{
    DeliveryLogEntry, DeliveryRecord, DueDelivery, EventRecord, StoreError, WebhookEndpointRecord,
};

type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

impl PostgresStore {
    pub(crate) async fn webhook_endpoint(
        &self,
        id: String,
    ) -> Result<Option<WebhookEndpointRecord>, StoreError> {
        first(
            self,
            sql::GET_WEBHOOK_ENDPOINT,
            &[&id],
            rows::webhook_endpoint,
        )
        .await
    }

    pub(crate) async fn list_webhook_endpoints(
        &self,
        merchant: String,
        limit: i64,
        after: Option<String>,
    ) -> Result<Vec<WebhookEndpointRecord>, StoreError> {
        match after {
            None => {
                let params: Params<'_> = &[&merchant, &limit];
                all(
                    self,
                    sql::LIST_WEBHOOK_ENDPOINTS_FIRST,
                    params,
                    rows::webhook_endpoint,
                )
                .await
            }
            Some(id) => {
                let params: Params<'_> = &[&id, &merchant, &limit];
                all(
                    self,
                    sql::LIST_WEBHOOK_ENDPOINTS_AFTER,
                    params,
                    rows::webhook_endpoint,
                )
                .await
            }
        }
    }

    pub(crate) async fn webhook_endpoints_for_events(
        &self,
        after: i64,
        upto: i64,
    ) -> Result<Vec<WebhookEndpointRecord>, StoreError> {
        let params: Params<'_> = &[&after, &upto];
        all(
            self,
            sql::WEBHOOK_ENDPOINTS_FOR_EVENTS,
            params,
            rows::webhook_endpoint,
        )
        .await
    }

    pub(crate) async fn events_after(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<EventRecord>, StoreError> {
        all(self, sql::EVENTS_AFTER, &[&after, &limit], |r| {
            rows::event(r, 0)
        })
        .await
    }

    pub(crate) async fn outbox_cursor(&self, name: String) -> Result<Option<i64>, StoreError> {
        first(self, sql::GET_OUTBOX_CURSOR, &[&name], |r| r.int(0)).await
    }

    pub(crate) async fn due_webhook_deliveries(
        &self,
        now: Timestamp,
        limit: i64,
    ) -> Result<Vec<DueDelivery>, StoreError> {
        let params: Params<'_> = &[&now.unix_micros(), &limit];
        all(
            self,
            sql::DUE_WEBHOOK_DELIVERIES,
            params,
            rows::due_delivery,
        )
        .await
    }

    pub(crate) async fn webhook_delivery(
        &self,
        id: String,
    ) -> Result<Option<DeliveryRecord>, StoreError> {
        first(self, sql::GET_WEBHOOK_DELIVERY, &[&id], |r| {
            rows::webhook_delivery(r, 0)
        })
        .await
    }

    pub(crate) async fn list_webhook_deliveries(
        &self,
        endpoint: String,
        limit: i64,
        after: Option<String>,
    ) -> Result<Vec<DeliveryLogEntry>, StoreError> {
        match after {
            None => {
                let params: Params<'_> = &[&endpoint, &limit];
                all(
                    self,
                    sql::LIST_WEBHOOK_DELIVERIES_FIRST,
                    params,
                    rows::delivery_log_entry,
                )
                .await
            }
            Some(id) => {
                let params: Params<'_> = &[&id, &endpoint, &limit];
                all(
                    self,
                    sql::LIST_WEBHOOK_DELIVERIES_AFTER,
                    params,
                    rows::delivery_log_entry,
                )
                .await
            }
        }
    }
}

async fn all<T>(
    store: &PostgresStore,
    sql: &str,
    params: Params<'_>,
    decode: impl Fn(&tokio_postgres::Row) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let client = store
        .pool
        .get()
        .await
        .map_err(|e| StoreError::PostgresPool(e.to_string()))?;
    let stmt = client.prepare_cached(sql).await?;
    client
        .query(&stmt, params)
        .await?
        .iter()
        .map(decode)
        .collect()
}

async fn first<T>(
    store: &PostgresStore,
    sql: &str,
    params: Params<'_>,
    decode: impl Fn(&tokio_postgres::Row) -> Result<T, StoreError>,
) -> Result<Option<T>, StoreError> {
    Ok(all(store, sql, params, decode).await?.into_iter().next())
}
