//! Operator settings as stored: configured connectors (credentials sealed),
//! versioned routing rules and fee schedules, and providers' notifications.

use corridor_core::Timestamp;

/// A payment provider connection the operator configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectorRecord {
    /// `conn_...`.
    pub id: String,
    /// `adyen` or `sandbox`.
    pub kind: String,
    /// Unique name, as routing rules name it.
    pub name: String,
    /// The provider's API base URL.
    pub base_url: Option<String>,
    /// The provider's merchant account.
    pub merchant_account: Option<String>,
    /// Where the provider sends the buyer back after a redirect.
    pub return_url: Option<String>,
    /// Raw card numbers may be sent (a PCI DSS certified integration).
    pub raw_card_data: bool,
    /// Disabled connectors take no payments (and `DELETE` disables).
    pub enabled: bool,
    /// The credentials, sealed with the secret key (never in clear).
    pub sealed_credentials: String,
    /// Increases with every change.
    pub version: i64,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
}

/// One version of a versioned operator document (`routing_rules`,
/// `fee_schedules`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsVersionRecord {
    /// Which document.
    pub kind: String,
    /// 1, 2, ...
    pub version: i64,
    /// The document, as JSON.
    pub body: String,
    /// When it was put in force.
    pub created_at: Timestamp,
}

/// One provider notification item, recorded once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectorNotificationRecord {
    /// The connector it arrived for.
    pub connector_id: String,
    /// The provider's reference of the payment or modification.
    pub psp_reference: String,
    /// The provider's event (`AUTHORISATION`, ...).
    pub event_code: String,
    /// Whether the event succeeded.
    pub success: bool,
    /// For a modification, the payment's provider reference.
    pub original_reference: Option<String>,
    /// The reference Corridor gave (the payment id).
    pub merchant_reference: String,
    /// Amount, minor units.
    pub amount: i64,
    /// Currency code as received.
    pub currency: String,
    /// The Corridor payment it concerns, if known.
    pub payment_id: Option<String>,
    /// `applied`, `recorded` (kept for the operator; no payment change) or
    /// `orphan` (no known payment).
    pub outcome: String,
    /// When it arrived.
    pub received_at: Timestamp,
}

/// A provider request saved before it was sent, so it can be sent again
/// under the same key after a lost answer (even after a restart).
#[derive(Clone, PartialEq, Eq)]
pub struct ProviderReplayRecord {
    /// The connector's name (as attempts record it).
    pub connector: String,
    /// The attempt's idempotency key.
    pub idempotency_key: String,
    /// The request, sealed with the server's secret key (it may hold card
    /// data): never in clear.
    pub sealed_request: String,
    /// When it was saved.
    pub created_at: Timestamp,
}

impl std::fmt::Debug for ProviderReplayRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderReplayRecord")
            .field("connector", &self.connector)
            .field("idempotency_key", &self.idempotency_key)
            .field("created_at", &self.created_at)
            .finish_non_exhaustive()
    }
}

/// Operator settings written through the writer.
#[derive(Debug, Clone, Default)]
pub struct SettingsWrite {
    /// Connectors created or replaced (by id).
    pub connectors: Vec<ConnectorRecord>,
    /// New document versions.
    pub versions: Vec<SettingsVersionRecord>,
    /// Notifications recorded (ignored if the same item is already recorded).
    pub notifications: Vec<ConnectorNotificationRecord>,
    /// Provider requests saved for replay (a key already saved keeps its
    /// first request).
    pub replays: Vec<ProviderReplayRecord>,
}
