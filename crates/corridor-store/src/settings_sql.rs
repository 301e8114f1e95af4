//! SQL of operator settings, shared by both backends.

/// Migration 70: connectors, versioned settings, provider notifications.
pub const MIGRATION_70: &str = r#"
CREATE TABLE connectors (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL UNIQUE,
    base_url TEXT,
    merchant_account TEXT,
    return_url TEXT,
    raw_card_data BIGINT NOT NULL,
    enabled BIGINT NOT NULL,
    sealed_credentials TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE TABLE settings_versions (
    kind TEXT NOT NULL,
    version BIGINT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (kind, version)
);
CREATE TABLE connector_notifications (
    connector_id TEXT NOT NULL,
    psp_reference TEXT NOT NULL,
    event_code TEXT NOT NULL,
    success BIGINT NOT NULL,
    original_reference TEXT,
    merchant_reference TEXT NOT NULL,
    amount BIGINT NOT NULL,
    currency TEXT NOT NULL,
    payment_id TEXT,
    outcome TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (connector_id, psp_reference, event_code, success)
);
CREATE INDEX connector_notifications_by_outcome ON connector_notifications (connector_id, outcome, received_at);
"#;

const CONNECTOR_COLUMNS: &str = "id, kind, name, base_url, merchant_account, return_url, raw_card_data, enabled, sealed_credentials, version, created_at, updated_at";

pub const UPSERT_CONNECTOR: &str = "INSERT INTO connectors (id, kind, name, base_url, merchant_account, return_url, raw_card_data, enabled, sealed_credentials, version, created_at, updated_at) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
    ON CONFLICT (id) DO UPDATE SET base_url = excluded.base_url, merchant_account = excluded.merchant_account, return_url = excluded.return_url, \
    raw_card_data = excluded.raw_card_data, enabled = excluded.enabled, sealed_credentials = excluded.sealed_credentials, \
    version = excluded.version, updated_at = excluded.updated_at";

pub const INSERT_SETTINGS_VERSION: &str =
    "INSERT INTO settings_versions (kind, version, body, created_at) VALUES ($1, $2, $3, $4)";

pub const INSERT_CONNECTOR_NOTIFICATION: &str = "INSERT INTO connector_notifications (connector_id, psp_reference, event_code, success, original_reference, merchant_reference, amount, currency, payment_id, outcome, received_at) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING";

pub fn get_connector() -> String {
    format!("SELECT {CONNECTOR_COLUMNS} FROM connectors WHERE id = $1")
}

pub fn list_connectors() -> String {
    format!("SELECT {CONNECTOR_COLUMNS} FROM connectors ORDER BY created_at, id")
}

pub const LATEST_SETTINGS_VERSION: &str = "SELECT kind, version, body, created_at FROM settings_versions WHERE kind = $1 ORDER BY version DESC LIMIT 1";

const NOTIFICATION_COLUMNS: &str = "connector_id, psp_reference, event_code, success, original_reference, merchant_reference, amount, currency, payment_id, outcome, received_at";

pub fn get_connector_notification() -> String {
    format!("SELECT {NOTIFICATION_COLUMNS} FROM connector_notifications WHERE connector_id = $1 AND psp_reference = $2 AND event_code = $3 AND success = $4")
}

pub fn list_connector_notifications() -> String {
    format!("SELECT {NOTIFICATION_COLUMNS} FROM connector_notifications WHERE connector_id = $1 ORDER BY received_at DESC, psp_reference DESC LIMIT $2")
}
