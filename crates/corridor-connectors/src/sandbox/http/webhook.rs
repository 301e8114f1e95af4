//! Notifications over HTTP: the dispatcher that POSTs them, signed, and the
//! functions a receiver uses to check and read them.
//!
//! Each delivery is a POST of a JSON notification
//! (`{id, psp, payment_id, created_at, charge}`) with the header
//! `Sandbox-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`,
//! where `t` is the sandbox world's (simulated) time.

use std::sync::Arc;
use std::time::Duration;

use corridor_core::Timestamp;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tokio::task::JoinHandle;

use super::wire::NotificationWire;
use crate::sandbox::{Notification, SandboxWorld, WebhookTarget};

/// The signature header's name.
pub const SIGNATURE_HEADER: &str = "Sandbox-Signature";

/// Attempts per notification before it is dropped (and logged).
pub const DELIVERY_ATTEMPTS_MAX: u32 = 6;

/// Wait before the first retry; doubled before each next one.
const RETRY_BACKOFF_FIRST: Duration = Duration::from_millis(100);

/// Timeout of one delivery.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(5);

/// Why a delivery was refused by the receiver.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    /// The header is missing or not `t=...,v1=...`.
    #[error("the signature header is malformed")]
    MalformedSignature,
    /// The signature does not match the body.
    #[error("the signature does not match")]
    BadSignature,
    /// The signature's time is too far from now (a replay).
    #[error("the signature is too old or from the future")]
    Stale,
    /// The body is not a notification.
    #[error("the body is not a sandbox notification: {0}")]
    BadBody(String),
}

/// The header value signing `body` at `timestamp_seconds`.
pub fn sign(secret: &str, timestamp_seconds: i64, body: &[u8]) -> String {
    format!(
        "t={timestamp_seconds},v1={}",
        hex::encode(mac(secret, timestamp_seconds, body))
    )
}

/// Checks a delivery's signature header against its raw body, refusing one
/// signed more than `tolerance_seconds` away from `now`.
pub fn verify(
    secret: &str,
    header: &str,
    body: &[u8],
    now: Timestamp,
    tolerance_seconds: i64,
) -> Result<(), WebhookError> {
    let mut timestamp = None;
    let mut signature = None;
    for part in header.split(',') {
        match part.split_once('=') {
            Some(("t", value)) => timestamp = value.parse::<i64>().ok(),
            Some(("v1", value)) => signature = hex::decode(value).ok(),
            _ => {}
        }
    }
    let (Some(timestamp), Some(signature)) = (timestamp, signature) else {
        return Err(WebhookError::MalformedSignature);
    };
    let now_seconds = now.unix_micros().div_euclid(1_000_000);
    if (now_seconds - timestamp).abs() > tolerance_seconds {
        return Err(WebhookError::Stale);
    }
    let mut expected = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .map_err(|_| WebhookError::BadSignature)?;
    expected.update(format!("{timestamp}.").as_bytes());
    expected.update(body);
    // Constant-time comparison.
    expected
        .verify_slice(&signature)
        .map_err(|_| WebhookError::BadSignature)
}

/// Reads a delivery's body.
pub fn parse_notification(body: &[u8]) -> Result<Notification, WebhookError> {
    let wire: NotificationWire =
        serde_json::from_slice(body).map_err(|e| WebhookError::BadBody(e.to_string()))?;
    wire.into_notification().map_err(WebhookError::BadBody)
}

/// The JSON body of a notification.
pub fn notification_body(notification: &Notification) -> Vec<u8> {
    serde_json::to_vec(&NotificationWire::from_notification(notification)).unwrap_or_default()
}

fn mac(secret: &str, timestamp_seconds: i64, body: &[u8]) -> Vec<u8> {
    // HMAC accepts keys of any length.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return Vec::new();
    };
    mac.update(format!("{timestamp_seconds}.").as_bytes());
    mac.update(body);
    mac.finalize().into_bytes().to_vec()
}

/// POSTs every notification of `world` to `target`, in order, retrying
/// with backoff up to [`DELIVERY_ATTEMPTS_MAX`] times.
pub fn spawn_dispatcher(world: &Arc<SandboxWorld>, target: WebhookTarget) -> JoinHandle<()> {
    let mut notifications = world.subscribe();
    let world = Arc::downgrade(world);
    tokio::spawn(async move {
        let client = match reqwest::Client::builder().timeout(DELIVERY_TIMEOUT).build() {
            Ok(client) => client,
            Err(e) => {
                tracing::error!(error = %e, "sandbox webhooks disabled: no HTTP client");
                return;
            }
        };
        while let Some(notification) = notifications.recv().await {
            let Some(now) = world.upgrade().map(|w| w.now()) else {
                return;
            };
            deliver(&client, &target, &notification, now).await;
        }
    })
}

async fn deliver(
    client: &reqwest::Client,
    target: &WebhookTarget,
    notification: &Notification,
    now: Timestamp,
) {
    let body = notification_body(notification);
    let signature = sign(
        &target.secret,
        now.unix_micros().div_euclid(1_000_000),
        &body,
    );
    let mut backoff = RETRY_BACKOFF_FIRST;
    for attempt in 1..=DELIVERY_ATTEMPTS_MAX {
        let sent = client
            .post(&target.url)
            .header(SIGNATURE_HEADER, &signature)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.clone())
            .send()
            .await;
        match sent {
            Ok(response) if response.status().is_success() => return,
            Ok(response) => {
                tracing::warn!(status = %response.status(), attempt, "sandbox webhook refused")
            }
            Err(e) => tracing::warn!(error = %e, attempt, "sandbox webhook failed"),
        }
        tokio::time::sleep(backoff).await;
        backoff *= 2;
    }
    tracing::error!(
        id = notification.id,
        "sandbox webhook dropped after every attempt"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_and_tampering_fails() {
        let now = Timestamp::from_unix_micros(1_795_651_200_000_000);
        let header = sign("whsec", 1_795_651_200, b"{\"a\":1}");
        assert_eq!(verify("whsec", &header, b"{\"a\":1}", now, 300), Ok(()));
        assert_eq!(
            verify("whsec", &header, b"{\"a\":2}", now, 300),
            Err(WebhookError::BadSignature)
        );
        assert_eq!(
            verify("other", &header, b"{\"a\":1}", now, 300),
            Err(WebhookError::BadSignature)
        );
        assert_eq!(
            verify("whsec", &header, b"{\"a\":1}", now.plus_seconds(301), 300),
            Err(WebhookError::Stale)
        );
        assert_eq!(
            verify("whsec", "v1=zz", b"", now, 300),
            Err(WebhookError::MalformedSignature)
        );
    }
}
