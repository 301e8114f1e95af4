//! The payment method of a payment created without `confirm`, kept briefly
//! so that a bare `POST /v1/payments/{id}/confirm` can use it.
//!
//! Card data is never written anywhere: it stays in this process's memory,
//! scoped to the merchant and the payment, for at most [`VAULT_TTL`], and is
//! dropped once the payment is confirmed. After a restart or past that
//! time, confirm answers that the method must be sent again.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a method is kept.
pub const VAULT_TTL: Duration = Duration::from_secs(30 * 60);

/// Most methods kept at once; beyond it the oldest are dropped first.
const VAULT_MAX_ENTRIES: usize = 100_000;

/// A kept payment method (whatever the request carried).
#[derive(Clone)]
pub struct VaultedMethod<T: Clone> {
    method: T,
    kept_at: Instant,
}

/// Methods by (merchant, payment id).
pub struct CardVault {
    entries:
        Mutex<HashMap<(String, String), VaultedMethod<crate::routes::payments::PaymentMethodBody>>>,
}

impl Default for CardVault {
    fn default() -> Self {
        CardVault {
            entries: Mutex::new(HashMap::new()),
        }
    }
}

impl std::fmt::Debug for CardVault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the contents.
        f.write_str("CardVault")
    }
}

impl CardVault {
    /// Keeps a payment's method.
    pub fn keep(
        &self,
        merchant: &str,
        payment: &str,
        method: crate::routes::payments::PaymentMethodBody,
    ) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        let now = Instant::now();
        entries.retain(|_, e| now.duration_since(e.kept_at) < VAULT_TTL);
        if entries.len() >= VAULT_MAX_ENTRIES {
            if let Some(oldest) = entries
                .iter()
                .min_by_key(|(_, e)| e.kept_at)
                .map(|(k, _)| k.clone())
            {
                entries.remove(&oldest);
            }
        }
        entries.insert(
            (merchant.to_string(), payment.to_string()),
            VaultedMethod {
                method,
                kept_at: now,
            },
        );
    }

    /// The kept method of a payment, if still there.
    pub fn get(
        &self,
        merchant: &str,
        payment: &str,
    ) -> Option<crate::routes::payments::PaymentMethodBody> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(&(merchant.to_string(), payment.to_string()))
            .filter(|e| e.kept_at.elapsed() < VAULT_TTL)
            .map(|e| e.method.clone())
    }

    /// Drops a payment's method.
    pub fn forget(&self, merchant: &str, payment: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(&(merchant.to_string(), payment.to_string()));
        }
    }
}
