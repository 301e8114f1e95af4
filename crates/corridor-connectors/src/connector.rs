//! The connector trait: what the payment service asks of any PSP.

use std::future::Future;
use std::pin::Pin;

use crate::{
    CancelRequest, CaptureRequest, ChargeRequest, ChargeResponse, ConnectorError, IdempotencyKey,
    RefundRequest, RefundResponse,
};

/// A boxed, sendable future: what the [`Connector`] methods return, so that
/// connectors can be held as `Arc<dyn Connector>`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The answer of a connector call.
pub type ConnectorResult<T> = Result<T, ConnectorError>;

/// One payment service provider, reached in-process or over the network.
///
/// Every call that changes something carries an idempotency key: a charge
/// repeated with the same key answers the first charge's response and never
/// charges twice; a capture or cancel repeated with its key answers the first
/// result. Declines are `Ok` answers ([`crate::ChargeOutcome::Declined`]);
/// `Err` means the provider could not answer ([`ConnectorError`]).
pub trait Connector: Send + Sync {
    /// The provider's stable name (`atlas`, `lotus`, ...).
    fn name(&self) -> &str;

    /// Which method types, countries, currencies and amounts it serves.
    fn coverage(&self) -> &crate::Coverage;

    /// Starts a payment: authorizes, captures, or asks the buyer to act.
    fn charge(&self, request: ChargeRequest) -> BoxFuture<'_, ConnectorResult<ChargeResponse>>;

    /// The current state of the charge made with `key`, or `None` if the
    /// provider never recorded it. Used after a timeout, before retrying the
    /// payment on another connector.
    fn lookup<'a>(
        &'a self,
        key: &'a IdempotencyKey,
    ) -> BoxFuture<'a, ConnectorResult<Option<ChargeResponse>>>;

    /// How long after a charge request was sent a [`Connector::lookup`] that
    /// finds nothing is a definite "no such charge": by then the provider has
    /// either recorded the request or will never act on it. Before that, an
    /// empty lookup may only mean the provider is still processing it (or a
    /// proxy lost the answer), and the payment must wait. The default is one
    /// day; a connector whose provider rejects late requests can say less.
    fn settle_window(&self) -> std::time::Duration {
        std::time::Duration::from_secs(24 * 3600)
    }

    /// The current state of the charge with this provider reference.
    fn retrieve<'a>(&'a self, reference: &'a str)
        -> BoxFuture<'a, ConnectorResult<ChargeResponse>>;

    /// Captures an authorized charge, in full or in part.
    fn capture(&self, request: CaptureRequest) -> BoxFuture<'_, ConnectorResult<ChargeResponse>>;

    /// Cancels a charge that is not captured (voids an authorization,
    /// withdraws a QR code or voucher).
    fn cancel(&self, request: CancelRequest) -> BoxFuture<'_, ConnectorResult<ChargeResponse>>;

    /// Sandbox only: the buyer finished the action the charge asked for
    /// (passed 3DS, finished the redirect, scanned the QR code, approved the
    /// UPI collect request, paid the voucher). Repeating it answers the
    /// current state. A connector to a real provider would answer
    /// [`ConnectorError::InvalidRequest`].
    fn complete_action<'a>(
        &'a self,
        reference: &'a str,
    ) -> BoxFuture<'a, ConnectorResult<ChargeResponse>>;

    /// Refunds part or all of a captured charge. Repeating the call with the
    /// same key and request answers the first refund; the same key with
    /// another request is an [`ConnectorError::IdempotencyConflict`]. On a
    /// timeout, call [`Self::lookup_refund`] with the key: never send the
    /// refund under another key.
    ///
    /// A connector to a provider that cannot refund keeps this default,
    /// which refuses every refund as an invalid request (nothing is sent).
    fn refund(&self, request: RefundRequest) -> BoxFuture<'_, ConnectorResult<RefundResponse>> {
        let _ = request;
        Box::pin(async move {
            Err(ConnectorError::InvalidRequest(format!(
                "provider `{}` does not support refunds",
                self.name()
            )))
        })
    }

    /// The refund made with `key`, or `None` if the provider never recorded
    /// it (then it is safe to send it again with the same key).
    fn lookup_refund<'a>(
        &'a self,
        key: &'a IdempotencyKey,
    ) -> BoxFuture<'a, ConnectorResult<Option<RefundResponse>>> {
        let _ = key;
        Box::pin(async move { Ok(None) })
    }

    /// The current state of the refund with this provider reference (how a
    /// pending refund is followed until it succeeds or fails).
    fn retrieve_refund<'a>(
        &'a self,
        reference: &'a str,
    ) -> BoxFuture<'a, ConnectorResult<RefundResponse>> {
        Box::pin(async move { Err(ConnectorError::NotFound(reference.to_string())) })
    }
}

/// Shows which provider a `dyn Connector` is, for logs and test failures.
impl std::fmt::Debug for dyn Connector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Connector({})", self.name())
    }
}
