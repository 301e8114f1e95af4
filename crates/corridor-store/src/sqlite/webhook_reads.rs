//! Webhook and outbox reads on the SQLite pool, each on a blocking thread.

use corridor_core::Timestamp;
use rusqlite::params;

use super::reads::{collect, first};
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
        self.read(move |c| {
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
        self.read(move |c| match after {
            None => collect(
                c,
                sql::LIST_WEBHOOK_ENDPOINTS_FIRST,
                params![merchant, limit],
                |r| rows::webhook_endpoint(r),
            ),
            Some(id) => collect(
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
        self.read(move |c| {
            collect(
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
        self.read(move |c| {
            collect(c, sql::EVENTS_AFTER, params![after, limit], |r| {
                rows::event(r, 0)
            })
        })
        .await
    }

    pub(crate) async fn outbox_cursor(&self, name: String) -> Result<Option<i64>, StoreError> {
        self.read(move |c| first(c, sql::GET_OUTBOX_CURSOR, params![name], |r| r.int(0)))
            .await
    }

    pub(crate) async fn due_webhook_deliveries(
        &self,
        now: Timestamp,
        limit: i64,
    ) -> Result<Vec<DueDelivery>, StoreError> {
        self.read(move |c| {
            collect(
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
        self.read(move |c| {
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
        self.read(move |c| match after {
            None => collect(
                c,
                sql::LIST_WEBHOOK_DELIVERIES_FIRST,
                params![endpoint, limit],
                |r| rows::delivery_log_entry(r),
            ),
            Some(id) => collect(
                c,
                sql::LIST_WEBHOOK_DELIVERIES_AFTER,
                params![id, endpoint, limit],
                |r| rows::delivery_log_entry(r),
            ),
        })
        .await
    }
}
