//! Operator settings on PostgreSQL: reads, and the rows of a batch.

use tokio_postgres::types::ToSql;
use tokio_postgres::Transaction;

use super::PostgresStore;
use crate::settings_sql as sql;
use crate::settings_store as decode;
use crate::writer::BatchRows;
use crate::{ConnectorNotificationRecord, ConnectorRecord, SettingsVersionRecord, StoreError};

type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

impl PostgresStore {
    pub(crate) async fn settings_connector(
        &self,
        id: String,
    ) -> Result<Option<ConnectorRecord>, StoreError> {
        first(self, &sql::get_connector(), &[&id], decode::connector).await
    }

    pub(crate) async fn settings_connectors(&self) -> Result<Vec<ConnectorRecord>, StoreError> {
        all(self, &sql::list_connectors(), &[], decode::connector).await
    }

    pub(crate) async fn settings_latest(
        &self,
        kind: String,
    ) -> Result<Option<SettingsVersionRecord>, StoreError> {
        first(
            self,
            sql::LATEST_SETTINGS_VERSION,
            &[&kind],
            decode::settings_version,
        )
        .await
    }

    pub(crate) async fn settings_notification(
        &self,
        key: (String, String, String, i64),
    ) -> Result<Option<ConnectorNotificationRecord>, StoreError> {
        let params: Params<'_> = &[&key.0, &key.1, &key.2, &key.3];
        first(
            self,
            &sql::get_connector_notification(),
            params,
            decode::notification,
        )
        .await
    }

    pub(crate) async fn settings_notifications(
        &self,
        id: String,
        limit: i64,
    ) -> Result<Vec<ConnectorNotificationRecord>, StoreError> {
        let params: Params<'_> = &[&id, &limit];
        all(
            self,
            &sql::list_connector_notifications(),
            params,
            decode::notification,
        )
        .await
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

/// Writes the settings rows of a batch.
pub(crate) async fn write(tx: &Transaction<'_>, b: &BatchRows) -> Result<(), StoreError> {
    for w in &b.settings {
        for c in &w.connectors {
            tx.execute(
                sql::UPSERT_CONNECTOR,
                &[
                    &c.id,
                    &c.kind,
                    &c.name,
                    &c.base_url,
                    &c.merchant_account,
                    &c.return_url,
                    &i64::from(c.raw_card_data),
                    &i64::from(c.enabled),
                    &c.sealed_credentials,
                    &c.version,
                    &c.created_at.unix_micros(),
                    &c.updated_at.unix_micros(),
                ],
            )
            .await?;
        }
        for v in &w.versions {
            tx.execute(
                sql::INSERT_SETTINGS_VERSION,
                &[&v.kind, &v.version, &v.body, &v.created_at.unix_micros()],
            )
            .await?;
        }
        for n in &w.notifications {
            tx.execute(
                sql::INSERT_CONNECTOR_NOTIFICATION,
                &[
                    &n.connector_id,
                    &n.psp_reference,
                    &n.event_code,
                    &i64::from(n.success),
                    &n.original_reference,
                    &n.merchant_reference,
                    &n.amount,
                    &n.currency,
                    &n.payment_id,
                    &n.outcome,
                    &n.received_at.unix_micros(),
                ],
            )
            .await?;
        }
        for r in &w.replays {
            tx.execute(
                crate::replay_sql::INSERT_REPLAY,
                &[
                    &r.connector,
                    &r.idempotency_key,
                    &r.sealed_request,
                    &r.created_at.unix_micros(),
                ],
            )
            .await?;
        }
    }
    Ok(())
}
