//! Reads of operator settings on either backend. Writes go through the
//! writer as [`crate::WriteOp::Settings`].

use crate::rows::SqlRow;
use crate::store::{Backend, Store};
use crate::{ConnectorNotificationRecord, ConnectorRecord, SettingsVersionRecord, StoreError};
use corridor_core::Timestamp;

macro_rules! on_backend {
    ($self:ident . $method:ident ( $($arg:expr),* )) => {
        match $self.backend() {
            Backend::Sqlite(s) => s.$method($($arg),*).await,
            Backend::Postgres(s) => s.$method($($arg),*).await,
        }
    };
}

impl Store {
    /// A configured connector by id.
    pub async fn connector(&self, id: &str) -> Result<Option<ConnectorRecord>, StoreError> {
        let id = id.to_string();
        on_backend!(self.settings_connector(id))
    }

    /// Every configured connector, oldest first.
    pub async fn connectors(&self) -> Result<Vec<ConnectorRecord>, StoreError> {
        on_backend!(self.settings_connectors())
    }

    /// The latest version of a versioned operator document, if any.
    pub async fn latest_settings(
        &self,
        kind: &str,
    ) -> Result<Option<SettingsVersionRecord>, StoreError> {
        let kind = kind.to_string();
        on_backend!(self.settings_latest(kind))
    }

    /// A recorded notification item, if this one was seen before.
    pub async fn connector_notification(
        &self,
        connector_id: &str,
        psp_reference: &str,
        event_code: &str,
        success: bool,
    ) -> Result<Option<ConnectorNotificationRecord>, StoreError> {
        let key = (
            connector_id.to_string(),
            psp_reference.to_string(),
            event_code.to_string(),
            i64::from(success),
        );
        on_backend!(self.settings_notification(key))
    }

    /// A connector's latest notifications, newest first.
    pub async fn connector_notifications(
        &self,
        connector_id: &str,
        limit: usize,
    ) -> Result<Vec<ConnectorNotificationRecord>, StoreError> {
        let id = connector_id.to_string();
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        on_backend!(self.settings_notifications(id, limit))
    }
}

pub(crate) fn connector(r: &impl SqlRow) -> Result<ConnectorRecord, StoreError> {
    Ok(ConnectorRecord {
        id: r.text(0)?,
        kind: r.text(1)?,
        name: r.text(2)?,
        base_url: r.opt_text(3)?,
        merchant_account: r.opt_text(4)?,
        return_url: r.opt_text(5)?,
        raw_card_data: r.int(6)? != 0,
        enabled: r.int(7)? != 0,
        sealed_credentials: r.text(8)?,
        version: r.int(9)?,
        created_at: Timestamp::from_unix_micros(r.int(10)?),
        updated_at: Timestamp::from_unix_micros(r.int(11)?),
    })
}

pub(crate) fn settings_version(r: &impl SqlRow) -> Result<SettingsVersionRecord, StoreError> {
    Ok(SettingsVersionRecord {
        kind: r.text(0)?,
        version: r.int(1)?,
        body: r.text(2)?,
        created_at: Timestamp::from_unix_micros(r.int(3)?),
    })
}

pub(crate) fn notification(r: &impl SqlRow) -> Result<ConnectorNotificationRecord, StoreError> {
    Ok(ConnectorNotificationRecord {
        connector_id: r.text(0)?,
        psp_reference: r.text(1)?,
        event_code: r.text(2)?,
        success: r.int(3)? != 0,
        original_reference: r.opt_text(4)?,
        merchant_reference: r.text(5)?,
        amount: r.int(6)?,
        currency: r.text(7)?,
        payment_id: r.opt_text(8)?,
        outcome: r.text(9)?,
        received_at: Timestamp::from_unix_micros(r.int(10)?),
    })
}
