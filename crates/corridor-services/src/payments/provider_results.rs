//! Results a provider reports on its own (a signed webhook), applied to the
//! payment they concern.

use corridor_connectors::ChargeResponse;
use corridor_core::payments::status::PaymentEvent;

use super::{PaymentError, PaymentService, PaymentSnapshot};

/// What became of a provider's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderResult {
    /// The payment is known and was charged at this connector: the result
    /// was applied (a repeated or stale result changes nothing).
    Applied,
    /// No payment has this id, or it was charged elsewhere.
    UnknownPayment,
}

impl PaymentService {
    /// Applies `response`, reported by `connector` for `payment_id`, as an
    /// asynchronous result through the state machine.
    pub async fn apply_provider_result(
        &self,
        connector: &str,
        payment_id: &str,
        response: &ChargeResponse,
    ) -> Result<ProviderResult, PaymentError> {
        let Some(payment) = self.store.payment(payment_id).await? else {
            return Ok(ProviderResult::UnknownPayment);
        };
        if payment.connector.as_deref() != Some(connector) {
            return Ok(ProviderResult::UnknownPayment);
        }
        let attempts = self.store.payment_attempts(&payment.id).await?;
        self.apply_update(
            PaymentSnapshot { payment, attempts },
            connector,
            response,
            PaymentEvent::AsyncResult,
        )
        .await?;
        Ok(ProviderResult::Applied)
    }
}
