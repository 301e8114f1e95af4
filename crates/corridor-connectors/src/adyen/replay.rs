//! Where the `/payments` requests that may need replaying are kept.
//!
//! Adyen has no lookup by key: a charge whose answer was lost is resolved by
//! sending the same request again under the same `Idempotency-Key`. The
//! request is saved before it is sent, through a [`ReplayStore`]: the server
//! injects a durable one (sealed at rest, since the body can hold card data,
//! and deleted with the attempt's final outcome), so a restart can still
//! replay; without one, a bounded in-process map keeps them.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use corridor_core::{Amount, Currency};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::connector::BoxFuture;
use crate::IdempotencyKey;

/// Requests remembered in memory, at most this many.
const REPLAYS_MAX: usize = 10_000;

/// Keeps the `/payments` request of each charge until its outcome is final.
pub trait ReplayStore: Send + Sync + std::fmt::Debug {
    /// Saves `request` (the serialized [`SavedCharge`]) for `key` before the
    /// charge is sent. An error means nothing is sent.
    fn save<'a>(
        &'a self,
        connector: &'a str,
        key: &'a IdempotencyKey,
        request: Vec<u8>,
    ) -> BoxFuture<'a, Result<(), String>>;

    /// The request saved for `key`, if any.
    fn load<'a>(
        &'a self,
        connector: &'a str,
        key: &'a IdempotencyKey,
    ) -> BoxFuture<'a, Result<Option<Vec<u8>>, String>>;

    /// Whether a request never saved was never sent: true for a durable
    /// store (a charge is saved before it is sent, and forgotten only once
    /// its attempt is closed), false for memory lost by a restart.
    fn durable(&self) -> bool;
}

/// What a charge needs to be replayed and read again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedCharge {
    /// The `/payments` body, exactly as sent.
    pub body: Value,
    /// Whether the charge captures on authorisation.
    pub captured: bool,
    /// The UPI VPA of a collect request (shown in its next action).
    pub vpa: Option<String>,
    /// The amount charged, minor units.
    pub amount: i64,
    /// The currency code.
    pub currency: String,
    /// The Corridor payment.
    pub payment_id: String,
}

impl SavedCharge {
    /// The amount and currency, checked.
    pub fn money(&self) -> Option<(Amount, Currency)> {
        Some((
            Amount::non_negative(self.amount).ok()?,
            Currency::parse(&self.currency).ok()?,
        ))
    }
}

/// Saved requests by connector and key, and the order they came in.
type Kept = (HashMap<String, Vec<u8>>, VecDeque<String>);

/// Requests kept in this process only (lost by a restart).
#[derive(Debug, Default)]
pub struct MemoryReplays {
    sent: Mutex<Kept>,
}

impl ReplayStore for MemoryReplays {
    fn save<'a>(
        &'a self,
        connector: &'a str,
        key: &'a IdempotencyKey,
        request: Vec<u8>,
    ) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            let id = format!("{connector}\n{key}");
            let mut guard = self.sent.lock().unwrap_or_else(|e| e.into_inner());
            let (map, order) = &mut *guard;
            if map.insert(id.clone(), request).is_none() {
                order.push_back(id);
            }
            while order.len() > REPLAYS_MAX {
                if let Some(old) = order.pop_front() {
                    map.remove(&old);
                }
            }
            Ok(())
        })
    }

    fn load<'a>(
        &'a self,
        connector: &'a str,
        key: &'a IdempotencyKey,
    ) -> BoxFuture<'a, Result<Option<Vec<u8>>, String>> {
        Box::pin(async move {
            let guard = self.sent.lock().unwrap_or_else(|e| e.into_inner());
            Ok(guard.0.get(&format!("{connector}\n{key}")).cloned())
        })
    }

    fn durable(&self) -> bool {
        false
    }
}
