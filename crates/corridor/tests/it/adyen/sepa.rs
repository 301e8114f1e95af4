//! SEPA Direct Debit through Adyen: the request carries the IBAN and the
//! account holder's name (`SepaDirectDebitDetails`, checked by Prism against
//! Adyen's document), Adyen answers `Received`, and the payment completes by
//! notification, once.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use axum::{Json, Router};
use corridor_connectors::adyen::{AdyenConfig, AdyenConnector};
use corridor_connectors::{
    CaptureMode, ChargeOutcome, ChargeRequest, Clock, Connector, IdempotencyKey, PaymentMethod,
};
use corridor_core::{Amount, CountryCode, Currency};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::api::{item, notify, request, HMAC_KEY};
use super::prism::Prism;
use crate::support::{both_backends, Server, OPERATOR_KEY};

const IBAN: &str = "DE89370400440532013000";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sepa_debit_request_is_one_the_checkout_document_accepts() {
    let Some(prism) = Prism::start().await else {
        return;
    };
    let connector = AdyenConnector::new(
        AdyenConfig {
            name: "adyen_sepa".into(),
            base_url: prism.url.clone(),
            api_key: "AQE_test_key".into(),
            merchant_account: "CorridorECOM".into(),
            raw_card_data: false,
            return_url: "https://corridor.test/v1/payments/return".into(),
            timeout: Duration::from_secs(30),
            // The document has no SEPA example; an authorised answer is read.
            extra_headers: vec![("Prefer".into(), "example=card-direct".into())],
        },
        Clock::system(),
    )
    .unwrap();
    let answer = connector
        .charge(ChargeRequest {
            payment_id: "pay_sepa1".into(),
            idempotency_key: IdempotencyKey::parse("pay_sepa1-a1").unwrap(),
            amount: Amount::positive(4_990).unwrap(),
            currency: Currency::parse("EUR").unwrap(),
            country: CountryCode::parse("DE").unwrap(),
            capture: CaptureMode::Automatic,
            sca_required: false,
            method: PaymentMethod::SepaDebit {
                iban: IBAN.into(),
                owner_name: "A. Schneider".into(),
            },
        })
        .await
        .expect("a SEPA charge");
    assert_eq!(answer.outcome, ChargeOutcome::Captured);
    prism.assert_no_violations();
    // Without the holder's name the document refuses the request.
    let refused = reqwest::Client::new()
        .post(format!("{}/payments", prism.url))
        .header("X-API-Key", "AQE_test_key")
        .json(&json!({"amount": {"currency": "EUR", "value": 1}, "reference": "x",
            "merchantAccount": "CorridorECOM", "paymentMethod": {"type": "sepadirectdebit", "iban": IBAN}}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 422);
    for _ in 0..50 {
        if prism.violations().iter().any(|v| v.contains("ownerName")) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no violation names ownerName: {:?}", prism.violations());
}

type Seen = Arc<Mutex<Vec<(Option<String>, Value)>>>;

/// Adyen taking a SEPA debit: `Received`, the result comes by notification.
async fn payments(
    State(seen): State<Seen>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Json<Value> {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    seen.lock().unwrap().push((key, body.clone()));
    Json(
        json!({"resultCode": "Received", "pspReference": "PSPSEPA000000001",
        "merchantReference": body["reference"]}),
    )
}

both_backends!(a_sepa_debit_through_adyen_names_the_holder_and_completes_by_notification);

async fn a_sepa_debit_through_adyen_names_the_holder_and_completes_by_notification(s: &Server) {
    let seen: Seen = Arc::default();
    let app = Router::new()
        .route("/v71/payments", post(payments))
        .with_state(Arc::clone(&seen));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/v71", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let connector = s
        .post(
            "/v1/connectors",
            OPERATOR_KEY,
            &json!({"type": "adyen", "name": "adyen_sepa", "base_url": url,
                "merchant_account": "CorridorECOM", "return_url": "https://shop.example/return",
                "credentials": {"api_key": "AQE_sepa_key", "hmac_key": HMAC_KEY}}),
        )
        .await;
    assert_eq!(connector.status, StatusCode::CREATED, "{}", connector.json);
    let connector_id = connector.str("id");
    let (merchant, key) = s.merchant("SEPA Seller", "EUR").await;
    let rules = json!({"rules": [{"name": "adyen sepa", "when": {"method_types": ["sepa_debit"]}, "connectors": ["adyen_sepa"]}]});
    let put = s
        .call(
            Method::PUT,
            "/v1/routing_rules",
            Some(OPERATOR_KEY),
            None,
            Some(&rules.to_string()),
        )
        .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.json);
    let pay = |method: Value, customer: Value| {
        json!({"amount": 4_990, "currency": "EUR", "country": "DE", "confirm": true,
            "payment_method": method, "customer": customer})
    };

    // Bad input names its field and charges nothing.
    let r = s
        .post(
            "/v1/payments",
            &key,
            &pay(json!({"type": "sepa_debit", "iban": IBAN}), json!({})),
        )
        .await;
    r.assert_error(
        400,
        "invalid_request_error",
        "parameter_missing",
        Some("payment_method.owner_name"),
    );
    let r = s
        .post(
            "/v1/payments",
            &key,
            &pay(
                json!({"type": "sepa_debit", "iban": "DE89370400440532013001", "owner_name": "Anna Schneider"}),
                json!({}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.json);
    assert_eq!(
        r.json["error"]["param"], "payment_method.iban",
        "{}",
        r.json
    );
    let r = s
        .post(
            "/v1/payments",
            &key,
            &pay(
                json!({"type": "sepa_debit", "iban": IBAN, "owner_name": "x".repeat(71)}),
                json!({}),
            ),
        )
        .await;
    r.assert_error(
        400,
        "invalid_request_error",
        "parameter_invalid",
        Some("payment_method.owner_name"),
    );
    assert!(seen.lock().unwrap().is_empty(), "nothing sent to Adyen");

    // The buyer's name is the holder's; Adyen receives the debit.
    let paid = s
        .post(
            "/v1/payments",
            &key,
            &pay(
                json!({"type": "sepa_debit", "iban": "de89 3704 0044 0532 0130 00"}),
                json!({"name": "Anna Schneider"}),
            ),
        )
        .await;
    assert_eq!(paid.status, StatusCode::CREATED, "{}", paid.json);
    assert_eq!(paid.json["status"], "processing", "{}", paid.json);
    assert_eq!(paid.json["connector"], "adyen_sepa");
    let id = paid.str("id");
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 1);
        assert!(seen[0].0.is_some(), "an Idempotency-Key");
        assert_eq!(
            seen[0].1["paymentMethod"],
            json!({"type": "sepadirectdebit", "iban": IBAN, "ownerName": "Anna Schneider"})
        );
        assert_eq!(seen[0].1["reference"], id.as_str());
    }

    // Adyen's AUTHORISATION, twice: applied once.
    let authorised = request(&[item(
        "PSPSEPA000000001",
        &id,
        "AUTHORISATION",
        4_990,
        "EUR",
        true,
    )]);
    for _ in 0..2 {
        let r = notify(s, &connector_id, &authorised).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    }
    let done = s.get(&format!("/v1/payments/{id}"), &key).await;
    assert_eq!(done.json["status"], "succeeded", "{}", done.json);
    assert_eq!(done.json["amount_captured"], 4_990);
    let fee = done.json["fee"].as_i64().unwrap();
    assert_eq!(
        s.balances(&merchant).await,
        vec![("EUR".into(), 0, 4_990 - fee, 0)]
    );
    s.assert_verified().await;
}
