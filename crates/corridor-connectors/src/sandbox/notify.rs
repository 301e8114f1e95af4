//! Notifications of asynchronous changes, to in-process subscribers.

use std::sync::Mutex;

use corridor_core::Timestamp;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

use crate::ChargeResponse;

/// A charge changed without a call asking for it (the buyer acted, a voucher
/// was paid, a debit settled, a QR code expired, an authorization lapsed).
/// Notifications may repeat a state a call already answered: apply them
/// idempotently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// Increasing per world; the HTTP id is `ntf_<id>`.
    pub id: u64,
    /// The provider's name.
    pub psp: String,
    /// The Corridor payment the charge belongs to.
    pub payment_id: String,
    /// When it happened (simulated time).
    pub created_at: Timestamp,
    /// The charge as it now stands (`latency_ms` is 0).
    pub charge: ChargeResponse,
}

/// Everyone listening for notifications.
#[derive(Debug, Default)]
pub(crate) struct Subscribers {
    senders: Mutex<Vec<UnboundedSender<Notification>>>,
}

impl Subscribers {
    pub fn subscribe(&self) -> UnboundedReceiver<Notification> {
        let (sender, receiver) = unbounded_channel();
        self.lock().push(sender);
        receiver
    }

    /// Sends each notification to every live subscriber, forgetting those
    /// that hung up.
    pub fn publish(&self, notifications: &[Notification]) {
        if notifications.is_empty() {
            return;
        }
        let mut senders = self.lock();
        senders.retain(|sender| notifications.iter().all(|n| sender.send(n.clone()).is_ok()));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<UnboundedSender<Notification>>> {
        // A panic elsewhere cannot leave the list half-updated.
        self.senders.lock().unwrap_or_else(|e| e.into_inner())
    }
}
