//! The dispatcher: a background task that fans outbox events out into
//! delivery rows and sends the deliveries that are due.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use corridor_core::Timestamp;
use corridor_store::{
    DeliveryRecord, DueDelivery, EventRecord, Store, StoreError, WebhookEndpointRecord,
    WebhookWrite, WriteOp, WriteRequest,
};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::attempt;

/// The outbox cursor of the fan-out.
pub const FANOUT_CURSOR: &str = "fanout";
/// Events fanned out per write.
pub const FANOUT_BATCH: usize = 500;
/// Fan-out batches per poll, so delivery keeps going during a backlog.
const MAX_FANOUT_BATCHES_PER_POLL: usize = 20;
/// Due deliveries read per poll.
pub const DUE_BATCH: usize = 100;

/// Tuning of the dispatcher.
#[derive(Debug, Clone, Copy)]
pub struct DispatcherConfig {
    /// How often to look for new events and due deliveries.
    pub poll_interval: Duration,
    /// Longest a delivery request may take.
    pub request_timeout: Duration,
    /// Deliveries in flight at once.
    pub max_in_flight: usize,
    /// Which targets deliveries may reach (checked again after DNS).
    pub targets: super::target::TargetPolicy,
}

impl Default for DispatcherConfig {
    fn default() -> Self {
        DispatcherConfig {
            poll_interval: Duration::from_millis(200),
            request_timeout: Duration::from_secs(10),
            max_in_flight: 16,
            targets: super::target::TargetPolicy::default(),
        }
    }
}

/// Runs the dispatcher with the default tuning, forever.
pub async fn run(store: Store, targets: super::target::TargetPolicy) {
    let config = DispatcherConfig {
        targets,
        ..DispatcherConfig::default()
    };
    run_with(store, config).await
}

/// Runs the dispatcher, forever. Errors are logged and retried at the next
/// poll: nothing is lost, since the cursor and deliveries are rows.
pub async fn run_with(store: Store, config: DispatcherConfig) {
    let client = match attempt::client(config.request_timeout, config.targets) {
        Ok(client) => client,
        Err(e) => {
            tracing::error!(error = %e, "webhook dispatcher cannot build its HTTP client");
            return;
        }
    };
    let slots = Arc::new(Semaphore::new(config.max_in_flight.max(1)));
    let in_flight = Arc::new(InFlight::default());
    let mut tick = tokio::time::interval(config.poll_interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = fan_out(&store).await {
            tracing::warn!(error = %e, "webhook fan-out failed; retrying next poll");
        }
        if let Err(e) = start_due(&store, &client, config.targets, &slots, &in_flight).await {
            tracing::warn!(error = %e, "reading due webhook deliveries failed");
        }
    }
}

/// Fans out batches until the outbox is drained (or the per-poll limit).
async fn fan_out(store: &Store) -> Result<(), StoreError> {
    for _ in 0..MAX_FANOUT_BATCHES_PER_POLL {
        if fan_out_batch(store).await? < FANOUT_BATCH {
            break;
        }
    }
    Ok(())
}

/// Creates the deliveries of the next batch of events and advances the
/// cursor past them, in one write: a crash leaves both or neither, and a
/// replayed batch creates nothing twice (one delivery per endpoint and event).
async fn fan_out_batch(store: &Store) -> Result<usize, StoreError> {
    let cursor = store.outbox_cursor(FANOUT_CURSOR).await?;
    let events = store.events_after(cursor, FANOUT_BATCH).await?;
    let Some(last) = events.last().map(|e| e.seq) else {
        return Ok(0);
    };
    let endpoints = store.webhook_endpoints_for_events(cursor, last).await?;
    let write = WebhookWrite {
        deliveries_new: plan(&events, &endpoints, store.clock().now()),
        cursor: Some((FANOUT_CURSOR.to_string(), last)),
        ..WebhookWrite::default()
    };
    store
        .writer()
        .submit(WriteRequest {
            op: WriteOp::Webhooks(write),
            idempotency: None,
        })
        .await?;
    Ok(events.len())
}

/// One pending delivery per event and endpoint of the event's merchant that
/// subscribes to its type and existed when the event happened.
pub(super) fn plan(
    events: &[EventRecord],
    endpoints: &[WebhookEndpointRecord],
    now: Timestamp,
) -> Vec<DeliveryRecord> {
    let mut by_merchant: HashMap<&str, Vec<&WebhookEndpointRecord>> = HashMap::new();
    for endpoint in endpoints {
        by_merchant
            .entry(endpoint.merchant_id.as_str())
            .or_default()
            .push(endpoint);
    }
    let mut deliveries = Vec::new();
    for event in events {
        let candidates = by_merchant.get(event.merchant_id.as_str());
        for endpoint in candidates.into_iter().flatten() {
            if endpoint.created_at <= event.created_at
                && super::subscribes(&endpoint.events, &event.kind)
            {
                deliveries.push(DeliveryRecord {
                    id: super::new_delivery_id(),
                    endpoint_id: endpoint.id.clone(),
                    event_seq: event.seq,
                    status: "pending".into(),
                    attempts: 0,
                    next_attempt_at: now,
                    last_status_code: None,
                    last_error: None,
                    created_at: now,
                    delivered_at: None,
                });
            }
        }
    }
    deliveries
}

/// Starts sending due deliveries, as many as there are free slots.
async fn start_due(
    store: &Store,
    client: &reqwest::Client,
    targets: super::target::TargetPolicy,
    slots: &Arc<Semaphore>,
    in_flight: &Arc<InFlight>,
) -> Result<(), StoreError> {
    if slots.available_permits() == 0 {
        return Ok(());
    }
    // Before reading: deliveries finished from here on may still look due
    // in the rows this read returns, so they stay skipped until the next poll.
    in_flight.forget_finished();
    let due = store
        .due_webhook_deliveries(store.clock().now(), DUE_BATCH)
        .await?;
    for delivery in due {
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            break;
        };
        let Some(claim) = InFlight::claim(in_flight, &delivery.delivery.id) else {
            continue;
        };
        tokio::spawn(deliver(
            store.clone(),
            client.clone(),
            targets,
            delivery,
            claim,
            slot,
        ));
    }
    Ok(())
}

/// Sends one delivery and records the attempt. If recording fails, the row
/// stays due and the event is sent again: delivery is at least once.
async fn deliver(
    store: Store,
    client: reqwest::Client,
    targets: super::target::TargetPolicy,
    due: DueDelivery,
    _claim: Claim,
    _slot: OwnedSemaphorePermit,
) {
    let outcome = attempt::send(&client, targets, &due).await;
    let updated = attempt::after(&due.delivery, &outcome, store.clock().now(), rand::random());
    tracing::debug!(delivery = %updated.id, status = %updated.status, attempts = updated.attempts, "webhook attempt");
    let write = WebhookWrite {
        deliveries_updated: vec![updated],
        ..WebhookWrite::default()
    };
    if let Err(e) = store
        .writer()
        .submit(WriteRequest {
            op: WriteOp::Webhooks(write),
            idempotency: None,
        })
        .await
    {
        tracing::warn!(error = %e, delivery = %due.delivery.id, "recording a webhook attempt failed; it will be sent again");
    }
}

/// Deliveries being sent (`true`) or finished since the last read (`false`).
#[derive(Debug, Default)]
struct InFlight {
    ids: Mutex<HashMap<String, bool>>,
}

impl InFlight {
    fn forget_finished(&self) {
        if let Ok(mut ids) = self.ids.lock() {
            ids.retain(|_, sending| *sending);
        }
    }

    fn claim(this: &Arc<InFlight>, id: &str) -> Option<Claim> {
        let mut ids = this.ids.lock().ok()?;
        if ids.contains_key(id) {
            return None;
        }
        ids.insert(id.to_string(), true);
        Some(Claim {
            in_flight: this.clone(),
            id: id.to_string(),
        })
    }
}

/// Marks its delivery finished however the sending task ends.
struct Claim {
    in_flight: Arc<InFlight>,
    id: String,
}

impl Drop for Claim {
    fn drop(&mut self) {
        if let Ok(mut ids) = self.in_flight.ids.lock() {
            ids.insert(std::mem::take(&mut self.id), false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(seq: i64, merchant: &str, kind: &str, at: i64) -> EventRecord {
        EventRecord {
            seq,
            id: format!("evt_{seq}"),
            merchant_id: merchant.into(),
            kind: kind.into(),
            object: "{}".into(),
            created_at: Timestamp::from_unix_micros(at),
        }
    }

    fn endpoint(id: &str, merchant: &str, events: &[&str], at: i64) -> WebhookEndpointRecord {
        WebhookEndpointRecord {
            id: id.into(),
            merchant_id: merchant.into(),
            url: "http://example.test/hook".into(),
            events: events.iter().map(|e| e.to_string()).collect(),
            secret: "whsec_x".into(),
            created_at: Timestamp::from_unix_micros(at),
        }
    }

    #[test]
    fn plans_one_delivery_per_subscribed_endpoint_of_the_merchant() {
        let events = [
            event(1, "mer_a", "payment.succeeded", 10),
            event(2, "mer_a", "payment.failed", 10),
            event(3, "mer_b", "payment.succeeded", 10),
            event(4, "mer_a", "payment.created", 1),
        ];
        let endpoints = [
            endpoint("we_all", "mer_a", &["*"], 5),
            endpoint("we_ok", "mer_a", &["payment.succeeded"], 5),
            endpoint("we_other", "mer_c", &["*"], 0),
        ];
        let planned: Vec<(String, i64)> = plan(&events, &endpoints, Timestamp::EPOCH)
            .into_iter()
            .map(|d| (d.endpoint_id, d.event_seq))
            .collect();
        let expected = [("we_all", 1), ("we_ok", 1), ("we_all", 2)];
        let expected: Vec<(String, i64)> =
            expected.iter().map(|(e, s)| (e.to_string(), *s)).collect();
        assert_eq!(planned, expected, "event 4 predates the endpoints");
    }

    #[test]
    fn a_claimed_delivery_is_skipped_until_read_again_after_it_finished() {
        let in_flight = Arc::new(InFlight::default());
        let claim = InFlight::claim(&in_flight, "whd_1").expect("first claim");
        assert!(InFlight::claim(&in_flight, "whd_1").is_none(), "in flight");
        drop(claim);
        assert!(
            InFlight::claim(&in_flight, "whd_1").is_none(),
            "finished, but the rows read before may be stale"
        );
        in_flight.forget_finished();
        assert!(InFlight::claim(&in_flight, "whd_1").is_some());
    }
}
