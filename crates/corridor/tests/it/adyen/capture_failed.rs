//! A failed capture on a payment whose money moved on: with a refund and a
//! dispute before settlement, the net comes back from `pending` and the
//! refund and the dispute's hold stay; after settlement and a refund, the
//! merchant's available balance gives what it still holds. Each once,
//! however often Adyen repeats the report, and the ledger balances.

use std::time::Duration;

use axum::extract::Path;
use axum::routing::post;
use axum::{Json, Router};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::api::HMAC_KEY;
use super::disputes::{dispute_item, eur, send_twice};
use crate::support::{both_backends, Server, OPERATOR_KEY};

/// Adyen authorising every payment (`PSP<reference>`) and accepting refunds.
fn standin() -> Router {
    Router::new()
        .route(
            "/v71/payments",
            post(|Json(body): Json<Value>| async move {
                let reference = body["reference"].as_str().unwrap_or_default();
                Json(
                    json!({"resultCode": "Authorised", "pspReference": psp(reference),
                    "merchantReference": reference, "amount": body["amount"]}),
                )
            }),
        )
        .route(
            "/v71/payments/{psp}/refunds",
            post(
                |Path(psp): Path<String>, Json(body): Json<Value>| async move {
                    Json(
                        json!({"pspReference": format!("RF{}", &psp[..14.min(psp.len())]),
                    "paymentPspReference": psp, "status": "received",
                    "merchantAccount": body["merchantAccount"], "amount": body["amount"]}),
                    )
                },
            ),
        )
}

fn psp(reference: &str) -> String {
    let alnum: String = reference
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    format!("PSP{alnum}")
}

async fn pay(s: &Server, key: &str, amount: i64) -> (String, i64) {
    let card = json!({"type": "card", "number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"});
    let paid = s
        .post("/v1/payments", key, &json!({"amount": amount, "currency": "EUR", "country": "NL", "payment_method": card, "confirm": true}))
        .await;
    assert_eq!(paid.status, StatusCode::CREATED, "{}", paid.json);
    assert_eq!(paid.json["status"], "succeeded", "{}", paid.json);
    (paid.str("id"), paid.json["fee"].as_i64().unwrap())
}

async fn refund(s: &Server, key: &str, payment: &str, amount: i64) {
    let r = s
        .post(
            "/v1/refunds",
            key,
            &json!({"payment": payment, "amount": amount}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
}

fn capture_failed(payment: &str, amount: i64) -> Value {
    dispute_item(
        &format!("CF{}", &psp(payment)[3..]),
        (payment, &psp(payment)),
        "CAPTURE_FAILED",
        amount,
        "Authorisation expired",
        json!({}),
    )
}

both_backends!(a_failed_capture_after_refunds_or_a_dispute_is_reversed_once);

async fn a_failed_capture_after_refunds_or_a_dispute_is_reversed_once(s: &Server) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/v71", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, standin()).await });
    let connector = s
        .post(
            "/v1/connectors",
            OPERATOR_KEY,
            &json!({"type": "adyen", "name": "adyen_cf", "base_url": url,
                "merchant_account": "CorridorECOM", "return_url": "https://shop.example/return",
                "raw_card_data": true, "credentials": {"api_key": "AQE_cf_key", "hmac_key": HMAC_KEY}}),
        )
        .await;
    assert_eq!(connector.status, StatusCode::CREATED, "{}", connector.json);
    let connector = connector.str("id");
    let (merchant, key) = s.merchant("Capture Failed Seller", "EUR").await;
    let rules = json!({"rules": [{"name": "adyen cards", "when": {"method_types": ["card"]}, "connectors": ["adyen_cf"]}]});
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

    // Before settlement: a refund (paid from available) and a dispute (held
    // on available), then the capture fails.
    s.credit(&merchant, 20_000, "EUR").await;
    let (first, fee) = pay(s, &key, 10_000).await;
    refund(s, &key, &first, 2_500).await;
    let noc = dispute_item(
        "PSPCFDISPUTE0001",
        (&first, &psp(&first)),
        "NOTIFICATION_OF_CHARGEBACK",
        3_000,
        "Merchandise/Services Not Received",
        json!({"chargebackReasonCode": "13.1", "chargebackSchemeCode": "visa",
               "defensePeriodEndsAt": "2027-01-15T10:00:00+01:00", "disputeStatus": "Unresponded"}),
    );
    send_twice(s, &connector, &[noc]).await;
    let (available, pending, reserved) = eur(s, &merchant).await;
    assert_eq!(pending, 10_000 - fee);
    assert!(reserved > 0, "the dispute holds funds");
    send_twice(s, &connector, &[capture_failed(&first, 10_000)]).await;
    let failed = s.get(&format!("/v1/payments/{first}"), &key).await;
    assert_eq!(failed.json["status"], "failed", "{}", failed.json);
    assert_eq!(failed.json["amount_captured"], 0, "{}", failed.json);
    assert_eq!(failed.json["amount_refunded"], 2_500, "{}", failed.json);
    assert_eq!(
        eur(s, &merchant).await,
        (available, 0, reserved),
        "the net left pending once; the refund and the dispute's hold stay"
    );
    s.assert_verified().await;

    // After settlement: the net is in available, a refund took most of it,
    // the capture fails: available gives what it holds beyond its holds,
    // the rest is owed by the merchant, once.
    let (second, fee) = pay(s, &key, 8_000).await;
    let r = s
        .post(
            "/v1/test_helpers/clock/advance",
            OPERATOR_KEY,
            &json!({"seconds": 10 * 24 * 3600}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let mut settled = (0, 0, 0);
    for _ in 0..100 {
        settled = eur(s, &merchant).await;
        if settled.1 == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(settled, (available + 8_000 - fee, 0, reserved), "settled");
    refund(s, &key, &second, 7_000).await;
    // The merchant pays out what is left beyond 1,000.
    let spend = settled.0 - 7_000 - 1_000;
    let r = s
        .post(
            &format!("/v1/merchants/{merchant}/adjustments"),
            OPERATOR_KEY,
            &json!({"amount": spend, "currency": "EUR", "direction": "debit", "reason": "test payout"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    assert_eq!(eur(s, &merchant).await, (1_000, 0, reserved));
    send_twice(s, &connector, &[capture_failed(&second, 8_000)]).await;
    let failed = s.get(&format!("/v1/payments/{second}"), &key).await;
    assert_eq!(failed.json["status"], "failed", "{}", failed.json);
    assert_eq!(
        eur(s, &merchant).await,
        (0, 0, reserved),
        "available gave the 1,000 it held; the rest of the net is owed"
    );
    let log = s
        .get(
            &format!("/v1/connectors/{connector}/notifications?limit=100"),
            OPERATOR_KEY,
        )
        .await;
    let outcomes: Vec<&str> = log.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["event_code"] == "CAPTURE_FAILED")
        .map(|n| n["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["applied", "applied"], "{}", log.json);
    s.assert_verified().await;
}
