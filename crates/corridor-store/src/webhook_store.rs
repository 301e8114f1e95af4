//! Webhook and outbox reads on either backend. Writes go through the
//! writer as [`crate::WriteOp::Webhooks`].

use corridor_core::Timestamp;

use crate::store::{Backend, Store};
use crate::{DeliveryRecord, EventRecord, Page, StoreError, WebhookEndpointRecord};

/// Calls the same read on whichever backend the store has.
macro_rules! on_backend {
    ($self:ident . $method:ident ( $($arg:expr),* )) => {
        match $self.backend() {
            Backend::Sqlite(s) => s.$method($($arg),*).await,
            Backend::Postgres(s) => s.$method($($arg),*).await,
        }
    };
}

/// A delivery that is due, with what sending it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueDelivery {
    /// The delivery as stored.
    pub delivery: DeliveryRecord,
    /// The endpoint's URL.
    pub url: String,
    /// The endpoint's signing secret.
    pub secret: String,
    /// The event to deliver.
    pub event: EventRecord,
}

/// One line of an endpoint's delivery log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryLogEntry {
    /// The delivery as stored.
    pub delivery: DeliveryRecord,
    /// The event's id (`evt_...`).
    pub event_id: String,
    /// The event's type (`payment.succeeded`, ...).
    pub event_type: String,
}

/// Rows asked for one more than the page, to learn whether more exist.
fn fetch_size(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1)
}

fn page<T>(mut items: Vec<T>, limit: usize) -> Page<T> {
    let has_more = items.len() > limit;
    items.truncate(limit);
    Page { items, has_more }
}

impl Store {
    /// A webhook endpoint by id.
    pub async fn webhook_endpoint(
        &self,
        id: &str,
    ) -> Result<Option<WebhookEndpointRecord>, StoreError> {
        let id = id.to_string();
        on_backend!(self.webhook_endpoint(id))
    }

    /// A merchant's webhook endpoints, newest first, after the cursor.
    pub async fn webhook_endpoints(
        &self,
        merchant_id: &str,
        limit: usize,
        starting_after: Option<&str>,
    ) -> Result<Page<WebhookEndpointRecord>, StoreError> {
        let merchant = merchant_id.to_string();
        let after = starting_after.map(str::to_string);
        let fetch = fetch_size(limit);
        let items = on_backend!(self.list_webhook_endpoints(merchant, fetch, after))?;
        Ok(page(items, limit))
    }

    /// Every endpoint of every merchant that has an event with a position
    /// in `(after_seq, upto_seq]`: the candidates of one fan-out batch.
    pub async fn webhook_endpoints_for_events(
        &self,
        after_seq: i64,
        upto_seq: i64,
    ) -> Result<Vec<WebhookEndpointRecord>, StoreError> {
        on_backend!(self.webhook_endpoints_for_events(after_seq, upto_seq))
    }

    /// Outbox events after position `after_seq`, in order, at most `limit`.
    pub async fn events_after(
        &self,
        after_seq: i64,
        limit: usize,
    ) -> Result<Vec<EventRecord>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        on_backend!(self.events_after(after_seq, limit))
    }

    /// The last event position a named outbox consumer handled (0 if none).
    pub async fn outbox_cursor(&self, name: &str) -> Result<i64, StoreError> {
        let name = name.to_string();
        Ok(on_backend!(self.outbox_cursor(name))?.unwrap_or(0))
    }

    /// Pending deliveries whose next attempt is at or before `now`, the
    /// longest waiting first.
    pub async fn due_webhook_deliveries(
        &self,
        now: Timestamp,
        limit: usize,
    ) -> Result<Vec<DueDelivery>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        on_backend!(self.due_webhook_deliveries(now, limit))
    }

    /// A webhook delivery by id.
    pub async fn webhook_delivery(&self, id: &str) -> Result<Option<DeliveryRecord>, StoreError> {
        let id = id.to_string();
        on_backend!(self.webhook_delivery(id))
    }

    /// An endpoint's deliveries, newest event first, after the cursor.
    pub async fn webhook_deliveries(
        &self,
        endpoint_id: &str,
        limit: usize,
        starting_after: Option<&str>,
    ) -> Result<Page<DeliveryLogEntry>, StoreError> {
        let endpoint = endpoint_id.to_string();
        let after = starting_after.map(str::to_string);
        let fetch = fetch_size(limit);
        let items = on_backend!(self.list_webhook_deliveries(endpoint, fetch, after))?;
        Ok(page(items, limit))
    }
}
