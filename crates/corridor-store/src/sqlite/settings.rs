//! Operator settings on SQLite: reads on a blocking thread, and the rows of
//! a batch.

use rusqlite::{params, Transaction};

use super::reads::{collect, first};
use super::SqliteStore;
use crate::settings_sql as sql;
use crate::settings_store as decode;
use crate::writer::BatchRows;
use crate::{ConnectorNotificationRecord, ConnectorRecord, SettingsVersionRecord, StoreError};

impl SqliteStore {
    pub(crate) async fn settings_connector(
        &self,
        id: String,
    ) -> Result<Option<ConnectorRecord>, StoreError> {
        self.read(move |c| {
            first(c, &sql::get_connector(), params![id], |r| {
                decode::connector(r)
            })
        })
        .await
    }

    pub(crate) async fn settings_connectors(&self) -> Result<Vec<ConnectorRecord>, StoreError> {
        self.read(move |c| collect(c, &sql::list_connectors(), [], |r| decode::connector(r)))
            .await
    }

    pub(crate) async fn settings_latest(
        &self,
        kind: String,
    ) -> Result<Option<SettingsVersionRecord>, StoreError> {
        self.read(move |c| {
            first(c, sql::LATEST_SETTINGS_VERSION, params![kind], |r| {
                decode::settings_version(r)
            })
        })
        .await
    }

    pub(crate) async fn settings_notification(
        &self,
        key: (String, String, String, i64),
    ) -> Result<Option<ConnectorNotificationRecord>, StoreError> {
        self.read(move |c| {
            first(
                c,
                &sql::get_connector_notification(),
                params![key.0, key.1, key.2, key.3],
                |r| decode::notification(r),
            )
        })
        .await
    }

    pub(crate) async fn settings_notifications(
        &self,
        id: String,
        limit: i64,
    ) -> Result<Vec<ConnectorNotificationRecord>, StoreError> {
        self.read(move |c| {
            collect(
                c,
                &sql::list_connector_notifications(),
                params![id, limit],
                |r| decode::notification(r),
            )
        })
        .await
    }
}

/// Writes the settings rows of a batch.
pub(crate) fn write(tx: &Transaction<'_>, b: &BatchRows) -> Result<(), StoreError> {
    for w in &b.settings {
        let mut s = tx.prepare_cached(sql::UPSERT_CONNECTOR)?;
        for c in &w.connectors {
            s.execute(params![
                c.id,
                c.kind,
                c.name,
                c.base_url,
                c.merchant_account,
                c.return_url,
                i64::from(c.raw_card_data),
                i64::from(c.enabled),
                c.sealed_credentials,
                c.version,
                c.created_at.unix_micros(),
                c.updated_at.unix_micros()
            ])?;
        }
        let mut s = tx.prepare_cached(sql::INSERT_SETTINGS_VERSION)?;
        for v in &w.versions {
            s.execute(params![
                v.kind,
                v.version,
                v.body,
                v.created_at.unix_micros()
            ])?;
        }
        let mut s = tx.prepare_cached(sql::INSERT_CONNECTOR_NOTIFICATION)?;
        for n in &w.notifications {
            s.execute(params![
                n.connector_id,
                n.psp_reference,
                n.event_code,
                i64::from(n.success),
                n.original_reference,
                n.merchant_reference,
                n.amount,
                n.currency,
                n.payment_id,
                n.outcome,
                n.received_at.unix_micros()
            ])?;
        }
        let mut s = tx.prepare_cached(crate::replay_sql::INSERT_REPLAY)?;
        for r in &w.replays {
            s.execute(params![
                r.connector,
                r.idempotency_key,
                r.sealed_request,
                r.created_at.unix_micros()
            ])?;
        }
    }
    Ok(())
}
