//! Idempotency keys on every POST, and a timeout resolved by replaying the
//! same request under the same key, against a recording stand-in for Adyen.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use axum::{Json, Router};
use corridor_connectors::adyen::{AdyenConfig, AdyenConnector, ReplayStore};
use corridor_connectors::{
    BoxFuture, CaptureMode, ChargeOutcome, ChargeRequest, Clock, Connector, ConnectorError,
    IdempotencyKey, PaymentMethod, Wallet,
};
use corridor_core::{Amount, CountryCode, Currency};
use serde_json::{json, Value};

type Seen = Arc<Mutex<Vec<(Option<String>, Value)>>>;

async fn payments(
    State(seen): State<Seen>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Json<Value> {
    let first = {
        let mut seen = seen.lock().unwrap();
        let key = headers
            .get("idempotency-key")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        seen.push((key, body));
        seen.len() == 1
    };
    if first {
        // Slower than the connector's timeout: the charge happened, the
        // answer is lost.
        tokio::time::sleep(Duration::from_millis(1_500)).await;
    }
    Json(
        json!({"resultCode": "Authorised", "pspReference": "PSP0000000000001", "merchantReference": "pay_replay"}),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timeout_is_resolved_by_replaying_under_the_same_key() {
    let seen: Seen = Arc::default();
    let app = Router::new()
        .route("/v71/payments", post(payments))
        .with_state(Arc::clone(&seen));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let connector = AdyenConnector::new(
        AdyenConfig {
            name: "adyen_replay".into(),
            base_url: format!("http://{addr}/v71"),
            api_key: "AQE_key".into(),
            merchant_account: "CorridorECOM".into(),
            raw_card_data: false,
            return_url: "https://corridor.test/return".into(),
            timeout: Duration::from_millis(500),
            extra_headers: Vec::new(),
        },
        Clock::system(),
    )
    .unwrap();
    let key = IdempotencyKey::parse("pay_replay-a1").unwrap();
    let request = ChargeRequest {
        payment_id: "pay_replay".into(),
        idempotency_key: key.clone(),
        amount: Amount::positive(8_800).unwrap(),
        currency: Currency::parse("CNY").unwrap(),
        country: CountryCode::parse("CN").unwrap(),
        capture: CaptureMode::Automatic,
        sca_required: false,
        method: PaymentMethod::Wallet(Wallet::Alipay),
    };
    let first = connector.charge(request).await;
    assert!(
        matches!(first, Err(ConnectorError::Timeout { .. })),
        "{first:?}"
    );
    let found = connector
        .lookup(&key)
        .await
        .expect("replay")
        .expect("found");
    assert_eq!(found.outcome, ChargeOutcome::Captured);
    assert_eq!(found.reference, "PSP0000000000001");
    let recorded = seen.lock().unwrap().clone();
    assert_eq!(recorded.len(), 2);
    assert_eq!(recorded[0].0.as_deref(), Some("pay_replay-a1"));
    assert_eq!(
        recorded[0], recorded[1],
        "the replay is the same request under the same key"
    );

    // A key this connector never sent is not "not charged": it is unknown.
    let unknown = IdempotencyKey::parse("pay_other-a1").unwrap();
    assert!(connector.lookup(&unknown).await.is_err());
}

/// A durable store that holds nothing and, when `broken`, cannot save.
#[derive(Debug)]
struct Durable {
    broken: bool,
}

impl ReplayStore for Durable {
    fn save<'a>(
        &'a self,
        _connector: &'a str,
        _key: &'a IdempotencyKey,
        _request: Vec<u8>,
    ) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            if self.broken {
                Err("the database is away".into())
            } else {
                Ok(())
            }
        })
    }

    fn load<'a>(
        &'a self,
        _connector: &'a str,
        _key: &'a IdempotencyKey,
    ) -> BoxFuture<'a, Result<Option<Vec<u8>>, String>> {
        Box::pin(async move { Ok(None) })
    }

    fn durable(&self) -> bool {
        true
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_that_cannot_be_saved_is_never_sent_and_one_never_saved_was_never_sent() {
    let seen: Seen = Arc::default();
    let app = Router::new()
        .route("/v71/payments", post(payments))
        .with_state(Arc::clone(&seen));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let config = AdyenConfig {
        name: "adyen_durable".into(),
        base_url: format!("http://{addr}/v71"),
        api_key: "AQE_key".into(),
        merchant_account: "CorridorECOM".into(),
        raw_card_data: false,
        return_url: "https://corridor.test/return".into(),
        timeout: Duration::from_secs(5),
        extra_headers: Vec::new(),
    };
    let broken = AdyenConnector::with_replays(
        config.clone(),
        Clock::system(),
        Arc::new(Durable { broken: true }),
    )
    .unwrap();
    let key = IdempotencyKey::parse("pay_durable-a1").unwrap();
    let request = ChargeRequest {
        payment_id: "pay_durable".into(),
        idempotency_key: key.clone(),
        amount: Amount::positive(8_800).unwrap(),
        currency: Currency::parse("CNY").unwrap(),
        country: CountryCode::parse("CN").unwrap(),
        capture: CaptureMode::Automatic,
        sca_required: false,
        method: PaymentMethod::Wallet(Wallet::Alipay),
    };
    let refused = broken.charge(request).await;
    assert!(
        matches!(refused, Err(ConnectorError::Unavailable)),
        "{refused:?}"
    );
    assert!(seen.lock().unwrap().is_empty(), "nothing sent unsaved");
    let empty =
        AdyenConnector::with_replays(config, Clock::system(), Arc::new(Durable { broken: false }))
            .unwrap();
    assert!(
        empty.lookup(&key).await.expect("an answer").is_none(),
        "never saved: never sent"
    );
    assert!(seen.lock().unwrap().is_empty());
}
