//! Webhooks: endpoints merchants register, and the dispatcher that delivers
//! every outbox event to them, signed, retried with backoff across restarts.
//!
//! The ledger writer puts each payment change's events in the `events`
//! outbox in the same transaction as the change. The dispatcher fans each
//! event out into one pending delivery row per subscribed endpoint and
//! advances its cursor in one write, then sends due deliveries and records
//! each attempt. Everything it knows is in rows, so a restart resumes
//! where it stopped: an event is delivered at least once per endpoint.

pub mod deliveries;
pub mod dispatcher;
pub mod endpoints;
pub mod signing;
pub mod target;

mod attempt;
#[cfg(test)]
mod tests;

use rand::distr::{Alphanumeric, SampleString};

/// Event types an endpoint may subscribe to; `*` means all of them.
pub const EVENT_TYPES: &[&str] = &[
    "payment.created",
    "payment.requires_action",
    "payment.processing",
    "payment.requires_capture",
    "payment.succeeded",
    "payment.failed",
    "payment.canceled",
    "payment.updated",
    "refund.created",
    "refund.updated",
    "refund.succeeded",
    "refund.failed",
    "dispute.created",
    "dispute.updated",
    "dispute.submitted",
    "dispute.closed",
    "merchant.monitoring_alert",
    "fraud_report.created",
    "complaint.created",
    "complaint.updated",
    "complaint.resolved",
    "complaint.escalated",
    "complaint.overdue",
];

/// Subscribes an endpoint to every event type.
pub const ALL_EVENTS: &str = "*";

/// Random characters in generated ids and secrets.
const RANDOM_CHARS: usize = 24;

/// Random characters in a signing secret (about 190 bits).
const SECRET_RANDOM_CHARS: usize = 32;

fn random(chars: usize) -> String {
    Alphanumeric.sample_string(&mut rand::rng(), chars)
}

/// A new endpoint id (`we_...`).
fn new_endpoint_id() -> String {
    format!("we_{}", random(RANDOM_CHARS))
}

/// A new delivery id (`whd_...`).
fn new_delivery_id() -> String {
    format!("whd_{}", random(RANDOM_CHARS))
}

/// A new signing secret (`whsec_...`).
fn new_secret() -> String {
    format!("whsec_{}", random(SECRET_RANDOM_CHARS))
}

/// Whether an endpoint subscribed to `events` wants an event of type `kind`.
fn subscribes(events: &[String], kind: &str) -> bool {
    events.iter().any(|e| e == ALL_EVENTS || e == kind)
}
