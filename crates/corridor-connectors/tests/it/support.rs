//! A sandbox server and a webhook receiver per test, on a manual clock.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::HeaderMap;
use axum::routing::post;
use axum::Router;
use corridor_connectors::sandbox::http::{self, SandboxServer};
use corridor_connectors::sandbox::{SandboxConfig, SandboxWorld, WebhookTarget};
use corridor_connectors::{
    CaptureMode, CardDetails, ChargeRequest, HttpConnector, IdempotencyKey, ManualClock,
    PaymentMethod,
};
use corridor_core::payments::card::{CardNumber, Expiry};
use corridor_core::{Amount, CountryCode, Currency, Timestamp};
use tokio::net::TcpListener;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};

/// 2026-11-26T00:00:00Z.
pub const START: Timestamp = Timestamp::from_unix_micros(1_795_651_200_000_000);

/// The HTTP client's timeout.
pub const CLIENT_TIMEOUT: Duration = Duration::from_millis(400);

pub const WEBHOOK_SECRET: &str = "whsec_test";

/// One delivery as the receiver saw it: signature header and raw body.
pub struct Delivery {
    pub signature: String,
    pub body: Vec<u8>,
}

/// A running sandbox and what a test needs around it.
pub struct Sandbox {
    pub world: Arc<SandboxWorld>,
    pub clock: ManualClock,
    pub server: SandboxServer,
    pub deliveries: UnboundedReceiver<Delivery>,
}

impl Sandbox {
    /// A standard world without background faults, served on port 0, with
    /// webhooks to a receiver on port 0.
    pub async fn start(seed: u64) -> Sandbox {
        let (webhook_url, deliveries) = receiver().await;
        let clock = ManualClock::new(START);
        let config = SandboxConfig {
            background_faults: false,
            http_hang_ms: 3_000,
            webhook: Some(WebhookTarget {
                url: webhook_url,
                secret: WEBHOOK_SECRET.to_string(),
            }),
            ..SandboxConfig::virtual_time(seed)
        };
        let world = SandboxWorld::standard(config, clock.clock());
        let server = http::spawn("127.0.0.1:0".parse().unwrap(), Arc::clone(&world))
            .await
            .unwrap();
        Sandbox {
            world,
            clock,
            server,
            deliveries,
        }
    }

    /// A connector to `psp`, its coverage fetched from the server.
    pub async fn connector(&self, psp: &str) -> HttpConnector {
        HttpConnector::connect(&self.server.base_url(), psp, CLIENT_TIMEOUT)
            .await
            .unwrap()
    }

    /// The next delivery, waiting at most five seconds.
    pub async fn next_delivery(&mut self) -> Delivery {
        tokio::time::timeout(Duration::from_secs(5), self.deliveries.recv())
            .await
            .expect("a webhook delivery within 5 s")
            .expect("the receiver is running")
    }
}

/// A webhook receiver on 127.0.0.1:0: its URL and what it receives.
async fn receiver() -> (String, UnboundedReceiver<Delivery>) {
    let (sender, receiver) = unbounded_channel();
    let app = Router::new().route(
        "/hooks",
        post(move |headers: HeaderMap, body: Bytes| {
            let sender = sender.clone();
            async move {
                let signature = headers
                    .get("sandbox-signature")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_string();
                let _ = sender.send(Delivery {
                    signature,
                    body: body.to_vec(),
                });
                "ok"
            }
        }),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/hooks"), receiver)
}

pub fn key(text: &str) -> IdempotencyKey {
    IdempotencyKey::parse(text).unwrap()
}

pub fn card(number: &str) -> PaymentMethod {
    PaymentMethod::Card(CardDetails {
        number: CardNumber::parse(number).unwrap(),
        expiry: Expiry {
            month: 12,
            year: 2030,
        },
        cvc: "123".to_string(),
    })
}

/// A charge of `amount_minor` `currency` in `country`, captured automatically.
pub fn charge_request(
    id: &str,
    method: PaymentMethod,
    amount_minor: i64,
    currency: &str,
    country: &str,
) -> ChargeRequest {
    ChargeRequest {
        payment_id: format!("pay_{id}"),
        idempotency_key: key(&format!("key_{id}")),
        amount: Amount::positive(amount_minor).unwrap(),
        currency: Currency::parse(currency).unwrap(),
        country: CountryCode::parse(country).unwrap(),
        capture: CaptureMode::Automatic,
        sca_required: false,
        method,
    }
}
