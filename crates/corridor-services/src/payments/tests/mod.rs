//! The payment service against scripted connectors, without HTTP: each
//! test says what the provider answers (timeouts, unknown outcomes, late
//! notifications) and checks what Corridor records and never repeats.

mod capture_failed;
mod confirm;
mod jobs;
mod recovery;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use corridor_connectors::connector::{BoxFuture, ConnectorResult};
use corridor_connectors::sandbox::{SandboxConfig, SandboxWorld};
use corridor_connectors::{
    CancelRequest, CaptureRequest, ChargeOutcome, ChargeRequest, ChargeResponse, Connector,
    ConnectorError, Coverage, IdempotencyKey, RefundOutcome, RefundRequest, RefundResponse,
};
use corridor_core::{Amount, Currency};
use corridor_store::{
    ApiKeyRecord, MerchantRecord, Principal, Store, StoreConfig, StoredResponse, TestClock,
    WriteOp, WriteRequest,
};

use super::{CardInput, PaymentInput, PaymentService, PaymentSnapshot, RenderFn};

/// A connector that answers what the test scripted, in order, and records
/// every call. With nothing scripted: a charge is captured, a lookup finds
/// nothing, a cancel cancels, a retrieve is not found, a refund succeeds
/// (once per key: the provider keeps what each key did).
pub(super) struct Scripted {
    name: String,
    coverage: Coverage,
    settle: Duration,
    pub charges: Mutex<VecDeque<ConnectorResult<ChargeResponse>>>,
    pub lookups: Mutex<VecDeque<ConnectorResult<Option<ChargeResponse>>>>,
    pub cancels: Mutex<VecDeque<ConnectorResult<ChargeResponse>>>,
    pub retrieves: Mutex<VecDeque<ConnectorResult<ChargeResponse>>>,
    pub refunds: Mutex<VecDeque<ConnectorResult<RefundResponse>>>,
    /// Refunds the provider holds, by idempotency key.
    pub refunded: Mutex<Vec<(String, RefundResponse)>>,
    pub calls: Mutex<Vec<String>>,
}

impl Scripted {
    pub fn new(name: &str, settle: Duration) -> Arc<Scripted> {
        let world = SandboxWorld::standard(
            SandboxConfig::virtual_time(1),
            corridor_connectors::Clock::system(),
        );
        let coverage = world
            .connector("atlas")
            .expect("the standard world has atlas")
            .coverage()
            .clone();
        Arc::new(Scripted {
            name: name.to_string(),
            coverage,
            settle,
            charges: Mutex::default(),
            lookups: Mutex::default(),
            cancels: Mutex::default(),
            retrieves: Mutex::default(),
            refunds: Mutex::default(),
            refunded: Mutex::default(),
            calls: Mutex::default(),
        })
    }

    pub fn script_charge(&self, r: ConnectorResult<ChargeResponse>) {
        self.charges.lock().unwrap().push_back(r);
    }

    pub fn script_lookup(&self, r: ConnectorResult<Option<ChargeResponse>>) {
        self.lookups.lock().unwrap().push_back(r);
    }

    /// Calls made, as `charge:<key>`, `lookup:<key>`, `cancel:<reference>`, ...
    pub fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap().clone()
    }

    pub fn count(&self, prefix: &str) -> usize {
        self.calls()
            .iter()
            .filter(|c| c.starts_with(prefix))
            .count()
    }

    fn log(&self, call: String) {
        self.calls.lock().unwrap().push(call);
    }
}

/// A charge in `outcome` for `amount` USD.
pub(super) fn charge(reference: &str, outcome: ChargeOutcome, amount: i64) -> ChargeResponse {
    let amount = Amount::positive(amount).unwrap();
    ChargeResponse {
        reference: reference.to_string(),
        amount_captured: if outcome == ChargeOutcome::Captured {
            amount
        } else {
            Amount::ZERO
        },
        outcome,
        amount,
        currency: Currency::parse("USD").unwrap(),
        fee: Amount::ZERO,
        latency_ms: 0,
    }
}

pub(super) fn timeout() -> ConnectorError {
    ConnectorError::Timeout { timeout_ms: 1000 }
}

impl Connector for Scripted {
    fn name(&self) -> &str {
        &self.name
    }

    fn coverage(&self) -> &Coverage {
        &self.coverage
    }

    fn settle_window(&self) -> Duration {
        self.settle
    }

    fn charge(&self, request: ChargeRequest) -> BoxFuture<'_, ConnectorResult<ChargeResponse>> {
        self.log(format!("charge:{}", request.idempotency_key));
        let scripted = self.charges.lock().unwrap().pop_front();
        let answer = scripted.unwrap_or_else(|| {
            Ok(charge(
                &format!("{}_ref_{}", self.name, request.idempotency_key),
                ChargeOutcome::Captured,
                request.amount.minor(),
            ))
        });
        Box::pin(async move { answer })
    }

    fn lookup<'a>(
        &'a self,
        key: &'a IdempotencyKey,
    ) -> BoxFuture<'a, ConnectorResult<Option<ChargeResponse>>> {
        self.log(format!("lookup:{key}"));
        let answer = self.lookups.lock().unwrap().pop_front().unwrap_or(Ok(None));
        Box::pin(async move { answer })
    }

    fn retrieve<'a>(
        &'a self,
        reference: &'a str,
    ) -> BoxFuture<'a, ConnectorResult<ChargeResponse>> {
        self.log(format!("retrieve:{reference}"));
        let answer = self
            .retrieves
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or_else(|| Err(ConnectorError::NotFound(reference.to_string())));
        Box::pin(async move { answer })
    }

    fn capture(&self, request: CaptureRequest) -> BoxFuture<'_, ConnectorResult<ChargeResponse>> {
        self.log(format!("capture:{}", request.reference));
        let answer = Ok(charge(
            &request.reference,
            ChargeOutcome::Captured,
            request.amount.minor(),
        ));
        Box::pin(async move { answer })
    }

    fn cancel(&self, request: CancelRequest) -> BoxFuture<'_, ConnectorResult<ChargeResponse>> {
        self.log(format!("cancel:{}", request.reference));
        let scripted = self.cancels.lock().unwrap().pop_front();
        let answer =
            scripted.unwrap_or_else(|| Ok(charge(&request.reference, ChargeOutcome::Canceled, 1)));
        Box::pin(async move { answer })
    }

    fn complete_action<'a>(
        &'a self,
        reference: &'a str,
    ) -> BoxFuture<'a, ConnectorResult<ChargeResponse>> {
        Box::pin(async move { Err(ConnectorError::InvalidRequest(reference.to_string())) })
    }

    /// A scripted answer first (a timeout after which the provider holds the
    /// refund all the same is scripted by recording it in `refunded`);
    /// otherwise the first refund under the key, or a new one that succeeds.
    fn refund(&self, request: RefundRequest) -> BoxFuture<'_, ConnectorResult<RefundResponse>> {
        let key = request.idempotency_key.to_string();
        self.log(format!("refund:{key}"));
        let scripted = self.refunds.lock().unwrap().pop_front();
        let answer = scripted.unwrap_or_else(|| {
            let mut held = self.refunded.lock().unwrap();
            if let Some((_, first)) = held.iter().find(|(k, _)| *k == key) {
                return Ok(first.clone());
            }
            let response = RefundResponse {
                reference: format!("{}_rf_{}", self.name, held.len() + 1),
                charge_reference: request.charge_reference.clone(),
                outcome: RefundOutcome::Succeeded,
                amount: request.amount,
                currency: request.currency,
                latency_ms: 0,
            };
            held.push((key, response.clone()));
            Ok(response)
        });
        Box::pin(async move { answer })
    }

    fn lookup_refund<'a>(
        &'a self,
        key: &'a IdempotencyKey,
    ) -> BoxFuture<'a, ConnectorResult<Option<RefundResponse>>> {
        self.log(format!("lookup_refund:{key}"));
        let found = self
            .refunded
            .lock()
            .unwrap()
            .iter()
            .find(|(k, _)| k == key.as_str())
            .map(|(_, r)| r.clone());
        Box::pin(async move { Ok(found) })
    }
}

/// A service over scripted connectors on a fresh SQLite database.
pub(super) struct Harness {
    pub service: PaymentService,
    pub clock: TestClock,
    pub merchant: String,
    _dir: tempfile::TempDir,
}

impl Harness {
    pub async fn new(connectors: &[Arc<Scripted>]) -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let clock = TestClock::default();
        let store = Store::open(
            &StoreConfig::Sqlite(dir.path().join("t.db")),
            Arc::new(clock.clone()),
            Default::default(),
        )
        .await
        .unwrap();
        let merchant = "mer_test".to_string();
        store
            .writer()
            .submit(WriteRequest {
                op: WriteOp::CreateMerchant {
                    merchant: MerchantRecord {
                        id: merchant.clone(),
                        legal_name: "Test Seller".into(),
                        country: "US".into(),
                        home_currency: Currency::parse("USD").unwrap(),
                        email: None,
                        website: None,
                        marketplace_store_ids: Vec::new(),
                        kyb_status: "verified".into(),
                        created_at: clock.now_ts(),
                    },
                    api_key: ApiKeyRecord {
                        key_hash: "hash".into(),
                        principal: Principal::Merchant(merchant.clone()),
                    },
                },
                idempotency: None,
            })
            .await
            .unwrap();
        let render: RenderFn = Arc::new(|s: &PaymentSnapshot| StoredResponse {
            status: 201,
            body: format!("{}:{}", s.payment.id, s.payment.status),
        });
        let connectors: Vec<Arc<dyn Connector>> = connectors
            .iter()
            .map(|c| c.clone() as Arc<dyn Connector>)
            .collect();
        let service = PaymentService::new(store, connectors, b"test-key", render).unwrap();
        Harness {
            service,
            clock,
            merchant,
            _dir: dir,
        }
    }

    /// A card payment request for `amount` USD.
    pub fn input(&self, amount: i64, confirm: bool, capture: Option<&str>) -> PaymentInput {
        PaymentInput {
            merchant_id: self.merchant.clone(),
            amount,
            currency: "USD".into(),
            country: "US".into(),
            method_type: "card".into(),
            card: Some(CardInput {
                number: "4242424242424242".into(),
                exp_month: 12,
                exp_year: 2030,
                cvc: "123".into(),
            }),
            encrypted_card: Default::default(),
            iban: None,
            owner_name: None,
            vpa: None,
            capture_method: capture.map(str::to_string),
            confirm,
            description: None,
            metadata: None,
            customer_email: None,
        }
    }

    /// The payment as stored.
    pub async fn payment(&self, id: &str) -> PaymentSnapshot {
        self.service.get(id, None).await.unwrap()
    }

    /// Ledger postings on the merchant's accounts.
    pub async fn merchant_pending(&self) -> i64 {
        let balances = self
            .service
            .store()
            .balances(&corridor_store::Owner::Merchant(self.merchant.clone()))
            .await
            .unwrap();
        balances.iter().map(|b| b.posted).sum()
    }
}

/// The payment id of an answer.
pub(super) fn id_of(answer: &Result<super::Answer, super::PaymentError>) -> String {
    match answer {
        Ok(super::Answer::Payment(s, _)) => s.payment.id.clone(),
        Err(super::PaymentError::Declined { payment, .. }) => payment.payment.id.clone(),
        other => panic!("no payment in {other:?}"),
    }
}

trait NowTs {
    fn now_ts(&self) -> corridor_core::Timestamp;
}

impl NowTs for TestClock {
    fn now_ts(&self) -> corridor_core::Timestamp {
        use corridor_store::Clock;
        self.now()
    }
}
