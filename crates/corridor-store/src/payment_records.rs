//! Rows of payments, their attempts, events and webhooks.

use corridor_core::payments::attempt::AttemptStatus;
use corridor_core::payments::method::{CaptureMode, MethodType};
use corridor_core::payments::status::PaymentStatus;
use corridor_core::{Currency, Timestamp};

use crate::records::LedgerWrite;

/// What is kept of a card: never the number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardRecord {
    /// Network (`visa`, ...).
    pub brand: String,
    /// Last four digits.
    pub last4: String,
    /// Keyed fingerprint (HMAC of the number).
    pub fingerprint: String,
}

/// A payment as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRecord {
    /// `pay_...`.
    pub id: String,
    /// Owning merchant.
    pub merchant_id: String,
    /// Where the payment stands.
    pub status: PaymentStatus,
    /// Amount in minor units.
    pub amount: i64,
    /// Currency.
    pub currency: Currency,
    /// Market country (ISO 3166-1 alpha-2).
    pub country: String,
    /// Payment method type.
    pub method_type: MethodType,
    /// Captured at once or by the merchant.
    pub capture_method: CaptureMode,
    /// Card summary, for card payments.
    pub card: Option<CardRecord>,
    /// Connector of the current attempt.
    pub connector: Option<String>,
    /// The connector's reference for the current attempt.
    pub connector_ref: Option<String>,
    /// Captured so far.
    pub amount_captured: i64,
    /// Refunded so far.
    pub amount_refunded: i64,
    /// Fee charged to the merchant.
    pub fee: i64,
    /// What the buyer must do next, as the API's JSON.
    pub next_action: Option<String>,
    /// Why it was declined.
    pub decline_code: Option<String>,
    /// Merchant's description.
    pub description: Option<String>,
    /// Merchant's metadata, as JSON.
    pub metadata: Option<String>,
    /// The buyer's email from the request's `customer.email` (lower case).
    pub customer_email: Option<String>,
    /// When the pending action or authorization expires.
    pub expires_at: Option<Timestamp>,
    /// When captured funds move from pending to available.
    pub settle_at: Option<Timestamp>,
    /// Whether they have.
    pub settled: bool,
    /// Optimistic concurrency version, bumped by every write.
    pub version: i64,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
}

/// One try of a payment on one connector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptRecord {
    /// The payment.
    pub payment_id: String,
    /// Order, from 1.
    pub seq: i64,
    /// Connector name.
    pub connector: String,
    /// Idempotency key sent to the connector.
    pub idempotency_key: String,
    /// What the provider said, or that it has not said yet.
    pub outcome: AttemptStatus,
    /// Decline or error code.
    pub code: Option<String>,
    /// When it was made.
    pub created_at: Timestamp,
    /// When its provider's answer was recorded (none while it is open, and
    /// for attempts written before this was kept): with `created_at`, the
    /// attempt's latency.
    pub answered_at: Option<Timestamp>,
}

/// An event to publish (transactional outbox). The writer gives it its
/// position and its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    /// Merchant it concerns.
    pub merchant_id: String,
    /// `payment.succeeded`, ...
    pub kind: String,
    /// The object, as the API's JSON.
    pub object: String,
}

/// An event as stored, with its position in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRecord {
    /// Position, strictly increasing.
    pub seq: i64,
    /// `evt_` and 24 hex digits ([`crate::time_ordered_id`]); events made
    /// before these ids were opaque carry their position instead.
    pub id: String,
    /// Merchant.
    pub merchant_id: String,
    /// Type.
    pub kind: String,
    /// Object JSON.
    pub object: String,
    /// When it was written.
    pub created_at: Timestamp,
}

/// A payment change: the new row, the attempts made, at most one ledger
/// movement and the events, all in one transaction or none.
#[derive(Debug, Clone)]
pub struct PaymentWrite {
    /// The payment as it is after the change.
    pub payment: PaymentRecord,
    /// The version read before the change; `None` for a new payment.
    /// A different stored version refuses the write (someone else changed it).
    pub expected_version: Option<i64>,
    /// New attempts.
    pub attempts: Vec<AttemptRecord>,
    /// Money moved by the change.
    pub ledger: Option<LedgerWrite>,
    /// Events to publish.
    pub events: Vec<NewEvent>,
    /// An `Idempotency-Key` whose request created this resource and is still
    /// running: written with the first write, so a retry of the same request
    /// after a crash resumes it and a different request under the key is refused.
    pub started_key: Option<StartedKey>,
}

/// An `Idempotency-Key` whose effect has begun but whose response is not
/// stored yet (see [`crate::IdempotencyRecord`] for a completed key).
/// Any write that starts an effect at an outside party (a charge, a refund,
/// a payout) records one with its first durable row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartedKey {
    /// Caller scope.
    pub scope: String,
    /// The key.
    pub key: String,
    /// Digest of the request.
    pub request_hash: String,
    /// The resource the request created (`pay_...`).
    pub resource_id: String,
}

/// A charge a provider holds that Corridor has no payment attempt for (a
/// notification about an unknown payment or reference), kept for operators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrphanRecord {
    /// The provider.
    pub connector: String,
    /// The provider's charge reference.
    pub reference: String,
    /// The payment id the provider's record names.
    pub payment_id: String,
    /// The provider's status of the charge.
    pub status: String,
    /// Amount in minor units.
    pub amount: i64,
    /// Currency code.
    pub currency: String,
    /// What was done about it: `void_pending` or `refund_pending` (the intent,
    /// written before the provider is called), then `voided`, `void_failed`,
    /// `refunded`, `refund_failed` or `refund_unknown`.
    pub resolution: String,
    /// When it was recorded.
    pub created_at: Timestamp,
}

/// A webhook endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookEndpointRecord {
    /// `we_...`.
    pub id: String,
    /// Owner.
    pub merchant_id: String,
    /// Where deliveries go.
    pub url: String,
    /// Event types it wants (`*` for all).
    pub events: Vec<String>,
    /// Signing secret.
    pub secret: String,
    /// Creation time.
    pub created_at: Timestamp,
}

/// One delivery of one event to one endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRecord {
    /// Delivery id.
    pub id: String,
    /// Endpoint.
    pub endpoint_id: String,
    /// Event position.
    pub event_seq: i64,
    /// `pending`, `delivered`, `failed`.
    pub status: String,
    /// Attempts made.
    pub attempts: i64,
    /// When to try next.
    pub next_attempt_at: Timestamp,
    /// Last HTTP status received.
    pub last_status_code: Option<i64>,
    /// Last error.
    pub last_error: Option<String>,
    /// Creation time.
    pub created_at: Timestamp,
    /// When it succeeded.
    pub delivered_at: Option<Timestamp>,
}

/// Webhook bookkeeping, written by the dispatcher through the writer.
#[derive(Debug, Clone, Default)]
pub struct WebhookWrite {
    /// New endpoints.
    pub endpoints_new: Vec<WebhookEndpointRecord>,
    /// New deliveries (ignored if the endpoint already has one for the event).
    pub deliveries_new: Vec<DeliveryRecord>,
    /// Deliveries after an attempt (replaces status, attempts, next_attempt_at, last_*, delivered_at).
    pub deliveries_updated: Vec<DeliveryRecord>,
    /// Outbox cursor to advance: (name, last event seq handled).
    pub cursor: Option<(String, i64)>,
}
