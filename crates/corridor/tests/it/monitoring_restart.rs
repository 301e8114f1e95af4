//! Transaction monitoring survives a restart: the windows are counted
//! again from the stored payments when the server starts, so a velocity
//! rule still fires on the next payment, on both backends.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::restartable::Restartable;
use crate::support::{each_backend, Backend};

each_backend!(a_velocity_window_is_rebuilt_after_a_restart);

async fn pay(s: &Restartable, key: &str) -> Value {
    let card = json!({"type": "card", "number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"});
    let r = s
        .call(
            Method::POST,
            "/v1/payments",
            key,
            Some(&json!({"amount": 1_234, "currency": "USD", "country": "US", "payment_method": card, "confirm": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    r.json
}

async fn velocity_alerts(s: &Restartable) -> Vec<Value> {
    let alerts = s.get("/v1/compliance/alerts?limit=100").await;
    assert_eq!(alerts.status, StatusCode::OK, "{}", alerts.json);
    alerts.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["details"]["rule"] == "card_velocity_test")
        .cloned()
        .collect()
}

async fn a_velocity_window_is_rebuilt_after_a_restart(backend: Backend) {
    let mut s = Restartable::start(backend).await;
    let rules = json!({
        "unapproved_merchant_limit_usd": "10000.00",
        "corridor_rules": [],
        "monitoring_rules": [
            {"name": "card_velocity_test", "severity": "high", "flows": ["payment"], "check": "velocity",
             "per": "card", "window_seconds": 3600, "max_count": 2}
        ]
    });
    let put = s.put("/v1/compliance/rules", &rules).await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.json);
    let merchant = s
        .post(
            "/v1/merchants",
            &json!({"legal_name": "Velocity Goods", "country": "US", "home_currency": "USD"}),
        )
        .await;
    assert_eq!(merchant.status, StatusCode::CREATED, "{}", merchant.json);
    let key = merchant.str("api_key");

    // Two payments with one card: within the rule.
    pay(&s, &key).await;
    pay(&s, &key).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(velocity_alerts(&s).await, Vec::<Value>::new());

    // After a restart the card's window still holds both: the third fires.
    s.restart().await;
    let third = pay(&s, &key).await;
    let mut found = Vec::new();
    for _ in 0..100 {
        found = velocity_alerts(&s).await;
        if !found.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["severity"], "high");
    assert_eq!(found[0]["details"]["reference"], third["id"], "{found:?}");
    assert!(
        found[0]["details"]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("3 payments")),
        "{found:?}"
    );
}
