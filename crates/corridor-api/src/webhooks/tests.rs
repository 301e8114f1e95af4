//! The dispatcher against a real SQLite store and a real HTTP receiver:
//! fan-out, signing, retry after backoff on the store's clock, and a restart
//! between two attempts.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use corridor_core::Currency;
use corridor_store::{
    Clock, NewEvent, PaymentRecord, PaymentWrite, Store, StoreConfig, TestClock,
    WebhookEndpointRecord, WebhookWrite, WriteOp, WriteRequest,
};

use super::dispatcher::{run_with, DispatcherConfig};
use super::signing;

/// Requests received, and the statuses to answer (then 200).
#[derive(Default)]
struct Receiver {
    got: Mutex<Vec<(HeaderMap, Bytes)>>,
    answers: Mutex<Vec<StatusCode>>,
}

async fn receive(State(r): State<Arc<Receiver>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    r.got.lock().unwrap().push((headers, body));
    r.answers.lock().unwrap().pop().unwrap_or(StatusCode::OK)
}

async fn start_receiver(answers: Vec<StatusCode>) -> (String, Arc<Receiver>) {
    let receiver = Arc::new(Receiver {
        answers: Mutex::new(answers),
        ..Receiver::default()
    });
    let app = axum::Router::new()
        .route("/hook", axum::routing::post(receive))
        .with_state(receiver.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, receiver)
}

async fn open(path: &std::path::Path, clock: &TestClock) -> Store {
    let config = StoreConfig::Sqlite(path.to_path_buf());
    Store::open(&config, Arc::new(clock.clone()), Default::default())
        .await
        .unwrap()
}

async fn write(store: &Store, op: WriteOp) {
    let request = WriteRequest {
        op,
        idempotency: None,
    };
    store.writer().submit(request).await.unwrap();
}

fn endpoint(
    id: &str,
    merchant: &str,
    url: &str,
    events: &[&str],
    store: &Store,
) -> WebhookEndpointRecord {
    WebhookEndpointRecord {
        id: id.into(),
        merchant_id: merchant.into(),
        url: url.into(),
        events: events.iter().map(|e| e.to_string()).collect(),
        secret: format!("whsec_{id}"),
        created_at: store.clock().now(),
    }
}

/// A new payment with one event.
fn payment(store: &Store, merchant: &str, kind: &str) -> WriteOp {
    let now = store.clock().now();
    let payment = PaymentRecord {
        id: "pay_1".into(),
        merchant_id: merchant.into(),
        status: corridor_core::payments::status::PaymentStatus::Succeeded,
        amount: 1000,
        currency: Currency::parse("USD").unwrap(),
        country: "US".into(),
        method_type: corridor_core::payments::method::MethodType::Card,
        capture_method: corridor_core::payments::method::CaptureMode::Automatic,
        card: None,
        connector: None,
        connector_ref: None,
        amount_captured: 1000,
        amount_refunded: 0,
        fee: 0,
        next_action: None,
        decline_code: None,
        description: None,
        metadata: None,
        customer_email: None,
        expires_at: None,
        settle_at: None,
        settled: false,
        version: 0,
        created_at: now,
        updated_at: now,
    };
    let event = NewEvent {
        merchant_id: merchant.into(),
        kind: kind.into(),
        object: r#"{"id":"pay_1","object":"payment","amount":1000}"#.into(),
    };
    WriteOp::Payment(Box::new(PaymentWrite {
        payment,
        expected_version: None,
        attempts: vec![],
        ledger: None,
        events: vec![event],
        started_key: None,
    }))
}

async fn wait_for(receiver: &Receiver, count: usize) {
    for _ in 0..200 {
        if receiver.got.lock().unwrap().len() >= count {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the receiver never got {count} requests");
}

fn dispatcher(store: &Store) -> tokio::task::JoinHandle<()> {
    let config = DispatcherConfig {
        poll_interval: Duration::from_millis(20),
        targets: super::target::TargetPolicy {
            require_https: false,
            allow_private: true,
        },
        ..DispatcherConfig::default()
    };
    tokio::spawn(run_with(store.clone(), config))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delivers_signed_retries_after_backoff_and_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("corridor.db");
    let (url, receiver) = start_receiver(vec![StatusCode::INTERNAL_SERVER_ERROR]).await;
    let store = open(&path, &TestClock::default()).await;
    let endpoints = vec![
        endpoint("we_a", "mer_a", &url, &["payment.succeeded"], &store),
        endpoint("we_a_failed", "mer_a", &url, &["payment.failed"], &store),
        endpoint("we_b", "mer_b", &url, &["*"], &store),
    ];
    let hooks = WebhookWrite {
        endpoints_new: endpoints,
        ..WebhookWrite::default()
    };
    write(&store, WriteOp::Webhooks(hooks)).await;
    write(&store, payment(&store, "mer_a", "payment.succeeded")).await;

    let first = dispatcher(&store);
    wait_for(&receiver, 1).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    first.abort();
    assert_eq!(
        receiver.got.lock().unwrap().len(),
        1,
        "not retried before its time"
    );
    let log = store.webhook_deliveries("we_a", 10, None).await.unwrap();
    let d = &log.items[0].delivery;
    assert_eq!(
        (d.status.as_str(), d.attempts, d.last_status_code),
        ("pending", 1, Some(500))
    );
    assert!(d.next_attempt_at > store.clock().now().plus_seconds(29));
    drop(store);

    // A restart: a new store on the same file, its clock past the backoff.
    let clock = TestClock::default();
    clock.advance(60);
    let store = open(&path, &clock).await;
    let second = dispatcher(&store);
    wait_for(&receiver, 2).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    second.abort();

    let got = receiver.got.lock().unwrap().clone();
    let events = store.events_after(0, 10).await.unwrap();
    let event = &events[0];
    let hex = event.id.strip_prefix("evt_").unwrap_or_default();
    assert!(
        hex.len() == 24 && hex.bytes().all(|b| b.is_ascii_hexdigit()),
        "event ids are opaque, not outbox positions: {}",
        event.id
    );
    assert_eq!(
        got.len(),
        2,
        "one event, one endpoint: no duplicate delivery"
    );
    for (headers, body) in &got {
        let header = headers[signing::HEADER].to_str().unwrap();
        let now_s = corridor_store::SystemClock.now().unix_micros() / 1_000_000;
        signing::verify("whsec_we_a", header, body, now_s, 60).unwrap();
        assert_eq!(headers["content-type"], "application/json");
        let json: serde_json::Value = serde_json::from_slice(body).unwrap();
        assert_eq!(json["id"], event.id.as_str());
        assert_eq!(json["type"], "payment.succeeded");
        assert_eq!(json["data"]["object"]["id"], "pay_1");
    }
    let log = store.webhook_deliveries("we_a", 10, None).await.unwrap();
    let d = &log.items[0];
    assert_eq!(
        (d.event_id.as_str(), d.event_type.as_str()),
        (event.id.as_str(), "payment.succeeded")
    );
    assert_eq!(
        (d.delivery.status.as_str(), d.delivery.attempts),
        ("delivered", 2)
    );
    assert_eq!(d.delivery.last_status_code, Some(200));
    for other in ["we_a_failed", "we_b"] {
        let log = store.webhook_deliveries(other, 10, None).await.unwrap();
        assert!(log.items.is_empty(), "{other} does not want this event");
    }
}
