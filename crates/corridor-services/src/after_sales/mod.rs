//! After-sales: refunds, disputes, complaints and issuers' fraud reports.
//!
//! Each object is a row of the store's after-sales table whose details are
//! this module's JSON ([`store_data`]); every change is one
//! [`corridor_store::AfterSalesWrite`] (the row checked against the version
//! read, its money, its event, and the caller's idempotency key). Refunds
//! are durable intents: written, with the merchant's balance debited,
//! before the provider is called; a crash or timeout after that is resolved
//! by looking the refund up at the provider, never by sending another.

mod complaints;
mod disputes;
mod error;
mod fraud_reports;
mod fx_rates;
mod jobs;
mod rates;
mod reads;
mod refunds;
mod store_data;
pub mod three_ds;

use std::sync::Arc;

use corridor_connectors::{BoxFuture, Connector};
use corridor_core::aftersales::fx_remainder::RemainderPolicy;
use corridor_core::Timestamp;
use corridor_store::{
    AfterSalesWrite, IdempotencyCapture, NewEvent, Store, StoredResponse, WriteOp, WriteOutcome,
    WriteRequest, WriteResult,
};
use sha2::{Digest, Sha256};

pub use complaints::{Complaint, ComplaintInput, ComplaintReport, ComplaintResolution};
pub use disputes::{
    provider_dispute_id, Dispute, DisputeMonitoring, EvidenceInput, NetworkMonitoring,
    ProviderDispute,
};
pub use error::AfterSalesError;
pub use fraud_reports::{
    fraud_report_id, FraudReport, FraudReportInput, NETWORK_REPORT_ID_CHARS_MAX,
};
pub use fx_rates::SandboxOverRates;
pub use jobs::spawn_after_sales_jobs;
pub use rates::{FixedRates, RateSource};
pub use refunds::{FxRefund, Refund, RefundBankDetails, RefundInput};

/// What refunds need from the payments: the connector a refund is sent
/// through, looked up by name when needed (the payment service's live set,
/// so a connector the operator adds while the server runs refunds its own
/// payments too), and settling a payment ahead of its delay.
pub trait RefundPayments: Send + Sync {
    /// The connector named `name`, if it is configured.
    fn connector(&self, name: &str) -> Option<Arc<dyn Connector>>;

    /// Settles the payment `id` now, as its settlement sweep would (the
    /// same movement, once); nothing for a payment already settled.
    fn settle_now<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<(), String>>;
}

impl RefundPayments for crate::payments::PaymentService {
    fn connector(&self, name: &str) -> Option<Arc<dyn Connector>> {
        crate::payments::PaymentService::connector(self, name)
    }

    fn settle_now<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            crate::payments::PaymentService::settle_now(self, id)
                .await
                .map_err(|e| e.to_string())
        })
    }
}

/// Renders after-sales objects as the API's JSON, for event payloads and
/// stored responses.
pub trait AfterSalesRender: Send + Sync {
    /// A refund.
    fn refund(&self, refund: &Refund) -> String;
    /// A dispute.
    fn dispute(&self, dispute: &Dispute) -> String;
    /// A complaint.
    fn complaint(&self, complaint: &Complaint) -> String;
    /// An issuer's fraud report.
    fn fraud_report(&self, report: &FraudReport) -> String;
    /// A merchant's standing in a network's monitoring program.
    fn monitoring(&self, merchant: &str, ratio: &NetworkMonitoring) -> String;
}

/// The caller's idempotency key, completed with the operation's final
/// write, and the HTTP status its response has.
#[derive(Debug, Clone)]
pub struct Reply {
    /// Caller scope.
    pub scope: String,
    /// The key.
    pub key: String,
    /// Digest of the request.
    pub request_hash: String,
    /// HTTP status of the stored response (201 for a creation).
    pub status: u16,
}

/// How after-sales behaves.
#[derive(Clone)]
pub struct AfterSalesConfig {
    /// Who bears the FX remainder of a refund funded in another currency.
    pub fx_remainder_policy: RemainderPolicy,
    /// Today's rates, and the rates funds were converted at.
    pub rates: Arc<dyn RateSource>,
}

/// The after-sales service. Cheap to clone.
#[derive(Clone)]
pub struct AfterSalesService {
    store: Store,
    payments: Arc<dyn RefundPayments>,
    render: Arc<dyn AfterSalesRender>,
    config: AfterSalesConfig,
    rules: Arc<std::sync::RwLock<Option<crate::compliance::rules::RulesEngine>>>,
}

impl std::fmt::Debug for AfterSalesService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AfterSalesService")
            .field("payments", &"..")
            .field("fx_remainder_policy", &self.config.fx_remainder_policy)
            .finish()
    }
}

/// What an operation answers: the object, or the response stored under the
/// caller's idempotency key by an earlier request.
#[derive(Debug)]
pub enum Answered<T> {
    /// The object after the operation.
    Done(T),
    /// The key's first response.
    Replayed(StoredResponse),
}

impl AfterSalesService {
    /// A service over the store and the payments (refunds go
    /// through the connector that took the payment).
    pub fn new(
        store: Store,
        payments: Arc<dyn RefundPayments>,
        render: Arc<dyn AfterSalesRender>,
        config: AfterSalesConfig,
    ) -> Self {
        AfterSalesService {
            store,
            payments,
            render,
            config,
            rules: Arc::default(),
        }
    }

    /// Counts refunds for transaction monitoring from now on.
    pub fn set_transaction_rules(&self, rules: crate::compliance::rules::RulesEngine) {
        *self.rules.write().unwrap_or_else(|e| e.into_inner()) = Some(rules);
    }

    fn transaction_rules(&self) -> Option<crate::compliance::rules::RulesEngine> {
        self.rules.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The FX remainder policy in force.
    pub fn fx_remainder_policy(&self) -> RemainderPolicy {
        self.config.fx_remainder_policy
    }

    fn now(&self) -> Timestamp {
        self.store.clock().now()
    }

    fn connector(&self, name: &str) -> Option<Arc<dyn Connector>> {
        self.payments.connector(name)
    }

    /// An id with `prefix`: derived from the idempotency key when there is
    /// one (a retry after a crash finds the same object), random otherwise.
    fn new_id(prefix: &str, reply: Option<&Reply>) -> String {
        match reply {
            Some(r) => format!(
                "{prefix}_{}",
                &hex::encode(Sha256::digest(format!("{prefix}\n{}\n{}", r.scope, r.key)))[..24]
            ),
            None => {
                use rand::distr::{Alphanumeric, SampleString};
                format!(
                    "{prefix}_{}",
                    Alphanumeric.sample_string(&mut rand::rng(), 24)
                )
            }
        }
    }

    fn event(&self, merchant_id: &str, kind: &str, object: String) -> NewEvent {
        NewEvent {
            merchant_id: merchant_id.to_string(),
            kind: kind.to_string(),
            object,
        }
    }

    /// Submits a change; `body` is the response to store under the key.
    async fn submit(
        &self,
        write: AfterSalesWrite,
        reply: Option<Reply>,
        body: impl FnOnce() -> String,
    ) -> Result<Submitted, AfterSalesError> {
        let capture = reply.map(|r| {
            let response = StoredResponse {
                status: r.status,
                body: body(),
            };
            IdempotencyCapture {
                scope: r.scope,
                key: r.key,
                request_hash: r.request_hash,
                respond: Box::new(move |outcome: &WriteOutcome, _at| {
                    matches!(outcome, WriteOutcome::AfterSales(Ok(_))).then(|| response.clone())
                }),
            }
        });
        let result = self
            .store
            .writer()
            .submit(WriteRequest {
                op: WriteOp::AfterSales(Box::new(write)),
                idempotency: capture,
            })
            .await?;
        match result {
            WriteResult::Done {
                outcome: WriteOutcome::AfterSales(Ok(_)),
                ..
            } => Ok(Submitted::Written),
            WriteResult::Done {
                outcome: WriteOutcome::AfterSales(Err(refusal)),
                ..
            } => Ok(Submitted::Refused(refusal)),
            WriteResult::Done { outcome, .. } => Err(AfterSalesError::Store(
                corridor_store::StoreError::Corrupt(format!("unexpected outcome {outcome:?}")),
            )),
            WriteResult::AlreadyCompleted(_) => Ok(Submitted::Replayed),
        }
    }
}

/// What the writer did with a change.
enum Submitted {
    Written,
    Refused(corridor_store::Refusal),
    /// The caller's key was completed by an earlier request.
    Replayed,
}
